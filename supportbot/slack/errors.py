"""What can go wrong when calling Slack's Web API.

    SlackError                 base; ``method`` and ``code`` say which call and why (never its text)
    ├── SlackApiError          Slack answered ``ok: false`` with an error code (``cant_delete_message``…)
    │   └── SlackTokenRejected ``invalid_auth``, ``token_revoked``…: the token stopped working; retryable,
    │                          since the outbox pauses and resumes once the token works again
    ├── SlackRateLimited       HTTP 429; ``retry_after`` seconds, from the ``Retry-After`` header
    ├── SlackServerError       HTTP 5xx, or Slack's own ``internal_error``/``fatal_error``
    └── SlackUnavailable       no answer: connection refused, DNS failure, timeout

``retryable`` says whether trying again later can help. Messages hold the method name and the
error code only: parameters (message text, tokens) never appear in an exception.
``SlackError`` and the app's own failures share the Slack layer's base ``SlackLayerError``; the whole
tree is drawn in ``supportbot/infra/errors.py``.
"""

from __future__ import annotations

from supportbot.infra.errors import SupportbotError

_RETRYABLE_CODES = frozenset(
    {
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "ratelimited",
        "team_added_to_org",
        "rate_limited",
    }
)


class SlackLayerError(SupportbotError):
    """Base of every error the Slack edge raises (the whole tree is in ``supportbot/infra/errors.py``)."""


class SlackError(SlackLayerError):
    retryable = False

    def __init__(self, method: str, code: str, detail: str = "") -> None:
        self.method = method
        self.code = code
        message = f"{method}: {code}"
        super().__init__(f"{message} ({detail})" if detail else message)


class SlackApiError(SlackError):
    def __init__(self, method: str, code: str) -> None:
        super().__init__(method, code)
        self.retryable = code in _RETRYABLE_CODES


TOKEN_REJECTED_CODES = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})


class SlackTokenRejected(SlackApiError):
    retryable = True

    def __init__(self, method: str, code: str) -> None:
        super().__init__(method, code)
        self.retryable = True


class SlackRateLimited(SlackError):
    retryable = True

    def __init__(self, method: str, retry_after: float) -> None:
        super().__init__(method, "ratelimited", f"retry after {retry_after:g}s")
        self.retry_after = retry_after


class SlackServerError(SlackError):
    retryable = True

    def __init__(self, method: str, status: int) -> None:
        super().__init__(method, f"http_{status}")
        self.status = status


class SlackUnavailable(SlackError):
    retryable = True

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(method, "unavailable", reason)
