"""When did the error happen? Read what people type into a ticket's time field, store it as UTC.

Accepted, in English and Chinese:

* ISO 8601 and near forms: ``2026-11-23T09:14:00Z``, ``2026-11-23 09:14``, ``2026-11-23 09:14 +08:00``;
  a Unix timestamp (a Slack ``ts`` too).
* Chinese dates and times: ``11月23日 9:14``, ``2026年11月23日 09:14``, ``今天上午9点``, ``昨天下午3点半``,
  ``晚上10点15分``; relative ``10分钟前``, ``半小时前``, ``两天前``; ``刚才``.
* Everything ``dateparser`` reads: ``10 minutes ago``, ``yesterday 3pm``, ``Nov 23, 9:14 AM``, ``9:14 PST``…

A time without a zone is local to the person who typed it: the caller passes their Slack time zone
(``users.info`` ``tz``), and UTC when it is unknown. A time with no date is the latest such moment
that is not in the future ("23:50" typed at 08:00 means last night). The result may not lie in the
future (a few minutes of clock skew are allowed) nor more than a year back.

dateparser covers the English forms and many others well but misses common Chinese ones (month-day
with 日, 点 for the hour, 上午/下午, Chinese numerals), so those have a small grammar of their own here.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

import dateparser
import regex

from supportbot.infra.errors import SupportbotError
from supportbot.text.traditional import fold

TimeProblem = Literal["empty", "unreadable", "future", "too_old"]
SKEW = timedelta(minutes=5)
OLDEST = timedelta(days=366)
MAX_INPUT = 64


class TimeFieldError(SupportbotError, ValueError):
    """The time field cannot be used; ``code`` says why (the message never repeats the input)."""

    def __init__(self, code: TimeProblem) -> None:
        self.code: TimeProblem = code
        super().__init__(code)


def parse_when(text: str, *, now: datetime, tz: tzinfo = UTC) -> datetime:
    """The moment ``text`` names, as an aware UTC datetime; raises :class:`TimeFieldError`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cleaned = _clean(text)
    if not cleaned:
        raise TimeFieldError("empty")
    if len(cleaned) > MAX_INPUT:
        raise TimeFieldError("unreadable")
    local_now = now.astimezone(tz)
    moment = _timestamp(cleaned) or _iso(cleaned, tz) or _chinese(cleaned, local_now) or _dateparser(cleaned, local_now)
    if moment is None:
        raise TimeFieldError("unreadable")
    moment = moment.astimezone(UTC)
    if moment > now + SKEW:
        raise TimeFieldError("future")
    if moment < now - OLDEST:
        raise TimeFieldError("too_old")
    return moment


def format_local(moment: datetime, tz: tzinfo = UTC) -> str:
    """How a time is pre-filled in the form: local wall time, which :func:`parse_when` reads back."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def warm_up() -> None:
    """dateparser and the Traditional Chinese tables load on first use (about 0.3 s and 0.1 s); do it
    before a 3 s deadline."""
    dateparser.parse("10 minutes ago", languages=["en", "zh"])
    fold("十分鐘前")


def _clean(text: str) -> str:
    # NFKC turns full-width digits, colons and spaces into ASCII ones; 點/鐘/週 become 点/钟/周.
    return " ".join(fold(unicodedata.normalize("NFKC", text or "")).split())


_TIMESTAMP = regex.compile(r"^\d{10}(?:\.\d{1,6})?$")


def _timestamp(text: str) -> datetime | None:
    if not _TIMESTAMP.match(text):
        return None
    return datetime.fromtimestamp(float(text), UTC)


_ISO_SHAPE = regex.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?$")


def _iso(text: str, tz: tzinfo) -> datetime | None:
    if not _ISO_SHAPE.match(text):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


# --- Chinese ----------------------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_DAY_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "大前天": 3, "明天": -1, "后天": -2}
_MORNING = {"凌晨", "清晨", "早上", "早晨", "上午"}
_AFTERNOON = {"午后", "下午", "傍晚"}
_EVENING = {"晚上", "晚间"}
_NIGHT = {"夜里", "夜间", "半夜"}

_CN_MOMENT = regex.compile(
    rf"""^
    (?:
        (?:(?P<year>\d{{4}})\s*年\s*)?(?P<month>{_NUM})\s*月\s*(?P<day>{_NUM})\s*[日号]?
      | (?P<y2>\d{{4}})[/.-](?P<m2>\d{{1,2}})[/.-](?P<d2>\d{{1,2}})
      | (?P<word>今天|今日|昨天|昨日|大前天|前天|明天|后天)
    )?
    \s*(?P<period>凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|半夜)?\s*
    (?:
        (?P<hour>{_NUM})\s*[点點时時]\s*
        (?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<minute>{_NUM})\s*分?(?:\s*(?P<second>{_NUM})\s*秒)?)?
      | (?P<h2>\d{{1,2}}):(?P<mi2>\d{{2}})(?::(?P<s2>\d{{2}}))?
    )?
    \s*(?:左右|前后)?$""",
    regex.VERBOSE,
)
_CN_RELATIVE = regex.compile(
    rf"^(?P<n>{_NUM}|半)\s*(?P<unit>秒钟?|分钟|分|个?半?小时|个?钟头|天|日|个?星期|周|个?礼拜)\s*(?:前|以前|之前)$"
)
_HAN = regex.compile(r"[\u4e00-\u9fff]")
_CN_NOW = {"刚才", "刚刚", "刚", "现在", "此刻", "刚才发生"}


def _cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _DIGITS[char]
    return value


def _chinese(text: str, local_now: datetime) -> datetime | None:
    if text in _CN_NOW:
        return local_now
    relative = _CN_RELATIVE.match(text)
    if relative:
        return local_now - _cn_span(relative.group("n"), relative.group("unit"))
    if not _HAN.search(text):
        return None  # no Chinese: dateparser's job
    match = _CN_MOMENT.match(text)
    if not match or not any(match.group(name) for name in ("month", "y2", "word", "hour", "h2")):
        return None
    try:
        return _cn_moment(match, local_now)
    except (KeyError, ValueError):
        # Chinese that reads as a time but names none (今天上午, 2月30日): not for dateparser to guess.
        raise TimeFieldError("unreadable") from None


def _cn_span(count: str, unit: str) -> timedelta:
    amount = 0.5 if count == "半" else float(_cn_int(count))
    if "半" in unit and count != "半":
        amount += 0.5  # 一个半小时: an hour and a half
    if unit.startswith("秒"):
        return timedelta(seconds=amount)
    if unit.startswith("分"):
        return timedelta(minutes=amount)
    if "时" in unit or "钟头" in unit:
        return timedelta(hours=amount)
    if unit in {"天", "日"}:
        return timedelta(days=amount)
    return timedelta(weeks=amount)


def _cn_moment(match: regex.Match[str], local_now: datetime) -> datetime:
    group = match.group
    has_time = bool(group("hour") or group("h2"))
    if group("period") and not has_time:
        raise ValueError("a part of the day without a time")
    if has_time:
        hour = _cn_int(group("hour") or group("h2"))
        if group("half"):
            minute = 30
        elif group("quarter"):
            minute = 15 if group("quarter") == "一刻" else 45
        else:
            minute = _cn_int(group("minute") or group("mi2") or "0")
        second = _cn_int(group("second") or group("s2") or "0")
        hour, next_day = _apply_period(hour, group("period"))
    else:
        hour, minute, second, next_day = 0, 0, 0, False
    explicit_year = group("year") or group("y2")
    if group("month") or group("y2"):
        year = int(explicit_year) if explicit_year else local_now.year
        month = _cn_int(group("month") or group("m2"))
        day = _cn_int(group("day") or group("d2"))
        moment = local_now.replace(year=year, month=month, day=day, hour=hour, minute=minute, second=second)
        moment += timedelta(days=1) if next_day else timedelta(0)
        if not explicit_year and moment > local_now + SKEW:
            moment = moment.replace(year=year - 1)
        return moment.replace(microsecond=0)
    if group("word"):
        base = local_now - timedelta(days=_DAY_WORDS[group("word")])
        if not has_time:
            return base
        moment = base.replace(hour=hour, minute=minute, second=second, microsecond=0)
        return moment + timedelta(days=1) if next_day else moment
    moment = local_now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    moment += timedelta(days=1) if next_day else timedelta(0)
    while moment > local_now + SKEW:
        moment -= timedelta(days=1)
    return moment


def _apply_period(hour: int, period: str | None) -> tuple[int, bool]:
    """24-hour clock from a 12-hour one and a part of the day; True when it falls on the next day."""
    if hour > 23:
        raise ValueError("hour out of range")
    if period is None or hour > 12:
        return hour, False
    if period == "凌晨":
        return (0 if hour == 12 else hour), False
    if period in _MORNING:
        return hour, False
    if period == "中午":
        return (hour if hour >= 11 else hour + 12), False
    if period in _AFTERNOON:
        return (hour if hour == 12 else hour + 12), False
    if period in _EVENING:
        if hour == 12:
            return 0, True
        return (hour + 12, False) if hour >= 5 else (hour, True)
    if period in _NIGHT:
        if hour == 12:
            return 0, True
        return (hour + 12, False) if hour >= 6 else (hour, True)
    return hour, False


# --- dateparser --------------------------------------------------------------------------------------


def _dateparser(text: str, local_now: datetime) -> datetime | None:
    settings = {
        "RELATIVE_BASE": local_now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        # Timestamps are read above (in UTC); dateparser's would be machine-local.
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
    }
    try:
        value = dateparser.parse(text, languages=["en", "zh"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=local_now.tzinfo)
