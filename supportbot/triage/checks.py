"""The vocabulary of 401 causes and the records diagnosis returns."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CheckId(StrEnum):
    """One of the five usual causes of a 401; the values are the public contract (DESIGN.md)."""

    WHITESPACE = "whitespace"
    MISSING_HEADER = "missing_header"
    WRONG_BASE_URL = "wrong_base_url"
    DUPLICATED_PATH = "duplicated_path"
    DISABLED_KEY = "disabled_key"


#: The checklist order when nothing points anywhere: cheapest and most common first.
CHECK_ORDER: tuple[CheckId, ...] = (
    CheckId.WHITESPACE,
    CheckId.MISSING_HEADER,
    CheckId.WRONG_BASE_URL,
    CheckId.DUPLICATED_PATH,
    CheckId.DISABLED_KEY,
)


@dataclass(frozen=True)
class Check:
    """A likely cause named by :func:`supportbot.triage.diagnose`.

    ``evidence`` is one short English sentence for agents and the CLI; ``reason`` is a stable code
    (see :data:`supportbot.triage.reasons.REASONS`) that templates translate, and ``excerpt`` the
    piece of the paste it rests on. Both text fields went through the injected ``scrub`` and never
    hold a full key. ``subject`` is the URL a ``wrong_base_url`` check is about (query dropped),
    so the probe knows what to call.
    """

    check: CheckId
    evidence: str
    score: float
    reason: str
    excerpt: str = ""
    subject: str | None = None


@dataclass(frozen=True)
class Finding:
    """One observation before findings of the same check are merged into a :class:`Check`."""

    reason: str
    score: float
    excerpt: str = ""
    subject: str | None = None
    note: str = ""
