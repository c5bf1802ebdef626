"""Questions the bot looked up in the knowledge base, its answers, and what people said about them.

One row per question message (channel + ts), whether it was answered or not: the unique key is
what makes "answer once" hold when Slack delivers an event again, when a handler is retried, and
when a mention arrives both as a message and as an ``app_mention``. The text is stored scrubbed,
for the gap signal an "unhelpful" click records later. Feedback is one vote per person and answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from supportbot.gaps.grouping import Window
from supportbot.store.types import UtcDateTime

Vote = Literal["helpful", "unhelpful"]
FeedbackResult = Literal["recorded", "duplicate", "unknown"]


class FaqQuestion(SQLModel, table=True):
    __tablename__ = "faq_questions"
    __table_args__ = (
        UniqueConstraint("channel", "message_ts", name="uq_faq_questions_message"),
        Index("ix_faq_questions_thread", "channel", "thread_root"),
        Index("ix_faq_questions_asked_at", "asked_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    channel: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    # The ts of the thread's first message (the message itself when it starts a thread).
    thread_root: str = Field(max_length=32)
    user: str | None = Field(default=None, max_length=32)
    asked_at: datetime = Field(sa_type=UtcDateTime)
    language: str = Field(max_length=8)
    # A mention or a DM, as opposed to a question the bot noticed in a support channel.
    directed: bool = Field(default=False)
    # The knowledge entry posted as the answer; None when nothing was confident enough.
    entry_id: str | None = Field(default=None, max_length=64)
    confidence: float | None = Field(default=None)
    text: str = Field(sa_column=Column(Text, nullable=False))
    answer_ts: str | None = Field(default=None, max_length=32)
    human_requested_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    human_requested_by: str | None = Field(default=None, max_length=32)


class FaqFeedback(SQLModel, table=True):
    __tablename__ = "faq_feedback"
    __table_args__ = (
        UniqueConstraint("question_id", "user", name="uq_faq_feedback_vote"),
        Index("ix_faq_feedback_at", "at"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True, autoincrement=True))
    question_id: int = Field(foreign_key="faq_questions.id")
    user: str = Field(max_length=32)
    vote: str = Field(max_length=16)
    at: datetime = Field(sa_type=UtcDateTime)


@dataclass(frozen=True)
class AnswerStats:
    """How the knowledge base did in a window (for leads' views)."""

    questions: int
    answered: int
    helpful: int
    unhelpful: int
    human_requests: int

    @property
    def answer_rate(self) -> float | None:
        return round(self.answered / self.questions, 3) if self.questions else None


def thread_attempted(session: Session, channel: str, thread_root: str) -> bool:
    """Whether the bot already took up a question in this thread (answered it or logged it)."""
    found = session.execute(
        select(col(FaqQuestion.id))
        .where(col(FaqQuestion.channel) == channel)
        .where(col(FaqQuestion.thread_root) == thread_root)
        .limit(1)
    ).first()
    return found is not None


def claim_question(
    session: Session,
    *,
    channel: str,
    message_ts: str,
    thread_root: str,
    user: str | None,
    now: datetime,
    language: str,
    directed: bool,
    entry_id: str | None,
    confidence: float | None,
    text: str,
) -> FaqQuestion | None:
    """Record a question (``text`` already scrubbed); None if this message was already taken up."""
    if question_for_message(session, channel, message_ts) is not None:
        return None
    question = FaqQuestion(
        channel=channel,
        message_ts=message_ts,
        thread_root=thread_root,
        user=user,
        asked_at=now,
        language=language,
        directed=directed,
        entry_id=entry_id,
        confidence=confidence,
        text=text,
    )
    try:
        with session.begin_nested():
            session.add(question)
            session.flush()
    except IntegrityError:
        return None
    return question


def question_for_message(session: Session, channel: str, message_ts: str) -> FaqQuestion | None:
    found: FaqQuestion | None = (
        session.execute(
            select(FaqQuestion)
            .where(col(FaqQuestion.channel) == channel)
            .where(col(FaqQuestion.message_ts) == message_ts)
        )
        .scalars()
        .first()
    )
    return found


def get_question(session: Session, question_id: int) -> FaqQuestion | None:
    return session.get(FaqQuestion, question_id)


def set_answer(session: Session, question_id: int, *, answer_ts: str, thread_root: str) -> None:
    """Where the answer was posted (the thread may differ from the question's: a masked repost)."""
    session.execute(
        update(FaqQuestion)
        .where(col(FaqQuestion.id) == question_id)
        .values(answer_ts=answer_ts, thread_root=thread_root)
    )


def record_feedback(session: Session, question_id: int, *, user: str, vote: Vote, now: datetime) -> FeedbackResult:
    """One vote per person and answer: the first counts, a repeat is reported as a duplicate."""
    if session.get(FaqQuestion, question_id) is None:
        return "unknown"
    existing = session.execute(
        select(col(FaqFeedback.id))
        .where(col(FaqFeedback.question_id) == question_id)
        .where(col(FaqFeedback.user) == user)
    ).first()
    if existing is not None:
        return "duplicate"
    try:
        with session.begin_nested():
            session.add(FaqFeedback(question_id=question_id, user=user, vote=vote, at=now))
            session.flush()
    except IntegrityError:
        return "duplicate"
    return "recorded"


def vote_of(session: Session, question_id: int, user: str) -> Vote | None:
    """The vote ``user`` gave on this answer, if any."""
    vote = session.execute(
        select(col(FaqFeedback.vote))
        .where(col(FaqFeedback.question_id) == question_id)
        .where(col(FaqFeedback.user) == user)
    ).scalar()
    if vote == "helpful":
        return "helpful"
    if vote == "unhelpful":
        return "unhelpful"
    return None


def request_human(session: Session, question_id: int, *, user: str, now: datetime) -> bool:
    """Mark that someone asked for a person on this answer; False if that was already done."""
    result = session.execute(
        update(FaqQuestion)
        .where(col(FaqQuestion.id) == question_id)
        .where(col(FaqQuestion.human_requested_at).is_(None))
        .values(human_requested_at=now, human_requested_by=user)
    )
    return bool(getattr(result, "rowcount", 0))


def answer_stats(session: Session, window: Window) -> AnswerStats:
    """Questions, answers, votes and requests for a person in ``window``."""
    questions, answered, humans = session.execute(
        select(
            func.count(),
            func.count(col(FaqQuestion.entry_id)),
            func.count(col(FaqQuestion.human_requested_at)),
        )
        .where(col(FaqQuestion.asked_at) >= window.start)
        .where(col(FaqQuestion.asked_at) < window.end)
    ).one()
    votes = dict(
        session.execute(
            select(col(FaqFeedback.vote), func.count())
            .where(col(FaqFeedback.at) >= window.start)
            .where(col(FaqFeedback.at) < window.end)
            .group_by(col(FaqFeedback.vote))
        ).all()
    )
    return AnswerStats(
        questions=int(questions),
        answered=int(answered),
        helpful=int(votes.get("helpful", 0)),
        unhelpful=int(votes.get("unhelpful", 0)),
        human_requests=int(humans),
    )
