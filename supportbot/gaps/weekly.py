"""Weeks for the leads' views: ISO weeks in UTC, and when the weekly digest is due.

The digest is due once per ISO week, at a configured weekday and hour (UTC), and covers the seven
days before that moment. Every replica computes the same due time and the same key for it
(``digest:2026-W48``), so a unique key in the database lets exactly one of them post it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from supportbot.gaps.grouping import Window

WEEK = timedelta(weeks=1)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week holding ``moment``."""
    day = as_utc(moment).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def week_label(moment: datetime | date) -> str:
    """``2026-W48``: the ISO year and week number of ``moment``."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_starts(weeks: int, now: datetime) -> list[datetime]:
    """The Mondays of the last ``weeks`` ISO weeks, oldest first; the current (unfinished) week is last."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    current = week_start(now)
    return [current - WEEK * (weeks - 1 - index) for index in range(weeks)]


def bucket_by_week(moments: list[datetime], starts: list[datetime]) -> list[int]:
    """How many of ``moments`` fall in each week that starts at one of ``starts``."""
    counts = dict.fromkeys(starts, 0)
    for moment in moments:
        start = week_start(moment)
        if start in counts:
            counts[start] += 1
    return [counts[start] for start in starts]


@dataclass(frozen=True)
class DigestSchedule:
    """When the weekly digest is due: ``day`` 0 (Monday) to 6, ``hour`` 0 to 23, UTC."""

    day: int = 0
    hour: int = 9

    def __post_init__(self) -> None:
        if not 0 <= self.day <= 6 or not 0 <= self.hour <= 23:
            raise ValueError("the digest day must be 0-6 and the hour 0-23")

    def due_in_week_of(self, moment: datetime) -> datetime:
        """The due time inside the ISO week holding ``moment``."""
        return week_start(moment) + timedelta(days=self.day, hours=self.hour)

    def due(self, now: datetime) -> Digest | None:
        """The digest that should have been posted by ``now`` in this ISO week, or None before its time.

        A bot that was down at the due time still posts later in the same week; a week it was down
        for entirely is skipped (a digest a week late helps nobody).
        """
        due = self.due_in_week_of(now)
        if as_utc(now) < due:
            return None
        return Digest(due=due, window=Window(due - WEEK, due))

    def next_due(self, now: datetime) -> datetime:
        """The next due time strictly after ``now``."""
        due = self.due_in_week_of(now)
        return due if as_utc(now) < due else due + WEEK


@dataclass(frozen=True)
class Digest:
    """One week's digest: due at ``due``, covering ``window`` (the seven days before it)."""

    due: datetime
    window: Window

    @property
    def key(self) -> str:
        """The outbox dedupe key: one digest per ISO week, whichever replica gets there first."""
        return f"digest:{week_label(self.due)}"
