"""FAQ gaps and their signals: what the knowledge base did not answer, grouped into gaps.

A gap signal is one piece of evidence (a question with no confident answer, an answer marked
unhelpful, a checklist that ended unresolved, a ticket, a key pasted again, an agent's "Log as FAQ
gap"). Its text is stored only after scrubbing (see :mod:`supportbot.text.chat`); callers pass it
already scrubbed. Each signal joins a gap chosen by :class:`supportbot.gaps.grouping.GapMatcher` among the
recently active gaps, whose few representative signatures sit on the gap row itself, so grouping
reads one bounded query and never scans the signals.

The query functions at the bottom are written for every view of gaps (``/support gaps``, the CLI,
the App Home, the weekly digest and the HTML report): :func:`top_gaps` for a window and
:func:`weekly_counts` for trends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from supportbot.gaps.grouping import (
    REOPEN_AFTER,
    GapCandidate,
    GapMatcher,
    GapRecord,
    GapSignal,
    GapSummary,
    Signature,
    Window,
    gap_status,
    summarize_gaps,
)
from supportbot.gaps.weekly import week_start
from supportbot.store.gap_tables import AmbiguousGap, Gap, GapSignalRow, Recorded, WeekCount
from supportbot.store.types import as_utc

#: Signatures kept per gap for matching: the first signal's and the latest few distinct ones.
REPRESENTATIVES = 6
#: Only gaps active this recently are matched against; an older question starts a new gap.
MATCH_HORIZON = timedelta(days=180)
#: And at most this many of them, most recently active first (keeps one signal's grouping fast).
MATCH_CANDIDATES = 400
MAX_TEXT_CHARS = 600
TITLE_CHARS = 200

StateFilter = Literal["open", "answered", "reopened", "all"]
STATE_FILTERS: tuple[StateFilter, ...] = ("open", "answered", "reopened", "all")


# -- recording ----------------------------------------------------------------------------------


def candidates(session: Session, *, now: datetime, limit: int = MATCH_CANDIDATES) -> list[GapCandidate]:
    """Recently active gaps with their representative signatures, most recent first."""
    rows = session.execute(
        select(col(Gap.key), col(Gap.signatures))
        .where(col(Gap.last_seen) >= now - MATCH_HORIZON)
        .order_by(col(Gap.last_seen).desc(), col(Gap.id).desc())
        .limit(limit)
    ).all()
    return [GapCandidate(key, _load_signatures(stored)) for key, stored in rows]


def record_signal(
    session: Session,
    signal: GapSignal,
    *,
    matcher: GapMatcher,
    source_ref: str | None = None,
    candidate_limit: int = MATCH_CANDIDATES,
) -> Recorded | None:
    """Store ``signal`` (text already scrubbed) in the gap it belongs to; None if ``source_ref`` was seen.

    Runs in the caller's transaction. Safe against another replica creating the same new gap at the
    same moment (the insert is retried as a join).
    """
    if source_ref is not None and _signal_exists(session, source_ref):
        return None
    at = _utc(signal.at)
    assignment = matcher.assign(signal, candidates(session, now=at, limit=candidate_limit))
    signature = assignment.signature
    gap = gap_by_key(session, assignment.key)
    is_new = False
    if gap is None:
        gap, is_new = _create_gap(session, assignment.key, signature, at, title=signal.text)
    text = signal.text[:MAX_TEXT_CHARS]
    row = GapSignalRow(
        gap_id=_id(gap),
        kind=signal.kind,
        at=at,
        channel_id=signal.channel_id,
        user_id=signal.user_id,
        entry_id=signal.entry_id,
        checklist_step=signal.checklist_step,
        text=text,
        language=signature.language,
        signature=signature.dumps(),
        source_ref=source_ref,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None  # the same source_ref, recorded a moment ago by another delivery
    session.execute(
        update(Gap)
        .where(col(Gap.id) == gap.id)
        .values(
            signal_count=col(Gap.signal_count) + (0 if is_new else 1),
            first_seen=case((col(Gap.first_seen) > at, at), else_=col(Gap.first_seen)),
            last_seen=case((col(Gap.last_seen) < at, at), else_=col(Gap.last_seen)),
        )
    )
    session.refresh(gap)
    if not is_new:
        _add_representative(session, gap, signature)
    reopened = _check_reopened(session, gap, at)
    return Recorded(
        gap_key=gap.key,
        gap_id=_id(gap),
        signal_id=row.id or 0,
        is_new_gap=is_new,
        count=gap.signal_count,
        reopened=reopened,
        answered_entry_id=gap.answered_entry_id,
    )


def _create_gap(session: Session, key: str, signature: Signature, at: datetime, *, title: str = "") -> tuple[Gap, bool]:
    # The first phrasing names the gap for good; later ones show up as examples.
    flat = " ".join(title.split())
    gap = Gap(
        key=key,
        title=(flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1] + "…") or None,
        language=signature.language,
        first_seen=at,
        last_seen=at,
        signal_count=1,
        signatures=json.dumps([signature.dumps()], ensure_ascii=False),
    )
    try:
        with session.begin_nested():
            session.add(gap)
            session.flush()
    except IntegrityError:
        existing = gap_by_key(session, key)
        if existing is None:
            raise
        return existing, False
    return gap, True


def _add_representative(session: Session, gap: Gap, signature: Signature) -> None:
    stored = json.loads(gap.signatures) if gap.signatures else []
    dumped = signature.dumps()
    if dumped in stored:
        return
    # Keep the first (what the gap was about from the start) and the latest others.
    kept = [*stored[:1], *stored[1:][-(REPRESENTATIVES - 2) :], dumped] if stored else [dumped]
    gap.signatures = json.dumps(kept, ensure_ascii=False)
    session.add(gap)


def _check_reopened(session: Session, gap: Gap, at: datetime) -> bool:
    if gap.answered_at is None or gap.reopened_at is not None:
        return False
    times = list(
        session.execute(
            select(col(GapSignalRow.at))
            .where(col(GapSignalRow.gap_id) == gap.id)
            .where(col(GapSignalRow.at) > gap.answered_at)
            .order_by(col(GapSignalRow.at))
            .limit(REOPEN_AFTER)
        ).scalars()
    )
    status = gap_status(_record(gap), [as_utc(moment) for moment in times])
    if status.state != "reopened":
        return False
    gap.reopened_at = status.reopened_at or at
    session.add(gap)
    session.flush()
    return True


def _signal_exists(session: Session, source_ref: str) -> bool:
    found = session.execute(
        select(col(GapSignalRow.id)).where(col(GapSignalRow.source_ref) == source_ref).limit(1)
    ).first()
    return found is not None


# -- gaps ---------------------------------------------------------------------------------------


def gap_by_key(session: Session, key: str) -> Gap | None:
    found: Gap | None = session.execute(select(Gap).where(col(Gap.key) == key)).scalars().first()
    return found


def find_gap(session: Session, ref: str) -> Gap | None:
    """A gap by its key, or by an unambiguous start of it (``gap-3f2a``); raise :class:`AmbiguousGap`."""
    ref = ref.strip()
    if not ref:
        return None
    exact = gap_by_key(session, ref)
    if exact is not None:
        return exact
    prefix = ref if ref.startswith("gap-") or "-" in ref else f"gap-{ref}"
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = list(session.execute(select(Gap).where(col(Gap.key).like(escaped + "%", escape="\\")).limit(6)).scalars())
    if len(rows) > 1:
        raise AmbiguousGap(ref, [row.key for row in rows])
    return rows[0] if rows else None


def mark_answered(session: Session, gap: Gap, *, entry_id: str, by: str | None, now: datetime) -> Gap:
    """Record that knowledge entry ``entry_id`` now covers ``gap``; later signals may reopen it."""
    gap.answered_entry_id = entry_id
    gap.answered_at = now
    gap.answered_by = by
    gap.reopened_at = None
    session.add(gap)
    session.flush()
    return gap


def signals_since(session: Session, gap: Gap) -> int:
    """How many signals arrived after the gap was marked answered (0 if it never was)."""
    if gap.answered_at is None:
        return 0
    count = session.execute(
        select(func.count())
        .select_from(GapSignalRow)
        .where(col(GapSignalRow.gap_id) == gap.id)
        .where(col(GapSignalRow.at) > gap.answered_at)
    ).scalar()
    return int(count or 0)


def signals_of(session: Session, gap_id: int, *, limit: int = 50) -> list[GapSignalRow]:
    """The latest signals of one gap, newest first."""
    return list(
        session.execute(
            select(GapSignalRow)
            .where(col(GapSignalRow.gap_id) == gap_id)
            .order_by(col(GapSignalRow.at).desc(), col(GapSignalRow.id).desc())
            .limit(limit)
        ).scalars()
    )


# -- reports ------------------------------------------------------------------------------------


def top_gaps(
    session: Session,
    window: Window,
    *,
    limit: int | None = 10,
    state: StateFilter = "open",
    examples: int = 3,
) -> list[GapSummary]:
    """Gaps with signals in ``window``, busiest first, with trend, examples and status.

    ``state``: ``open`` means not answered, or answered and reopened since (what needs attention);
    ``answered`` means answered and not reopened; ``reopened`` only those; ``all`` everything.
    """
    chosen = _ranked(session, window, state)
    if limit is not None:
        chosen = chosen[:limit]
    if not chosen:
        return []
    since = window.previous().start
    for gap in chosen:
        if gap.answered_at is not None:
            since = min(since, _utc(gap.answered_at))
    ids = [_id(gap) for gap in chosen]
    keys = {_id(gap): gap.key for gap in chosen}
    signals = [
        (keys[row.gap_id], _as_signal(row))
        for row in session.execute(
            select(GapSignalRow)
            .where(col(GapSignalRow.gap_id).in_(ids))
            .where(col(GapSignalRow.at) >= since)
            .where(col(GapSignalRow.at) < window.end)
        ).scalars()
    ]
    summaries = summarize_gaps([_record(gap) for gap in chosen], signals, window, examples=examples)
    order = {gap.key: index for index, gap in enumerate(chosen)}
    return sorted(summaries, key=lambda summary: order.get(summary.key, len(order)))


def count_gaps(session: Session, window: Window, *, state: StateFilter = "open") -> int:
    """How many gaps :func:`top_gaps` would list without a limit."""
    return len(_ranked(session, window, state))


def _ranked(session: Session, window: Window, state: StateFilter) -> list[Gap]:
    counts = dict(
        session.execute(
            select(col(GapSignalRow.gap_id), func.count())
            .where(col(GapSignalRow.at) >= window.start)
            .where(col(GapSignalRow.at) < window.end)
            .group_by(col(GapSignalRow.gap_id))
        ).all()
    )
    if not counts:
        return []
    gaps = [
        gap
        for gap in session.execute(select(Gap).where(col(Gap.last_seen) >= window.start)).scalars()
        if gap.id in counts
    ]
    after_answer = _signals_after_answer(session, window.start)
    gaps.sort(key=lambda gap: (-int(counts[gap.id]), -_utc(gap.last_seen).timestamp(), gap.key))
    return [gap for gap in gaps if _state_matches(gap, after_answer.get(_id(gap), 0), state)]


def count_signals(session: Session, window: Window) -> int:
    """Gap signals recorded in ``window`` (every kind)."""
    count = session.execute(
        select(func.count())
        .select_from(GapSignalRow)
        .where(col(GapSignalRow.at) >= window.start)
        .where(col(GapSignalRow.at) < window.end)
    ).scalar()
    return int(count or 0)


def gap_for_source(session: Session, source_ref: str) -> Gap | None:
    """The gap a signal with this ``source_ref`` went to."""
    found: Gap | None = (
        session.execute(
            select(Gap)
            .join(GapSignalRow, col(GapSignalRow.gap_id) == col(Gap.id))
            .where(col(GapSignalRow.source_ref) == source_ref)
        )
        .scalars()
        .first()
    )
    return found


def weekly_counts(session: Session, weeks: int, now: datetime) -> list[WeekCount]:
    """Signals and new gaps per week (Monday to Monday, UTC) for the last ``weeks`` weeks, oldest first.

    The current, unfinished week is the last item.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    this_week = week_start(now)
    first = this_week - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=index) for index in range(weeks)]
    signals: dict[datetime, int] = dict.fromkeys(starts, 0)
    new_gaps: dict[datetime, int] = dict.fromkeys(starts, 0)
    kinds: dict[datetime, dict[str, int]] = {start: {} for start in starts}
    for at, kind in session.execute(
        select(col(GapSignalRow.at), col(GapSignalRow.kind)).where(col(GapSignalRow.at) >= first)
    ).all():
        start = week_start(as_utc(at))
        if start in signals:
            signals[start] += 1
            kinds[start][kind] = kinds[start].get(kind, 0) + 1
    for (seen,) in session.execute(select(col(Gap.first_seen)).where(col(Gap.first_seen) >= first)).all():
        start = week_start(as_utc(seen))
        if start in new_gaps:
            new_gaps[start] += 1
    return [WeekCount(start, signals[start], new_gaps[start], kinds[start]) for start in starts]


def _signals_after_answer(session: Session, active_since: datetime) -> dict[int, int]:
    rows = session.execute(
        select(col(GapSignalRow.gap_id), func.count())
        .join(Gap, col(Gap.id) == col(GapSignalRow.gap_id))
        .where(col(Gap.answered_at).is_not(None))
        .where(col(Gap.last_seen) >= active_since)
        .where(col(GapSignalRow.at) > col(Gap.answered_at))
        .group_by(col(GapSignalRow.gap_id))
    ).all()
    return {int(gap_id): int(count) for gap_id, count in rows}


def state_of(gap: Gap, signals_after_answer: int) -> str:
    if gap.answered_at is None:
        return "open"
    return "reopened" if signals_after_answer >= REOPEN_AFTER else "answered"


def _state_matches(gap: Gap, after_answer: int, wanted: StateFilter) -> bool:
    state = state_of(gap, after_answer)
    if wanted == "all":
        return True
    if wanted == "open":
        return state in {"open", "reopened"}
    return state == wanted


def _record(gap: Gap) -> GapRecord:
    return GapRecord(
        key=gap.key,
        title=gap.title,
        first_seen=_utc(gap.first_seen),
        answered_entry_id=gap.answered_entry_id,
        answered_at=_utc(gap.answered_at) if gap.answered_at is not None else None,
    )


def _as_signal(row: GapSignalRow) -> GapSignal:
    return GapSignal(
        kind=row.kind,  # type: ignore[arg-type]  # written from SignalKind only
        text=row.text,
        at=_utc(row.at),
        channel_id=row.channel_id,
        user_id=row.user_id,
        entry_id=row.entry_id,
        checklist_step=row.checklist_step,
    )


def _load_signatures(stored: str) -> tuple[Signature, ...]:
    found: list[Signature] = []
    try:
        items = json.loads(stored) if stored else []
    except ValueError:
        return ()
    for item in items if isinstance(items, list) else []:
        try:
            found.append(Signature.loads(str(item)))
        except ValueError:
            continue
    return tuple(found)


def _id(gap: Gap) -> int:
    assert gap.id is not None
    return gap.id


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
