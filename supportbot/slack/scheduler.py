"""Periodic jobs in one background thread, started and stopped with the bot.

A job is called with the runtime clock's ``now`` every ``interval`` seconds (the first time one
interval after start, so a restarting bot does its Slack start-up first). Jobs must be cheap when
there is nothing to do and safe to run on every replica at once: they decide from ``now`` and
the database, never from in-process state alone (the weekly digest enqueues an outbox action
under a unique key, so only one replica's attempt counts). The interval is measured in real time;
tests that move a fake clock call :meth:`Scheduler.wake` (or :meth:`Scheduler.run_pending`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from supportbot.infra.clock import Clock

_log = logging.getLogger(__name__)

Job = Callable[[datetime], object]
DEFAULT_INTERVAL = 120.0


class Scheduler:
    def __init__(self, clock: Clock, *, interval: float = DEFAULT_INTERVAL) -> None:
        if interval <= 0:
            raise ValueError("the scheduler interval must be positive")
        self._clock = clock
        self.interval = interval
        self._jobs: list[tuple[str, Job]] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0
        self._runs = 0
        self._ran = threading.Condition()

    def add(self, name: str, job: Job) -> None:
        if any(existing == name for existing, _ in self._jobs):
            raise ValueError(f"scheduled job {name!r} is registered twice")
        self._jobs.append((name, job))

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self._jobs]

    def run_pending(self) -> None:
        """Run every job once, now, in this thread. A failing job is logged and the others still run."""
        now = self._clock.now()
        for name, job in self._jobs:
            try:
                job(now)
            except Exception:
                _log.exception("scheduled job %s failed; it runs again at the next interval", name)

    def start(self) -> None:
        if self._thread is not None or not self._jobs:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    def wake(self) -> int:
        """Run the jobs now rather than at the next interval; returns a number to pass to :meth:`wait_for`."""
        with self._ran:
            # The round that starts after this call reads the clock after it (a round already
            # under way may have read it before).
            target = self._started + 1
        self._wake.set()
        return target

    def wait_for(self, runs: int, timeout: float = 10.0) -> bool:
        """Wait until the background thread has completed ``runs`` rounds (True) or ``timeout`` passed."""
        with self._ran:
            return self._ran.wait_for(lambda: self._runs >= runs, timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            with self._ran:
                self._started += 1
            self.run_pending()
            with self._ran:
                self._runs += 1
                self._ran.notify_all()
