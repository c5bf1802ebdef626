"""What the passes report: findings (a reason, its score, its evidence) and URLs seen, judged once each.

A pass that meets a URL reports a :class:`Sighting` in place; :func:`judge` turns the first sighting
of each (URL, role, SDK) into the findings of :func:`supportbot.triage.baseurl.assess`, where it
stands, so the order of findings (which decides ties) is the order of reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, TypeAlias

from supportbot.triage.baseurl import ROLE_FACTOR, Role, assess
from supportbot.triage.checks import Finding
from supportbot.triage.reasons import REASONS
from supportbot.triage.text import mask_value
from supportbot.triage.urls import Official, Url, split_endpoint


def found(
    reason: str,
    *,
    excerpt: str = "",
    factor: float = 1.0,
    subject: str | None = None,
    note: str = "",
) -> Finding:
    """A finding of ``reason``, scored from its base score (capped below certainty)."""
    return Finding(reason, min(0.99, REASONS[reason].base_score * factor), excerpt, subject, note)


def shown(label: str, value: str) -> str:
    """Evidence for a credential value, masked but with its spaces and quotes kept."""
    # Written without "name: value" so the scrubber's header rule leaves the (already masked)
    # value visible: its spaces and quotes are the evidence.
    return f"{label} value `{mask_value(value)}`"


@dataclass(frozen=True)
class Sighting:
    """A URL the paste configures (``base``), calls (``request``) or mentions (``prose``)."""

    url: Url
    role: Role
    excerpt: str
    #: Configured for the Anthropic SDK, which adds "/v1/messages" itself.
    anthropic: bool = False


Found: TypeAlias = Finding | Sighting


class Judged(NamedTuple):
    """The findings in reading order with each first sighting judged, and the base URLs seen."""

    findings: tuple[Finding, ...]
    bases: tuple[str, ...]


def judge(reported: Iterable[Found], officials: tuple[Official, ...], *, official_seen: bool) -> Judged:
    """Replace each first sighting of a (URL, role, SDK) with its verdicts; later repeats add nothing."""
    findings: list[Finding] = []
    bases: list[str] = []
    judged: set[tuple[Url, Role, bool]] = set()
    for item in reported:
        if isinstance(item, Finding):
            findings.append(item)
            continue
        url, role = item.url, item.role
        key = (url, role, item.anthropic)
        if key in judged:
            continue
        judged.add(key)
        if role != "prose" and url.scheme in {"https", "http", ""}:
            base, _ = split_endpoint(url.path)
            base_url = Url(url.scheme or "https", url.host, url.port, base).display()
            if base_url not in bases:
                bases.append(base_url)
        for verdict in assess(url, role, officials, anthropic=item.anthropic, official_seen=official_seen):
            findings.append(
                found(
                    verdict.reason,
                    excerpt=item.excerpt,
                    factor=verdict.factor * ROLE_FACTOR[role],
                    subject=url.display(),
                    note=verdict.note,
                )
            )
    return Judged(tuple(findings), tuple(bases))
