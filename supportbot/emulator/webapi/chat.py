"""chat.* methods, with Slack's rules on who may post, edit and delete what."""

from __future__ import annotations

from typing import Any, Final

from supportbot.emulator import blockkit
from supportbot.emulator.model import Channel, JSONDict, Message
from supportbot.emulator.serialize import message_json
from supportbot.emulator.webapi.base import ApiContext, ApiError, method
from supportbot.emulator.workspace import Workspace

MAX_TEXT: Final = 40_000  # chat.postMessage silently truncates beyond this
MAX_UPDATE_TEXT: Final = 4_000  # chat.update refuses beyond this (msg_too_long)


def message_content(ctx: ApiContext) -> tuple[str, list[JSONDict] | None, list[JSONDict] | None]:
    """Text, blocks and attachments of a posting call, validated as Slack does."""
    text = ctx.params.text("text") or ""
    blocks = ctx.params.structured("blocks")
    attachments = ctx.params.structured("attachments")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    blocks = checked_blocks(blocks) or None
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    if isinstance(attachments, list) and len(attachments) > 100:
        raise ApiError("too_many_attachments")
    return text, blocks, attachments or None


def checked_blocks(blocks: Any) -> list[JSONDict] | None:
    """Message blocks that pass Block Kit's limits (with block ids filled in), else ``invalid_blocks``."""
    if blocks is None:
        return None
    problems = blockkit.message_problems(blocks)
    if problems:
        raise ApiError("invalid_blocks", messages=[f"[ERROR] {p}" for p in problems], extra={"errors": problems})
    return blockkit.with_block_ids(blocks)


def require_post_access(ctx: ApiContext, channel: Channel) -> None:
    """Bots may post to any public channel (chat:write.public); elsewhere the poster must be a member."""
    if ctx.user.id in channel.members:
        return
    if ctx.is_bot and channel.kind == "public":
        return
    raise ApiError("not_in_channel")


def can_delete(ws: Workspace, ctx: ApiContext, channel: Channel, author_id: str | None) -> bool:
    """Slack's deletion rule for a message (or file) written by ``author_id``."""
    if author_id is not None and author_id == ctx.user.id:
        return True
    if ctx.is_bot or not ctx.user.is_privileged:
        return False
    if channel.is_direct:
        return False
    author = ws.users.get(author_id or "")
    return author is not None and author.team_id == ctx.user.team_id


def _existing(ctx: ApiContext, channel: Channel, ts_param: str = "ts") -> Message:
    ts = ctx.params.text(ts_param)
    message = ctx.ws.message(channel.id, ts) if ts else None
    if message is None:
        raise ApiError("message_not_found")
    return message


@method("chat.postMessage")
def post_message(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel(must_see=False)
    if channel.is_private and ctx.user.id not in channel.members and not ctx.is_bot:
        raise ApiError("channel_not_found")
    text, blocks, attachments = message_content(ctx)
    require_post_access(ctx, channel)
    thread_ts = ctx.params.text("thread_ts")
    subtype = "thread_broadcast" if thread_ts and ctx.params.flag("reply_broadcast") else None
    metadata = ctx.params.structured("metadata")
    message = ctx.ws.add_message(
        channel.id,
        text[:MAX_TEXT],
        user=ctx.user.id,
        origin="api",
        token_kind=ctx.actor.kind,
        blocks=blocks,
        attachments=attachments,
        thread_ts=thread_ts,
        subtype=subtype,
        metadata=metadata if isinstance(metadata, dict) else None,
    )
    return {"channel": channel.id, "ts": message.ts, "message": message_json(ctx.ws, message)}


@method("chat.postEphemeral")
def post_ephemeral(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel(must_see=False)
    recipient = ctx.params.required("user")
    text, blocks, attachments = message_content(ctx)
    if channel.is_private and ctx.user.id not in channel.members and not ctx.is_bot:
        raise ApiError("channel_not_found")
    if recipient not in ctx.ws.users:
        raise ApiError("user_not_found")
    if recipient not in channel.members:
        raise ApiError("user_not_in_channel")
    require_post_access(ctx, channel)
    note = ctx.ws.add_ephemeral(
        channel.id,
        recipient,
        text[:MAX_TEXT],
        posted_by=ctx.user.id,
        origin="api",
        token_kind=ctx.actor.kind,
        blocks=blocks,
        attachments=attachments,
        thread_ts=ctx.params.text("thread_ts"),
    )
    return {"message_ts": note.ts}


@method("chat.update")
def update(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel()
    message = _existing(ctx, channel)
    if message.user != ctx.user.id:
        raise ApiError("cant_update_message")
    text = ctx.params.text("text")
    blocks: Any = ctx.params.structured("blocks")
    attachments: Any = ctx.params.structured("attachments")
    if text is not None and len(text) > MAX_UPDATE_TEXT:
        raise ApiError("msg_too_long")
    blocks = checked_blocks(blocks)
    if text is None and blocks is None and attachments is None:
        raise ApiError("no_text")
    _, after = ctx.ws.edit_message(
        channel.id,
        message.ts,
        editor=ctx.user.id,
        origin="api",
        token_kind=ctx.actor.kind,
        text=text if text is not None else ("" if blocks is not None else None),
        blocks=blocks,
        attachments=attachments if isinstance(attachments, list) else None,
    )
    body = message_json(ctx.ws, after)
    return {"channel": channel.id, "ts": after.ts, "text": after.text, "message": body}


@method("chat.delete")
def delete(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel()
    message = _existing(ctx, channel)
    if not can_delete(ctx.ws, ctx, channel, message.user):
        raise ApiError("cant_delete_message")
    ctx.ws.delete_message(channel.id, message.ts, by=ctx.user.id, origin="api", token_kind=ctx.actor.kind)
    return {"channel": channel.id, "ts": message.ts}


@method("chat.getPermalink")
def get_permalink(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel()
    message = _existing(ctx, channel, "message_ts")
    link = f"https://{ctx.ws.home.domain}.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}
