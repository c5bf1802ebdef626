"""Outbox payload dataclasses: a round trip keeps every field, and rows the old code wrote still read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, Self

from supportbot.gaps.grouping import GapSignal, Window
from supportbot.revoke import LeakToRevoke, RevocableKey
from supportbot.slack.features.delivery import DeadLetter
from supportbot.slack.features.digest import DigestPost
from supportbot.slack.features.faq.payloads import GapRecord
from supportbot.slack.features.home import HomePublish
from supportbot.slack.features.revoke.payloads import RevokeNotice, RevokeOrder
from supportbot.slack.features.tickets.payloads import FromReaction, Note, TicketRef
from supportbot.slack.features.triage.payloads import ProbeRequest, TriageNote


class Payload(Protocol):
    def to_payload(self) -> dict[str, Any]: ...

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Self: ...


WEEK = Window(datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


def test_round_trips_keep_every_field() -> None:
    payloads: list[Payload] = [
        TicketRef(7),
        Note(channel="C1", user="U1", text="filed", thread_ts="1.2"),
        Note(channel="C1", user="U1", text="filed"),
        FromReaction(channel="C1", ts="1.2", agent="U2", received_at=1764800000.5),
        DeadLetter(action=3, kind="leak.repost", attempts=50, error="http_500"),
        DigestPost(channel="C9", window=WEEK),
        HomePublish("U3"),
    ]
    for payload in payloads:
        assert type(payload).from_payload(payload.to_payload()) == payload


def test_rows_written_by_the_old_code_still_read() -> None:
    assert TicketRef.from_payload({"ticket": 7}).ticket == 7
    note = Note.from_payload({"channel": "C1", "user": "U1", "text": "hi", "thread_ts": ""})
    assert note.thread_ts is None
    reaction = FromReaction.from_payload({"channel": "C1", "ts": "1.2", "agent": "U2", "received_at": 17.0})
    assert (reaction.channel, reaction.ts, reaction.agent, reaction.received_at) == ("C1", "1.2", "U2", 17.0)
    dead = DeadLetter.from_payload({"action": 3, "kind": "leak.repost", "attempts": 2, "error": None})
    assert dead == DeadLetter(action=3, kind="leak.repost", attempts=2, error="?")
    digest = DigestPost.from_payload({"channel": "C9", "start": WEEK.start.isoformat(), "end": WEEK.end.isoformat()})
    assert digest.window == WEEK
    assert HomePublish.from_payload({}).user is None


def test_stored_json_keeps_the_old_field_names() -> None:
    assert set(Note("C", "U", "t").to_payload()) == {"channel", "user", "text", "thread_ts"}
    assert set(FromReaction("C", "1.2", "U").to_payload()) == {"channel", "ts", "agent", "received_at"}
    assert set(DeadLetter(1, "k", 2, "e").to_payload()) == {"action", "kind", "attempts", "error"}
    assert set(DigestPost("C", WEEK).to_payload()) == {"channel", "start", "end"}


def test_triage_payloads_round_trip_and_read_old_rows() -> None:
    note = TriageNote("C1", "U1", "1.2", "busy", "zh", requester="U2")
    assert TriageNote.from_payload(note.to_payload()) == note
    old = {"channel": "C1", "user": "U1", "thread_ts": "", "kind": "busy", "lang": "fr", "requester": ""}
    assert TriageNote.from_payload(old) == TriageNote("C1", "U1", None, "busy", "en", requester="")
    probe = ProbeRequest(4, ("https://a.example", "https://b.example"))
    assert ProbeRequest.from_payload(probe.to_payload(), limit=5) == probe
    assert ProbeRequest.from_payload({"walk": 4, "bases": ["x", "y", "z"]}, limit=2).bases == ("x", "y")


def test_gap_record_round_trips_and_reads_old_rows() -> None:
    signal = GapSignal("ticket", "model not found", WEEK.start, channel_id="C1", user_id="U1", checklist_step="base")
    record = GapRecord(signal, source_ref="ticket:3")
    assert GapRecord.from_payload(record.to_payload()) == record
    old = {"kind": "unanswered", "text": None, "at": WEEK.end.isoformat()}
    assert GapRecord.from_payload(old) == GapRecord(GapSignal("unanswered", "", WEEK.end))


KEY = RevocableKey(key_id="k1", key_sha256="ab" * 32, rule="openai", provider="openai", masked="key…1234")


def test_revoke_order_round_trips_with_and_without_its_leak() -> None:
    leak = LeakToRevoke(3, "C1", "1.2", "U1", WEEK.start, (KEY,), lang="zh", received_at=17.5)
    with_leak = RevokeOrder.of(3, KEY, leak=leak, requested_by="auto", reply_channel=None)
    assert RevokeOrder.from_payload(with_leak.to_payload()) == with_leak
    asked = RevokeOrder.of(3, KEY, leak=None, requested_by="U2", reply_channel="D1")
    assert RevokeOrder.from_payload(asked.to_payload()) == asked
    assert "leaked_at" not in asked.to_payload()
    assert with_leak.request().leaked_at == WEEK.start


def test_revoke_notice_goes_to_the_author_or_to_whoever_asked() -> None:
    leak = LeakToRevoke(3, "C1", "1.2", "U1", WEEK.start, (KEY,), lang="zh")
    automatic = RevokeOrder.of(3, KEY, leak=leak, requested_by="auto", reply_channel=None)
    notice = automatic.notice("disabled")
    assert notice == RevokeNotice(3, "U1", "C1", "1.2", "disabled", KEY.masked, "zh")
    assert RevokeNotice.from_payload(notice.to_payload()) == notice
    assert automatic.notice("not_ours") is None
    asked = RevokeOrder.of(3, KEY, leak=leak, requested_by="U2", reply_channel="D1")
    assert asked.notice("not_ours") == RevokeNotice(3, "U2", "D1", None, "not_ours", KEY.masked, None)
