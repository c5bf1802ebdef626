"""Reply targets and the triage/FAQ outbox payloads: round trips, kind checks, and rows the old code wrote."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, Self, cast

import pytest
from sqlmodel import Session

from supportbot.slack.features.faq.payloads import AgentAlert, FaqAnswer, FaqEphemeral, FaqPost
from supportbot.slack.features.triage.payloads import RenderWalk, StartWalk
from supportbot.slack.replies import ReplyTarget, enqueue_reply
from supportbot.slack.router import EventContext
from supportbot.store.db import Store
from supportbot.store.outbox import ClaimedAction
from supportbot.store.tables import OutboxAction
from supportbot.text.messages import Message

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Base URL*"}}]
THREAD = ReplyTarget("C1", "1.2")
AFTER_REPOST = ReplyTarget("C1", "1.2", thread_from_predecessor=True)


class Payload(Protocol):
    def to_payload(self) -> dict[str, Any]: ...

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self: ...


def _action(payload: dict[str, Any], predecessor: dict[str, Any] | None = None) -> ClaimedAction:
    return ClaimedAction(
        id=9,
        kind="faq.post",
        payload=payload,
        attempts=0,
        max_attempts=50,
        group_key=None,
        predecessor_result=predecessor,
    )


def _context(reply_after: int | None = None) -> EventContext:
    return EventContext(envelope={}, event={}, received_at=NOW, reply_after=reply_after)


def test_round_trips_keep_every_field() -> None:
    payloads: list[Payload] = [
        THREAD,
        AFTER_REPOST,
        ReplyTarget("C1", ""),
        StartWalk(AFTER_REPOST, origin="1.3", requester="U1", text="401 again", trigger="dm", incident=4),
        StartWalk(THREAD, origin="1.3", requester="U1", text="", trigger="message", received_at=17.5),
        RenderWalk(5, THREAD, received_at=17.5),
        RenderWalk(5, ReplyTarget("C1", "")),
        RenderWalk(5),
        FaqPost(THREAD, "No answer yet.", received_at=17.5),
        FaqPost(ReplyTarget("C1", ""), "Reopened", blocks=BLOCKS),
        FaqPost(AFTER_REPOST, "In the repost's thread"),
        FaqEphemeral("C1", "U1", "Thanks", blocks=BLOCKS, thread_ts="1.2", received_at=17.5),
        FaqEphemeral("C1", "U1", "Thanks"),
        FaqAnswer(AFTER_REPOST, "Check your base URL.", BLOCKS, question_id=3, received_at=17.5),
        AgentAlert("C9", "C1", "1.2", entry_id="base-url", received_at=17.5),
        AgentAlert("C9", "C1", "1.2"),
    ]
    for payload in payloads:
        stored = json.loads(json.dumps(payload.to_payload()))
        assert type(payload).from_payload(stored) == payload


def test_rows_written_by_the_old_code_still_read() -> None:
    start = {
        "origin": "1.3",
        "text": "I get 401",
        "requester": "U1",
        "trigger": "message",
        "incident": 4,
        "received_at": 17.5,
        "channel": "C1",
        "thread_ts": "1.2",
        "thread_from_predecessor": True,
    }
    assert StartWalk.from_payload(start) == StartWalk(AFTER_REPOST, "1.3", "U1", "I get 401", "message", 4, 17.5)
    assert set(StartWalk.from_payload(start).to_payload()) == set(start)
    cleared = {key: start[key] for key in ("origin", "requester", "channel", "thread_ts")}
    assert StartWalk.from_payload(cleared) == StartWalk(THREAD, "1.3", "U1", "", "message")

    first = {"walk": 5, "received_at": 17.5, "channel": "C1", "thread_ts": ""}
    assert RenderWalk.from_payload(first) == RenderWalk(5, ReplyTarget("C1", ""), received_at=17.5)
    assert RenderWalk.from_payload(first).to_payload() == first
    assert RenderWalk.from_payload({"walk": 5}) == RenderWalk(5)
    assert RenderWalk(5).to_payload() == {"walk": 5}

    answer = {
        "text": "Check your base URL.",
        "blocks": BLOCKS,
        "question_id": 3,
        "received_at": 17.5,
        "channel": "C1",
        "thread_ts": "1.2",
    }
    assert FaqAnswer.from_payload(answer) == FaqAnswer(THREAD, "Check your base URL.", BLOCKS, 3, 17.5)
    assert FaqAnswer.from_payload(answer).to_payload() == answer

    replied = {"text": "No answer yet.", "received_at": 17.5, "channel": "C1", "thread_ts": "1.2"}
    assert FaqPost.from_payload(replied) == FaqPost(THREAD, "No answer yet.", received_at=17.5)
    posted = {"channel": "C1", "text": "Reopened", "received_at": 17.5}
    assert FaqPost.from_payload(posted) == FaqPost(ReplyTarget("C1", ""), "Reopened", received_at=17.5)
    for old in (replied, posted, {**posted, "blocks": BLOCKS, "thread_ts": "1.2"}):
        assert FaqPost.from_payload(old).to_payload() == old

    ephemeral = {"channel": "C1", "user": "U1", "text": "Thanks", "received_at": 17.5}
    assert FaqEphemeral.from_payload(ephemeral) == FaqEphemeral("C1", "U1", "Thanks", received_at=17.5)
    for old in (ephemeral, {**ephemeral, "blocks": BLOCKS, "thread_ts": "1.2"}):
        assert FaqEphemeral.from_payload(old).to_payload() == old

    alert = {
        "channel": "C9",
        "text": "",
        "question_channel": "C1",
        "thread_ts": "1.2",
        "entry_id": "",
        "received_at": 17.5,
    }
    assert AgentAlert.from_payload(alert) == AgentAlert("C9", "C1", "1.2", received_at=17.5)
    assert AgentAlert.from_payload(alert).to_payload() == alert


def test_resolve_follows_the_repost_only_when_it_happened() -> None:
    assert THREAD.resolve(_action({}, {"thread_ts": "7.7"})) == ("C1", "1.2")
    assert AFTER_REPOST.resolve(_action({}, {"thread_ts": "7.7"})) == ("C1", "7.7")
    assert AFTER_REPOST.resolve(_action({}, {"skipped": True})) == ("C1", "1.2")
    assert AFTER_REPOST.resolve(_action({})) == ("C1", "1.2")
    assert ReplyTarget("C1", "").resolve_optional(_action({}, {"thread_ts": "7.7"})) == ("C1", None)
    assert AFTER_REPOST.resolve_optional(_action({}, {"thread_ts": "7.7"})) == ("C1", "7.7")


def test_for_message_replies_in_the_thread_after_the_repost() -> None:
    message = Message(channel="C1", ts="1.3", user="U1", text="hi", thread_ts="1.2")
    assert ReplyTarget.for_message(message, _context()) == THREAD
    top = Message(channel="C1", ts="1.3", user="U1", text="hi")
    assert ReplyTarget.for_message(top, _context(reply_after=8)) == ReplyTarget("C1", "1.3", True)


def test_enqueue_reply_refuses_a_payload_that_is_not_a_reply_here() -> None:
    session = cast(Session, None)  # refused before the session is used
    post = FaqPost(THREAD, "No answer yet.")
    with pytest.raises(ValueError, match="not a reply"):
        enqueue_reply(session, _context(), RenderWalk(5), now=NOW)
    with pytest.raises(ValueError, match="for_message"):
        enqueue_reply(session, _context(reply_after=8), post, now=NOW)
    with pytest.raises(ValueError, match="for_message"):
        enqueue_reply(session, _context(), FaqPost(AFTER_REPOST, "x"), now=NOW)


def test_enqueue_reply_stores_the_old_keys_and_chains_after_the_repost(sqlite_store: Store) -> None:
    message = Message(channel="C1", ts="1.3", user="U1", text="hi", thread_ts="1.2")
    with sqlite_store.session() as session:
        context = _context(reply_after=None)
        plain = enqueue_reply(session, context, FaqPost(ReplyTarget.for_message(message, context), "x"), now=NOW)
        chained_context = _context(reply_after=plain.id)
        target = ReplyTarget.for_message(message, chained_context)
        answer = FaqAnswer(target, "Check your base URL.", BLOCKS, question_id=3, received_at=17.5)
        chained = enqueue_reply(session, chained_context, answer, now=NOW)
        session.commit()
        first, second = session.get(OutboxAction, plain.id), session.get(OutboxAction, chained.id)
    assert first is not None and second is not None
    assert json.loads(first.payload) == {"text": "x", "received_at": None, "channel": "C1", "thread_ts": "1.2"}
    assert (second.after_id, second.run_if) == (plain.id, "always")
    stored = json.loads(second.payload)
    assert set(stored) == {
        "text",
        "blocks",
        "question_id",
        "received_at",
        "channel",
        "thread_ts",
        "thread_from_predecessor",
    }
    assert FaqAnswer.from_payload(stored) == answer
