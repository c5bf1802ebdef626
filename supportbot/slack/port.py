"""SlackPort: the one way out to Slack's Web API.

Every call goes through :meth:`SlackPort.call`, which picks the token (the bot's, or the admin
user's for deletions), turns every failure into the typed errors of ``supportbot.slack.errors``,
remembers ``Retry-After`` so calls that would certainly be refused are not sent, counts outcomes
in metrics, and logs the method and outcome only (never parameters: they hold message text).
A token Slack rejects (``invalid_auth``, ``token_revoked``…) is reported to ``on_token_rejected``
(readiness turns 503, the outbox pauses) and raises :class:`SlackTokenRejected`. Posts made for an
outbox action carry its tag (``action_tag``) and are not repeated when an earlier attempt's post
went through unseen.

Calls go over one pooled HTTP client with keep-alive connections (httpx), so a deletion does not
pay for a new TLS handshake with Slack; slack_sdk's WebClient opens a connection per call. Bolt
still gets a WebClient (``bot_client``) for its own use.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient

from supportbot import __version__
from supportbot.slack import action_tag
from supportbot.slack.errors import (
    TOKEN_REJECTED_CODES,
    SlackApiError,
    SlackError,
    SlackRateLimited,
    SlackServerError,
    SlackTokenRejected,
    SlackUnavailable,
)
from supportbot.slack.metrics import Metrics

TokenKind = Literal["bot", "admin"]
DEFAULT_API_URL = "https://slack.com/api/"
_log = logging.getLogger(__name__)


class SlackPort:
    def __init__(
        self,
        *,
        bot_token: str,
        admin_token: str | None = None,
        base_url: str | None = None,
        metrics: Metrics | None = None,
        timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url or DEFAULT_API_URL
        self.metrics = metrics or Metrics()
        self._timeout = timeout
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens: dict[TokenKind, str] = {"bot": bot_token}
        if admin_token:
            self._tokens["admin"] = admin_token
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            follow_redirects=False,
            headers={"User-Agent": f"supportbot/{__version__}"},
        )
        # retry_handlers=[]: Bolt's client makes no calls of ours; retries are the outbox's business.
        self._bot_client = WebClient(token=bot_token, base_url=self.base_url, timeout=int(timeout), retry_handlers=[])
        self._blocked_until: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()
        self.on_token_rejected: Callable[[TokenKind, str], None] | None = None

    @property
    def bot_client(self) -> WebClient:
        return self._bot_client

    @property
    def has_admin(self) -> bool:
        return "admin" in self._tokens

    def close(self) -> None:
        self._http.close()

    def call(
        self,
        method: str,
        *,
        token: TokenKind = "bot",  # noqa: S107 - names which token to use; it is not one
        retries: int = 0,
        **params: Any,
    ) -> dict[str, Any]:
        """Call ``method`` and return Slack's response data; raise a :class:`SlackError` otherwise.

        ``retries`` is for interactive paths that cannot wait for the outbox: a retryable error
        whose wait is short is retried in place that many times.
        """
        if method == "chat.postMessage" and (tag := action_tag.current()) is not None and "metadata" not in params:
            metadata = tag.next_metadata()
            if tag.look_first:
                found = self._find_tagged(token, params, metadata)
                if found is not None:
                    return found
            params = {**params, "metadata": metadata}
        attempt = 0
        while True:
            try:
                return self._call_once(method, token, params)
            except SlackError as error:
                delay = error.retry_after if isinstance(error, SlackRateLimited) else 0.5 * (attempt + 1)
                if not error.retryable or attempt >= retries or delay > 5:
                    raise
                attempt += 1
                self._sleep(delay)

    def granted(
        self,
        method: str = "auth.test",
        *,
        token: TokenKind = "bot",  # noqa: S107 - names which token to use; it is not one
    ) -> tuple[dict[str, Any], frozenset[str] | None]:
        """Call ``method`` once and return its data with the scopes Slack says the token was granted
        (the ``x-oauth-scopes`` header; None when Slack did not send it)."""
        data, headers = self._exchange(method, token, {})
        listed = headers.get("x-oauth-scopes")
        if listed is None:
            return data, None
        return data, frozenset(scope.strip() for scope in listed.split(",") if scope.strip())

    def _call_once(self, method: str, token: TokenKind, params: dict[str, Any]) -> dict[str, Any]:
        return self._exchange(method, token, params)[0]

    def _exchange(self, method: str, token: TokenKind, params: dict[str, Any]) -> tuple[dict[str, Any], httpx.Headers]:
        secret = self._tokens.get(token)
        if secret is None:
            raise SlackApiError(method, "no_admin_token")
        gate = (token, method, str(params.get("channel", "")))
        with self._lock:
            blocked_until = self._blocked_until.get(gate, 0.0)
        remaining = blocked_until - self._monotonic()
        if remaining > 0:
            self.metrics.slack_calls.labels(method, "held").inc()
            raise SlackRateLimited(method, round(remaining, 3))
        headers = {"Authorization": f"Bearer {secret}"}
        try:
            if any(isinstance(value, (dict, list)) for value in params.values()):
                # Blocks and views: Slack's write methods take JSON bodies (its recommended form for them).
                body = {name: value for name, value in params.items() if value is not None}
                response = self._http.post(method, json=body, headers=headers)
            else:
                # Read methods (users.info, conversations.history…) accept form encoding only.
                response = self._http.post(method, data=_form(params), headers=headers)
        except httpx.HTTPError as error:
            self.metrics.slack_calls.labels(method, "unavailable").inc()
            _log.warning("slack %s: no answer (%s)", method, type(error).__name__)
            raise SlackUnavailable(method, type(error).__name__) from None
        if response.status_code == 429:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            with self._lock:
                self._blocked_until[gate] = self._monotonic() + retry_after
            self.metrics.slack_calls.labels(method, "ratelimited").inc()
            _log.info("slack %s: rate limited, retry after %ss", method, retry_after)
            raise SlackRateLimited(method, retry_after)
        if response.status_code >= 500:
            self.metrics.slack_calls.labels(method, "server_error").inc()
            _log.warning("slack %s: server error %s", method, response.status_code)
            raise SlackServerError(method, response.status_code)
        try:
            data = response.json()
        except ValueError:
            self.metrics.slack_calls.labels(method, "server_error").inc()
            raise SlackServerError(method, response.status_code) from None
        if not isinstance(data, dict) or not data.get("ok"):
            code = str(data.get("error") or "unknown_error") if isinstance(data, dict) else "unknown_error"
            self.metrics.slack_calls.labels(method, "error").inc()
            _log.info("slack %s: %s", method, code)
            if code in TOKEN_REJECTED_CODES:
                if self.on_token_rejected is not None:
                    self.on_token_rejected(token, code)
                raise SlackTokenRejected(method, code)
            raise SlackApiError(method, code)
        self.metrics.slack_calls.labels(method, "ok").inc()
        return data, response.headers

    def _find_tagged(self, token: TokenKind, params: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any] | None:
        """The message an earlier attempt posted with ``metadata``, if Slack shows one; None otherwise
        (also when the lookup itself fails: then posting again is the lesser harm than not posting)."""
        channel = str(params.get("channel") or "")
        thread_ts = params.get("thread_ts")
        try:
            if thread_ts:
                data = self._call_once(
                    "conversations.replies",
                    token,
                    {"channel": channel, "ts": thread_ts, "limit": 200, "include_all_metadata": True},
                )
            else:
                data = self._call_once(
                    "conversations.history", token, {"channel": channel, "limit": 100, "include_all_metadata": True}
                )
        except SlackRateLimited:
            raise  # wait and look again rather than guess
        except SlackError:
            return None
        for message in data.get("messages") or []:
            if isinstance(message, dict) and action_tag.is_tagged(message, metadata):
                self.metrics.slack_calls.labels("chat.postMessage", "already_posted").inc()
                _log.info("slack chat.postMessage: an earlier attempt had posted it; not posting again")
                return {"ok": True, "channel": channel, "ts": message.get("ts"), "message": message}
        return None

    def download(self, url: str, *, max_bytes: int) -> tuple[bytes, bool]:
        """Fetch a file's ``url_private`` with the bot token; return (content, truncated).

        Only Slack's own file hosts (or the configured API host, for the emulator) are contacted,
        and redirects are not followed, so a crafted URL cannot send the bot token elsewhere.
        """
        if not self._allowed_file_url(url):
            raise SlackApiError("files.download", "untrusted_file_host")
        chunks: list[bytes] = []
        size = 0
        try:
            with self._http.stream("GET", url, headers={"Authorization": f"Bearer {self._tokens['bot']}"}) as reply:
                if reply.status_code != 200:
                    raise SlackApiError("files.download", f"http_{reply.status_code}")
                for chunk in reply.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        break
        except httpx.HTTPError as error:
            raise SlackUnavailable("files.download", type(error).__name__) from None
        content = b"".join(chunks)
        return content[:max_bytes], size > max_bytes

    def _allowed_file_url(self, url: str) -> bool:
        parts = urlsplit(url)
        api = urlsplit(self.base_url)
        if parts.scheme == "https" and parts.hostname in {"files.slack.com", "slack-files.com"}:
            return True
        return parts.scheme == api.scheme and parts.netloc == api.netloc


def _form(params: dict[str, Any]) -> dict[str, str]:
    """Slack's form encoding: nested values (blocks, views) as JSON strings, booleans as true/false."""
    encoded: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            encoded[name] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            encoded[name] = str(value)
    return encoded


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0
