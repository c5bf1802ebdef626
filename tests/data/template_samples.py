"""A sample context for every template. Each feature adds its templates' samples here.

``HOSTILE`` is substituted into every string value by the template test, to prove that nothing a
user typed can ping anyone or inject markup.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from supportbot.render.templates import Mrkdwn

HOSTILE = "<!channel> <@U0ADMIN01> @here & <https://evil.example|x> `code`"

SAMPLES: dict[str, dict[str, Any]] = {
    "support/help": {"lines": [Mrkdwn("`/support help` — show this list")], "is_agent": False, "configured": False},
    "help/help": {},
    "support/unknown_subcommand": {"subcommand": "frobnicate"},
    "support/not_allowed": {"role": "agent", "subcommand": "tickets"},
    "support/failed": {"subcommand": "tickets"},
    # FAQ answers (supportbot/slack/features/faq/answers.py)
    "knowledge/answer": {
        "title": "How do I rotate a key without downtime?",
        "body": Mrkdwn("1. Create a new key.\n2. Deploy it.\n3. Delete the old one: `Bearer &lt;key&gt;`"),
        "entry_id": "rotate-key",
        "question_id": 42,
        "fallback": True,
    },
    "knowledge/no_answer": {"in_dm": False},
    "knowledge/thanks": {},
    "knowledge/already_voted": {"vote": "unhelpful"},
    "knowledge/unhelpful": {"question_id": 42, "can_ask": True},
    "knowledge/human_requested": {"agents_alerted": False},
    "knowledge/human_already": {},
    "knowledge/agent_alert": {
        "title": "How do I rotate a key without downtime?",
        "entry_id": "rotate-key",
        "channel_ref": Mrkdwn("<#C0SUPPORT1>"),
        "link": Mrkdwn("https://example.slack.com/archives/C0SUPPORT1/p1700000000000100"),  # vetted in code
    },
    # FAQ gaps (supportbot/slack/features/faq/gaps.py)
    "gaps/list": {
        "period": "7d",
        "state": "open",
        "total": 12,
        "gaps": [
            {
                "rank": 1,
                "key": "gap-3f2a9c1b7d00",
                "title": "can I get an invoice for my top-up?",
                "count": 5,
                "previous": 2,
                "direction": "up",
                "state": "reopened",
                "entry_id": "invoices",
                "answered_at": datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
                "since_answer": 3,
                "examples": ["can I get an invoice for my top-up?", "怎么开发票"],
                "channels": Mrkdwn("<#C0SUPPORT1> <#C0SUPPORT2>"),
                "users": 4,
                "last_seen": datetime(2026, 11, 20, 14, 5, tzinfo=UTC),
            },
            {
                "rank": 2,
                "key": "gap-77aa00bb11cc",
                "title": "do you support claude models?",
                "count": 1,
                "previous": 0,
                "direction": "new",
                "state": "open",
                "entry_id": None,
                "answered_at": None,
                "since_answer": 0,
                "examples": [],
                "channels": Mrkdwn(""),
                "users": 1,
                "last_seen": datetime(2026, 11, 21, 8, 0, tzinfo=UTC),
            },
        ],
    },
    "gaps/answered": {
        "key": "gap-3f2a9c1b7d00",
        "title": "can I get an invoice for my top-up?",
        "entry_id": "invoices",
        "entry_title": "Invoices",
        "reopen_after": 2,
    },
    "gaps/problem": {"problem": "entry", "value": "rotate-keys", "choices": ["rotate-key"]},
    "gaps/reopened": {
        "key": "gap-3f2a9c1b7d00",
        "title": "can I get an invoice for my top-up?",
        "entry_id": "invoices",
        "answered_at": datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        "since_answer": 2,
        "example": "怎么开发票",
    },
    "gaps/logged": {"already": False, "is_new": False, "key": "gap-3f2a9c1b7d00", "count": 3},
    "gaps/log_refused": {"reason": "not_agent"},
    "help/gaps": {},
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
        "providers": ["openai", "gateway"],
        "rotate": [
            {"name": "OpenAI", "url": "https://platform.openai.com/api-keys"},
            {"name": "API gateway", "url": ""},
        ],
        "seen": {"times": 3, "since": "2026-11-01"},
        "runbook": Mrkdwn("1. Disable the key first."),
        "is_file": False,
        "revoke": "ask",
        "incident": 7,
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
        "revocation": "offered",
        "revoked_by": "",
    },
    "leak/revoked": {"outcome": "disabled", "masked": "sk-…x9Qa"},
    "leak/revoke_click": {"state": "started", "masked": "sk-…x9Qa"},
    "leak/still_visible": {"minutes": 5, "author": Mrkdwn("<@U0CUST001>"), "check": 1},
    "delivery/dead_letter": {"kind": "leak.delete", "action": 42, "attempts": 9, "error": "http_503"},
    "leak/list": {
        "period": "7d",
        "items": [
            {
                "when": "11-23 09:00",
                "channel": Mrkdwn("<#C0SUPPORT>"),
                "author": Mrkdwn("<@U0CUST001>"),
                "found": "openai sk-…x9Qa",
                "deletion": "deleted",
                "handled": False,
                "revocation": "disabled",
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

# Leads' views (supportbot/slack/features/home.py, supportbot/slack/features/digest.py)
_GAP_LINES = [
    {
        "key": "gap-3f2a9c1b7d00",
        "title": "can I get an invoice for my top-up?",
        "count": 5,
        "previous": 2,
        "direction": "up",
        "state": "reopened",
        "examples": ["怎么开发票", "how do I get a VAT invoice"],
    },
    {
        "key": "gap-77aa00bb11cc",
        "title": "do you support claude models?",
        "count": 1,
        "previous": 0,
        "direction": "new",
        "state": "open",
        "examples": [],
    },
]
_CHECKLIST = {
    "walks": 9,
    "fixed": 5,
    "unresolved": 2,
    "ticket": 1,
    "open": 1,
    "steps": [
        {"step": "whitespace", "fixed": 3, "unresolved": 0, "ticket": 0, "open": 0, "total": 3},
        {"step": "wrong_base_url", "fixed": 2, "unresolved": 1, "ticket": 0, "open": 1, "total": 4},
        {"step": "disabled_key", "fixed": 0, "unresolved": 1, "ticket": 1, "open": 0, "total": 2},
    ],
}
_OVERVIEW: dict[str, Any] = {
    "start": datetime(2026, 11, 16, 9, 0, tzinfo=UTC),
    "end": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    "gaps": _GAP_LINES,
    "gaps_total": 7,
    "signals": 12,
    "signals_previous": 8,
    "checklist": _CHECKLIST,
    "leaks": 4,
    "leaks_previous": 1,
    "leakers": [{"user": Mrkdwn("<@U0CUST001>"), "count": 3}, {"user": Mrkdwn("<@U0CUST002>"), "count": 2}],
    "tickets_open": 6,
    "tickets_opened": 3,
    "tickets_closed": 2,
    "keys_disabled": 1,
}
SAMPLES.update(
    {
        "home/lead": {**_OVERVIEW, "updated": datetime(2026, 11, 23, 9, 0, tzinfo=UTC)},
        "home/agent": {
            "updated": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
            "assigned": [
                {
                    "id": 12,
                    "status": 401,
                    "model": "gpt-4o-mini",
                    "key": "sk-…x9Qa",
                    "created": datetime(2026, 11, 22, 14, 0, tzinfo=UTC),
                },
                {"id": 13, "status": None, "model": None, "key": None, "created": datetime(2026, 11, 23, tzinfo=UTC)},
            ],
            "assigned_total": 12,
            "tickets_open": 20,
            "unassigned": 4,
            "leaks": 3,
            "keys_disabled": 1,
        },
        "home/customer": {},
        "digest/weekly": {**_OVERVIEW, "preview": True, "channel": Mrkdwn("<#C0LEADS01>"), "day": 0, "hour": 9},
        "help/digest": {},
    }
)
