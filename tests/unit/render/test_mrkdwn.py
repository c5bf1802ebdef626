"""FAQ bodies (Markdown) as Slack mrkdwn: converted, escaped, never a mention or a stray link."""

from __future__ import annotations

from supportbot.knowledge.base import KnowledgeBase
from supportbot.render.mrkdwn import markdown_to_mrkdwn


def test_bold_links_headings_bullets_and_code() -> None:
    text = (
        "# Rotate\n**Create** a key, see [the console](https://console.example.com/keys?a=1&b=2).\n"
        "- one\n* two\n`Authorization: Bearer <key>`\n```\ncurl -H 'x: <y>' **not bold**\n```"
    )
    out = markdown_to_mrkdwn(text)
    assert out.splitlines()[0] == "*Rotate*"
    assert "*Create* a key" in out
    assert "<https://console.example.com/keys?a=1&amp;b=2|the console>" in out
    assert "• one" in out and "• two" in out
    assert "`Authorization: Bearer &lt;key&gt;`" in out
    assert "```\ncurl -H 'x: &lt;y&gt;' **not bold**\n```" in out


def test_nothing_written_in_an_entry_can_ping_or_link() -> None:
    out = markdown_to_mrkdwn("<!channel> <@U0ADMIN01> @here [x](javascript:alert(1)) <https://evil.example|x>")
    for live in ("<!channel>", "<@U0ADMIN01>", "<https://evil.example|x>", "<javascript"):
        assert live not in out
    assert "@here" not in out


def test_every_shipped_entry_converts_within_a_section() -> None:
    for entry in KnowledgeBase.shipped().entries:
        out = markdown_to_mrkdwn(entry.body)
        assert out
        assert len(out) <= 3000, entry.id
        assert "**" not in out, entry.id
