"""401s described in words (English, Simplified and Traditional Chinese): the cause, the quote, the misses."""

from __future__ import annotations

import time

import pytest

from supportbot.text.traditional import fold
from supportbot.triage import CheckId, diagnose
from supportbot.triage.needles import might_match
from supportbot.triage.reasons import REASONS
from supportbot.triage.words import CUES, TROUBLE, read_words
from tests.unit.triage.cases import Case
from tests.unit.triage.conftest import KEYS, assert_names_cause, fake_scrub, identity, plant
from tests.unit.triage.word_cases import WORD_NEAR_MISSES, WORDS


@pytest.mark.parametrize("case", WORDS, ids=[f"{c.check}:{c.id}" for c in WORDS])
def test_names_the_cause_from_words(case: Case, settings) -> None:
    assert_names_cause(case, settings)


@pytest.mark.parametrize(("name", "text"), WORD_NEAR_MISSES, ids=[n for n, _ in WORD_NEAR_MISSES])
def test_messages_not_about_a_401_name_nothing(name: str, text: str, settings) -> None:
    assert diagnose(plant(text), settings, scrub=fake_scrub) == []


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("昨天同事把幾個金鑰刪掉了，今天呼叫就一直 401", "昨天同事把幾個金鑰刪掉了"),
        ("透過公司的代理伺服器，Authorization 標頭好像被拿掉了，直接連就正常", "代理伺服器"),
        # 記憶體 folds to 内存 (two characters for three): the quote still lands on the right line.
        ("記憶體很夠。\n金鑰是從共用文件複製過來的，手動輸入就可以", "手動輸入就可以"),
        ("I only set OPENAI_API_KEY and didn't change base_url, still 401", "didn't change base_url"),
    ],
)
def test_evidence_quotes_what_the_customer_wrote(text: str, quoted: str, settings) -> None:
    checks = diagnose(text, settings, scrub=fake_scrub)
    assert checks
    assert quoted in checks[0].excerpt
    assert quoted in checks[0].evidence


def test_a_key_in_the_words_is_masked_in_the_evidence(settings) -> None:
    text = plant('On Windows cmd I did set OPENAI_API_KEY="<<KEY>>" and now I get 401')
    checks = diagnose(text, settings, scrub=identity)  # even a scrubber that misses it
    assert checks[0].reason == "shell_quotes"
    for key in KEYS.values():
        assert not any(key[i : i + 16] in checks[0].evidence for i in range(len(key) - 16))


def test_the_same_words_in_three_scripts_name_the_same_cause(settings) -> None:
    texts = (
        "A teammate deleted some keys yesterday, now we get 401",
        "昨天同事删了几个密钥，今天一直 401",
        "昨天同事刪了幾個金鑰，今天一直 401",
    )
    reasons = {diagnose(text, settings, scrub=fake_scrub)[0].reason for text in texts}
    assert reasons == {"said_disabled"}


def test_words_add_to_what_a_paste_shows(settings) -> None:
    # A curl with a doubled path, and the words say the proxy eats the header: both are named.
    text = (
        "our nginx proxy strips the Authorization header I think\n"
        "curl https://api.llmrelay.com/v1/chat/completions/chat/completions -H 'Authorization: Bearer $KEY'"
    )
    found = {c.check for c in diagnose(text, settings, scrub=fake_scrub)}
    assert {CheckId.DUPLICATED_PATH, CheckId.MISSING_HEADER} <= found


def test_statements_count_questions_and_things_that_work_do_not() -> None:
    assert [s.reason for s in read_words("we pass the key as ?api_key= in the URL")] == ["key_in_query"]
    assert read_words("Can we pass the key as ?api_key= in the URL?") == []
    assert read_words("we pass the key as ?api_key= in the URL now and it works, thanks") == []
    # Some words describe the failure itself: they count even beside "it works".
    assert [s.reason for s in read_words("copied the key from a doc, typed by hand it works")] == ["copied_invisible"]
    assert read_words("Does your proxy strip the Authorization header?") == []
    assert [s.reason for s in read_words("our proxy strips the Authorization header")] == ["proxy_strips"]


def test_every_cue_reason_is_known_and_every_pattern_is_bounded() -> None:
    for cue in CUES:
        assert cue.reason in REASONS
        # Possessive or bounded repeats only: an open-ended lazy or greedy gap could go quadratic.
        assert ".*" not in cue.pattern.pattern
        assert ".+" not in cue.pattern.pattern


def test_a_long_message_is_read_quickly(settings) -> None:
    text = ("同事说代理可能有问题 the proxy maybe, key 好像也复制过 " * 2000)[:40_000] + " 401"
    started = time.perf_counter()
    diagnose(text, settings, scrub=fake_scrub)
    assert time.perf_counter() - started < 2.0


def test_words_before_or_after_a_long_paste_are_read(settings) -> None:
    log = "".join(f"2026-12-04T10:{i % 60:02d}:00Z worker heartbeat ok id={i}\n" for i in range(1500))
    assert len(log) > 40_000
    for text in (
        "a teammate deleted some keys yesterday, since then 401:\n" + log,
        log + "\nthat's the log. a teammate deleted some keys yesterday, since then 401",
    ):
        checks = diagnose(text, settings, scrub=fake_scrub)
        assert checks[0].reason == "said_disabled"
        assert "a teammate deleted some keys yesterday" in checks[0].excerpt


def test_needles_never_hide_a_match() -> None:
    """A cue runs only when one of its needles is in the text: check the needles against every case."""
    texts = [fold(plant(case.text)) for case in WORDS] + [fold(text) for _, text in WORD_NEAR_MISSES]
    patterns = [cue.pattern for cue in CUES] + [p for cue in CUES for p in cue.also] + [TROUBLE]
    for pattern in patterns:
        assert "{_" not in pattern.pattern, "an r-string where an f-string was meant"
        for text in texts:
            if pattern.search(text) is not None:
                assert might_match(pattern, text), (pattern.pattern[:60], text)
