"""Hypothesis: the scanner never raises, offsets map back, masking never shows more than 4 secret chars."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportbot.keys import Scanner
from supportbot.keys.normalise import INVISIBLE
from tests.keygen import ALL_RULES, CHAT_CONTEXTS, make_planted, place

from .conftest import TEST_SECRET

SCANNER = Scanner(fingerprint_secret=TEST_SECRET)
# Any code point, lone surrogates and NUL included.
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=400)
PIECES = [
    *"ab01 -_.:=\n`*~<>&;|\"'",
    "我",
    "，",
    "sk-",
    "\u200b",
    "&amp;",
    "Bearer ",
    "api_key=",
    "AIza",
    "ghp_",
    "Ab3dEf6hIj9lMn2pQr5tUv8x",
    "T3BlbkFJ",
]
CHATTY = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_never_raises_on_any_text(text: str) -> None:
    findings = SCANNER.find(text)
    assert SCANNER.has_key(text) == bool(findings)
    assert isinstance(SCANNER.scrub(text), str)
    assert isinstance(SCANNER.mask(text), str)


@settings(max_examples=300, deadline=None)
@given(CHATTY)
def test_findings_are_sorted_non_overlapping_and_inside_text(text: str) -> None:
    findings = SCANNER.find(text)
    previous_end = 0
    for finding in findings:
        assert previous_end <= finding.start < finding.end <= len(text)
        previous_end = finding.end


@st.composite
def messages_with_keys(draw: st.DrawFn) -> tuple[str, str, int, int]:
    rule = draw(st.sampled_from(ALL_RULES))
    context = draw(st.sampled_from(CHAT_CONTEXTS))
    seed = draw(st.integers(0, 10**6))
    rng = random.Random(seed)
    planted = make_planted(rule, rng)
    placed = place(planted, context, rng) or place(planted, "bare", rng)
    assert placed is not None
    before = draw(st.text(alphabet="xyz 我，。 \n", max_size=40))
    after = draw(st.text(alphabet="xyz 我，。 \n", max_size=40))
    offset = len(before) + 1
    return (before + " " + placed.message + " " + after, planted.secret, offset + placed.start, offset + placed.end)


def _plain(text: str) -> str:
    return "".join(char for char in text if char not in INVISIBLE and not char.isspace())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages_with_keys())
def test_planted_key_found_offsets_map_back_and_mask_hides_it(case: tuple[str, str, int, int]) -> None:
    message, secret, start, end = case
    findings = SCANNER.find(message)
    covering = [item for item in findings if item.start <= start and end <= item.end]
    assert covering, "planted key not found"
    finding = covering[0]
    assert _plain(message[finding.start : finding.end]) == _plain(secret)
    masked = SCANNER.mask(message, findings)
    shown = finding.masked.split("…", 1)[1]
    assert len(shown) <= 4
    plain_secret = _plain(secret)
    public = finding.masked.split("…", 1)[0]
    hidden = plain_secret[len(public) :]
    # No five characters in a row of the secret part survive masking, unless the text around the key had them.
    around = _plain(message[: finding.start] + message[finding.end :])
    plain_masked = _plain(masked)
    for index in range(len(hidden) - 4):
        window = hidden[index : index + 5]
        assert window not in plain_masked or window in around or window in public
