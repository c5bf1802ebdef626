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
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from supportbot.clock import Clock
from supportbot.logsafe import log_context
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
        busy: Callable[[], bool] | None = None,
        relax_every: float = 0.2,
    ) -> None:
        self._store = store
        self._clock = clock
        self.instance = instance
        self._metrics = metrics
        self._handlers: dict[str, Handler] = {}
        self._threads = threads
        self._lease = lease
        self._poll = poll_interval
        self._busy = busy
        self._relax_every = relax_every
        self._relaxed_at = 0.0
        self._ready = threading.Condition()
        self._signals = 0  # wakes not yet taken by a thread
        self._stopping = threading.Event()
        self._due_hint = 0.0  # monotonic time of the earliest retry this process scheduled
        self._threads_running: list[threading.Thread] = []
        self._handed: deque[ClaimedAction] = deque()

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"outbox kind {kind!r} already has a handler")
        self._handlers[kind] = handler

    @property
    def kinds(self) -> set[str]:
        return set(self._handlers)

    @property
    def lease(self) -> timedelta:
        return self._lease

    def hand_over(self, action: ClaimedAction) -> None:
        """Carry out an action this instance wrote already claimed (see ``outbox.enqueue``), next.

        Call it only once the transaction that wrote the action has committed.
        """
        self._handed.append(action)
        self.wake()

    def wake(self) -> None:
        """Something was enqueued: one idle thread looks now rather than at the next poll."""
        with self._ready:
            self._signals += 1
            self._ready.notify()

    def start(self) -> None:
        if self._threads_running:
            return
        self._stopping.clear()
        for number in range(self._threads):
            thread = threading.Thread(target=self._run, args=(number,), name=f"outbox-{number}", daemon=True)
            thread.start()
            self._threads_running.append(thread)

    def stop(self, timeout: float = 15.0) -> None:
        """Finish what is in hand, hand unstarted claims back, and stop. Pending work stays stored."""
        self._stopping.set()
        with self._ready:
            self._ready.notify_all()
        for thread in self._threads_running:
            thread.join(timeout)
        self._threads_running = []
        self._handed.clear()  # still claimed in the table: released just below
        with self._store.session() as session:
            released = outbox.release_claims(session, instance=self.instance, now=self._clock.now())
        if released:
            _log.info("outbox: handed %d unfinished action(s) back for later", released)

    def run_once(self, limit: int = 100) -> int:
        """Claim and carry out ready actions in this thread (tests, CLI one-shots). Returns how many."""
        done = 0
        action = self._claim()
        while action is not None and done < limit:
            action = self._execute(action, claim_next=done + 1 < limit)
            done += 1
        return done

    def _run(self, lane: int) -> None:
        """One worker thread: take the most urgent ready action, do it, and take the next in the same
        transaction that records the outcome; when there is none, sleep until woken or the poll.

        Python runs one thread at a time, so while Slack requests are being handled, the lanes take
        only urgent actions (deleting a leaked key): a repost started now would compete with the
        handling of the next leak. Lane 0 still takes one other action every ``relax_every`` seconds,
        so a long rush delays replies and warnings but never stops them.
        """
        while not self._stopping.is_set():
            urgent_only = False
            try:
                urgent_only = self._urgent_only(lane)
                action = self._claim(urgent_only=urgent_only)
                while action is not None and not self._stopping.is_set():
                    self._pass_the_word()
                    urgent_only = self._urgent_only(lane)
                    action = self._execute(action, claim_next=True, urgent_only=urgent_only)
            except Exception:
                _log.exception("outbox: worker loop failed; retrying shortly")
                self._stopping.wait(self._poll)
                continue
            with self._ready:
                if self._signals == 0 and not self._stopping.is_set():
                    # Urgent work wakes a lane when it is enqueued; during a rush only lane 0 comes back on
                    # its own, at its relax interval, to keep other work moving. (Polling every lane
                    # often would spend the rush on empty claims.)
                    wait = self._sleep_time()
                    if urgent_only and lane == 0:
                        wait = min(wait, self._relax_every)
                    self._ready.wait(wait)
                self._signals = max(0, self._signals - 1)

    def _urgent_only(self, lane: int) -> bool:
        if self._busy is None or not self._busy():
            return False
        if lane > 0:
            return True
        now = self._clock.monotonic()
        if now - self._relaxed_at >= self._relax_every:
            self._relaxed_at = now
            return False
        return True

    def _pass_the_word(self) -> None:
        """There may be more ready work than this thread can take: let one more thread look."""
        with self._ready:
            if self._signals > 0:
                self._ready.notify()

    def _sleep_time(self) -> float:
        # Other processes' delayed actions are found by the poll; our own retries by the hint.
        until_hint = self._due_hint - self._clock.monotonic()
        return self._poll if until_hint <= 0 else max(0.01, min(self._poll, until_hint))

    def _claim(self, session: Session | None = None, *, urgent_only: bool = False) -> ClaimedAction | None:
        try:
            return self._handed.popleft()
        except IndexError:
            pass

        def take(current: Session) -> ClaimedAction | None:
            claimed = outbox.claim_ready(
                current,
                instance=self.instance,
                now=self._clock.now(),
                lease=self._lease,
                limit=1,
                max_priority=outbox.URGENT if urgent_only else 1_000_000,
            )
            return claimed[0] if claimed else None

        if session is not None:
            return take(session)
        with self._store.session() as own:
            return take(own)

    def _execute(self, action: ClaimedAction, *, claim_next: bool, urgent_only: bool = False) -> ClaimedAction | None:
        """Carry out ``action``; record how it went and, if asked, claim the next one in that transaction."""
        handler = self._handlers.get(action.kind)
        if handler is None:
            _log.error("outbox: no handler for kind %s (action %s)", action.kind, action.id)
            return self._finish(action, Failed(error="no_handler"), claim_next=claim_next, urgent_only=urgent_only)
        try:
            with log_context(action_id=action.id):
                outcome = handler(action)
        except SlackRateLimited as error:
            self._metrics.rate_limit_waits.labels(error.method).inc()
            return self._retry(action, error.retry_after, "ratelimited", claim_next=claim_next, urgent_only=urgent_only)
        except SlackError as error:
            if error.retryable:
                return self._retry(
                    action, backoff(action.attempts), error.code, claim_next=claim_next, urgent_only=urgent_only
                )
            return self._finish(action, Failed(error=error.code), claim_next=claim_next, urgent_only=urgent_only)
        except Exception as error:
            # A bug or an unexpected failure: log (redacted), try again later, give up after max_attempts.
            _log.exception("outbox: %s action %s failed", action.kind, action.id)
            return self._retry(
                action, backoff(action.attempts), type(error).__name__, claim_next=claim_next, urgent_only=urgent_only
            )
        return self._finish(action, outcome, claim_next=claim_next, urgent_only=urgent_only)

    def _retry(
        self, action: ClaimedAction, delay: float, reason: str, *, claim_next: bool, urgent_only: bool = False
    ) -> ClaimedAction | None:
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
            following = self._claim(session, urgent_only=urgent_only) if claim_next else None
        self._hint(delay)
        if state == "gave_up":
            self._metrics.outbox_actions.labels(action.kind, "gave_up").inc()
            self._metrics.dead_letters.labels(action.kind).inc()
            _log.error(
                "outbox: %s action %s gave up after %d attempts (%s)", action.kind, action.id, action.attempts, reason
            )
        return following

    def _finish(
        self, action: ClaimedAction, outcome: Outcome, *, claim_next: bool, urgent_only: bool = False
    ) -> ClaimedAction | None:
        succeeded = isinstance(outcome, Done)
        now = self._clock.now()
        with self._store.session() as session:
            owned, released = outbox.finish(
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
                return self._claim(session, urgent_only=urgent_only) if claim_next else None
            if outcome.apply is not None:
                outcome.apply(session)
            for follow_up in outcome.follow_ups:
                self._hint(follow_up.delay.total_seconds())
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
            following = self._claim(session, urgent_only=urgent_only) if claim_next else None
        if released > (1 if claim_next else 0):
            self.wake()  # more was released than this thread will take itself
        self._metrics.outbox_actions.labels(action.kind, "succeeded" if succeeded else "failed").inc()
        received = action.payload.get("received_at")
        if succeeded and isinstance(received, (int, float)):
            latency = max(0.0, now.timestamp() - float(received))
            self._metrics.action_latency.labels(action.kind).observe(latency)
        return following

    def _hint(self, delay: float) -> None:
        """Remember when something this process scheduled becomes due, to wake for it in time."""
        now = self._clock.monotonic()
        due = now + max(0.0, delay)
        if self._due_hint <= now or due < self._due_hint:
            self._due_hint = due


def received_at(moment: datetime) -> float:
    """The timestamp stored in payloads so the worker can measure event-to-action latency."""
    return moment.timestamp()
