"""Stretches of the paste that one reading has already taken, so another reading skips them."""

from __future__ import annotations

import bisect
import sys
from collections.abc import Sequence
from typing import NamedTuple

#: Spans may nest or overlap a little; a lookup checks this many of those that start before it.
LOOK_BACK = 8


class Span(NamedTuple):
    """``text[start:end]``; ordered by start, then end."""

    start: int
    end: int


def inside(pos: int, spans: Sequence[Span]) -> bool:
    """Whether ``pos`` lies in one of ``spans`` (sorted by start) among the few that start before it."""
    if not spans:
        return False
    index = bisect.bisect_right(spans, Span(pos, sys.maxsize)) - 1
    return any(spans[i].start <= pos < spans[i].end for i in range(index, max(-1, index - LOOK_BACK), -1))


def inside_growing(pos: int, spans: list[Span]) -> bool:
    """:func:`inside` for a list that grows between lookups, sorted when its newest span broke the order.

    Only the last two spans are compared before sorting, as the single-class diagnosis did; a list
    whose disorder lies further back (possible only from repeated header calls) is searched as it is,
    so that results stay the same as before the split.
    """
    if len(spans) > 1 and spans[-1].start < spans[-2].start:
        spans.sort()
    return inside(pos, spans)
