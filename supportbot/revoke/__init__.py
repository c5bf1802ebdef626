"""Disabling a leaked key at its source: which keys qualify, and the revokers that disable them.

The key itself exists only in the handler that found it. There, :func:`key_digests` turns each
API key into its SHA-256 (never a password, a private key or a URL credential); from then on only
that digest travels: in the outbox payload, to a signed webhook, or into a SQL comparison that the
gateway's own database computes. See README "Disabling leaked keys at their source".
"""

from supportbot.revoke.decision import (
    MODES,
    Combined,
    LeakToRevoke,
    Outcome,
    RevocableKey,
    RevokeMode,
    Revoker,
    RevokeRequest,
    RevokerUnavailable,
    combine,
    is_revocable,
    key_digests,
    key_sha256,
    stronger,
)

__all__ = [
    "MODES",
    "Combined",
    "LeakToRevoke",
    "Outcome",
    "RevocableKey",
    "RevokeMode",
    "RevokeRequest",
    "Revoker",
    "RevokerUnavailable",
    "combine",
    "is_revocable",
    "key_digests",
    "key_sha256",
    "stronger",
]
