"""Findings to checks: the findings of one check merge into one :class:`..checks.Check`."""

from __future__ import annotations

from collections.abc import Iterable

from supportbot.triage.checks import CHECK_ORDER, Check, CheckId, Finding
from supportbot.triage.reasons import REASONS
from supportbot.triage.text import Scrub, clean_excerpt


def _check(check: CheckId, findings: list[Finding], scrub: Scrub) -> Check:
    """The best finding speaks for the check; a second, different reason adds a tenth of its score."""
    ordered = sorted(findings, key=lambda f: -f.score)  # stable: the first read wins a tie
    best = ordered[0]
    second = next((f.score for f in ordered[1:] if f.reason != best.reason), 0.0)
    score = round(min(0.99, best.score + 0.1 * second), 3)
    excerpt = clean_excerpt(best.excerpt, scrub) if best.excerpt else ""
    message = REASONS[best.reason].message
    if best.note:
        message += f" ({clean_excerpt(best.note, scrub, limit=120)})"
    evidence = f"{message}: {excerpt}" if excerpt else message
    subject = clean_excerpt(best.subject, scrub, limit=300) if best.subject else None
    return Check(check, evidence, score, best.reason, excerpt, subject)


def merge(findings: Iterable[Finding], scrub: Scrub) -> list[Check]:
    """One check per check id that has findings, most likely first; every text through ``scrub``."""
    by_check: dict[CheckId, list[Finding]] = {}
    for finding in findings:
        by_check.setdefault(REASONS[finding.reason].check, []).append(finding)
    checks = [_check(check, grouped, scrub) for check, grouped in by_check.items()]
    checks.sort(key=lambda c: (-c.score, CHECK_ORDER.index(c.check)))
    return checks
