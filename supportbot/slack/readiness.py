"""Readiness: is this instance able to do its work right now?

Not ready while Slack rejects one of our tokens, or while the database cannot be reached within a
bounded wait. A rejected token is noticed by any call that gets ``invalid_auth``/``token_revoked``
(the port reports it) and by ``auth.test``, asked for each token every ``interval`` seconds; the
same check notices when the token works again, so the outbox resumes without a restart.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from supportbot.slack.errors import SlackError, SlackTokenRejected
from supportbot.slack.port import SlackPort, TokenKind
from supportbot.store.db import Store

_log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 30.0
DATABASE_WAIT = 2.0


@dataclass(frozen=True)
class Readiness:
    ready: bool
    database: bool
    rejected_tokens: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "not_ready",
            "database": "ok" if self.database else "unreachable",
            "slack_tokens": {kind: f"rejected ({code})" for kind, code in self.rejected_tokens.items()} or "ok",
        }


class TokenHealth:
    """Which of our Slack tokens Slack currently rejects, kept fresh by a background ``auth.test``."""

    def __init__(self, port: SlackPort, *, interval: float = DEFAULT_INTERVAL) -> None:
        self._port = port
        self.interval = interval
        self._rejected: dict[TokenKind, str] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._changed = threading.Event()
        self._thread: threading.Thread | None = None
        port.on_token_rejected = self.report_rejected

    def report_rejected(self, kind: TokenKind, code: str) -> None:
        with self._lock:
            first = kind not in self._rejected
            self._rejected[kind] = code
        if first:
            _log.error("Slack rejects the %s token (%s): outbox paused until it works again", kind, code)
            self._changed.set()  # re-check soon rather than at the next interval

    def rejected(self) -> dict[TokenKind, str]:
        with self._lock:
            return dict(self._rejected)

    def bot_rejected(self) -> bool:
        with self._lock:
            return "bot" in self._rejected

    def check(self) -> None:
        """Ask Slack about every token now (``auth.test``)."""
        kinds: list[TokenKind] = ["bot", "admin"] if self._port.has_admin else ["bot"]
        for kind in kinds:
            try:
                self._port.call("auth.test", token=kind)
            except SlackTokenRejected:
                continue  # reported by the port
            except SlackError as error:
                # No answer or a Slack outage says nothing about the token: keep what we knew.
                _log.info("auth.test for the %s token: %s", kind, error.code)
                continue
            with self._lock:
                recovered = self._rejected.pop(kind, None)
            if recovered is not None:
                _log.warning("Slack accepts the %s token again: outbox resumes", kind)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="token-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._changed.set()
        if self._thread is not None:
            self._thread.join(5)
        self._thread = None

    def _run(self) -> None:
        while not self._stopping.is_set():
            # A fresh rejection is confirmed a few seconds later; otherwise every interval.
            if self._changed.wait(self.interval):
                self._changed.clear()
                self._stopping.wait(min(5.0, self.interval))
            if self._stopping.is_set():
                return
            try:
                self.check()
            except Exception:
                _log.exception("token check failed")


def readiness(store: Store, tokens: TokenHealth, *, database_wait: float = DATABASE_WAIT) -> Readiness:
    database = store.ping(timeout=database_wait)
    rejected = {str(kind): code for kind, code in tokens.rejected().items()}
    return Readiness(ready=database and not rejected, database=database, rejected_tokens=rejected)
