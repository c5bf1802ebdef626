"""Slack's message markup: how typed text reaches an app, and how to show it to a person again.

A Slack client escapes ``& < >`` in what a person types, turns bare web addresses into
``<https://…>`` links, and sends ``rich_text`` blocks holding the raw characters alongside.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import regex

from supportbot.emulator.model import JSONDict

_TOKEN = regex.compile(r"<([^<>]+)>")
_URL = regex.compile(r"https?://[^\s<>]+")
# Punctuation right after an address usually ends the sentence, not the address.
_URL_TRAILING = ".,;:!?)]}'\""
# *bold* and _italic_ markers around words (not the underscore inside names like triage_next).
_EMPHASIS = regex.compile(r"(?<!\w)([*_])(?!\s)([^*_\n]+?)(?<!\s)\1(?!\w)")


def escape(text: str) -> str:
    """Escape the three characters Slack escapes in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def autolink(escaped: str) -> str:
    """Wrap bare web addresses of already escaped text in ``<…>`` as a Slack client does."""

    def wrap(match: regex.Match[str]) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in _URL_TRAILING:
            tail = url[-1] + tail
            url = url[:-1]
        # An escaped ``&gt;`` glued to the address is a closing bracket, not part of it.
        for entity in ("&gt;", "&lt;"):
            cut = url.find(entity)
            if cut != -1:
                tail = url[cut:] + tail
                url = url[:cut]
        return f"<{url}>{tail}" if url else tail

    parts = _TOKEN.split(escaped)
    # Even indexes are plain text, odd ones already-formatted tokens.
    return "".join(_URL.sub(wrap, part) if i % 2 == 0 else f"<{part}>" for i, part in enumerate(parts))


def from_typed(text: str, *, links: bool = True) -> str:
    """The ``text`` field Slack delivers for what a person typed."""
    escaped = escape(text)
    return autolink(escaped) if links else escaped


def rich_text_block(text: str) -> JSONDict:
    """A ``rich_text`` block mirroring Slack-formatted ``text`` (raw characters, typed elements)."""
    elements: list[JSONDict] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            elements.append({"type": "text", "text": unescape(text[pos : match.start()])})
        elements.append(_rich_element(match.group(1)))
        pos = match.end()
    if pos < len(text):
        elements.append({"type": "text", "text": unescape(text[pos:])})
    return {
        "type": "rich_text",
        "block_id": secrets.token_hex(3),
        "elements": [{"type": "rich_text_section", "elements": elements}],
    }


def _rich_element(token: str) -> JSONDict:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return {"type": "user", "user_id": target[1:]}
    if target.startswith("#"):
        return {"type": "channel", "channel_id": target[1:]}
    if target.startswith("!subteam^"):
        return {"type": "usergroup", "usergroup_id": target[len("!subteam^") :]}
    if target.startswith("!"):
        return {"type": "broadcast", "range": target[1:]}
    element: JSONDict = {"type": "link", "url": unescape(target)}
    if label:
        element["text"] = unescape(label)
    return element


def rich_text_plain(block: JSONDict) -> str:
    """The characters of a ``rich_text`` block, as a person would read them."""
    out: list[str] = []

    def walk(node: JSONDict) -> None:
        kind = node.get("type")
        if kind == "text":
            out.append(str(node.get("text", "")))
        elif kind == "link":
            out.append(str(node.get("text") or node.get("url", "")))
        elif kind == "user":
            out.append(f"<@{node.get('user_id', '')}>")
        elif kind == "channel":
            out.append(f"<#{node.get('channel_id', '')}>")
        elif kind == "emoji":
            out.append(f":{node.get('name', '')}:")
        elif kind == "broadcast":
            out.append(f"@{node.get('range', '')}")
        for child in node.get("elements", []) or []:
            if isinstance(child, dict):
                walk(child)
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote") and out:
            out.append("\n")

    walk(block)
    return "".join(out).rstrip("\n")


def plain(text: str, name_of: Callable[[str], str] | None = None) -> str:
    """Slack markup shown as plain text: links as ``label (url)``, mentions as ``@name``."""
    names = name_of or (lambda ident: ident)

    def render(token: str) -> str:
        target, _, label = token.partition("|")
        if target.startswith("@"):
            return "@" + (label or names(target[1:]))
        if target.startswith("#"):
            return "#" + (label or names(target[1:]))
        if target.startswith("!subteam^"):
            return label or "@" + target[len("!subteam^") :]
        if target.startswith("!date^"):
            return label or target
        if target.startswith("!"):
            return "@" + target[1:]
        url = unescape(target)
        if label and unescape(label) != url:
            return f"{unescape(label)} ({url})"
        return url

    parts = _TOKEN.split(text)
    return "".join(unescape(_EMPHASIS.sub(r"\2", part)) if i % 2 == 0 else render(part) for i, part in enumerate(parts))
