"""FAQ question and feedback storage on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from supportbot.gaps.grouping import Window
from supportbot.store import faq as faq_store
from supportbot.store.db import Store

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def _claim(store: Store, ts: str, *, thread_root: str | None = None, **extra: Any) -> int | None:
    values: dict[str, Any] = {
        "channel": "C0SUPPORT1",
        "message_ts": ts,
        "thread_root": thread_root or ts,
        "user": "U0CUST001",
        "now": T0,
        "language": "en",
        "directed": False,
        "entry_id": "rotate-key",
        "confidence": 0.8,
        "text": "how do I rotate my key?",
        **extra,
    }
    with store.session() as session:
        row = faq_store.claim_question(session, **values)
        return row.id if row is not None else None


def test_a_message_is_taken_up_once(store: Store) -> None:
    first = _claim(store, "1700000000.000100")
    assert first is not None
    assert _claim(store, "1700000000.000100") is None
    assert _claim(store, "1700000000.000200") is not None
    with store.session() as session:
        assert faq_store.thread_attempted(session, "C0SUPPORT1", "1700000000.000100")
        assert not faq_store.thread_attempted(session, "C0SUPPORT1", "1700000000.000999")
        assert not faq_store.thread_attempted(session, "C0OTHER01", "1700000000.000100")


def test_answer_can_move_to_another_thread(store: Store) -> None:
    question_id = _claim(store, "1700000000.000100")
    assert question_id is not None
    with store.session() as session:
        faq_store.set_answer(session, question_id, answer_ts="1700000001.000100", thread_root="1700000000.000555")
    with store.session() as session:
        row = faq_store.get_question(session, question_id)
        assert row is not None and row.answer_ts == "1700000001.000100"
        assert faq_store.thread_attempted(session, "C0SUPPORT1", "1700000000.000555")


def test_one_vote_per_person(store: Store) -> None:
    question_id = _claim(store, "1700000000.000100")
    assert question_id is not None
    with store.session() as session:
        assert faq_store.record_feedback(session, question_id, user="U1", vote="unhelpful", now=T0) == "recorded"
        assert faq_store.record_feedback(session, question_id, user="U1", vote="helpful", now=T0) == "duplicate"
        assert faq_store.record_feedback(session, question_id, user="U2", vote="helpful", now=T0) == "recorded"
        assert faq_store.record_feedback(session, 999_999, user="U2", vote="helpful", now=T0) == "unknown"
        assert faq_store.vote_of(session, question_id, "U1") == "unhelpful"
        assert faq_store.vote_of(session, question_id, "U3") is None


def test_a_person_is_requested_once(store: Store) -> None:
    question_id = _claim(store, "1700000000.000100")
    assert question_id is not None
    with store.session() as session:
        assert faq_store.request_human(session, question_id, user="U1", now=T0)
        assert not faq_store.request_human(session, question_id, user="U2", now=T0)
        row = faq_store.get_question(session, question_id)
        assert row is not None and row.human_requested_by == "U1"


def test_answer_stats(store: Store) -> None:
    answered = _claim(store, "1700000000.000100")
    _claim(store, "1700000000.000200", entry_id=None, confidence=None)
    _claim(store, "1600000000.000300", now=T0 - timedelta(days=30))  # outside the window
    assert answered is not None
    with store.session() as session:
        faq_store.record_feedback(session, answered, user="U1", vote="helpful", now=T0)
        faq_store.record_feedback(session, answered, user="U2", vote="unhelpful", now=T0)
        faq_store.request_human(session, answered, user="U2", now=T0)
        stats = faq_store.answer_stats(session, Window.ending(T0 + timedelta(hours=1), timedelta(days=7)))
        empty = faq_store.answer_stats(session, Window.ending(T0 - timedelta(days=100), timedelta(days=7)))
    assert (stats.questions, stats.answered, stats.helpful, stats.unhelpful, stats.human_requests) == (2, 1, 1, 1, 1)
    assert stats.answer_rate == 0.5
    assert empty.answer_rate is None
