"""Pieces of the checklist feature that need no Slack: button values, gap summaries, reason wording."""

from __future__ import annotations

import pytest

from supportbot.render.templates import Renderer
from supportbot.triage import checklist
from supportbot.triage.checklist import ChecklistError
from supportbot.triage.checks import CHECK_ORDER, CheckId
from supportbot.triage.reasons import REASONS
from supportbot.triage.walk import button_value, gap_summary, parse_value

RENDERER = Renderer()


def test_button_values_name_the_row_the_walk_and_the_step() -> None:
    state = checklist.start([CheckId.DISABLED_KEY], at=0.0, walk=3)
    value = button_value(42, state, CheckId.DISABLED_KEY)
    assert value == "42/3:disabled_key"
    assert parse_value(value) == (42, 3, CheckId.DISABLED_KEY)


@pytest.mark.parametrize("value", ["", "42", "x/1:whitespace", "42/1:nope", "42/one:whitespace", "/1:whitespace"])
def test_malformed_button_values_are_refused(value: str) -> None:
    with pytest.raises(ChecklistError):
        parse_value(value)


def test_gap_summary_uses_our_wording_only() -> None:
    diagnosis = [
        {"check": "whitespace", "reason": "quoted_key", "excerpt": "OPENAI_API_KEY='sk-…' my secret project"},
        {"check": "wrong_base_url", "reason": "a-code-from-the-future", "excerpt": "https://internal.example"},
    ]
    text = gap_summary(diagnosis, ticket=False)
    assert text == "401 checklist ended unresolved. Diagnosis: Quote marks are sent as part of the key"
    assert "secret project" not in text and "internal.example" not in text
    assert gap_summary([], ticket=True) == (
        "401 checklist did not fix it; ticket requested. Diagnosis: no cause recognised in the paste"
    )


def _finding(language: str, reason: str, check: str) -> str:
    return RENDERER.text(
        "triage/finding",
        language,
        check=check,
        reason=reason,
        summary=REASONS.get(reason, REASONS["quoted_key"]).message,
        excerpt="",  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_reason_reads_in_chinese(reason: str) -> None:
    spec = REASONS[reason]
    fallback = _finding("zh", "not-a-reason", str(spec.check))
    worded = _finding("zh", reason, str(spec.check))
    assert worded != fallback, f"templates/zh/triage/finding.md.j2 has no wording for {reason!r}"
    assert any("\u4e00" <= char <= "\u9fff" for char in worded)


def test_unknown_reasons_fall_back_to_the_check() -> None:
    fallbacks = {_finding("zh", "not-a-reason", str(check)) for check in CHECK_ORDER}
    assert len(fallbacks) == len(CHECK_ORDER)


def test_english_speaks_to_the_customer_about_what_they_said() -> None:
    assert _finding("en", "said_disabled", "disabled_key").startswith("You say")
    assert _finding("en", "quoted_key", "whitespace") == REASONS["quoted_key"].message
