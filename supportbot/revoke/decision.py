"""What may be revoked, how it is described to a revoker, and how revokers' answers combine (pure)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from supportbot.infra.errors import SupportbotError
from supportbot.keys import Finding, Rule, Scanner
from supportbot.keys.normalise import INVISIBLE

RevokeMode = Literal["off", "ask", "auto"]
MODES: tuple[RevokeMode, ...] = ("off", "ask", "auto")
# What one revoker says about one key. "failed" is ours: every revoker stayed unreachable.
Outcome = Literal["disabled", "not_ours", "failed"]
# Credentials that are not API keys: a password in a URL, a PEM block. Never hashed, never sent.
_NOT_API_KEYS = frozenset({"private-key", "url-credentials"})
_INVISIBLE = frozenset(INVISIBLE)
# How incident states rank: a later, weaker answer (another revoker's "not ours") never hides a stronger one.
_RANK = {None: 0, "offered": 1, "expired": 2, "pending": 3, "not_ours": 4, "failed": 5, "disabled": 6}


class RevokerUnavailable(SupportbotError):
    """A revoker could not answer now (network, 5xx, database down): try again later.

    ``reason`` is a short identifier of our own (``webhook_http_503``, ``oneapi_database``), safe for
    logs and metrics; the exception never carries a key, a digest or a connection string.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RevocableKey:
    """One leaked API key as the revocation knows it: its SHA-256 and what may be shown."""

    key_id: str
    key_sha256: str
    rule: str
    provider: str
    masked: str


@dataclass(frozen=True)
class RevokeRequest:
    """What a revoker is told: the digest and a description, never the key."""

    key_sha256: str
    provider: str
    rule: str
    masked: str
    incident: int
    channel: str
    leaked_at: datetime

    def body(self) -> bytes:
        """The webhook's JSON body, in the documented field order."""
        data = {
            "key_sha256": self.key_sha256,
            "provider": self.provider,
            "rule": self.rule,
            "masked": self.masked,
            "incident": self.incident,
            "channel": self.channel,
            "leaked_at": self.leaked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class LeakToRevoke:
    """A recorded leak whose API keys may be disabled at their source (the ``leak_revocable`` hook)."""

    incident: int
    channel: str
    thread_ts: str | None
    author: str | None
    leaked_at: datetime
    keys: tuple[RevocableKey, ...]
    lang: str | None = None
    received_at: float | None = None


class Revoker(Protocol):
    """Disables a key it owns. Answers ``disabled`` (also when it was disabled already) or
    ``not_ours``; raises :class:`RevokerUnavailable` when it cannot tell now. Must be idempotent."""

    name: str

    def revoke(self, request: RevokeRequest) -> Literal["disabled", "not_ours"]: ...


def is_revocable(rule: Rule) -> bool:
    """High-entropy API keys of a fixed format, the kind an issuer can look up by digest.

    Context rules (a value after ``Bearer`` or ``api_key=``) may catch a password, so they never
    qualify; neither do rules without an entropy threshold (a deployment's own rule qualifies once it
    sets ``entropy``).
    """
    return not rule.context and rule.entropy is not None and rule.id not in _NOT_API_KEYS


def key_sha256(key: str) -> str:
    """Hex SHA-256 of the whole key as issued (prefix included), as the webhook's ``key_sha256``."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_digests(scanner: Scanner, text: str, findings: Sequence[Finding]) -> dict[str, RevocableKey]:
    """The revocable keys among ``findings`` of ``text``, by ``key_id``; only their digests leave here."""
    rules = {rule.id: rule for rule in scanner.rules}
    found: dict[str, RevocableKey] = {}
    for finding in findings:
        rule = rules.get(finding.rule)
        if rule is None or not is_revocable(rule) or finding.key_id in found:
            continue
        key = "".join(
            char for char in text[finding.start : finding.end] if not char.isspace() and char not in _INVISIBLE
        )
        # The finding's offsets point into the original text; if what stands there is not exactly the key
        # the scanner fingerprinted (an entity it decoded), hashing it would ask to revoke some other string.
        if scanner.fingerprint(key) != finding.key_id:
            continue
        found[finding.key_id] = RevocableKey(
            finding.key_id, key_sha256(key), finding.rule, finding.provider, finding.masked
        )
    return found


@dataclass(frozen=True)
class Combined:
    """All revokers' answers for one key: ``retry`` while none disabled it and one could not answer."""

    outcome: Literal["disabled", "not_ours", "retry"]
    revokers: tuple[str, ...]  # the revokers that disabled it, or that could not answer
    reason: str = ""


def combine(answers: Mapping[str, str | RevokerUnavailable]) -> Combined:
    """One revoker disabling the key is enough; "not ours" needs every revoker to say so."""
    disabled = tuple(name for name, answer in answers.items() if answer == "disabled")
    if disabled:
        return Combined("disabled", disabled)
    unavailable = {name: answer for name, answer in answers.items() if isinstance(answer, RevokerUnavailable)}
    if unavailable:
        return Combined("retry", tuple(unavailable), ",".join(error.reason for error in unavailable.values()))
    return Combined("not_ours", ())


def stronger(current: str | None, new: str) -> bool:
    """Whether ``new`` should replace ``current`` as an incident's revocation state."""
    return _RANK.get(new, 0) > _RANK.get(current, 0)
