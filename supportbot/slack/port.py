"""SlackPort: the one way out to Slack's Web API.

Every call goes through :meth:`SlackPort.call`, which picks the token (the bot's, or the admin
user's for deletions), turns every failure into the typed errors of ``supportbot.slack.errors``,
remembers ``Retry-After`` so calls that would certainly be refused are not sent, counts outcomes
in metrics, and logs the method and outcome only (never parameters: they hold message text).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError as SdkApiError
from slack_sdk.errors import SlackClientError

from supportbot.slack.errors import (
    SlackApiError,
    SlackError,
    SlackRateLimited,
    SlackServerError,
    SlackUnavailable,
)
from supportbot.slack.metrics import Metrics

TokenKind = Literal["bot", "admin"]
DEFAULT_API_URL = "https://slack.com/api/"
_log = logging.getLogger(__name__)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


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
        self._bot_token = bot_token
        self._clients: dict[TokenKind, WebClient] = {"bot": self._client(bot_token)}
        if admin_token:
            self._clients["admin"] = self._client(admin_token)
        self._blocked_until: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()
        self._opener = urllib.request.build_opener(_NoRedirect())

    def _client(self, token: str) -> WebClient:
        # retry_handlers=[]: retries are ours (outbox backoff honouring Retry-After), not hidden in the SDK.
        return WebClient(token=token, base_url=self.base_url, timeout=int(self._timeout), retry_handlers=[])

    @property
    def bot_client(self) -> WebClient:
        return self._clients["bot"]

    @property
    def has_admin(self) -> bool:
        return "admin" in self._clients

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

    def _call_once(self, method: str, token: TokenKind, params: dict[str, Any]) -> dict[str, Any]:
        client = self._clients.get(token)
        if client is None:
            raise SlackApiError(method, "no_admin_token")
        gate = (token, method, str(params.get("channel", "")))
        with self._lock:
            blocked_until = self._blocked_until.get(gate, 0.0)
        remaining = blocked_until - self._monotonic()
        if remaining > 0:
            self.metrics.slack_calls.labels(method, "held").inc()
            raise SlackRateLimited(method, round(remaining, 3))
        try:
            response = self._send(client, method, params)
        except SdkApiError as error:
            raise self._translate(method, gate, error) from None
        except (SlackClientError, urllib.error.URLError, OSError, ValueError) as error:
            self.metrics.slack_calls.labels(method, "unavailable").inc()
            _log.warning("slack %s: no answer (%s)", method, type(error).__name__)
            raise SlackUnavailable(method, type(error).__name__) from None
        self.metrics.slack_calls.labels(method, "ok").inc()
        data = response.data
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _send(client: WebClient, method: str, params: dict[str, Any]) -> Any:
        bound = getattr(client, method.replace(".", "_"), None)
        if callable(bound):
            return bound(**params)
        return client.api_call(method, params=params)

    def _translate(self, method: str, gate: tuple[str, str, str], error: SdkApiError) -> SlackError:
        response = error.response
        status = int(getattr(response, "status_code", 0) or 0)
        if status == 429:
            retry_after = _retry_after(getattr(response, "headers", {}) or {})
            with self._lock:
                self._blocked_until[gate] = self._monotonic() + retry_after
            self.metrics.slack_calls.labels(method, "ratelimited").inc()
            _log.info("slack %s: rate limited, retry after %ss", method, retry_after)
            return SlackRateLimited(method, retry_after)
        if status >= 500:
            self.metrics.slack_calls.labels(method, "server_error").inc()
            _log.warning("slack %s: server error %s", method, status)
            return SlackServerError(method, status)
        code = "unknown_error"
        with contextlib.suppress(AttributeError, TypeError, ValueError):
            code = str(response.get("error") or code)
        self.metrics.slack_calls.labels(method, "error").inc()
        _log.info("slack %s: %s", method, code)
        return SlackApiError(method, code)

    def download(self, url: str, *, max_bytes: int) -> tuple[bytes, bool]:
        """Fetch a file's ``url_private`` with the bot token; return (content, truncated).

        Only Slack's own file hosts (or the configured API host, for the emulator) are contacted,
        and redirects are not followed, so a crafted URL cannot send the bot token elsewhere.
        """
        if not self._allowed_file_url(url):
            raise SlackApiError("files.download", "untrusted_file_host")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._bot_token}"})  # noqa: S310
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                content: bytes = response.read(max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise SlackApiError("files.download", f"http_{error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise SlackUnavailable("files.download", type(error).__name__) from None
        return content[:max_bytes], len(content) > max_bytes

    def _allowed_file_url(self, url: str) -> bool:
        parts = urlsplit(url)
        api = urlsplit(self.base_url)
        if parts.scheme == "https" and parts.hostname in {"files.slack.com", "slack-files.com"}:
            return True
        return parts.scheme == api.scheme and parts.netloc == api.netloc


def _retry_after(headers: Any) -> float:
    value: Any = None
    for key in ("Retry-After", "retry-after"):
        if key in headers:
            value = headers[key]
            break
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 1.0
