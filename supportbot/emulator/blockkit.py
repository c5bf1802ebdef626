"""Block Kit limits Slack enforces, checked the way Slack reports them.

Each problem is one string ending in ``[json-pointer:/blocks/3/text/text]``, the form Slack puts
into ``response_metadata.messages``. Pure functions: the lead's template tests can call
``message_problems`` and ``view_problems`` directly.
"""

from __future__ import annotations

import secrets
from typing import Any, Final, Literal

from supportbot.emulator.model import JSONDict
from supportbot.render.blockkit import (
    ACTION_ID,
    ACTIONS_ELEMENTS,
    BLOCK_ID,
    BUTTON_TEXT,
    BUTTON_URL,
    BUTTON_VALUE,
    CALLBACK_ID,
    CONTEXT_ELEMENTS,
    EXTERNAL_ID,
    FIELD_TEXT,
    FIELDS,
    HEADER_TEXT,
    HOME_BLOCKS,
    IMAGE_ALT,
    INPUT_HINT,
    INPUT_LABEL,
    MARKDOWN_TEXT,
    MESSAGE_BLOCKS,
    MODAL_BUTTON,
    MODAL_TITLE,
    OPTION_TEXT,
    OPTION_VALUE,
    OPTIONS,
    PLACEHOLDER,
    PRIVATE_METADATA,
    SECTION_TEXT,
    VIEW_BLOCKS,
)

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: Final = {"message": MESSAGE_BLOCKS, "modal": VIEW_BLOCKS, "home": HOME_BLOCKS}

_KNOWN_BLOCKS: Final = frozenset(
    {
        "section", "header", "divider", "context", "actions", "input", "image", "rich_text",
        "file", "video", "markdown", "context_actions", "table", "call",
    }
)  # fmt: skip
_SELECTS: Final = frozenset({"static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes"})


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, message: str, pointer: str) -> None:
        self.problems.append(f"{message} [json-pointer:{pointer}]")

    def max_len(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(f"must be less than {limit + 1} characters", pointer)

    def text_object(
        self, obj: Any, limit: int, pointer: str, *, plain_only: bool = False, required: bool = True
    ) -> None:
        if obj is None:
            if required:
                self.add("missing required field: text", pointer)
            return
        if not isinstance(obj, dict):
            self.add("must be a text object", pointer)
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.add(f"must be one of: {', '.join(allowed)}", f"{pointer}/type")
        text = obj.get("text")
        if not isinstance(text, str):
            self.add("missing required field: text", f"{pointer}/text")
        elif not text:
            self.add("must be more than 0 characters", f"{pointer}/text")
        else:
            self.max_len(text, limit, f"{pointer}/text")


def _element(check: _Checker, element: Any, pointer: str) -> None:
    if not isinstance(element, dict):
        check.add("must be an object", pointer)
        return
    kind = element.get("type")
    if not isinstance(kind, str):
        check.add("missing required field: type", pointer)
        return
    check.max_len(element.get("action_id"), ACTION_ID, f"{pointer}/action_id")
    if kind == "button":
        check.text_object(element.get("text"), BUTTON_TEXT, f"{pointer}/text", plain_only=True)
        check.max_len(element.get("value"), BUTTON_VALUE, f"{pointer}/value")
        check.max_len(element.get("url"), BUTTON_URL, f"{pointer}/url")
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            check.add("must be one of: primary, danger", f"{pointer}/style")
    elif kind in _SELECTS:
        options = element.get("options")
        if isinstance(options, list):
            if len(options) > OPTIONS:
                check.add(f"must provide no more than {OPTIONS} items", f"{pointer}/options")
            for i, option in enumerate(options):
                if isinstance(option, dict):
                    check.text_object(option.get("text"), OPTION_TEXT, f"{pointer}/options/{i}/text")
                    check.max_len(option.get("value"), OPTION_VALUE, f"{pointer}/options/{i}/value")
    if "placeholder" in element:
        check.text_object(element.get("placeholder"), PLACEHOLDER, f"{pointer}/placeholder", plain_only=True)


def _block(check: _Checker, block: Any, pointer: str, seen_ids: set[str]) -> None:
    if not isinstance(block, dict):
        check.add("must be an object", pointer)
        return
    kind = block.get("type")
    if kind not in _KNOWN_BLOCKS:
        check.add(f"unknown block type {kind!r}", f"{pointer}/type")
        return
    block_id = block.get("block_id")
    if block_id is not None:
        if not isinstance(block_id, str):
            check.add("must be a string", f"{pointer}/block_id")
        else:
            check.max_len(block_id, BLOCK_ID, f"{pointer}/block_id")
            if block_id in seen_ids:
                check.add(f"duplicate block_id {block_id!r}", f"{pointer}/block_id")
            seen_ids.add(block_id)
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            check.add("must provide either text or fields", pointer)
        if text is not None:
            check.text_object(text, SECTION_TEXT, f"{pointer}/text")
        if fields is not None:
            if not isinstance(fields, list):
                check.add("must be an array", f"{pointer}/fields")
            else:
                if len(fields) > FIELDS:
                    check.add(f"must provide no more than {FIELDS} items", f"{pointer}/fields")
                for i, item in enumerate(fields):
                    check.text_object(item, FIELD_TEXT, f"{pointer}/fields/{i}")
        if "accessory" in block:
            _element(check, block["accessory"], f"{pointer}/accessory")
    elif kind == "header":
        check.text_object(block.get("text"), HEADER_TEXT, f"{pointer}/text", plain_only=True)
    elif kind in ("context", "actions"):
        limit = CONTEXT_ELEMENTS if kind == "context" else ACTIONS_ELEMENTS
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            check.add("must provide at least 1 item", f"{pointer}/elements")
            return
        if len(elements) > limit:
            check.add(f"must provide no more than {limit} items", f"{pointer}/elements")
        action_ids: set[str] = set()
        for i, element in enumerate(elements):
            here = f"{pointer}/elements/{i}"
            if kind == "context":
                if isinstance(element, dict) and element.get("type") in ("plain_text", "mrkdwn"):
                    check.text_object(element, SECTION_TEXT, here)
                continue
            _element(check, element, here)
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if isinstance(action_id, str):
                if action_id in action_ids:
                    check.add(f"duplicate action_id {action_id!r}", f"{here}/action_id")
                action_ids.add(action_id)
    elif kind == "input":
        check.text_object(block.get("label"), INPUT_LABEL, f"{pointer}/label", plain_only=True)
        if "hint" in block:
            check.text_object(block.get("hint"), INPUT_HINT, f"{pointer}/hint", plain_only=True)
        if not isinstance(block.get("element"), dict):
            check.add("missing required field: element", f"{pointer}/element")
        else:
            _element(check, block["element"], f"{pointer}/element")
    elif kind == "image":
        check.max_len(block.get("alt_text"), IMAGE_ALT, f"{pointer}/alt_text")
    elif kind == "markdown":
        check.max_len(block.get("text"), MARKDOWN_TEXT, f"{pointer}/text")


def block_problems(blocks: Any, surface: Surface, pointer: str = "/blocks") -> list[str]:
    """Every limit ``blocks`` breaks on ``surface`` (empty when Slack would accept them)."""
    check = _Checker()
    if not isinstance(blocks, list):
        check.add("must be an array", pointer)
        return check.problems
    limit = MAX_BLOCKS[surface]
    if len(blocks) > limit:
        check.add(f"must provide no more than {limit} items", pointer)
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        _block(check, block, f"{pointer}/{i}", seen)
    return check.problems


def message_problems(blocks: Any) -> list[str]:
    return block_problems(blocks, "message")


def view_problems(view: Any) -> list[str]:
    """Every limit a ``views.open/update/push/publish`` view breaks."""
    check = _Checker()
    if not isinstance(view, dict):
        check.add("must be an object", "/view")
        return check.problems
    kind = view.get("type")
    if kind not in ("modal", "home"):
        check.add("must be one of: modal, home", "/view/type")
        return check.problems
    if kind == "modal":
        check.text_object(view.get("title"), MODAL_TITLE, "/view/title", plain_only=True)
        for name in ("submit", "close"):
            if name in view:
                check.text_object(view.get(name), MODAL_BUTTON, f"/view/{name}", plain_only=True)
        has_inputs = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
        if has_inputs and "submit" not in view:
            check.add("submit is required when the view has input blocks", "/view/submit")
    check.max_len(view.get("private_metadata"), PRIVATE_METADATA, "/view/private_metadata")
    check.max_len(view.get("callback_id"), CALLBACK_ID, "/view/callback_id")
    check.max_len(view.get("external_id"), EXTERNAL_ID, "/view/external_id")
    surface: Surface = "modal" if kind == "modal" else "home"
    check.problems.extend(block_problems(view.get("blocks"), surface, "/view/blocks"))
    return check.problems


def with_block_ids(blocks: list[JSONDict]) -> list[JSONDict]:
    """Copies of ``blocks`` where each block has a ``block_id``, generated as Slack does when absent."""
    out: list[JSONDict] = []
    for block in blocks:
        copied = dict(block)
        if not copied.get("block_id"):
            copied["block_id"] = secrets.token_urlsafe(4)[:5]
        out.append(copied)
    return out
