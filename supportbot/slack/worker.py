"""The outbox worker: carries out pending Slack actions, retrying with backoff that honours Retry-After.

One dispatcher thread claims ready actions (woken at once by :meth:`OutboxWorker.wake` after an
enqueue commits, so an urgent deletion does not wait for a poll) and hands them to a small pool.
Each action kind has a handler that does the Web API work and says how it went; the outcome, its
side effects on our own tables, and any follow-up actions are committed in one transaction.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from supportbot.clock import Clock
from supportbot.slack.errors import SlackError, SlackRateLimited
from supportbot.slack.metrics import Metrics
from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.store.outbox import ClaimedAction, RunIf

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowUp:
    """An action to enqueue when the current one finishes (e.g. a re-check a few minutes later)."""

    kind: str
    payload: Mapping[str, Any]
    delay: timedelta = timedelta(0)
    group_key: str | None = None
    after_current: bool = False
    run_if: RunIf = "always"


@dataclass(frozen=True)
class Done:
    """The action did what it should. ``apply`` runs in the completion transaction."""

    result: Mapping[str, Any] | None = None
    apply: Callable[[Session], None] | None = None
    follow_ups: Sequence[FollowUp] = field(default_factory=tuple)


@dataclass(frozen=True)
class Failed:
    """The action cannot succeed (e.g. ``cant_delete_message``); dependents with run_if='failed' run."""

    error: str
    result: Mapping[str, Any] | None = None
    apply: Callable[[Session], None] | None = None
    follow_ups: Sequence[FollowUp] = field(default_factory=tuple)


Outcome = Done | Failed
Handler = Callable[[ClaimedAction], Outcome]


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter, capped at five minutes."""
    base: float = min(300.0, 2.0 ** min(attempt, 9))
    return base / 2 + random.uniform(0, base / 2)  # noqa: S311 - jitter, not security


class OutboxWorker:
    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        instance: str,
        metrics: Metrics,
        threads: int = 4,
        lease: timedelta = timedelta(seconds=60),
        poll_interval: float = 1.0,
    ) -> None:
        self._store = store
        self._clock = clock
        self.instance = instance
        self._metrics = metrics
        self._handlers: dict[str, Handler] = {}
        self._threads = threads
        self._lease = lease
        self._poll = poll_interval
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._slots = threading.Semaphore(threads)
        self._pool: ThreadPoolExecutor | None = None
        self._dispatcher: threading.Thread | None = None

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"outbox kind {kind!r} already has a handler")
        self._handlers[kind] = handler

    @property
    def kinds(self) -> set[str]:
        return set(self._handlers)

    def wake(self) -> None:
        """Something was enqueued: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._dispatcher is not None:
            return
        self._stopping.clear()
        self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="outbox")
        self._dispatcher = threading.Thread(target=self._run, name="outbox-dispatcher", daemon=True)
        self._dispatcher.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Finish what is in hand, hand unstarted claims back, and stop. Pending work stays stored."""
        self._stopping.set()
        self._wake.set()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout)
            self._dispatcher = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        with self._store.session() as session:
            released = outbox.release_claims(session, instance=self.instance, now=self._clock.now())
        if released:
            _log.info("outbox: handed %d unfinished action(s) back for later", released)

    def run_once(self, limit: int = 100) -> int:
        """Claim and carry out ready actions in this thread (tests, CLI one-shots). Returns how many."""
        done = 0
        while done < limit:
            claimed = self._claim(1)
            if not claimed:
                break
            self._execute(claimed[0])
            done += 1
        return done

    def _run(self) -> None:
        while not self._stopping.is_set():
            free = self._free_slots()
            claimed: list[ClaimedAction] = []
            if free:
                try:
                    claimed = self._claim(free)
                except Exception:
                    _log.exception("outbox: claiming failed; retrying shortly")
                    self._stopping.wait(self._poll)
            for action in claimed:
                self._slots.acquire()
                assert self._pool is not None
                self._pool.submit(self._execute_in_slot, action)
            if len(claimed) < free or not free:
                self._wake.wait(self._sleep_time())
                self._wake.clear()

    def _free_slots(self) -> int:
        free = 0
        while self._slots.acquire(blocking=False):
            free += 1
        for _ in range(free):
            self._slots.release()
        return free

    def _sleep_time(self) -> float:
        try:
            with self._store.session() as session:
                due = outbox.next_due(session)
        except Exception:
            return self._poll
        if due is None:
            return self._poll
        return max(0.0, min(self._poll, (due - self._clock.now()).total_seconds()))

    def _claim(self, limit: int) -> list[ClaimedAction]:
        with self._store.session() as session:
            return outbox.claim_ready(
                session, instance=self.instance, now=self._clock.now(), lease=self._lease, limit=limit
            )

    def _execute_in_slot(self, action: ClaimedAction) -> None:
        try:
            self._execute(action)
        finally:
            self._slots.release()
            self._wake.set()

    def _execute(self, action: ClaimedAction) -> None:
        handler = self._handlers.get(action.kind)
        if handler is None:
            self._finish(action, Failed(error="no_handler"))
            _log.error("outbox: no handler for kind %s (action %s)", action.kind, action.id)
            return
        try:
            outcome = handler(action)
        except SlackRateLimited as error:
            self._retry(action, error.retry_after, "ratelimited")
            return
        except SlackError as error:
            if error.retryable:
                self._retry(action, backoff(action.attempts), error.code)
            else:
                self._finish(action, Failed(error=error.code))
            return
        except Exception as error:
            # A bug or an unexpected failure: log (redacted), try again later, give up after max_attempts.
            _log.exception("outbox: %s action %s failed", action.kind, action.id)
            self._retry(action, backoff(action.attempts), type(error).__name__)
            return
        self._finish(action, outcome)

    def _retry(self, action: ClaimedAction, delay: float, reason: str) -> None:
        self._metrics.outbox_retries.labels(action.kind, reason).inc()
        with self._store.session() as session:
            state = outbox.reschedule(
                session,
                action.id,
                instance=self.instance,
                now=self._clock.now(),
                delay=timedelta(seconds=delay),
                error=reason,
            )
        if state == "gave_up":
            self._metrics.outbox_actions.labels(action.kind, "gave_up").inc()
            _log.error(
                "outbox: %s action %s gave up after %d attempts (%s)", action.kind, action.id, action.attempts, reason
            )
        self._wake.set()

    def _finish(self, action: ClaimedAction, outcome: Outcome) -> None:
        succeeded = isinstance(outcome, Done)
        now = self._clock.now()
        with self._store.session() as session:
            owned = outbox.complete(
                session,
                action.id,
                instance=self.instance,
                outcome="succeeded" if succeeded else "failed",
                now=now,
                result=outcome.result,
                error=None if isinstance(outcome, Done) else outcome.error,
            )
            if not owned:
                _log.warning("outbox: %s action %s was taken over by another worker", action.kind, action.id)
                return
            if outcome.apply is not None:
                outcome.apply(session)
            for follow_up in outcome.follow_ups:
                outbox.enqueue(
                    session,
                    follow_up.kind,
                    follow_up.payload,
                    now=now,
                    delay=follow_up.delay,
                    group_key=follow_up.group_key,
                    after=action.id if follow_up.after_current else None,
                    run_if=follow_up.run_if,
                )
        self._metrics.outbox_actions.labels(action.kind, "succeeded" if succeeded else "failed").inc()
        received = action.payload.get("received_at")
        if succeeded and isinstance(received, (int, float)):
            latency = max(0.0, now.timestamp() - float(received))
            self._metrics.action_latency.labels(action.kind).observe(latency)
        self._wake.set()


def received_at(moment: datetime) -> float:
    """The timestamp stored in payloads so the worker can measure event-to-action latency."""
    return moment.timestamp()
