"""When the error happened: English, Chinese and ISO forms, read in the filer's zone, stored as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportbot.tickets.when import TimeFieldError, format_local, parse_when

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# 12:00 in Shanghai, 20:00 the day before in Los Angeles.
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-23T09:14:00Z", None),  # 09:14 UTC is later than now: see the future test
        ("2026-11-23 09:14", utc(2026, 11, 23, 1, 14)),
        ("2026-11-23T03:14:00Z", utc(2026, 11, 23, 3, 14)),
        ("2026-11-23T09:14+08:00", utc(2026, 11, 23, 1, 14)),
        ("2026-11-23 09:14 +08:00", utc(2026, 11, 23, 1, 14)),
        ("10 minutes ago", utc(2026, 11, 23, 3, 50)),
        ("an hour ago", utc(2026, 11, 23, 3, 0)),
        ("yesterday 3pm", utc(2026, 11, 22, 7, 0)),
        ("Nov 23, 9:14 AM", utc(2026, 11, 23, 1, 14)),
        ("9:14 PST", utc(2026, 11, 22, 17, 14)),
        ("23:50", utc(2026, 11, 22, 15, 50)),  # a bare time is its latest past occurrence
        ("1795400000", utc(2026, 11, 23, 2, 13, 20)),
        ("11月23日 9:14", utc(2026, 11, 23, 1, 14)),
        ("１１月２３日　９：１４", utc(2026, 11, 23, 1, 14)),  # full-width digits, colon and space
        ("2026年11月23日 09:14", utc(2026, 11, 23, 1, 14)),
        ("今天上午9点", utc(2026, 11, 23, 1, 0)),
        ("昨天下午3点半", utc(2026, 11, 22, 7, 30)),
        ("晚上10点15分", utc(2026, 11, 22, 14, 15)),
        ("昨天晚上12点", utc(2026, 11, 22, 16, 0)),
        ("中午12点", utc(2026, 11, 23, 4, 0)),
        ("11月23号上午10点左右", utc(2026, 11, 23, 2, 0)),
        ("2026/11/23 上午十点一刻", utc(2026, 11, 23, 2, 15)),
        ("10分钟前", utc(2026, 11, 23, 3, 50)),
        ("十分钟前", utc(2026, 11, 23, 3, 50)),
        ("半小时前", utc(2026, 11, 23, 3, 30)),
        ("一个半小时前", utc(2026, 11, 23, 2, 30)),
        ("两天前", utc(2026, 11, 21, 4, 0)),
        ("刚才", utc(2026, 11, 23, 4, 0)),
        ("11月23日", utc(2026, 11, 22, 16, 0)),
    ],
)
def test_forms_people_type(typed: str, expected: datetime | None) -> None:
    if expected is None:
        with pytest.raises(TimeFieldError):
            parse_when(typed, now=NOW, tz=SHANGHAI)
        return
    assert parse_when(typed, now=NOW, tz=SHANGHAI) == expected


def test_a_bare_time_is_read_in_the_given_zone() -> None:
    assert parse_when("2026-11-22 09:14", now=NOW, tz=LOS_ANGELES) == utc(2026, 11, 22, 17, 14)
    assert parse_when("2026-11-22 09:14", now=NOW, tz=SHANGHAI) == utc(2026, 11, 22, 1, 14)
    assert parse_when("2026-11-22 09:14", now=NOW) == utc(2026, 11, 22, 9, 14), "UTC when the zone is unknown"


def test_a_date_without_a_year_is_the_latest_one_not_in_the_future() -> None:
    january = datetime(2027, 1, 2, 4, 0, tzinfo=UTC)
    assert parse_when("12月30日 10:00", now=january, tz=SHANGHAI) == utc(2026, 12, 30, 2, 0)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("gpt-4o", "unreadable"),
        ("401", "unreadable"),
        ("今天上午", "unreadable"),
        ("2月30日 9点", "unreadable"),
        ("x" * 80, "unreadable"),
        ("tomorrow", "future"),
        ("2026-11-23T09:14:00Z", "future"),
        ("明天上午9点", "future"),
        ("2020-01-01", "too_old"),
        ("2 years ago", "too_old"),
    ],
)
def test_unusable_times_are_refused_with_a_reason(typed: str, code: str) -> None:
    with pytest.raises(TimeFieldError) as raised:
        parse_when(typed, now=NOW, tz=SHANGHAI)
    assert raised.value.code == code
    assert typed.strip() == "" or typed not in str(raised.value), "the error never repeats the input"


def test_a_few_minutes_of_clock_skew_are_allowed() -> None:
    assert parse_when("2026-11-23T04:03:00Z", now=NOW) == NOW + timedelta(minutes=3)


def test_prefilled_value_reads_back_to_the_same_minute() -> None:
    moment = utc(2026, 11, 23, 1, 14)
    shown = format_local(moment, SHANGHAI)
    assert shown == "2026-11-23 09:14"
    assert parse_when(shown, now=NOW, tz=SHANGHAI) == moment


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("10 minutes ago", now=datetime(2026, 11, 23, 4, 0))
