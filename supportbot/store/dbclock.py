"""The database server's clock, for leases and stale claims shared by several hosts.

A lease written by one replica and judged expired by another is only safe when both read the same
clock. Each host's wall clock may be off by seconds; the database server's is one clock. Asking
the server on every claim would cost a round trip, so the skew (server time minus this host's wall
time) is measured now and then and added to the runtime clock. In tests the runtime clock is fake:
the skew of a server on the same machine is about zero, so moving the fake clock still moves
leases. SQLite runs on this host: its clock is ours, no skew.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from supportbot.infra.clock import Clock, utc
from supportbot.store.db import Store

_log = logging.getLogger(__name__)
REFRESH_SECONDS = 60.0


class DatabaseClock:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        refresh: float = REFRESH_SECONDS,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._clock = clock
        self._refresh = refresh
        self._wall = wall
        self._skew = timedelta(0)
        self._measured_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The runtime clock's now, corrected to the database server's clock."""
        return self._clock.now() + self.skew()

    def skew(self) -> timedelta:
        if self._store.is_sqlite:
            return timedelta(0)
        with self._lock:
            due = self._measured_at is None or time.monotonic() - self._measured_at >= self._refresh
            if due:
                # Whoever finds it due measures; others keep the last value meanwhile.
                self._measured_at = time.monotonic()
        if due:
            self._measure()
        return self._skew

    def _measure(self) -> None:
        try:
            before = self._wall()
            with self._store.engine.connect() as connection:
                server = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
            after = self._wall()
        except SQLAlchemyError:
            _log.warning("could not read the database clock; keeping the last skew")
            return
        self._skew = utc(server) - (before + (after - before) / 2)
        if abs(self._skew) > timedelta(seconds=2):
            _log.warning("this host's clock is %.1f s off the database's", -self._skew.total_seconds())
