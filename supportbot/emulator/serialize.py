"""The JSON shapes Slack uses for users, conversations, messages, files and views.

Shared by the Web API (responses) and the driver (event and interaction payloads), so both always
describe the same object the same way. Call these while holding the workspace lock.
"""

from __future__ import annotations

from typing import Any

from supportbot.emulator.model import Channel, File, JSONDict, Message, User, UserGroup, View, snapshot
from supportbot.emulator.workspace import Workspace

_TZ_OFFSETS = {"America/Los_Angeles": -28800, "Asia/Shanghai": 28800, "Europe/Berlin": 3600}
SNIPPET_PREVIEW_LINES = 5


def user_json(ws: Workspace, user: User, *, include_locale: bool = False) -> JSONDict:
    out: JSONDict = {
        "id": user.id,
        "team_id": user.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": user.tz,
        "tz_offset": _TZ_OFFSETS.get(user.tz, 0),
        "profile": {
            "real_name": user.real_name,
            "display_name": user.name,
            "real_name_normalized": user.real_name,
            "display_name_normalized": user.name,
            "team": user.team_id,
        },
        "is_admin": user.is_admin,
        "is_owner": user.is_owner,
        "is_primary_owner": user.is_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 1_700_000_000,
    }
    if user.is_bot:
        out["profile"]["bot_id"] = user.bot_id
        out["profile"]["api_app_id"] = ws.app_id
    if user.team_id != ws.home.id:
        out["is_stranger"] = True
    if include_locale:
        out["locale"] = user.locale
    return out


def channel_json(ws: Workspace, channel: Channel, viewer: str | None, *, include_locale: bool = False) -> JSONDict:
    out: JSONDict = {
        "id": channel.id,
        "created": channel.created,
        "is_archived": channel.is_archived,
        "is_im": channel.kind == "im",
        "is_mpim": channel.kind == "mpim",
        "is_private": channel.is_private,
        "is_shared": channel.is_ext_shared,
        "is_ext_shared": channel.is_ext_shared,
        "is_org_shared": False,
        "context_team_id": ws.home.id,
    }
    if channel.kind == "im":
        out["user"] = channel.im_user
        out["is_user_deleted"] = False
        out["is_open"] = True
    else:
        out.update(
            {
                "name": channel.name,
                "name_normalized": channel.name,
                "is_channel": channel.kind == "public",
                "is_group": channel.kind == "private",
                "is_general": channel.name == "general",
                "is_member": viewer in channel.members if viewer else False,
                "creator": channel.creator,
                "num_members": len(channel.members),
                "topic": {"value": channel.topic, "creator": "", "last_set": 0},
                "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
            }
        )
    if channel.is_ext_shared:
        teams = sorted({ws.users[m].team_id for m in channel.members if m in ws.users})
        out["shared_team_ids"] = teams
        out["connected_team_ids"] = [t for t in teams if t != ws.home.id]
    if include_locale:
        out["locale"] = "en-US"
    return out


def usergroup_json(group: UserGroup, *, include_users: bool = False) -> JSONDict:
    out: JSONDict = {
        "id": group.id,
        "team_id": group.team_id,
        "is_usergroup": True,
        "name": group.name,
        "description": group.description,
        "handle": group.handle,
        "is_external": False,
        "date_create": 1_700_000_000,
        "user_count": len(group.users),
    }
    if include_users:
        out["users"] = list(group.users)
    return out


def file_json(ws: Workspace, shared: File, *, for_external_event: bool = False) -> JSONDict:
    """A file object; a Slack Connect share from another org only gets a stub in events."""
    if for_external_event:
        return {
            "id": shared.id,
            "file_access": "check_file_info",
            "created": shared.created,
            "user": shared.user,
        }
    out: JSONDict = {
        "id": shared.id,
        "created": shared.created,
        "timestamp": shared.created,
        "name": shared.name,
        "title": shared.title,
        "mimetype": shared.mimetype,
        "filetype": shared.filetype,
        "pretty_type": shared.filetype.capitalize(),
        "user": shared.user,
        "user_team": shared.team,
        "editable": shared.mode == "snippet",
        "size": len(shared.content),
        "mode": shared.mode,
        "is_external": False,
        "external_type": "",
        "is_public": any(ws.channels[c].kind == "public" for c in shared.channels if c in ws.channels),
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        "url_private": ws.file_url(shared),
        "url_private_download": ws.file_url(shared, download=True),
        "permalink": f"https://{ws.home.domain}.slack.com/files/{shared.user}/{shared.id}/{shared.name}",
        "channels": [c for c in shared.channels if ws.channels.get(c) and ws.channels[c].kind == "public"],
        "groups": [c for c in shared.channels if ws.channels.get(c) and ws.channels[c].kind != "public"],
        "has_rich_preview": False,
        "file_access": "visible",
    }
    if shared.mode == "snippet":
        text = shared.content.decode("utf-8", errors="replace")
        lines = text.splitlines()
        out["preview"] = "\n".join(lines[:SNIPPET_PREVIEW_LINES])
        out["preview_is_truncated"] = len(lines) > SNIPPET_PREVIEW_LINES
        out["lines"] = len(lines)
        out["lines_more"] = max(0, len(lines) - SNIPPET_PREVIEW_LINES)
    return out


def message_json(ws: Workspace, message: Message, *, in_event: bool = False) -> JSONDict:
    """A message as conversations.history and chat.postMessage return it."""
    out: JSONDict = {"type": "message", "text": message.text, "ts": message.ts}
    if message.user:
        out["user"] = message.user
    if message.team:
        out["team"] = message.team
    if message.subtype:
        out["subtype"] = message.subtype
    if message.bot_id:
        out["bot_id"] = message.bot_id
        out["app_id"] = message.app_id
        out["bot_profile"] = {
            "id": message.bot_id,
            "app_id": message.app_id,
            "name": ws.bot.name,
            "deleted": False,
            "team_id": ws.home.id,
        }
    if message.client_msg_id:
        out["client_msg_id"] = message.client_msg_id
    if message.blocks is not None:
        out["blocks"] = snapshot(message.blocks)
    if message.attachments:
        out["attachments"] = snapshot(message.attachments)
    if message.files:
        channel = ws.channels.get(message.channel)
        author = ws.users.get(message.user or "")
        external = bool(in_event and channel and channel.is_ext_shared and author and author.team_id != ws.home.id)
        out["files"] = [file_json(ws, ws.files[f], for_external_event=external) for f in message.files if f in ws.files]
        out["upload"] = False
        out["display_as_bot"] = False
    if message.edited:
        out["edited"] = dict(message.edited)
    if message.metadata:
        out["metadata"] = snapshot(message.metadata)
    if message.reactions:
        out["reactions"] = [
            {"name": name, "users": list(users), "count": len(users)}
            for name, users in message.reactions.items()
            if users
        ]
    if message.thread_ts:
        out["thread_ts"] = message.thread_ts
        if message.is_reply:
            parent = ws.message_any(message.channel, message.thread_ts)
            if parent is not None and parent.user:
                out["parent_user_id"] = parent.user
        else:
            _add_reply_summary(ws, message, out)
    elif not in_event:
        _add_reply_summary(ws, message, out)
    return out


def _add_reply_summary(ws: Workspace, message: Message, out: JSONDict) -> None:
    replies = ws.replies_of(message)
    if not replies:
        return
    out["thread_ts"] = message.ts
    out["reply_count"] = len(replies)
    users = list(dict.fromkeys(r.user for r in replies if r.user))
    out["reply_users"] = users
    out["reply_users_count"] = len(users)
    out["latest_reply"] = replies[-1].ts
    out["is_locked"] = False
    out["subscribed"] = False


def view_json(ws: Workspace, view: View) -> JSONDict:
    spec = view.spec
    out: JSONDict = {
        "id": view.id,
        "team_id": view.team_id,
        "type": view.type,
        "blocks": snapshot(spec.get("blocks") or []),
        "private_metadata": spec.get("private_metadata", ""),
        "callback_id": spec.get("callback_id", ""),
        "state": snapshot(view.state),
        "hash": view.hash,
        "title": snapshot(spec.get("title", {"type": "plain_text", "text": "App Home"})),
        "clear_on_close": bool(spec.get("clear_on_close", False)),
        "notify_on_close": bool(spec.get("notify_on_close", False)),
        "close": snapshot(spec.get("close")),
        "submit": snapshot(spec.get("submit")),
        "previous_view_id": view.previous_view_id,
        "root_view_id": view.root_view_id,
        "app_id": ws.app_id,
        "external_id": spec.get("external_id", ""),
        "app_installed_team_id": ws.home.id,
        "bot_id": ws.bot.bot_id,
    }
    return out


def user_ref(user: User) -> dict[str, Any]:
    """The short ``user`` object of interaction payloads."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}
