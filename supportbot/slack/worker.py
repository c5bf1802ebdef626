"""The outbox worker: carries out pending Slack actions, retrying with backoff that honours Retry-After.

One dispatcher thread claims ready actions (woken at once by :meth:`OutboxWorker.wake` after an
enqueue commits, so an urgent deletion does not wait for a poll) and hands them to a small pool.
Each action kind has a handler that does the Web API work and says how it went; the outcome, its
side effects on our own tables, and any follow-up actions are committed in one transaction.

Delivery rules: a rate limit is no failure (the action waits ``Retry-After`` plus jitter and the
attempt is not counted); other transient errors back off up to five minutes until the action's
time budget or attempts are spent; then it is ``dead`` and ``on_dead`` raises an alert. While Slack
rejects the bot token the worker takes nothing (``paused``). Leases are renewed while a handler
runs, and ``stop`` hands back only what has not started.
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

from supportbot.infra.clock import Clock
from supportbot.infra.logsafe import log_context
from supportbot.slack.action_tag import acting_for
from supportbot.slack.errors import SlackError, SlackRateLimited, SlackTokenRejected
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


@dataclass(frozen=True)
class DeadAction:
    """An action that gave up: its attempts or time budget are spent."""

    id: int
    kind: str
    attempts: int
    error: str


Outcome = Done | Failed
Handler = Callable[[ClaimedAction], Outcome]
DeadHook = Callable[[Session, DeadAction], None]
# While the token is rejected, actions that met the rejection look again this often.
TOKEN_RETRY_SECONDS = 15.0


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter, capped at five minutes."""
    base: float = min(300.0, 2.0 ** min(attempt, 9))
    return base / 2 + random.uniform(0, base / 2)  # noqa: S311 - jitter, not security


def rate_limit_wait(retry_after: float) -> float:
    """``Retry-After`` plus up to a second of jitter, so waiting actions do not all return at once."""
    return retry_after + random.uniform(0.05, 1.0)  # noqa: S311 - jitter, not security


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
        lease_clock: Callable[[], datetime] | None = None,
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
        # Leases are written and compared on the database's clock (see store.dbclock).
        self._lease_clock = lease_clock or clock.now
        self._running: set[int] = set()  # actions whose handler is running now
        self._running_lock = threading.Lock()
        self.paused: Callable[[], bool] = lambda: False
        self.on_dead: DeadHook | None = None

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

    def lease_now(self) -> datetime:
        """Now on the clock leases are judged by (for an action written claimed)."""
        return self._lease_clock()

    def renew_leases(self) -> int:
        """Extend the leases of the actions whose handlers are running, or that were handed over and wait
        their turn (the queue may be paused); how many this instance still holds."""
        with self._running_lock:
            running = set(self._running) | {action.id for action in list(self._handed)}
        if not running:
            return 0
        with self._store.session() as session:
            held = outbox.renew_leases(
                session, running, instance=self.instance, lease_until=self._lease_clock() + self._lease
            )
        return len(held)

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
        renewer = threading.Thread(target=self._renew_loop, name="outbox-leases", daemon=True)
        renewer.start()
        self._threads_running.append(renewer)

    def stop(self, timeout: float = 15.0) -> None:
        """Finish what is in hand, hand unstarted claims back, and stop. Pending work stays stored.

        An action still running after ``timeout`` keeps its claim: it records its outcome if it
        finishes, and otherwise its lease runs out and another worker looks again.
        """
        self._stopping.set()
        with self._ready:
            self._ready.notify_all()
        deadline = self._clock.monotonic() + timeout
        for thread in self._threads_running:
            thread.join(max(0.0, deadline - self._clock.monotonic()) if timeout else 0.0)
        self._threads_running = []
        self._handed.clear()  # still claimed in the table: released just below
        with self._running_lock:
            running = set(self._running)
        with self._store.session() as session:
            released = outbox.release_claims(session, instance=self.instance, now=self._clock.now(), keep=running)
        if released:
            _log.info("outbox: handed %d unstarted action(s) back for later", released)
        if running:
            _log.warning("outbox: %d action(s) still running at stop keep their claim", len(running))

    def _renew_loop(self) -> None:
        # A third of the lease: two renewals can fail (a busy database) before the lease runs out.
        interval = max(0.05, self._lease.total_seconds() / 3)
        while not self._stopping.wait(interval):
            try:
                self.renew_leases()
            except Exception:
                _log.warning("outbox: could not renew leases; trying again shortly")

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
            if self.paused():
                self._stopping.wait(self._poll)
                continue
            try:
                urgent_only = self._urgent_only(lane)
                action = self._claim(urgent_only=urgent_only)
                while action is not None and not self._stopping.is_set() and not self.paused():
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
                lease_now=self._lease_clock(),
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
        with self._running_lock:
            self._running.add(action.id)
        try:
            with log_context(action_id=action.id), acting_for(action.id, look_first=action.outcome_unknown):
                outcome = handler(action)
        except SlackRateLimited as error:
            self._metrics.rate_limit_waits.labels(error.method).inc()
            return self._retry(
                action,
                rate_limit_wait(error.retry_after),
                "ratelimited",
                claim_next=claim_next,
                urgent_only=urgent_only,
                counted=False,
            )
        except SlackTokenRejected:
            # Not the action's fault: it waits, uncounted, until the token works again.
            return self._retry(
                action,
                TOKEN_RETRY_SECONDS,
                "token_rejected",
                claim_next=claim_next,
                urgent_only=urgent_only,
                counted=False,
            )
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
        self,
        action: ClaimedAction,
        delay: float,
        reason: str,
        *,
        claim_next: bool,
        urgent_only: bool = False,
        counted: bool = True,
    ) -> ClaimedAction | None:
        self._metrics.outbox_retries.labels(action.kind, reason).inc()
        try:
            with self._store.session() as session:
                state = outbox.reschedule(
                    session,
                    action.id,
                    instance=self.instance,
                    now=self._clock.now(),
                    delay=timedelta(seconds=delay),
                    error=reason,
                    counted=counted,
                )
                if state == "gave_up":
                    self.bury(session, DeadAction(action.id, action.kind, action.attempts, reason))
                following = self._claim(session, urgent_only=urgent_only) if claim_next else None
        finally:
            self._done_running(action.id)
        self._hint(delay)
        return following

    def bury(self, session: Session, dead: DeadAction) -> None:
        """An action gave up: count it, log it, and raise the alert (in the caller's transaction)."""
        self._metrics.outbox_actions.labels(dead.kind, "gave_up").inc()
        self._metrics.dead_letters.labels(dead.kind).inc()
        _log.error(
            "outbox: %s action %s is dead after %d attempt(s) (%s)", dead.kind, dead.id, dead.attempts, dead.error
        )
        if self.on_dead is not None:
            self.on_dead(session, dead)

    def bury_lost(self) -> int:
        """Claims whose process died with their attempts or budget spent become dead (with an alert)."""
        with self._store.session() as session:
            buried = outbox.bury_lost(session, now=self._clock.now(), lease_now=self._lease_clock())
            for item in buried:
                self.bury(session, DeadAction(item.id, item.kind, item.attempts, "lease_lost"))
        if buried:
            self.wake()
        return len(buried)

    def _done_running(self, action_id: int) -> None:
        with self._running_lock:
            self._running.discard(action_id)

    def _finish(
        self, action: ClaimedAction, outcome: Outcome, *, claim_next: bool, urgent_only: bool = False
    ) -> ClaimedAction | None:
        succeeded = isinstance(outcome, Done)
        now = self._clock.now()
        try:
            return self._record(action, outcome, succeeded, now, claim_next=claim_next, urgent_only=urgent_only)
        finally:
            self._done_running(action.id)

    def _record(
        self,
        action: ClaimedAction,
        outcome: Outcome,
        succeeded: bool,
        now: datetime,
        *,
        claim_next: bool,
        urgent_only: bool,
    ) -> ClaimedAction | None:
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
        received = received_at_of(action.payload)
        if succeeded and received is not None:
            latency = max(0.0, now.timestamp() - received)
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


def received_at_of(payload: Mapping[str, Any]) -> float | None:
    """The :func:`received_at` timestamp a stored payload carries, if any (payload classes read it here too)."""
    # Untyped on purpose: the worker reads this one key from every kind's payload, whatever its class.
    received = payload.get("received_at")
    return float(received) if isinstance(received, (int, float)) else None
