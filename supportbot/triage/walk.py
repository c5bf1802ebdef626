"""A checklist walk's values outside the state machine (pure): button values, the stored diagnosis, the gap line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supportbot.triage import Check, CheckId
from supportbot.triage import checklist as machine
from supportbot.triage.checklist import ChecklistError, ChecklistState
from supportbot.triage.reasons import REASONS

MAX_FINDINGS = 3


def button_value(walk_id: int, state: ChecklistState, step: CheckId) -> str:
    """``<walk row id>/<walk>:<step>``: the row to load, then the state machine's own value."""
    return f"{walk_id}/{machine.button_value(state, step)}"


def parse_value(value: str) -> tuple[int, int, CheckId]:
    row, _, rest = value.partition("/")
    try:
        walk_id = int(row)
    except ValueError:
        raise ChecklistError(f"checklist: malformed button value {value[:40]!r}") from None
    walk, step = machine.parse_button_value(rest)
    return walk_id, walk, step


def gap_summary(diagnosis: Sequence[dict[str, Any]], *, ticket: bool) -> str:
    """A short, scrubbed line for the FAQ-gap log: how the walk ended and what the diagnosis named.

    Built from reason codes only (our own wording), never from the customer's text.
    """
    reasons = [REASONS[str(item.get("reason"))].message for item in diagnosis if str(item.get("reason")) in REASONS]
    ending = "401 checklist did not fix it; ticket requested" if ticket else "401 checklist ended unresolved"
    named = "; ".join(reasons[:MAX_FINDINGS]) if reasons else "no cause recognised in the paste"
    return f"{ending}. Diagnosis: {named}"[:300]


def check_json(check: Check) -> dict[str, Any]:
    return {
        "check": str(check.check),
        "reason": check.reason,
        "score": check.score,
        "evidence": check.evidence,
        "excerpt": check.excerpt,
        "subject": check.subject,
    }


def check_from_json(item: dict[str, Any]) -> Check:
    subject = item.get("subject")
    return Check(
        CheckId(str(item.get("check"))),
        str(item.get("evidence") or ""),
        float(item.get("score") or 0.0),
        str(item.get("reason") or ""),
        str(item.get("excerpt") or ""),
        subject if isinstance(subject, str) else None,
    )


def signature(checks: Sequence[Check]) -> list[tuple[str, str]]:
    return [(str(check.check), check.reason) for check in checks]


def finding_summary(item: dict[str, Any]) -> str:
    """The evidence sentence without its excerpt (the template shows the excerpt as code)."""
    evidence = str(item.get("evidence") or "")
    excerpt = str(item.get("excerpt") or "")
    if excerpt and evidence.endswith(": " + excerpt):
        return evidence[: -len(excerpt) - 2]
    return evidence
