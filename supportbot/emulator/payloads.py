"""Event envelopes and interaction payloads shaped as Slack sends them to an app.

Builders read the workspace (call them under its lock) and return plain dicts; signing and
sending is the driver's job.
"""

from __future__ import annotations

import time
from typing import Any, Final

from supportbot.emulator.model import Channel, JSONDict, Message, User, View
from supportbot.emulator.serialize import message_json, user_ref, view_json
from supportbot.emulator.workspace import Workspace, random_id

VERIFICATION_TOKEN: Final = "emulator-verification-token"  # noqa: S105 - the legacy field, never checked


def event_envelope(ws: Workspace, event: JSONDict, *, channel: Channel | None = None) -> JSONDict:
    """The ``event_callback`` wrapper around one event."""
    event_time = int(time.time())
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.home.id,
        "context_team_id": ws.home.id,
        "context_enterprise_id": None,
        "api_app_id": ws.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": random_id("Ev"),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.home.id,
                "user_id": ws.bot.id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": bool(channel and channel.is_ext_shared),
        "event_context": f"4-{random_id('', 24).lower()}",
    }


def _team_fields(ws: Workspace, channel: Channel, author: User) -> JSONDict:
    fields: JSONDict = {"team": author.team_id}
    if channel.is_ext_shared:
        # In Slack Connect channels Slack says which org the author and the message came from.
        fields["user_team"] = author.team_id
        fields["source_team"] = author.team_id
    return fields


def message_event(ws: Workspace, message: Message) -> JSONDict:
    """The ``message`` event for a person's new message (plain, reply or file share)."""
    channel = ws.channels[message.channel]
    author = ws.users[message.user or ""]
    body = message_json(ws, message, in_event=True)
    event: JSONDict = {
        **body,
        "channel": message.channel,
        "event_ts": message.ts,
        "channel_type": channel.channel_type,
    }
    event.update(_team_fields(ws, channel, author))
    return event


def app_mention_event(ws: Workspace, message: Message) -> JSONDict:
    event = message_event(ws, message)
    event["type"] = "app_mention"
    event.pop("channel_type", None)
    return event


def message_changed_event(ws: Workspace, before: Message, after: Message) -> JSONDict:
    channel = ws.channels[after.channel]
    author = ws.users[after.user or ""]
    new = message_json(ws, after, in_event=True)
    new.update(_team_fields(ws, channel, author))
    old = message_json(ws, before, in_event=True)
    old.update(_team_fields(ws, channel, author))
    event_ts = (after.edited or {}).get("ts") or ws.new_ts()
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": new,
        "previous_message": old,
        "channel": after.channel,
        "hidden": True,
        "ts": event_ts,
        "event_ts": event_ts,
        "channel_type": channel.channel_type,
    }


def reaction_added_event(ws: Workspace, user: User, message: Message, name: str) -> JSONDict:
    return {
        "type": "reaction_added",
        "user": user.id,
        "reaction": name,
        "item_user": message.user,
        "item": {"type": "message", "channel": message.channel, "ts": message.ts},
        "event_ts": ws.new_ts(),
    }


def app_home_opened_event(ws: Workspace, user: User, dm: Channel, home: View | None) -> JSONDict:
    event: JSONDict = {
        "type": "app_home_opened",
        "user": user.id,
        "channel": dm.id,
        "tab": "home",
        "event_ts": ws.new_ts(),
    }
    if home is not None:
        event["view"] = view_json(ws, home)
    return event


def team_ref(ws: Workspace, user: User) -> JSONDict:
    team = ws.teams.get(user.team_id, ws.home)
    return {"id": team.id, "domain": team.domain}


def _interaction_base(ws: Workspace, user: User, kind: str) -> JSONDict:
    return {
        "type": kind,
        "token": VERIFICATION_TOKEN,
        "team": team_ref(ws, user),
        "user": user_ref(user),
        "api_app_id": ws.app_id,
        "enterprise": None,
        "is_enterprise_install": False,
    }


def channel_ref(channel: Channel) -> JSONDict:
    if channel.kind == "im":
        return {"id": channel.id, "name": "directmessage"}
    if channel.kind == "mpim":
        return {"id": channel.id, "name": channel.name}
    return {"id": channel.id, "name": channel.name if channel.kind == "public" else "privategroup"}


def block_actions_payload(
    ws: Workspace,
    user: User,
    action: JSONDict,
    *,
    trigger_id: str,
    container: JSONDict,
    channel: Channel | None = None,
    message: JSONDict | None = None,
    view: View | None = None,
    response_url: str | None = None,
    state: JSONDict | None = None,
) -> JSONDict:
    payload = _interaction_base(ws, user, "block_actions")
    payload.update({"container": container, "trigger_id": trigger_id})
    if channel is not None:
        payload["channel"] = channel_ref(channel)
    if message is not None:
        payload["message"] = message
    if view is not None:
        payload["view"] = view_json(ws, view)
    payload["state"] = state or {"values": {}}
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = [action]
    return payload


def view_submission_payload(ws: Workspace, user: User, view: View, *, trigger_id: str) -> JSONDict:
    payload = _interaction_base(ws, user, "view_submission")
    payload.update({"trigger_id": trigger_id, "view": view_json(ws, view), "response_urls": []})
    return payload


def shortcut_payload(
    ws: Workspace,
    user: User,
    callback_id: str,
    *,
    trigger_id: str,
    channel: Channel | None = None,
    message: Message | None = None,
    response_url: str | None = None,
) -> JSONDict:
    kind = "message_action" if message is not None else "shortcut"
    payload = _interaction_base(ws, user, kind)
    payload.update({"callback_id": callback_id, "trigger_id": trigger_id, "action_ts": ws.new_ts()})
    if message is not None and channel is not None:
        payload["channel"] = channel_ref(channel)
        payload["message_ts"] = message.ts
        payload["message"] = message_json(ws, message)
        payload["response_url"] = response_url
    return payload


def slash_command_form(
    ws: Workspace,
    user: User,
    channel: Channel,
    command: str,
    text: str,
    *,
    trigger_id: str,
    response_url: str,
) -> dict[str, str]:
    team = ws.teams.get(user.team_id, ws.home)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team.id,
        "team_domain": team.domain,
        "channel_id": channel.id,
        "channel_name": channel_ref(channel)["name"],
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def input_value(element: JSONDict, value: Any) -> JSONDict:
    """How ``view.state.values`` holds ``value`` typed into an input ``element``."""
    kind = str(element.get("type", "plain_text_input"))
    out: JSONDict = {"type": kind}
    options = element.get("options") or []

    def option(wanted: Any) -> JSONDict:
        for candidate in options:
            if isinstance(candidate, dict) and wanted in (
                candidate.get("value"),
                (candidate.get("text") or {}).get("text"),
            ):
                return dict(candidate)
        return {"text": {"type": "plain_text", "text": str(wanted)}, "value": str(wanted)}

    many = value if isinstance(value, list | tuple) else [value]
    if kind in ("static_select", "radio_buttons", "external_select"):
        out["selected_option"] = option(value) if value is not None else None
    elif kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        out["selected_options"] = [option(v) for v in many]
    elif kind == "datepicker":
        out["selected_date"] = value
    elif kind == "timepicker":
        out["selected_time"] = value
    elif kind == "users_select":
        out["selected_user"] = value
    elif kind == "multi_users_select":
        out["selected_users"] = list(many)
    elif kind == "conversations_select":
        out["selected_conversation"] = value
    elif kind == "channels_select":
        out["selected_channel"] = value
    else:
        out["value"] = None if value is None else str(value)
    return out
