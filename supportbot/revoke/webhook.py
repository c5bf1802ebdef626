"""The signed webhook revoker: tell the issuer's own service which key leaked, by its SHA-256.

    POST <SUPPORTBOT_REVOKE_WEBHOOK_URL>
    X-Supportbot-Request-Timestamp: <unix seconds>
    X-Supportbot-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>" under the shared secret>
    {"key_sha256", "provider", "rule", "masked", "incident", "channel", "leaked_at"}

The scheme is the one Slack signs its own requests with, so a receiver can reuse its verifier and
refuse stale timestamps. 2xx means disabled (or already disabled), 404 "not one of ours", anything
else (and no answer) is tried again later. HTTPS only, except to a loopback address.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Literal

import httpx

from supportbot.revoke.decision import RevokeRequest, RevokerUnavailable
from supportbot.revoke.urls import webhook_url_problem

TIMESTAMP_HEADER = "X-Supportbot-Request-Timestamp"
SIGNATURE_HEADER = "X-Supportbot-Signature"
TIMEOUT_SECONDS = 5.0


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:<timestamp>:<body>``."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class WebhookRevoker:
    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        client: httpx.Client | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        problem = webhook_url_problem(url)
        if problem is not None:
            raise ValueError(f"SUPPORTBOT_REVOKE_WEBHOOK_URL {problem}")
        self._url = url
        self._secret = secret
        # No redirects: a redirect could carry the signed body to a host nobody configured.
        self._client = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
        self._now = now

    def revoke(self, request: RevokeRequest) -> Literal["disabled", "not_ours"]:
        body = request.body()
        timestamp = int(self._now())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(self._secret, timestamp, body),
        }
        try:
            response = self._client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise RevokerUnavailable(f"webhook_{type(error).__name__}") from None
        if 200 <= response.status_code < 300:
            return "disabled"
        if response.status_code == 404:
            return "not_ours"
        raise RevokerUnavailable(f"webhook_http_{response.status_code}")

    def close(self) -> None:
        self._client.close()
