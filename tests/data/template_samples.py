"""A sample context for every template. Each feature adds its templates' samples here.

``HOSTILE`` is substituted into every string value by the template test, to prove that nothing a
user typed can ping anyone or inject markup.
"""

from __future__ import annotations

from typing import Any

from supportbot.render import Mrkdwn

HOSTILE = "<!channel> <@U0ADMIN01> @here & <https://evil.example|x> `code`"

SAMPLES: dict[str, dict[str, Any]] = {
    "support/help": {"lines": [Mrkdwn("`/support help` — show this list")], "is_agent": False, "configured": False},
    "help/help": {},
    "support/unknown_subcommand": {"subcommand": "frobnicate"},
    "support/not_allowed": {"role": "agent", "subcommand": "tickets"},
    "support/failed": {"subcommand": "tickets"},
    "leak/repost": {"author": Mrkdwn("<@U0CUST001>"), "chunks": [Mrkdwn("my key is `sk-proj-…x9Qa`, why 401?")]},
    "leak/file_repost": {
        "author": Mrkdwn("<@U0CUST001>"),
        "chunks": [Mrkdwn("```\nOPENAI_API_KEY=sk-…x9Qa\n```")],
        "file_name": ".env",
    },
    "leak/warn": {
        "deleted": True,
        "reason": "",
        "keys": ["sk-proj-…x9Qa"],
        "providers": ["openai"],
        "seen": {"times": 3, "since": "2026-11-01"},
        "runbook": Mrkdwn("1. Disable the key first."),
        "is_file": False,
    },
    "leak/alert": {
        "incident": 7,
        "state": "open",
        "reason": "external_member",
        "author": Mrkdwn("<@U0EXTRN01>"),
        "channel": Mrkdwn("<#C0EXTACME>"),
        "keys": [{"masked": "sk-…x9Qa", "provider": "openai"}],
        "times_seen": 2,
        "first_seen": "2026-11-01 09:00 UTC",
        "permalink": "https://example.slack.com/x",
        "is_file": False,
        "handled_by": Mrkdwn(""),
    },
    "leak/still_visible": {"minutes": 5, "author": Mrkdwn("<@U0CUST001>"), "check": 1},
    "leak/list": {
        "period": "7d",
        "items": [
            {
                "when": "11-23 09:00",
                "channel": Mrkdwn("<#C0SUPPORT>"),
                "author": Mrkdwn("<@U0CUST001>"),
                "keys": "openai sk-…x9Qa",
                "deletion": "deleted",
                "handled": False,
            }
        ],
        "repeaters": [{"author": Mrkdwn("<@U0CUST001>"), "count": 2}],
    },
    "leak/bad_period": {"value": "soon"},
    "help/leaks": {},
}

_TICKET = {
    "id": 12,
    "state": "open",
    "time": "2026-11-23 01:14 UTC",
    "model": "gpt-4o-mini",
    "status": 401,
    "error_text": "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-…x9Qa'}}",
    "masked_key_id": "sk-…x9Qa",
    "assignee": "",
    "close_reason": "",
}
_TICKET_DISPLAY = {
    "ticket": _TICKET,
    "source": "triage",
    "requester": Mrkdwn("<@U0CUST001>"),
    "assignee": Mrkdwn("—"),
    "filed_by": Mrkdwn("<@U0CUST001>"),
    "closed_by": Mrkdwn("—"),
    "created": "2026-11-23 01:20 UTC",
    "closed_at": "",
    "where": Mrkdwn("<#C0SUPPORT>"),
    "permalink": "https://example.slack.com/archives/C0SUPPORT/p1",
}

SAMPLES.update(
    {
        "tickets/modal": {
            "tz_name": "Asia/Shanghai",
            "time": "2026-11-23 09:14",
            "model": "gpt-4o-mini",
            "status": "401",
            "error_text": "Error code: 401",
            "masked_key_id": "sk-…x9Qa",
        },
        "tickets/field_error": {"code": "full_key", "tz_name": "UTC"},
        "tickets/card": _TICKET_DISPLAY,
        "tickets/confirmation": {"ticket": _TICKET, "requester": Mrkdwn("<@U0CUST001>")},
        "tickets/detail": _TICKET_DISPLAY,
        "tickets/list": {
            "which": "open",
            "items": [
                {
                    "id": 12,
                    "state": "open",
                    "status": 401,
                    "model": "gpt-4o-mini",
                    "key": "sk-…x9Qa",
                    "assignee": Mrkdwn("<@U0AGENT01>"),
                    "time": "2026-11-23 01:14 UTC",
                }
            ],
            "total": 30,
            "counts": {"open": 30, "closed": 4},
        },
        "tickets/result": {"outcome": "taken", "ticket": 12, "who": Mrkdwn("<@U0AGENT01>"), "where": Mrkdwn("")},
        "tickets/scan": {
            "empty": False,
            "safe": False,
            "findings": [{"provider": "openai", "masked": "sk-proj-…x9Qa"}],
            "headers": True,
        },
        "help/tickets": {},
        "help/ticket": {},
        "help/assign": {},
        "help/close": {},
        "help/reopen": {},
        "help/scan": {},
    }
)
