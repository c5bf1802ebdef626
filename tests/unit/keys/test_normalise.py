"""Offsets survive cleaning: every view index maps back to the original text."""

from __future__ import annotations

import random

from supportbot.keys import Scanner
from supportbot.keys.normalise import clean_view, joined_view
from tests.keygen import make_key


def test_clean_view_drops_invisibles_and_decodes_entities() -> None:
    original = "a\u200bb&amp;c&lt;d&gt;e\u00ad\ufefff"
    view = clean_view(original)
    assert view.text == "ab&c<d>ef"
    assert view.to_original(0, 2) == (0, 3)  # 'ab' covers the zero-width space between them
    assert view.to_original(2, 3) == (3, 8)  # '&' came from '&amp;'
    assert view.to_original(3, 9) == (8, len(original))


def test_clean_view_without_edits_is_identity() -> None:
    view = clean_view("plain text")
    assert view.is_identity
    assert view.to_original(2, 5) == (2, 5)


def test_joined_view_maps_through_both_layers() -> None:
    original = "k: sk-abcd\u200bEFGH12\n34ijklmn end"
    cleaned = clean_view(original)
    joined = joined_view(cleaned, lambda text: "sk-" in text)
    assert joined is not None
    assert joined.text == "k: sk-abcdEFGH1234ijklmn end"
    start = joined.text.index("sk-")
    end = joined.text.index(" end")
    assert joined.to_original(start, end) == (original.index("sk-"), original.index(" end"))


def test_joined_view_leaves_breaks_before_ordinary_words() -> None:
    assert joined_view(clean_view("sk-abcdef12345\nthanks"), lambda text: "sk-" in text) is None


def test_finding_offsets_cover_hidden_characters(scanner: Scanner) -> None:
    key = make_key("anthropic", random.Random(1))
    broken = key[:20] + "\u200b\u200d" + key[20:60] + "\u00ad" + key[60:]
    message = "&lt;密钥 " + broken + "&gt; 谢谢"
    (finding,) = scanner.find(message)
    assert message[finding.start : finding.end] == broken
    assert finding.key_id == scanner.fingerprint(key)


def test_offsets_after_entities_before_the_key(scanner: Scanner) -> None:
    key = make_key("groq", random.Random(2))
    message = "a &amp; b &lt;&lt; c " + key + " &gt;"
    (finding,) = scanner.find(message)
    assert message[finding.start : finding.end] == key


def test_key_inside_slack_link_markup(scanner: Scanner) -> None:
    key = make_key("google", random.Random(3))
    message = f"<https://generativelanguage.example.com/v1/models?key={key}&amp;alt=sse|this link>"
    (finding,) = scanner.find(message)
    assert message[finding.start : finding.end] == key
