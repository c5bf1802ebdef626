"""Gap storage on SQLite and PostgreSQL: grouping, idempotence, reopening, reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from supportbot.gaps.grouping import REOPEN_AFTER, REPEAT_LEAK_GAP, GapMatcher, GapSignal, Window, default_matcher
from supportbot.store import gaps as gap_store
from supportbot.store.db import Store

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday
INVOICE = ["can I get an invoice for my top-up?", "how do I get a VAT invoice", "怎么开发票", "充值以后能开发票吗"]
CLAUDE = ["do you support claude models?", "你们支持 claude 吗", "能调用 claude 模型吗"]


@pytest.fixture(scope="module")
def matcher() -> GapMatcher:
    return default_matcher()


def _signal(text: str, at: datetime, **extra: str) -> GapSignal:
    kind = extra.pop("kind", "unanswered")
    return GapSignal(kind=kind, text=text, at=at, channel_id=extra.pop("channel", "C0SUPPORT1"), **extra)  # type: ignore[arg-type]


def _record(store: Store, matcher: GapMatcher, text: str, at: datetime, ref: str | None = None, **extra: str):  # type: ignore[no-untyped-def]
    with store.session() as session:
        return gap_store.record_signal(session, _signal(text, at, **extra), matcher=matcher, source_ref=ref)


def test_paraphrases_in_two_languages_form_one_gap_with_a_count(store: Store, matcher: GapMatcher) -> None:
    keys = set()
    for index, text in enumerate(INVOICE):
        recorded = _record(store, matcher, text, T0 + timedelta(minutes=index), f"q:{index}", user_id=f"U0{index}")
        assert recorded is not None
        assert recorded.is_new_gap == (index == 0)
        assert recorded.count == index + 1
        keys.add(recorded.gap_key)
    other = _record(store, matcher, CLAUDE[0], T0 + timedelta(minutes=9), "q:claude")
    assert other is not None and other.is_new_gap and other.gap_key not in keys
    assert len(keys) == 1
    with store.session() as session:
        gap = gap_store.gap_by_key(session, keys.pop())
        assert gap is not None
        assert gap.signal_count == 4
        assert gap.first_seen == T0 and gap.last_seen == T0 + timedelta(minutes=3)
        summaries = gap_store.top_gaps(session, Window.ending(T0 + timedelta(hours=1), timedelta(days=7)))
    assert [summary.count for summary in summaries] == [4, 1]
    assert summaries[0].users == 4
    assert summaries[0].channels == ("C0SUPPORT1",)
    assert summaries[0].examples[0] == INVOICE[-1]  # newest first
    assert len(summaries[0].examples) == 3


def test_a_source_is_recorded_once(store: Store, matcher: GapMatcher) -> None:
    assert _record(store, matcher, INVOICE[0], T0, "vote:7:U1") is not None
    assert _record(store, matcher, INVOICE[1], T0, "vote:7:U1") is None
    with store.session() as session:
        assert gap_store.count_gaps(session, Window.ending(T0 + timedelta(hours=1), timedelta(days=1))) == 1
        gap = gap_store.gap_for_source(session, "vote:7:U1")
        assert gap is not None and gap.signal_count == 1


def test_repeat_leaks_share_one_gap(store: Store, matcher: GapMatcher) -> None:
    first = _record(store, matcher, "full API key pasted again", T0, kind="repeat_leak")
    second = _record(store, matcher, "", T0 + timedelta(days=1), kind="repeat_leak")
    assert first is not None and second is not None
    assert first.gap_key == second.gap_key == REPEAT_LEAK_GAP
    assert (first.is_new_gap, second.is_new_gap) == (True, False)


def test_a_new_gap_already_created_elsewhere_is_joined(store: Store, matcher: GapMatcher) -> None:
    # Another replica created the gap between this one's read and its insert: the insert joins it.
    with store.session() as session:
        assignment = matcher.assign(_signal(CLAUDE[0], T0), [])
        created, is_new = gap_store._create_gap(session, assignment.key, assignment.signature, T0)
        again, again_new = gap_store._create_gap(session, assignment.key, assignment.signature, T0)
    assert is_new and not again_new and created.id == again.id


def test_answered_gap_reopens_after_more_signals_and_says_so_once(store: Store, matcher: GapMatcher) -> None:
    first = _record(store, matcher, INVOICE[0], T0)
    assert first is not None
    answered_at = T0 + timedelta(days=1)
    with store.session() as session:
        gap = gap_store.find_gap(session, first.gap_key)
        assert gap is not None
        gap_store.mark_answered(session, gap, entry_id="invoices", by="U0LEAD001", now=answered_at)
    window = Window.ending(answered_at + timedelta(days=3), timedelta(days=7))
    with store.session() as session:
        assert gap_store.top_gaps(session, window, state="open") == []
        [answered] = gap_store.top_gaps(session, window, state="answered")
    assert answered.status.state == "answered" and answered.status.entry_id == "invoices"
    reopened = [_record(store, matcher, INVOICE[index], answered_at + timedelta(hours=index)) for index in (1, 2, 3)]
    assert REOPEN_AFTER == 2
    assert [item.reopened if item else None for item in reopened] == [False, True, False]
    with store.session() as session:
        [summary] = gap_store.top_gaps(session, window, state="open")
        gap = gap_store.gap_by_key(session, first.gap_key)
        assert gap is not None and gap.reopened_at == answered_at + timedelta(hours=2)
        assert gap_store.signals_since(session, gap) == 3
        assert gap_store.top_gaps(session, window, state="answered") == []
        assert [s.key for s in gap_store.top_gaps(session, window, state="reopened")] == [first.gap_key]
    assert summary.status.state == "reopened"
    assert summary.status.signals_since_answer == 3
    # A new answer closes it again, and the next reopening is announced again.
    with store.session() as session:
        gap = gap_store.gap_by_key(session, first.gap_key)
        assert gap is not None
        gap_store.mark_answered(session, gap, entry_id="invoices", by="U0LEAD001", now=answered_at + timedelta(days=1))
        assert gap.reopened_at is None


def test_trend_compares_with_the_window_before(store: Store, matcher: GapMatcher) -> None:
    for day in range(3):
        _record(store, matcher, INVOICE[day % 4], T0 - timedelta(days=4 + day))  # 2 of them in the window before
    _record(store, matcher, INVOICE[3], T0)  # this week: 1
    _record(store, matcher, CLAUDE[0], T0)
    window = Window.ending(T0 + timedelta(hours=1), timedelta(days=3))
    with store.session() as session:
        summaries = {s.examples[0]: s for s in gap_store.top_gaps(session, window, state="all")}
    invoice = summaries[INVOICE[3]]
    assert (invoice.trend.current, invoice.trend.previous, invoice.trend.direction) == (1, 2, "down")
    assert summaries[CLAUDE[0]].trend.direction == "new"
    assert invoice.first_seen == T0 - timedelta(days=6)


def test_limit_and_count(store: Store, matcher: GapMatcher) -> None:
    texts = ["how do I delete my account", "do you have an SLA for uptime", "where is your status page"]
    for index, text in enumerate(texts):
        for repeat in range(index + 1):
            _record(store, matcher, text, T0 + timedelta(minutes=repeat))
    window = Window.ending(T0 + timedelta(hours=1), timedelta(days=1))
    with store.session() as session:
        top = gap_store.top_gaps(session, window, limit=2)
        assert gap_store.count_gaps(session, window) == 3
    assert [summary.count for summary in top] == [3, 2]
    assert top[0].examples == (texts[2],)


def test_find_gap_by_prefix(store: Store, matcher: GapMatcher) -> None:
    recorded = _record(store, matcher, INVOICE[0], T0)
    assert recorded is not None
    with store.session() as session:
        prefix = recorded.gap_key[: len("gap-") + 5]
        found = gap_store.find_gap(session, prefix)
        assert found is not None and found.key == recorded.gap_key
        assert gap_store.find_gap(session, recorded.gap_key.removeprefix("gap-")[:6]) is not None
        assert gap_store.find_gap(session, "gap-zzzz") is None
        assert gap_store.find_gap(session, "  ") is None
        assert gap_store.find_gap(session, "%") is None  # LIKE wildcards are literal


def test_find_gap_reports_ambiguity(store: Store, matcher: GapMatcher) -> None:
    _record(store, matcher, INVOICE[0], T0)
    _record(store, matcher, CLAUDE[0], T0)
    with store.session() as session, pytest.raises(gap_store.AmbiguousGap) as raised:
        gap_store.find_gap(session, "gap-")
    assert len(raised.value.keys) == 2


def test_weekly_counts(store: Store, matcher: GapMatcher) -> None:
    _record(store, matcher, INVOICE[0], T0 - timedelta(days=7))  # last week, new gap
    _record(store, matcher, INVOICE[1], T0 + timedelta(days=1))  # this week, same gap
    _record(store, matcher, CLAUDE[0], T0 + timedelta(days=2), kind="unhelpful", entry_id="models")
    with store.session() as session:
        weeks = gap_store.weekly_counts(session, 3, T0 + timedelta(days=3))
        with pytest.raises(ValueError, match="at least 1"):
            gap_store.weekly_counts(session, 0, T0)
    monday = T0.replace(hour=0)
    assert [week.start for week in weeks] == [monday - timedelta(weeks=2), monday - timedelta(weeks=1), monday]
    assert [week.signals for week in weeks] == [0, 1, 2]
    assert [week.new_gaps for week in weeks] == [0, 1, 1]
    assert weeks[2].by_kind == {"unanswered": 1, "unhelpful": 1}


def test_candidates_are_bounded_and_recent_first(store: Store, matcher: GapMatcher) -> None:
    old = _record(store, matcher, INVOICE[0], T0 - timedelta(days=400))  # beyond the matching horizon
    _record(store, matcher, CLAUDE[0], T0 - timedelta(days=2))
    _record(store, matcher, "how do I delete my account", T0 - timedelta(days=1))
    with store.session() as session:
        found = gap_store.candidates(session, now=T0, limit=5)
        assert len(gap_store.candidates(session, now=T0, limit=1)) == 1
    assert len(found) == 2
    assert all(candidate.signatures for candidate in found)
    assert old is not None and old.gap_key not in {candidate.key for candidate in found}
    # The old gap is out of the matcher's reach, but the very same question has the same key: it joins.
    again = _record(store, matcher, INVOICE[0], T0)
    other = _record(store, matcher, INVOICE[1], T0)
    assert old is not None and again is not None and other is not None
    assert (again.gap_key, again.is_new_gap) == (old.gap_key, False)
    assert other.gap_key == old.gap_key  # ...and, now active again, collects its paraphrases


def test_representative_signatures_stay_bounded(store: Store, matcher: GapMatcher) -> None:
    texts = [f"can I get an invoice for my top-up number {index}?" for index in range(12)]
    for index, text in enumerate(texts):
        _record(store, matcher, text, T0 + timedelta(minutes=index))
    with store.session() as session:
        [candidate] = gap_store.candidates(session, now=T0 + timedelta(hours=1))
    assert 1 < len(candidate.signatures) <= gap_store.REPRESENTATIVES
