"""Bounded waits for the database, its clock, and the transient-error classifier."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from supportbot.store.db import DatabaseBusy, Store, is_transient_db_error
from supportbot.store.dbclock import DatabaseClock
from tests.fakes import FakeClock
from tests.stuck_writer import stuck_writer


def test_a_stuck_sqlite_writer_makes_the_others_fail_as_transient_within_the_bound(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/turns.db"
    waiting = Store(url, wait_seconds=0.5)
    with stuck_writer(url):
        began = time.monotonic()
        with pytest.raises(DatabaseBusy) as raised, waiting.session():
            pass
        assert 0.4 < time.monotonic() - began < 3
        assert is_transient_db_error(raised.value)
        assert not waiting.ping(timeout=0.5), "not ready while no writer turn can be had"
    assert waiting.ping(timeout=0.5)
    waiting.close()


def test_which_database_errors_are_transient() -> None:
    assert is_transient_db_error(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_transient_db_error(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_transient_db_error(ValueError("a bug"))


def test_the_database_clock_corrects_this_hosts_skew_and_follows_the_fake_clock(store: Store, clock: FakeClock) -> None:
    ahead = DatabaseClock(store, clock, wall=lambda: datetime.now(UTC) + timedelta(minutes=5))
    if store.is_sqlite:
        assert ahead.now() == clock.now(), "SQLite runs on this host: same clock"
        return
    skew = ahead.skew()
    assert abs(skew + timedelta(minutes=5)) < timedelta(seconds=2), "a host 5 minutes fast is corrected"
    before = ahead.now()
    clock.advance(61)
    assert ahead.now() - before == timedelta(seconds=61), "moving the fake clock still moves leases"
