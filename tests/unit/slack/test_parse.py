from __future__ import annotations

from typing import Any

import pytest

from supportbot.slack.parse import message_from_event, rich_text_to_plain

ENVELOPE = {"event_id": "Ev1", "team_id": "T0HOME001", "is_ext_shared_channel": False}


def _event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message",
        "channel": "C0SUPPORT",
        "user": "U0CUST001",
        "text": "hi &lt;there&gt;",
        "ts": "1700000000.000100",
        "channel_type": "channel",
    }
    event.update(overrides)
    return event


def test_new_message() -> None:
    message = message_from_event(_event(), ENVELOPE)
    assert message is not None
    assert (message.channel, message.ts, message.user, message.text) == (
        "C0SUPPORT",
        "1700000000.000100",
        "U0CUST001",
        "hi &lt;there&gt;",
    )
    assert not message.is_edit and not message.is_thread_reply and not message.is_dm
    assert message.reply_thread_ts == message.ts
    assert message.event_id == "Ev1" and message.team == "T0HOME001"


def test_thread_reply_and_dm() -> None:
    reply = message_from_event(_event(thread_ts="1699999999.000001"), ENVELOPE)
    assert reply is not None and reply.is_thread_reply and reply.reply_thread_ts == "1699999999.000001"
    dm = message_from_event(_event(channel="D0CUST001", channel_type="im"), ENVELOPE)
    assert dm is not None and dm.is_dm


def test_edit_uses_the_new_text() -> None:
    event = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C0SUPPORT",
        "message": {"user": "U0CUST001", "text": "new text", "ts": "1.1", "edited": {"ts": "2.2"}},
        "previous_message": {"user": "U0CUST001", "text": "old text", "ts": "1.1"},
    }
    message = message_from_event(event, ENVELOPE)
    assert message is not None and message.is_edit and message.text == "new text" and message.ts == "1.1"


def test_edit_that_changes_no_text_is_ignored() -> None:
    same = {"user": "U1", "text": "same", "ts": "1.1"}
    event = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C1",
        "message": same,
        "previous_message": same,
    }
    assert message_from_event(event, ENVELOPE) is None


def test_external_member_team_and_files() -> None:
    event = _event(
        subtype="file_share",
        user_team="T0EXTRN01",
        files=[
            {
                "id": "F1",
                "name": ".env",
                "mode": "snippet",
                "size": 120,
                "url_private": "https://files.slack.com/x",
                "file_access": "check_file_info",
            }
        ],
    )
    message = message_from_event(event, {**ENVELOPE, "is_ext_shared_channel": True})
    assert message is not None
    assert message.team == "T0EXTRN01" and message.is_ext_shared
    assert message.files[0].name == ".env" and message.files[0].is_external_access


def test_blocks_and_attachments_are_extra_texts() -> None:
    block = {
        "type": "rich_text",
        "elements": [{"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "export API_KEY=abc"}]}],
    }
    attachment = {"text": "attached text", "fields": [{"title": "k", "value": "field value"}]}
    message = message_from_event(_event(text="short", blocks=[block], attachments=[attachment]), ENVELOPE)
    assert message is not None
    sources = {part.source: part.text for part in message.texts()}
    assert sources["text"] == "short"
    assert sources["blocks[0]"] == "export API_KEY=abc"
    assert sources["attachments[0].text"] == "attached text"
    assert sources["attachments[0].fields[0]"] == "field value"


def test_rich_text_that_repeats_the_text_is_not_scanned_twice() -> None:
    block = {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "a < b"}]}],
    }
    message = message_from_event(_event(text="a &lt; b", blocks=[block]), ENVELOPE)
    assert message is not None and message.extra_texts == ()


@pytest.mark.parametrize(
    "event",
    [
        {"type": "message"},
        {"type": "message", "channel": "C1"},
        {"type": "message", "subtype": "channel_join", "channel": "C1", "ts": "1.1", "user": "U1"},
        {"type": "message", "subtype": "message_changed", "channel": "C1", "message": "not a dict"},
        {"type": "reaction_added"},
        _event(blocks="nonsense", attachments=[None, 3, "x"], files=[{"no": "id"}], text=None),
    ],
)
def test_malformed_or_irrelevant_payloads_never_crash(event: dict[str, Any]) -> None:
    result = message_from_event(event, ENVELOPE)
    assert result is None or result.text == ""


def test_rich_text_flattening_handles_links_and_depth() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "link", "url": "https://x.example/?key=1", "text": "docs"},
                    {"type": "emoji", "name": "tada"},
                ],
            }
        ],
    }
    assert rich_text_to_plain(block) == "docs (https://x.example/?key=1):tada:"
    deep: dict[str, Any] = {"type": "rich_text_section", "elements": []}
    node = deep
    for _ in range(100):
        child: dict[str, Any] = {"type": "rich_text_section", "elements": []}
        node["elements"].append(child)
        node = child
    assert rich_text_to_plain(deep) == ""
