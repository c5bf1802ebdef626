"""The whole ticket form: every problem at once, never the typed value, the five fields when it passes."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from supportbot.keys import Scanner
from supportbot.tickets.model import FIELD_NAMES, FieldProblem, TicketFields, validate_form
from tests.keygen import make_key

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def test_a_good_form_gives_the_five_fields(scanner: Scanner) -> None:
    result = validate_form(
        {
            "time": "今天上午9点",
            "model": "gpt-4o-mini",
            "status": "HTTP 401",
            "error_text": "Error code: 401 - invalid_api_key",
            "masked_key_id": "sk-proj-****…MxYA",
        },
        scanner=scanner,
        now=NOW,
        tz=ZoneInfo("Asia/Shanghai"),
    )
    assert result == TicketFields(
        occurred_at=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
        model="gpt-4o-mini",
        status=401,
        error_text="Error code: 401 - invalid_api_key",
        masked_key_id="sk-proj-…MxYA",
    )


def test_only_time_and_something_that_went_wrong_are_required(scanner: Scanner) -> None:
    assert validate_form({"time": "5 minutes ago", "status": "500"}, scanner=scanner, now=NOW) == TicketFields(
        occurred_at=datetime(2026, 11, 23, 3, 55, tzinfo=UTC), status=500
    )
    assert validate_form({"time": "5 minutes ago"}, scanner=scanner, now=NOW) == [
        FieldProblem("status", "status_or_error")
    ]
    assert validate_form({}, scanner=scanner, now=NOW) == [
        FieldProblem("time", "time_empty"),
        FieldProblem("status", "status_or_error"),
    ]


def test_a_key_in_every_field_is_refused_or_masked_and_never_repeated(scanner: Scanner) -> None:
    rng = random.Random(77)
    values = {
        name: make_key(provider, rng)
        for name, provider in zip(FIELD_NAMES, ("openai", "groq", "deepseek", "anthropic", "gateway"), strict=True)
    }
    result = validate_form(values, scanner=scanner, now=NOW)
    assert result == [
        FieldProblem("time", "key_in_field"),
        FieldProblem("model", "key_in_field"),
        FieldProblem("status", "key_in_field"),
        FieldProblem("masked_key_id", "full_key"),
    ], "the error text is masked rather than refused"
    assert all(secret not in repr(result) for secret in values.values())
    accepted = validate_form(
        {**values, "time": "now", "model": "", "status": "401", "masked_key_id": "…abcd"}, scanner=scanner, now=NOW
    )
    assert isinstance(accepted, TicketFields)
    assert accepted.error_text is not None and values["error_text"] not in accepted.error_text
    assert accepted.error_text.startswith("sk-ant-")


def test_every_problem_is_reported_at_once(scanner: Scanner) -> None:
    result = validate_form(
        {"time": "tomorrow", "model": "https://x.example", "status": "700", "masked_key_id": "abcdefgh"},
        scanner=scanner,
        now=NOW,
    )
    assert result == [
        FieldProblem("time", "time_future"),
        FieldProblem("model", "bad_model"),
        FieldProblem("status", "bad_status"),
        FieldProblem("masked_key_id", "not_masked"),
    ]
