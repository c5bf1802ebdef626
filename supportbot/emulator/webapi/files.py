"""files.info, files.delete and reactions.add."""

from __future__ import annotations

from supportbot.emulator.model import File, JSONDict
from supportbot.emulator.serialize import file_json
from supportbot.emulator.webapi.base import ApiContext, ApiError, method
from supportbot.emulator.webapi.chat import can_delete


def _visible_file(ctx: ApiContext) -> File:
    shared = ctx.ws.file(ctx.params.required("file"))
    if shared is None:
        raise ApiError("file_not_found")
    me = ctx.user.id
    if shared.user != me and not any(ctx.ws.can_see(me, c) for c in shared.channels):
        raise ApiError("file_not_found")
    return shared


@method("files.info")
def files_info(ctx: ApiContext) -> JSONDict:
    shared = _visible_file(ctx)
    body: JSONDict = {
        "file": file_json(ctx.ws, shared),
        "comments": [],
        "response_metadata": {"next_cursor": ""},
    }
    if shared.mode == "snippet":
        body["content"] = shared.content.decode("utf-8", errors="replace")
    return body


@method("files.delete")
def files_delete(ctx: ApiContext) -> JSONDict:
    shared = _visible_file(ctx)
    ws = ctx.ws
    channels = [ws.channels[c] for c in shared.channels if c in ws.channels]
    # An admin may remove a member's file unless it lives only in direct messages.
    allowed = shared.user == ctx.user.id or any(can_delete(ws, ctx, c, shared.user) for c in channels)
    if not allowed:
        raise ApiError("cant_delete_file")
    ws.delete_file(shared.id, by=ctx.user.id, origin="api", token_kind=ctx.actor.kind)
    return {}


@method("reactions.add")
def reactions_add(ctx: ApiContext) -> JSONDict:
    channel = ctx.channel()
    name = (ctx.params.text("name") or "").strip(":")
    if not name:
        raise ApiError("invalid_name")
    ts = ctx.params.text("timestamp")
    if not ts or ctx.ws.message(channel.id, ts) is None:
        raise ApiError("message_not_found")
    if not ctx.ws.add_reaction(channel.id, ts, name, user=ctx.user.id, origin="api"):
        raise ApiError("already_reacted")
    return {}
