"""Deleting a leaked key the moment the event arrives, before anything is written to the database.

The outbox is the durable record of a deletion: it survives restarts and retries on 429s. But
reaching it costs a database write turn, and on SQLite every writer in every process queues for
one turn; at a hundred leaks a second that queue, not Slack, decided how long a key stayed
visible. So the event handler also starts ``chat.delete`` here at once, on a small thread pool,
from nothing but the parsed message. When the outbox's own delete action runs moments later, it
takes this attempt's result instead of calling Slack a second time (which would answer
``message_not_found`` and make our own deletion look like the author's).

Only a definite answer is kept (deleted, or refused for good); a rate limit or a Slack outage is
left to the outbox's retries. A process that dies between the two steps loses nothing: the
outbox action runs again elsewhere and finds the message already gone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from supportbot.slack.errors import SlackApiError, SlackError
from supportbot.slack.port import SlackPort

_log = logging.getLogger(__name__)

# An attempt nobody asked for within this long (a repeated delivery whose incident already
# existed, a file) is forgotten.
KEEP_SECONDS = 600.0
MAX_PENDING = 10_000
# How long the outbox waits for an attempt still under way before calling Slack itself.
WAIT_SECONDS = 15.0


@dataclass(frozen=True)
class Attempt:
    """What Slack answered: ``error`` is None when the message was deleted."""

    error: SlackApiError | None = None


@dataclass
class _Entry:
    future: Future[Attempt | None]
    started: float


class PromptDeleter:
    def __init__(self, port: SlackPort, *, monotonic: Callable[[], float], threads: int = 2) -> None:
        self._port = port
        self._monotonic = monotonic
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def submit(self, channel: str, ts: str) -> bool:
        """Start deleting ``channel``/``ts`` now; False when an attempt for it is already known."""
        key = (channel, ts)
        now = self._monotonic()
        with self._lock:
            self._forget_old(now)
            if key in self._entries or len(self._entries) >= MAX_PENDING:
                return False
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="prompt-delete")
            self._entries[key] = _Entry(self._pool.submit(self._delete, channel, ts), now)
        return True

    def started(self, channel: str, ts: str) -> bool:
        """Whether this process has an attempt for the message that nobody has taken yet."""
        with self._lock:
            return (channel, ts) in self._entries

    def take(self, channel: str, ts: str) -> Attempt | None:
        """The answer of an attempt for this message, waiting for one under way; None: call Slack yourself."""
        with self._lock:
            entry = self._entries.pop((channel, ts), None)
        if entry is None:
            return None
        try:
            return entry.future.result(timeout=WAIT_SECONDS)
        except FutureTimeout:
            return None

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._entries.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _delete(self, channel: str, ts: str) -> Attempt | None:
        try:
            self._port.call("chat.delete", token="admin", channel=channel, ts=ts)  # noqa: S106 - token kind
        except SlackApiError as error:
            return None if error.retryable else Attempt(error)
        except SlackError:
            return None  # rate limit, outage, timeout: the outbox retries
        except Exception:
            _log.exception("prompt deletion failed; the outbox will try again")
            return None
        return Attempt()

    def _forget_old(self, now: float) -> None:
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if now - entry.started < KEEP_SECONDS:
                return
            del self._entries[key]
