"""What a post to an interaction's response_url does, with Slack's semantics.

``delete_original`` removes the source message, ``replace_original`` rewrites it, otherwise a new
message appears: only for the person who acted (``response_type`` ``ephemeral``, the default) or
for the whole conversation (``in_channel``). The app's answer in a command's or action's HTTP
acknowledgement is handled the same way.
"""

from __future__ import annotations

from typing import Any

from supportbot.emulator.interactivity import ResponseTarget
from supportbot.emulator.model import Ephemeral, JSONDict, Message
from supportbot.emulator.webapi.base import ApiError
from supportbot.emulator.webapi.chat import checked_blocks
from supportbot.emulator.workspace import Workspace


def apply_response(ws: Workspace, target: ResponseTarget, payload: JSONDict, *, origin: str) -> None:
    text = str(payload.get("text") or "")
    blocks = checked_blocks(payload.get("blocks"))
    with ws.lock:
        if _flag(payload.get("delete_original")):
            _delete_original(ws, target, origin)
            return
        if not text and not blocks:
            raise ApiError("no_text")
        if _flag(payload.get("replace_original")):
            _replace_original(ws, target, text, blocks, origin)
            return
        if target.channel is None:
            raise ApiError("channel_not_found")
        thread_ts = payload.get("thread_ts") or target.thread_ts
        if payload.get("response_type") == "in_channel":
            ws.add_message(target.channel, text, user=ws.bot.id, origin=origin, blocks=blocks, thread_ts=thread_ts)
        else:
            ws.add_ephemeral(
                target.channel, target.user_id, text, posted_by=ws.bot.id, origin=origin, blocks=blocks,
                thread_ts=thread_ts,
            )  # fmt: skip


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _original(ws: Workspace, target: ResponseTarget) -> Message | Ephemeral:
    """The message the interaction came from (an ephemeral one too), still there."""
    found: Message | Ephemeral | None = None
    if target.channel is not None and target.message_ts is not None:
        if target.ephemeral:
            found = ws.ephemeral(target.channel, target.message_ts)
        else:
            found = ws.message(target.channel, target.message_ts)
    if found is None:
        raise ApiError("message_not_found")
    return found


def _delete_original(ws: Workspace, target: ResponseTarget, origin: str) -> None:
    original = _original(ws, target)
    if isinstance(original, Ephemeral):
        ws.delete_ephemeral(original, origin=origin)
    elif original.user != ws.bot.id:
        raise ApiError("cant_delete_message")
    else:
        ws.delete_message(original.channel, original.ts, by=ws.bot.id, origin=origin)


def _replace_original(
    ws: Workspace, target: ResponseTarget, text: str, blocks: list[JSONDict] | None, origin: str
) -> None:
    original = _original(ws, target)
    if isinstance(original, Ephemeral):
        ws.replace_ephemeral(original, text=text, blocks=blocks, origin=origin)
    elif original.user != ws.bot.id:
        raise ApiError("cant_update_message")
    else:
        # Replacing means replacing: blocks the new message does not have are gone.
        ws.edit_message(original.channel, original.ts, editor=ws.bot.id, origin=origin, text=text, blocks=blocks or [])
