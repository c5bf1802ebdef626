"""Interaction.parse reads Slack's interactive payloads defensively, once."""

from __future__ import annotations

from typing import Any

import pytest

from supportbot.slack.interaction import Interaction


def test_a_button_click_in_a_thread() -> None:
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "U0CUST001"},
        "channel": {"id": "C0SUPPORT"},
        "container": {"channel_id": "C0SUPPORT", "message_ts": "1.0002", "thread_ts": "1.0001"},
        "message": {"ts": "1.0002", "text": "checklist"},
        "trigger_id": "T1",
        "actions": [{"action_id": "triage_next", "value": '{"incident": 7}'}],
    }
    interaction = Interaction.parse(body)
    assert (interaction.user, interaction.where, interaction.message_ts) == ("U0CUST001", "C0SUPPORT", "1.0002")
    assert (interaction.action_id, interaction.trigger_id, interaction.container_thread_ts) == (
        "triage_next",
        "T1",
        "1.0001",
    )
    assert interaction.value_number("incident") == 7
    assert interaction.message["text"] == "checklist"


def test_a_shortcut_names_its_message_ts_at_the_top() -> None:
    interaction = Interaction.parse({"user": {"id": "U1"}, "channel": {"id": "C1"}, "message_ts": "9.9"})
    assert (interaction.message_ts, interaction.message, interaction.action_value) == ("9.9", {}, "")


def test_the_container_stands_in_for_a_missing_channel() -> None:
    interaction = Interaction.parse({"container": {"channel_id": "C2"}})
    assert (interaction.channel, interaction.where) == ("", "C2")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": "U1", "channel": None, "actions": "x", "container": [], "message": "text"},
        {"user": {"id": 5}, "actions": [None], "trigger_id": 3},
        {"actions": [{"value": "[1, 2]"}]},
        {"actions": [{"value": "{not json"}]},
    ],
)
def test_malformed_payloads_read_as_empty(body: dict[str, Any]) -> None:
    interaction = Interaction.parse(body)
    assert (interaction.user, interaction.where, interaction.trigger_id, interaction.message_ts) == ("", "", "", "")
    assert interaction.value_number("incident") is None
