"""Activity for the leads' views, written through each feature's own store functions.

``seed_weeks`` spreads leaks, tickets, checklist walks and gap signals over the last few ISO
weeks and returns what each week should show, so tests compare the views against numbers they
did not compute the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from supportbot.gaps.grouping import GapSignal, default_matcher
from supportbot.gaps.weekly import week_start
from supportbot.store import gaps as gap_store
from supportbot.store import leaks as leak_store
from supportbot.store import tickets as ticket_store
from supportbot.store import triage as walk_store
from supportbot.store.db import Store
from supportbot.triage import checklist
from supportbot.triage.checks import CheckId

INVOICE = ["can I get an invoice for my top-up?", "怎么开发票", "how do I get a VAT invoice"]
HOSTILE_QUESTION = "<script>alert(1)</script> & <b>bold</b> do you support claude models?"


def leak(store: Store, at: datetime, author: str, ts: str, channel: str = "C0SUPPORT") -> int:
    with store.session() as session:
        return leak_store.record_incident(
            session,
            now=at,
            channel=channel,
            channel_type="channel",
            message_ts=ts,
            thread_ts=None,
            source="text",
            author=author,
            author_team="T0HOME001",
            keys=[leak_store.KeySighting(rule="openai", provider="openai", masked="sk-…abcd", key_id="k" + ts)],
            deletion="deleted",
            deletion_reason=None,
        )


def ticket(
    store: Store, at: datetime, key: str, *, closed_at: datetime | None = None, assignee: str | None = None
) -> int:
    with store.session() as session:
        row, _ = ticket_store.create(
            session,
            ticket_store.NewTicket(
                occurred_at=at,
                model="gpt-4o-mini",
                status=401,
                error_text="Incorrect API key provided",
                masked_key_id="sk-…abcd",
                submission_key=key,
                source="command",
                requester="U0CUST001",
                filed_by="U0AGENT01",
            ),
            now=at,
        )
        assert row.id is not None
        ticket_id = row.id
        if assignee is not None:
            ticket_store.assign(session, ticket_id, assignee, now=at)
        if closed_at is not None:
            ticket_store.close(session, ticket_id, by="U0AGENT01", reason=None, now=closed_at)
    return ticket_id


def walk(store: Store, at: datetime, origin: str, *, fixed_at: int | None, steps_next: int) -> None:
    """A 401 checklist walk started at ``at``: ``steps_next`` clicks on "next", then "fixed" or not."""
    state = checklist.start([CheckId.WHITESPACE], at=0.0, language="en", walk=1)
    with store.session() as session:
        row = walk_store.create_walk(
            session,
            walk_store.NewWalk(
                channel="C0SUPPORT",
                origin=origin,
                thread_ts=origin,
                requester="U0CUST001",
                started_by="U0CUST001",
                trigger="message",
                state=state,
            ),
            now=at,
        )
        walk_id = row.id
    assert walk_id is not None
    clicks = 1.0
    for _ in range(steps_next):
        assert state.current is not None
        state = checklist.apply(state, "triage_next", step=state.current, at=clicks).state
        clicks += 1
    if fixed_at is not None:
        state = checklist.apply(state, "triage_fixed", step=state.steps[fixed_at], at=clicks).state
    with store.session() as session:
        assert walk_store.save_state(session, walk_id, expected_version=0, state=state, now=at)


def gap_signal(store: Store, text: str, at: datetime, user: str = "U0CUST001") -> str:
    with store.session() as session:
        recorded = gap_store.record_signal(
            session,
            GapSignal("unanswered", text, at, channel_id="C0SUPPORT", user_id=user),
            matcher=default_matcher(),
        )
    assert recorded is not None
    return recorded.gap_key


@dataclass
class Week:
    leaks: int = 0
    opened: int = 0
    closed: int = 0
    fixed: int = 0
    unresolved: int = 0
    open: int = 0
    signals: int = 0


@dataclass
class Seeded:
    weeks: list[Week] = field(default_factory=list)
    """Oldest first; the last is the current week."""
    gap_keys: dict[str, str] = field(default_factory=dict)


def seed_weeks(store: Store, now: datetime, weeks: int = 4) -> Seeded:
    """Different amounts of everything in each of the last ``weeks`` weeks, up to ``now``."""
    seeded = Seeded([Week() for _ in range(weeks)])
    this_week = week_start(now)
    starts = [this_week - timedelta(weeks=weeks - 1 - index) for index in range(weeks)]

    def moment(index: int, minutes: int) -> datetime:
        """Inside week ``index`` and never after ``now``, however early in the current week ``now`` is."""
        if index < weeks - 1:
            return starts[index] + timedelta(hours=1, minutes=minutes)
        return starts[index] + (now - starts[index]) * ((minutes + 1) / 100)

    for index in range(weeks):
        week = seeded.weeks[index]
        for number in range(index + 1):  # 1, 2, 3… leaks
            author = "U0CUST001" if number % 2 == 0 else "U0CUST002"
            leak(store, moment(index, number), author, f"{index}{number}.0001")
            week.leaks += 1
        for number in range(weeks - index):  # …4, 3, 2, 1 tickets; the first of each week closed
            closed = moment(index, 30) if number == 0 else None
            ticket(store, moment(index, number), f"seed-{index}-{number}", closed_at=closed)
            week.opened += 1
            week.closed += 1 if closed else 0
        walk(store, moment(index, 1), f"{index}.1", fixed_at=0, steps_next=0)
        week.fixed += 1
        if index % 2:
            walk(store, moment(index, 2), f"{index}.2", fixed_at=None, steps_next=5)
            week.unresolved += 1
    for number, text in enumerate(INVOICE):
        seeded.gap_keys["invoice"] = gap_signal(store, text, moment(weeks - 1, 10 + number), user=f"U0C{number:05d}")
        seeded.weeks[-1].signals += 1
    seeded.gap_keys["hostile"] = gap_signal(store, HOSTILE_QUESTION, moment(weeks - 1, 20))
    seeded.weeks[-1].signals += 1
    if weeks > 1:
        seeded.gap_keys["old"] = gap_signal(store, "how do I delete my account", moment(weeks - 2, 5))
        seeded.weeks[-2].signals += 1
    return seeded
