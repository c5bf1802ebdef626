from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportbot.render.blockkit import BlockKitError, validate_message, validate_view
from supportbot.render.templates import (
    Mrkdwn,
    Renderer,
    TemplateError,
    clip,
    escape_mrkdwn,
    neutralise_slack_markup,
)

HOSTILE = "<!channel> <@U0ADMIN01> @here & <https://evil.example|click> *bold*"


def test_escape_defuses_mentions_links_and_broadcasts() -> None:
    escaped = escape_mrkdwn(HOSTILE)
    assert "<" not in escaped and ">" not in escaped
    assert "&amp;" in escaped
    assert "@here" not in escaped
    assert isinstance(escaped, Mrkdwn)
    assert escape_mrkdwn(escaped) == escaped, "escaping is applied once"


def test_neutralise_keeps_links_and_drops_pings() -> None:
    text = "hi <@U123|sam> and <!here>, see <https://docs.example.com|docs> in <#C1|support> <!subteam^S1|@ops>"
    safe = neutralise_slack_markup(text)
    assert "<@" not in safe and "<!" not in safe and "<#" not in safe
    assert "<https://docs.example.com|docs>" in safe
    assert "sam" in safe and "#support" in safe and "ops" in safe


def test_clip() -> None:
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"


@pytest.fixture
def templates(tmp_path: Path) -> Renderer:
    for language in ("en", "zh"):
        folder = tmp_path / language
        folder.mkdir()
        (folder / "greet.md.j2").write_text("Hello {{ name }}, {{ count }} new {{ safe }}")
        (folder / "card.json.j2").write_text(
            '{"text": {{ name|plain }}, "blocks": [{"type": "section", "text": {"type": "mrkdwn", '
            '"text": {{ name|text(limit=3000) }}}}, {"type": "actions", "elements": [{"type": "button", '
            '"action_id": "x", "text": {"type": "plain_text", "text": "Go"}, "value": {{ data|json|plain }}}]}]}'
        )
        (folder / "leaky.json.j2").write_text('{"text": "{{ name }}"}')
        (folder / "bad.json.j2").write_text('{"text": {{ name|plain }},}')
        (folder / "view.json.j2").write_text(
            '{"type": "modal", "title": {"type": "plain_text", "text": {{ title|plain }}}, "blocks": []}'
        )
    return Renderer(tmp_path)


def test_markdown_templates_escape_plain_strings(templates: Renderer) -> None:
    out = templates.text("greet", "en", name=HOSTILE, count=3, safe=Mrkdwn("*items*"))
    assert "<!channel>" not in out and "<@U0ADMIN01>" not in out
    assert out.endswith("3 new *items*")


def test_json_templates_escape_through_filters(templates: Renderer) -> None:
    message = templates.message("card", "zh", name=HOSTILE, data={"ticket": 7})
    section = message.blocks[0]["text"]["text"]
    assert "<!channel>" not in section and "&lt;!channel&gt;" in section
    assert message.text == HOSTILE, "plain_text fallback is not mrkdwn-parsed"
    assert json.loads(message.blocks[1]["elements"][0]["value"]) == {"ticket": 7}


def test_unescaped_value_in_json_template_is_an_error(templates: Renderer) -> None:
    with pytest.raises(TemplateError, match="unescaped value"):
        templates.message("leaky", "en", name="x")


def test_invalid_json_and_missing_values_are_errors_naming_the_template(templates: Renderer) -> None:
    with pytest.raises(TemplateError, match="en/bad: rendered invalid JSON"):
        templates.message("bad", "en", name="x")
    with pytest.raises(TemplateError, match="name"):
        templates.text("greet", "en", count=1, safe="")
    with pytest.raises(TemplateError, match="does not exist"):
        templates.text("nope", "en")


def test_views_are_checked_against_block_kit_limits(templates: Renderer) -> None:
    assert templates.view("view", "en", title="File a ticket")["type"] == "modal"
    with pytest.raises(TemplateError, match="title"):
        templates.view("view", "en", title="A title that is far too long for a modal")


def test_block_kit_limits() -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    validate_message({"text": "t", "blocks": [section] * 50})
    with pytest.raises(BlockKitError, match="51 blocks > 50"):
        validate_message({"text": "t", "blocks": [section] * 51})
    with pytest.raises(BlockKitError, match="3001 chars > 3000"):
        validate_message({"text": "t", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]})
    with pytest.raises(BlockKitError, match="needs text or blocks"):
        validate_message({})
    validate_view({"type": "home", "blocks": [section] * 100})
    with pytest.raises(BlockKitError, match="101 blocks > 100"):
        validate_view({"type": "home", "blocks": [section] * 101})
    button = {"type": "button", "action_id": "a" * 256, "text": {"type": "plain_text", "text": "ok"}}
    with pytest.raises(BlockKitError, match="action_id"):
        validate_message({"text": "t", "blocks": [{"type": "actions", "elements": [button]}]})
