"""conversations.* methods: reading history and threads, channel info, DMs and members."""

from __future__ import annotations

from supportbot.emulator.model import Channel, JSONDict, Message
from supportbot.emulator.serialize import channel_json, message_json
from supportbot.emulator.webapi.base import ApiContext, ApiError, decode_cursor, encode_cursor, method, page


def _readable(ctx: ApiContext) -> Channel:
    """A channel the caller may read: bots must be members (Slack answers ``not_in_channel``)."""
    channel = ctx.channel()
    if ctx.is_bot and ctx.user.id not in channel.members:
        raise ApiError("not_in_channel")
    return channel


def _bound(ctx: ApiContext, name: str) -> float | None:
    value = ctx.params.text(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise ApiError(f"invalid_ts_{name}") from exc


def _in_range(ts: str, ctx: ApiContext) -> bool:
    low, high = _bound(ctx, "oldest"), _bound(ctx, "latest")
    inclusive = ctx.params.flag("inclusive")
    value = float(ts)
    if low is not None and (value < low or (value == low and not inclusive)):
        return False
    return not (high is not None and (value > high or (value == high and not inclusive)))


def _paged(ctx: ApiContext, messages: list[Message], *, newest_first: bool) -> JSONDict:
    """Cut ``messages`` (already in answer order) at the cursor and the limit."""
    limit = max(1, min(ctx.params.integer("limit", 100) or 100, 1000))
    cursor = decode_cursor(ctx.params.text("cursor"))
    if cursor is not None:
        try:
            start = float(cursor)
        except ValueError as exc:
            raise ApiError("invalid_cursor") from exc
        messages = [m for m in messages if (float(m.ts) <= start if newest_first else float(m.ts) >= start)]
    chunk, rest = messages[:limit], messages[limit:]
    return {
        "messages": [message_json(ctx.ws, m) for m in chunk],
        "has_more": bool(rest),
        "response_metadata": {"next_cursor": encode_cursor(rest[0].ts) if rest else ""},
    }


@method("conversations.history")
def history(ctx: ApiContext) -> JSONDict:
    channel = _readable(ctx)
    messages = [m for m in ctx.ws.history(channel.id) if _in_range(m.ts, ctx)]
    body = _paged(ctx, messages, newest_first=True)
    body.update({"pin_count": 0, "channel_actions_ts": None, "channel_actions_count": 0})
    return body


@method("conversations.replies")
def replies(ctx: ApiContext) -> JSONDict:
    channel = _readable(ctx)
    ts = ctx.params.required("ts")
    anchor = ctx.ws.message_any(channel.id, ts)
    if anchor is None:
        raise ApiError("thread_not_found")
    thread_ts = anchor.thread_ts if anchor.is_reply and anchor.thread_ts else anchor.ts
    thread = [m for m in ctx.ws.thread(channel.id, thread_ts) if _in_range(m.ts, ctx)]
    if not thread:
        raise ApiError("thread_not_found")
    return _paged(ctx, thread, newest_first=False)


@method("conversations.info")
def info(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel()
    return {"channel": channel_json(ctx.ws, channel, ctx.user.id, include_locale=ctx.params.flag("include_locale"))}


@method("conversations.members")
def members(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel()
    chunk, next_cursor = page(list(channel.members), ctx.params)
    return {"members": chunk, "response_metadata": {"next_cursor": next_cursor}}


@method("conversations.open")
def open_conversation(ctx: ApiContext) -> JSONDict:
    ws = ctx.ws
    existing = ctx.params.text("channel")
    if existing:
        channel = ctx.channel()
        return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
    users_param = ctx.params.text("users")
    if not users_param:
        raise ApiError("users_list_not_supplied")
    wanted = [u.strip() for u in users_param.split(",") if u.strip()]
    if len(wanted) > 8:
        raise ApiError("too_many_users")
    for user_id in wanted:
        if user_id not in ws.users:
            raise ApiError("user_not_found")
    before = set(ws.channels)
    channel = ws.direct_channel([ctx.user.id, *wanted])
    created = channel.id not in before
    body: JSONDict = {"channel": {"id": channel.id}, "no_op": not created, "already_open": not created}
    if ctx.params.flag("return_im"):
        body["channel"] = channel_json(ws, channel, ctx.user.id)
    return body


@method("conversations.list")
def list_conversations(ctx: ApiContext) -> JSONDict:
    ws = ctx.ws
    wanted = {t.strip() for t in (ctx.params.text("types") or "public_channel").split(",")}
    kinds = {
        "public": "public_channel",
        "private": "private_channel",
        "im": "im",
        "mpim": "mpim",
    }
    exclude_archived = ctx.params.flag("exclude_archived")
    found = [
        c
        for c in ws.channels.values()
        if kinds[c.kind] in wanted and ws.can_see(ctx.user.id, c.id) and not (exclude_archived and c.is_archived)
    ]
    chunk, next_cursor = page(sorted(found, key=lambda c: c.id), ctx.params)
    return {
        "channels": [channel_json(ws, c, ctx.user.id) for c in chunk],
        "response_metadata": {"next_cursor": next_cursor},
    }
