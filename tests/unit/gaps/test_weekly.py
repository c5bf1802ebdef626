"""ISO weeks and the digest's due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportbot.gaps.weekly import DigestSchedule, bucket_by_week, week_label, week_start, week_starts

# Monday 23 November 2026 is the first day of ISO week 48.
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


def test_week_start_is_monday_midnight_utc_whatever_the_zone() -> None:
    assert week_start(datetime(2026, 11, 29, 23, 59, tzinfo=UTC)) == MONDAY
    assert week_start(MONDAY) == MONDAY
    assert week_start(MONDAY - timedelta(microseconds=1)) == MONDAY - timedelta(weeks=1)
    # 01:00 on Monday in Shanghai is still Sunday in UTC.
    assert week_start(datetime(2026, 11, 23, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))) == MONDAY - timedelta(weeks=1)


def test_week_labels_use_the_iso_year() -> None:
    assert week_label(MONDAY) == "2026-W48"
    assert week_label(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert week_label(datetime(2024, 12, 30, tzinfo=UTC)) == "2025-W01"


def test_week_starts_end_with_the_current_week() -> None:
    starts = week_starts(3, MONDAY + timedelta(days=2))
    assert starts == [MONDAY - timedelta(weeks=2), MONDAY - timedelta(weeks=1), MONDAY]
    with pytest.raises(ValueError, match="at least 1"):
        week_starts(0, MONDAY)


def test_bucket_by_week_ignores_moments_outside() -> None:
    starts = week_starts(2, MONDAY)
    moments = [MONDAY, MONDAY + timedelta(days=6), MONDAY - timedelta(days=1), MONDAY - timedelta(weeks=3)]
    assert bucket_by_week(moments, starts) == [1, 2]


def test_the_digest_is_due_from_its_hour_until_the_week_ends() -> None:
    schedule = DigestSchedule(day=0, hour=9)
    assert schedule.due(MONDAY + timedelta(hours=8, minutes=59)) is None
    due = schedule.due(MONDAY + timedelta(hours=9))
    assert due is not None
    assert due.key == "digest:2026-W48"
    assert (due.window.start, due.window.end) == (MONDAY + timedelta(hours=9) - timedelta(weeks=1), due.due)
    late = schedule.due(MONDAY + timedelta(days=6, hours=23))
    assert late == due, "a bot that was down posts later in the same week, the same digest"
    assert schedule.next_due(MONDAY) == MONDAY + timedelta(hours=9)
    assert schedule.next_due(MONDAY + timedelta(hours=10)) == MONDAY + timedelta(weeks=1, hours=9)


def test_another_day_and_hour() -> None:
    schedule = DigestSchedule(day=4, hour=17)
    friday = MONDAY + timedelta(days=4, hours=17)
    assert schedule.due(friday - timedelta(seconds=1)) is None
    due = schedule.due(friday)
    assert due is not None and due.key == "digest:2026-W48" and due.window.end == friday
    with pytest.raises(ValueError, match="0-6"):
        DigestSchedule(day=7, hour=0)
    with pytest.raises(ValueError, match="0-23"):
        DigestSchedule(day=0, hour=24)
