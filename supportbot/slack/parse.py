"""Turn Slack payloads into plain objects. Defensive: a malformed payload yields None, never a crash."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supportbot.text.messages import FileRef, Message, TextPart, unescape_slack

# Message subtypes that carry something a person wrote; others (joins, topic changes…) are skipped.
_CONTENT_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message", "bot_message"}
_MAX_PARTS = 200


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def message_from_event(event: Mapping[str, Any], envelope: Mapping[str, Any] | None = None) -> Message | None:
    """A ``message`` event (new, reply, file share, or edit) as a :class:`Message`; None otherwise."""
    envelope = envelope or {}
    if event.get("type") != "message":
        return None
    subtype = event.get("subtype")
    is_edit = subtype == "message_changed"
    if is_edit:
        inner = _dict(event.get("message"))
        if not inner or _str(inner, "subtype") == "tombstone":
            return None
        source: Mapping[str, Any] = inner
        subtype = inner.get("subtype")
        previous = _dict(event.get("previous_message"))
        if inner.get("text") == previous.get("text") and inner.get("files") == previous.get("files"):
            return None  # unfurls and other metadata updates: nothing new was written
    else:
        source = event
    if subtype not in _CONTENT_SUBTYPES:
        return None
    channel = _str(event, "channel") or _str(source, "channel")
    ts = _str(source, "ts")
    if channel is None or ts is None:
        return None
    text = source.get("text") if isinstance(source.get("text"), str) else ""
    return Message(
        channel=channel,
        ts=ts,
        user=_str(source, "user"),
        text=str(text),
        channel_type=_str(event, "channel_type") or _guess_channel_type(channel),
        thread_ts=_str(source, "thread_ts"),
        team=_str(source, "user_team") or _str(source, "team") or _str(envelope, "team_id"),
        is_edit=is_edit,
        bot_id=_str(source, "bot_id"),
        subtype=subtype if isinstance(subtype, str) else None,
        extra_texts=tuple(_extra_texts(source, str(text))),
        files=tuple(_files(source)),
        event_id=_str(envelope, "event_id"),
        is_ext_shared=bool(envelope.get("is_ext_shared_channel")),
    )


def _guess_channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")


def _extra_texts(source: Mapping[str, Any], main_text: str) -> list[TextPart]:
    parts: list[TextPart] = []
    plain_main = unescape_slack(main_text)
    for index, raw_block in enumerate(_list(source.get("blocks"))[:50]):
        block = _dict(raw_block)
        if block.get("type") == "rich_text":
            rendered = rich_text_to_plain(block)
            if rendered and rendered.strip() != plain_main.strip():
                parts.append(TextPart(f"blocks[{index}]", rendered))
        elif block.get("type") == "section":
            text = _str(_dict(block.get("text")), "text")
            if text:
                parts.append(TextPart(f"blocks[{index}]", text))
    for index, raw_attachment in enumerate(_list(source.get("attachments"))[:20]):
        attachment = _dict(raw_attachment)
        for key in ("pretext", "title", "text", "fallback", "footer"):
            value = _str(attachment, key)
            if value:
                parts.append(TextPart(f"attachments[{index}].{key}", value))
        for number, field in enumerate(_list(attachment.get("fields"))[:20]):
            value = _str(_dict(field), "value")
            if value:
                parts.append(TextPart(f"attachments[{index}].fields[{number}]", value))
    return parts[:_MAX_PARTS]


def rich_text_to_plain(block: Mapping[str, Any]) -> str:
    """Flatten a rich_text block to the characters the author typed."""
    out: list[str] = []

    def walk(element: Mapping[str, Any], depth: int) -> None:
        if depth > 12:
            return
        kind = element.get("type")
        if kind == "text":
            out.append(str(element.get("text", "")))
        elif kind == "link":
            out.append(str(element.get("text") or element.get("url") or ""))
            if element.get("text") and element.get("url"):
                out.append(f" ({element.get('url')})")
        elif kind == "emoji":
            out.append(f":{element.get('name', '')}:")
        elif kind in {"user", "channel", "usergroup", "broadcast"}:
            out.append(" ")
        for child in _list(element.get("elements")):
            walk(_dict(child), depth + 1)
        if kind in {"rich_text_section", "rich_text_preformatted", "rich_text_quote", "rich_text_list"}:
            out.append("\n")

    walk(block, 0)
    return "".join(out).strip()


def _files(source: Mapping[str, Any]) -> list[FileRef]:
    refs: list[FileRef] = []
    for raw_item in _list(source.get("files"))[:20]:
        item = _dict(raw_item)
        file_id = _str(item, "id")
        if file_id is None:
            continue
        size = item.get("size")
        refs.append(
            FileRef(
                id=file_id,
                name=_str(item, "name") or "",
                title=_str(item, "title") or "",
                mimetype=_str(item, "mimetype") or "",
                filetype=_str(item, "filetype") or "",
                mode=_str(item, "mode") or "",
                size=size if isinstance(size, int) else 0,
                url_private=_str(item, "url_private"),
                preview=_str(item, "preview"),
                is_external_access=item.get("file_access") == "check_file_info",
            )
        )
    return refs
