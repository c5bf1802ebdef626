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
    "triage/walk": {
        "requester": Mrkdwn("<@U0CUST001>"),
        "findings": [Mrkdwn('Quote marks are sent as part of the key: `OPENAI_API_KEY="sk-…"`')],
        "outcome": "open",
        "number": 1,
        "total": 5,
        "step": {
            "title": "The key is exactly the key",
            "what": "Look for spaces & quotes.",
            "how": '```\ncurl -sS "$BASE_URL/models" -H "Authorization: Bearer $API_KEY"\n```',
            "fine": "A JSON list of models.",
        },
        "fixed_by": "",
        "progress": [
            {"check": "whitespace", "status": "current"},
            {"check": "missing_header", "status": "todo"},
            {"check": "wrong_base_url", "status": "done"},
        ],
        "value": "7/1:whitespace",
    },
    "triage/finding": {
        "check": "whitespace",
        "reason": "quoted_key",
        "summary": "Quote marks are sent as part of the key",
        "excerpt": 'OPENAI_API_KEY="sk-…"',
    },
    "triage/note": {"kind": "not_yours", "requester": Mrkdwn("<@U0CUST001>")},
    "triage/probe": {
        "base": "https://gateway.example",
        "verdict": "not_api",
        "status": 200,
        "html": True,
        "official": "https://api.gateway.example/v1",
    },
    "triage/command_started": {"pasted": True},
    "triage/command_elsewhere": {},
    "help/triage": {},
}
