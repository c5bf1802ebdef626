"""views.* with trigger ids, and Block Kit limits on messages and views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d

from .conftest import FakeClock


def _modal(title: str = "Open a ticket", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "ticket_modal",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "model",
                "label": {"type": "plain_text", "text": "Model"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
        **extra,
    }


def _home(text: str = "Dashboard") -> dict[str, Any]:
    return {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def _failure(call: Callable[[], object]) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call()
    data = caught.value.response.data
    assert isinstance(data, dict)
    return data


def test_a_fresh_trigger_opens_a_modal_for_its_user(emulator: Emulator, bot: WebClient) -> None:
    trigger = emulator.issue_trigger(d.SAM)
    view = bot.views_open(trigger_id=trigger, view=_modal(private_metadata="ticket-7"))["view"]
    assert view["id"].startswith("V")
    assert (view["callback_id"], view["private_metadata"], view["root_view_id"]) == (
        "ticket_modal",
        "ticket-7",
        view["id"],
    )
    top = emulator.workspace.top_modal(d.SAM)
    assert top is not None
    assert top.id == view["id"]
    assert top.trigger_id == trigger


def test_an_unknown_trigger_is_invalid_trigger_id(bot: WebClient) -> None:
    assert _failure(lambda: bot.views_open(trigger_id="123.456.abc", view=_modal()))["error"] == "invalid_trigger_id"


def test_a_trigger_opens_only_once(emulator: Emulator, bot: WebClient) -> None:
    trigger = emulator.issue_trigger(d.SAM)
    bot.views_open(trigger_id=trigger, view=_modal())
    assert _failure(lambda: bot.views_open(trigger_id=trigger, view=_modal()))["error"] == "exchanged_trigger_id"


def test_a_trigger_older_than_three_seconds_is_expired(clocked: Emulator, clock: FakeClock) -> None:
    bot = WebClient(token=clocked.bot_token, base_url=clocked.api_url)
    late = clocked.issue_trigger(d.SAM)
    in_time = clocked.issue_trigger(d.SAM)
    clock.advance(2.9)
    assert bot.views_open(trigger_id=in_time, view=_modal())["ok"]
    clock.advance(0.2)
    assert _failure(lambda: bot.views_open(trigger_id=late, view=_modal()))["error"] == "expired_trigger_id"


def test_an_invalid_view_does_not_spend_the_trigger(emulator: Emulator, bot: WebClient) -> None:
    trigger = emulator.issue_trigger(d.SAM)
    failed = _failure(lambda: bot.views_open(trigger_id=trigger, view=_modal(title="A title far too long for Slack")))
    assert failed["error"] == "invalid_arguments"
    assert failed["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert bot.views_open(trigger_id=trigger, view=_modal())["ok"]


def test_views_push_stacks_up_to_three(emulator: Emulator, bot: WebClient) -> None:
    root = bot.views_open(trigger_id=emulator.issue_trigger(d.SAM), view=_modal())["view"]
    second = bot.views_push(trigger_id=emulator.issue_trigger(d.SAM), view=_modal(title="Step 2"))["view"]
    assert (second["root_view_id"], second["previous_view_id"]) == (root["id"], root["id"])
    bot.views_push(trigger_id=emulator.issue_trigger(d.SAM), view=_modal(title="Step 3"))
    call = lambda: bot.views_push(trigger_id=emulator.issue_trigger(d.SAM), view=_modal(title="Step 4"))  # noqa: E731
    assert _failure(call)["error"] == "push_limit_reached"
    assert len(emulator.workspace.modal_stack(d.SAM)) == 3


def test_views_update_by_id_or_external_id_with_hash_checks(emulator: Emulator, bot: WebClient) -> None:
    view = bot.views_open(trigger_id=emulator.issue_trigger(d.SAM), view=_modal(external_id="ticket-9"))["view"]
    updated = bot.views_update(view_id=view["id"], hash=view["hash"], view=_modal(title="Updated"))["view"]
    assert updated["title"]["text"] == "Updated"
    assert updated["hash"] != view["hash"]
    stale = _failure(lambda: bot.views_update(view_id=view["id"], hash=view["hash"], view=_modal()))
    assert stale["error"] == "hash_conflict"
    by_external = bot.views_update(external_id="ticket-9", view=_modal(title="Again", external_id="ticket-9"))
    assert by_external["view"]["id"] == view["id"]
    assert _failure(lambda: bot.views_update(view_id="V0NOPE", view=_modal()))["error"] == "not_found"


def test_views_publish_keeps_one_home_per_user(emulator: Emulator, bot: WebClient) -> None:
    first = bot.views_publish(user_id=d.LEE, view=_home("v1"))["view"]
    second = bot.views_publish(user_id=d.LEE, view=_home("v2"), hash=first["hash"])["view"]
    assert first["id"] == second["id"]
    home = emulator.workspace.home_view(d.LEE)
    assert home is not None
    assert home.blocks[0]["text"]["text"] == "v2"
    assert _failure(lambda: bot.views_publish(user_id=d.LEE, view=_home(), hash=first["hash"]))["error"] == (
        "hash_conflict"
    )
    assert _failure(lambda: bot.views_publish(user_id="U0NOBODY1", view=_home()))["error"] == "user_not_found"
    assert _failure(lambda: bot.views_publish(user_id=d.LEE, view=_modal()))["error"] == "invalid_arguments"


def test_a_home_view_allows_100_blocks_and_not_101(bot: WebClient) -> None:
    block = {"type": "divider"}
    assert bot.views_publish(user_id=d.LEE, view={"type": "home", "blocks": [block] * 100})["ok"]
    failed = _failure(lambda: bot.views_publish(user_id=d.LEE, view={"type": "home", "blocks": [block] * 101}))
    assert failed["response_metadata"]["messages"] == [
        "[ERROR] must provide no more than 100 items [json-pointer:/view/blocks]"
    ]


def test_private_metadata_beyond_3000_characters_is_refused(emulator: Emulator, bot: WebClient) -> None:
    trigger = emulator.issue_trigger(d.SAM)
    failed = _failure(lambda: bot.views_open(trigger_id=trigger, view=_modal(private_metadata="m" * 3001)))
    assert failed["error"] == "invalid_arguments"
    assert "private_metadata" in failed["response_metadata"]["messages"][0]


def test_message_blocks_beyond_the_limits_are_invalid_blocks(bot: WebClient) -> None:
    long_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}]
    failed = _failure(lambda: bot.chat_postMessage(channel=d.SUPPORT, text="fallback", blocks=long_section))
    assert failed["error"] == "invalid_blocks"
    assert failed["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]
    too_many = [{"type": "divider"}] * 51
    failed = _failure(lambda: bot.chat_postMessage(channel=d.SUPPORT, text="fallback", blocks=too_many))
    assert failed["response_metadata"]["messages"] == [
        "[ERROR] must provide no more than 50 items [json-pointer:/blocks]"
    ]


def test_posted_blocks_get_block_ids_when_they_have_none(bot: WebClient) -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}},
        {"type": "divider", "block_id": "keep"},
    ]
    stored = bot.chat_postMessage(channel=d.SUPPORT, text="hi", blocks=blocks)["message"]["blocks"]
    assert stored[0]["block_id"]
    assert stored[1]["block_id"] == "keep"
