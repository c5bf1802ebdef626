"""Request signature verification that never logs the request.

Bolt's built-in verifier logs the whole body of a badly signed request, and a body can hold a
customer's API key. This one says only that a request was refused and how big it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import Clock as SdkClock
from slack_sdk.signature import SignatureVerifier

_log = logging.getLogger(__name__)


class _WallClock(SdkClock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def _first(headers: Mapping[str, Sequence[str] | str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower()) or ""
    if isinstance(value, str):
        return value
    return value[0] if value else ""


class SignatureCheck:
    """Checks ``X-Slack-Signature`` over ``v0:{timestamp}:{body}`` within Slack's 5-minute window."""

    def __init__(self, signing_secret: str, now: Callable[[], float]) -> None:
        self._verifier = SignatureVerifier(signing_secret, clock=_WallClock(now))

    def is_valid(self, body: str | bytes, headers: Mapping[str, Sequence[str] | str]) -> bool:
        timestamp = _first(headers, "x-slack-request-timestamp")
        signature = _first(headers, "x-slack-signature")
        if not timestamp or not signature:
            return False
        try:
            return self._verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except (ValueError, TypeError):  # a timestamp that is not a number
            return False


class SignatureMiddleware(Middleware):
    def __init__(self, check: SignatureCheck) -> None:
        self._check = check

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        if req.mode == "socket_mode":  # Socket Mode connections are authenticated by the app token
            return next()
        if self._check.is_valid(req.raw_body, req.headers):
            return next()
        _log.warning("refused a request with a missing, wrong or stale signature (%d bytes)", len(req.raw_body))
        return BoltResponse(status=401, body={"error": "invalid request signature"})
