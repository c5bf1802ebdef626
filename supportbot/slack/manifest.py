"""The Slack app manifest for this configuration (paste it at api.slack.com/apps → Create from manifest)."""

from __future__ import annotations

from typing import Any

# Why each scope is needed is documented in the README ("Scopes and why").
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "channels:read",
    "groups:read",
    "im:read",
    "im:write",
    "chat:write",
    "chat:write.public",
    "commands",
    "files:read",
    "reactions:read",
    "users:read",
    "usergroups:read",
)
# For the admin user token (SLACK_ADMIN_USER_TOKEN) that deletes leaked keys.
USER_SCOPES = ("chat:write", "files:write", "channels:history", "groups:history")
BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
    "reaction_added",
)
SHORTCUTS = (
    ("Start 401 checklist", "triage_start", "Walk the author of this message through the 401 checklist"),
    ("File support ticket", "ticket_file", "Open a ticket pre-filled from this message (safe fields only)"),
    ("Log as FAQ gap", "gap_log", "Record this question as one the docs do not answer"),
)


def build_manifest(*, request_url: str | None, socket_mode: bool, name: str = "supportbot") -> dict[str, Any]:
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    slash: dict[str, Any] = {
        "command": "/support",
        "description": "Support desk: tickets, 401 checklist, leaks, FAQ gaps",
        "usage_hint": "help | tickets | ticket N | triage | leaks | gaps | scan <text>",
        "should_escape": False,
    }
    if not socket_mode:
        url = request_url or "https://YOUR-HOST/slack/events"
        settings["event_subscriptions"]["request_url"] = url
        settings["interactivity"]["request_url"] = url
        slash["url"] = url
    return {
        "display_information": {
            "name": name,
            "description": "Removes leaked API keys, walks customers through 401s, files safe tickets.",
            "background_color": "#2c2d30",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [slash],
            "shortcuts": [
                {"name": title, "type": "message", "callback_id": callback, "description": description}
                for title, callback, description in SHORTCUTS
            ],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES), "user": list(USER_SCOPES)}},
        "settings": settings,
    }
