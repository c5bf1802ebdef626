"""The scheduler thread: jobs run on wake with the clock's time, a failing job does not stop the rest."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

import pytest

from supportbot.slack.scheduler import Scheduler
from tests.fakes import FakeClock


def test_jobs_run_when_woken_with_the_clock_time_not_before(clock: FakeClock) -> None:
    seen: list[datetime] = []
    scheduler = Scheduler(clock, interval=60)
    scheduler.add("record", seen.append)
    scheduler.start()
    try:
        assert not scheduler.wait_for(1, timeout=0.2), "the first round waits one interval"
        clock.advance(3600)
        assert scheduler.wait_for(scheduler.wake())
        assert seen == [clock.now()]
    finally:
        scheduler.stop()
    assert not any(thread.name == "scheduler" for thread in threading.enumerate())


def test_a_failing_job_is_logged_and_the_others_still_run(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def broken(now: datetime) -> None:
        raise RuntimeError("boom")

    scheduler = Scheduler(clock, interval=60)
    scheduler.add("broken", broken)
    scheduler.add("fine", lambda now: ran.append("fine"))
    with caplog.at_level(logging.ERROR, logger="supportbot.slack.scheduler"):
        scheduler.run_pending()
    assert ran == ["fine"]
    assert "scheduled job broken failed" in caplog.text


def test_names_are_unique_and_the_interval_positive(clock: FakeClock) -> None:
    scheduler = Scheduler(clock)
    scheduler.add("digest", lambda now: None)
    with pytest.raises(ValueError, match="twice"):
        scheduler.add("digest", lambda now: None)
    with pytest.raises(ValueError, match="positive"):
        Scheduler(clock, interval=0)
    assert scheduler.names == ["digest"]


def test_without_jobs_no_thread_starts(clock: FakeClock) -> None:
    scheduler = Scheduler(clock, interval=0.01)
    scheduler.start()
    assert not scheduler.wait_for(1, timeout=0.1)
    scheduler.stop()
