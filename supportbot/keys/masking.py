"""Masked forms and keyed fingerprints of keys.

The masked form keeps the public prefix (which only names the provider and key type), an ellipsis and at
most the last four characters of the secret part, fewer for short secrets. The fingerprint is an
HMAC-SHA256 of the key under a deployment secret, so the same key always gets the same id while the id
alone reveals nothing and cannot be checked against guessed keys without the secret.

That holds only while guessing is hopeless even *with* the secret (a stolen database and a stolen
secret together). A machine-made key of 64 bits or more is out of reach; a password someone chose
(``https://user:hunter2@db``) is not, so it is never fingerprinted under the deployment secret: see
:func:`fingerprintable`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from typing import Protocol

ELLIPSIS = "…"
KEY_ID_LENGTH = 12
_MAX_REVEALED = 4
# One revealed character per this many secret characters: 24+ characters show 4, 16 show 2.
_CHARS_PER_REVEALED = 6
#: Fewer estimated bits than this and a secret could be guessed back from its fingerprint.
MIN_FINGERPRINT_BITS = 64


class Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def masked(self) -> str: ...


def revealed_count(secret_length: int) -> int:
    """How many trailing characters of a secret part of this length may be shown."""
    return max(0, min(_MAX_REVEALED, secret_length // _CHARS_PER_REVEALED))


def mask_key(key: str, prefix: str = "") -> str:
    """``prefix`` + ``…`` + the last few characters of the rest of ``key``."""
    if prefix and not key.startswith(prefix):
        prefix = ""
    secret = key[len(prefix) :]
    shown = revealed_count(len(secret))
    return prefix + ELLIPSIS + (secret[-shown:] if shown else "")


def secret_bytes(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        return secret
    return secret.encode("utf-8", "surrogatepass")


def strength_bits(secret: str) -> float:
    """An upper estimate of a secret's strength: its length times log2 of the character classes it uses."""
    alphabet = 0
    alphabet += 26 if any(char.islower() for char in secret) else 0
    alphabet += 26 if any(char.isupper() for char in secret) else 0
    alphabet += 10 if any(char.isdigit() for char in secret) else 0
    alphabet += 33 if any(not char.isalnum() for char in secret) else 0
    return len(secret) * math.log2(alphabet) if alphabet > 1 else 0.0


def fingerprintable(secret: str, *, machine_made: bool) -> bool:
    """Whether ``secret`` may get a fingerprint that lasts (is stored and compared across restarts).

    Only secrets that a rule requires to be random (``machine_made``) and that are long enough to be
    out of reach of guessing; everything else gets a per-process id that links nothing once the
    process is gone.
    """
    return machine_made and strength_bits(secret) >= MIN_FINGERPRINT_BITS


def fingerprint(key: str, secret: bytes) -> str:
    """Short keyed fingerprint: the first 12 hex characters of HMAC-SHA256(secret, key)."""
    digest = hmac.new(secret, key.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return digest[:KEY_ID_LENGTH]


def mask_text(text: str, findings: Sequence[Span]) -> str:
    """``text`` with each finding's span replaced by its masked form.

    Spans that fall outside the text or overlap an earlier span are skipped rather than raising, so a
    stale finding list can never crash a caller that is about to post or log the result.
    """
    pieces: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda item: (item.start, item.end)):
        start, end = finding.start, finding.end
        if start < position or end > len(text) or start >= end:
            continue
        pieces.append(text[position:start])
        pieces.append(finding.masked)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
