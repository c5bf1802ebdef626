"""Periods people type: ``7d``, ``2w``, ``12h`` (the CLI, ``/support leaks 7d``, ``/support gaps 30d``)."""

from __future__ import annotations

from datetime import timedelta

import regex


def parse_period(text: str) -> timedelta:
    """'7d', '2w', '12h', '30d' -> a timedelta; raise ValueError with a clear message otherwise."""
    match = regex.fullmatch(r"\s*(\d{1,4})\s*([hdw])\s*", text.lower())
    if match is None:
        raise ValueError(f"'{text}' is not a period; use a number and h, d or w, such as 7d or 2w")
    number, unit = int(match.group(1)), match.group(2)
    period = {"h": timedelta(hours=number), "d": timedelta(days=number), "w": timedelta(weeks=number)}[unit]
    if not timedelta(hours=1) <= period <= timedelta(days=366):
        raise ValueError(f"'{text}' is out of range; use between 1h and 366d")
    return period
