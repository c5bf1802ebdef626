"""Block Kit limits as pure checks (the lead's template tests use these functions too)."""

from __future__ import annotations

from typing import Any

import pytest

from supportbot.emulator.blockkit import message_problems, view_problems


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "go", **fields}


def _modal(**fields: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Ticket"}, "blocks": [], **fields}


def test_fifty_blocks_fit_a_message_and_fifty_one_do_not() -> None:
    assert message_problems([{"type": "divider"}] * 50) == []
    assert message_problems([{"type": "divider"}] * 51) == ["must provide no more than 50 items [json-pointer:/blocks]"]


@pytest.mark.parametrize(
    ("block", "pointer", "limit"),
    [
        (_section("s" * 3001), "/blocks/0/text/text", 3000),
        ({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}, "/blocks/0/text/text", 150),
        ({"type": "actions", "elements": [_button(value="v" * 2001)]}, "/blocks/0/elements/0/value", 2000),
        (
            {"type": "actions", "elements": [_button(action_id="a" * 256)]},
            "/blocks/0/elements/0/action_id",
            255,
        ),
        ({"type": "divider", "block_id": "b" * 256}, "/blocks/0/block_id", 255),
        (
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]},
            "/blocks/0/fields/0/text",
            2000,
        ),
    ],
)
def test_each_length_limit_is_reported_at_its_json_pointer(block: dict[str, Any], pointer: str, limit: int) -> None:
    assert message_problems([block]) == [f"must be less than {limit + 1} characters [json-pointer:{pointer}]"]


def test_texts_right_at_the_limits_pass() -> None:
    blocks = [
        _section("s" * 3000),
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}},
        {"type": "actions", "elements": [_button(value="v" * 2000, action_id="a" * 255)]},
    ]
    assert message_problems(blocks) == []


def test_empty_texts_unknown_types_and_duplicate_ids_are_refused() -> None:
    assert message_problems([_section("")]) == ["must be more than 0 characters [json-pointer:/blocks/0/text/text]"]
    assert message_problems([{"type": "carousel"}]) == ["unknown block type 'carousel' [json-pointer:/blocks/0/type]"]
    twice = [{"type": "divider", "block_id": "x"}, {"type": "divider", "block_id": "x"}]
    assert message_problems(twice) == ["duplicate block_id 'x' [json-pointer:/blocks/1/block_id]"]
    same_action = {"type": "actions", "elements": [_button(), _button()]}
    assert message_problems([same_action]) == ["duplicate action_id 'go' [json-pointer:/blocks/0/elements/1/action_id]"]
    assert message_problems({"type": "section"}) == ["must be an array [json-pointer:/blocks]"]


def test_modal_title_buttons_and_metadata_limits() -> None:
    assert view_problems(_modal()) == []
    assert view_problems(_modal(title={"type": "plain_text", "text": "t" * 25})) == [
        "must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert view_problems(_modal(submit={"type": "plain_text", "text": "s" * 25})) == [
        "must be less than 25 characters [json-pointer:/view/submit/text]"
    ]
    assert view_problems(_modal(private_metadata="m" * 3001)) == [
        "must be less than 3001 characters [json-pointer:/view/private_metadata]"
    ]
    assert view_problems(_modal(blocks=[{"type": "divider"}] * 101)) == [
        "must provide no more than 100 items [json-pointer:/view/blocks]"
    ]


def test_a_modal_with_inputs_needs_a_submit_button() -> None:
    field = {
        "type": "input",
        "block_id": "model",
        "label": {"type": "plain_text", "text": "Model"},
        "element": {"type": "plain_text_input", "action_id": "value"},
    }
    assert view_problems(_modal(blocks=[field])) == [
        "submit is required when the view has input blocks [json-pointer:/view/submit]"
    ]
    assert view_problems(_modal(blocks=[field], submit={"type": "plain_text", "text": "Send"})) == []
