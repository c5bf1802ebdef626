"""Block Kit limits, checked before anything is sent (Slack rejects the whole message otherwise)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from supportbot.infra.errors import SupportbotError

# The one table of Slack's Block Kit limits: the bot checks against it before sending, and the emulator
# (supportbot/emulator/blockkit.py) rejects what breaks it, the way Slack does.
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
HOME_BLOCKS = 100
MESSAGE_TEXT = 40_000
SECTION_TEXT = 3_000
FIELD_TEXT = 2_000
FIELDS = 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2_000
ACTION_ID = 255
BLOCK_ID = 255
MODAL_TITLE = 24
MODAL_BUTTON = 24
PRIVATE_METADATA = 3_000
INPUT_LABEL = 2_000
PLACEHOLDER = 150
INITIAL_VALUE = 3_000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
BUTTON_URL = 3_000
INPUT_HINT = 2_000
IMAGE_ALT = 2_000
MARKDOWN_TEXT = 12_000
CALLBACK_ID = 255
EXTERNAL_ID = 255


class BlockKitError(SupportbotError, ValueError):
    """A payload breaks Block Kit limits; ``problems`` lists each with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def validate_message(payload: Mapping[str, Any]) -> None:
    """Check a chat.postMessage-style payload: fallback text and blocks."""
    problems: list[str] = []
    text = payload.get("text")
    blocks = payload.get("blocks") or []
    if not text and not blocks:
        problems.append("message: needs text or blocks")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        problems.append(f"text: {len(text)} chars > {MESSAGE_TEXT}")
    _check_blocks(blocks, MESSAGE_BLOCKS, "blocks", problems)
    if problems:
        raise BlockKitError(problems)


def validate_view(view: Mapping[str, Any]) -> None:
    """Check a modal or App Home view."""
    problems: list[str] = []
    kind = view.get("type")
    if kind not in {"modal", "home"}:
        problems.append(f"view.type: {kind!r} is not 'modal' or 'home'")
    if kind == "modal":
        for key, limit in (("title", MODAL_TITLE), ("submit", MODAL_BUTTON), ("close", MODAL_BUTTON)):
            _check_text(view.get(key), limit, f"view.{key}", problems, required=key == "title")
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > PRIVATE_METADATA:
        problems.append(f"view.private_metadata: {len(metadata)} chars > {PRIVATE_METADATA}")
    _check_blocks(view.get("blocks") or [], VIEW_BLOCKS, "view.blocks", problems)
    if problems:
        raise BlockKitError(problems)


def _check_blocks(blocks: Any, limit: int, path: str, problems: list[str]) -> None:
    if not isinstance(blocks, list):
        problems.append(f"{path}: must be a list")
        return
    if len(blocks) > limit:
        problems.append(f"{path}: {len(blocks)} blocks > {limit}")
    for index, block in enumerate(blocks):
        where = f"{path}[{index}]"
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"{where}: not a block")
            continue
        _check_id(block.get("block_id"), BLOCK_ID, f"{where}.block_id", problems)
        kind = block["type"]
        if kind == "section":
            _check_text(block.get("text"), SECTION_TEXT, f"{where}.text", problems, required="fields" not in block)
            fields = block.get("fields") or []
            if len(fields) > FIELDS:
                problems.append(f"{where}.fields: {len(fields)} > {FIELDS}")
            for number, item in enumerate(fields):
                _check_text(item, FIELD_TEXT, f"{where}.fields[{number}]", problems, required=True)
            if "accessory" in block:
                _check_element(block["accessory"], f"{where}.accessory", problems)
        elif kind == "header":
            _check_text(block.get("text"), HEADER_TEXT, f"{where}.text", problems, required=True)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > CONTEXT_ELEMENTS:
                problems.append(f"{where}.elements: {len(elements)} (1 to {CONTEXT_ELEMENTS})")
            for number, item in enumerate(elements):
                if isinstance(item, dict) and item.get("type") in {"mrkdwn", "plain_text"}:
                    _check_text(item, SECTION_TEXT, f"{where}.elements[{number}]", problems, required=True)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > ACTIONS_ELEMENTS:
                problems.append(f"{where}.elements: {len(elements)} (1 to {ACTIONS_ELEMENTS})")
            for number, item in enumerate(elements):
                _check_element(item, f"{where}.elements[{number}]", problems)
        elif kind == "input":
            _check_text(block.get("label"), INPUT_LABEL, f"{where}.label", problems, required=True)
            if "element" not in block:
                problems.append(f"{where}.element: missing")
            else:
                _check_element(block["element"], f"{where}.element", problems)
        elif kind == "rich_text" or kind in {"divider", "image"}:
            pass
        else:
            problems.append(f"{where}: block type {kind!r} is not used by supportbot")


def _check_element(element: Any, path: str, problems: list[str]) -> None:
    if not isinstance(element, dict):
        problems.append(f"{path}: not an element")
        return
    _check_id(element.get("action_id"), ACTION_ID, f"{path}.action_id", problems)
    kind = element.get("type")
    if kind == "button":
        _check_text(element.get("text"), BUTTON_TEXT, f"{path}.text", problems, required=True)
        value = element.get("value")
        if isinstance(value, str) and len(value) > BUTTON_VALUE:
            problems.append(f"{path}.value: {len(value)} chars > {BUTTON_VALUE}")
    elif kind == "plain_text_input":
        initial = element.get("initial_value")
        if isinstance(initial, str) and len(initial) > INITIAL_VALUE:
            problems.append(f"{path}.initial_value: {len(initial)} chars > {INITIAL_VALUE}")
    if "placeholder" in element:
        _check_text(element["placeholder"], PLACEHOLDER, f"{path}.placeholder", problems, required=True)
    for number, option in enumerate(_options(element)):
        _check_text(option.get("text"), OPTION_TEXT, f"{path}.options[{number}].text", problems, required=True)


def _options(element: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    options: Sequence[Any] = element.get("options") or []
    return [option for option in options if isinstance(option, dict)]


def _check_text(obj: Any, limit: int, path: str, problems: list[str], *, required: bool) -> None:
    if obj is None:
        if required:
            problems.append(f"{path}: missing")
        return
    if not isinstance(obj, dict) or obj.get("type") not in {"mrkdwn", "plain_text"}:
        problems.append(f"{path}: must be a text object")
        return
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"{path}: empty text")
    elif len(text) > limit:
        problems.append(f"{path}: {len(text)} chars > {limit}")


def _check_id(value: Any, limit: int, path: str, problems: list[str]) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        problems.append(f"{path}: longer than {limit} chars")
