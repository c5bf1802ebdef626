"""Field rules: status, model, masked key id (a full key is refused), scrubbed error text and reason."""

from __future__ import annotations

import random

import pytest

from supportbot.keys import Scanner
from supportbot.tickets.fields import (
    MAX_ERROR_TEXT,
    FieldError,
    close_reason,
    error_text,
    find_masked_forms,
    looks_secret,
    masked_key_id,
    model,
    status,
)
from tests.keygen import ALL_RULES, PREFIXED_RULES, make_key, make_planted


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("401", 401),
        (" 429 ", 429),
        ("HTTP/1.1 401 Unauthorized", 401),
        ("HTTP 503", 503),
        ("Error 502 Bad Gateway", 502),
        ("状态码401", 401),
        ("４０１", 401),
        ("", None),
    ],
)
def test_status_is_an_http_status_code(scanner: Scanner, typed: str, expected: int | None) -> None:
    assert status(typed, scanner) == expected


@pytest.mark.parametrize("typed", ["99", "600", "4011", "401 or 429", "unauthorized", "HTTP/1.1", "1.401", "x" * 70])
def test_not_a_status(scanner: Scanner, typed: str) -> None:
    with pytest.raises(FieldError) as raised:
        status(typed, scanner)
    assert (raised.value.field, raised.value.code) == ("status", "bad_status")


@pytest.mark.parametrize(
    "name",
    [
        "gpt-4o-mini",
        "claude-3-5-sonnet@20240620",
        "Qwen/Qwen2.5-72B-Instruct",
        "Claude 3.5 Sonnet",
        "文心一言",
        "o1",
        "ft:gpt-4o-mini:acme:support:abc123",
        "deepseek-chat",
    ],
)
def test_short_model_names_are_kept_as_typed(scanner: Scanner, name: str) -> None:
    assert model(f"  `{name}` ", scanner) == name


@pytest.mark.parametrize(
    "typed",
    [
        "https://api.example.com/v1",
        "joe@example.com",
        "gpt 4o!",
        "123",
        "-gpt",
        "a" * 81,
        "gpt-4o; drop table",
        "<@U1>",
    ],
)
def test_not_a_model_name(scanner: Scanner, typed: str) -> None:
    with pytest.raises(FieldError) as raised:
        model(typed, scanner)
    assert raised.value.code == "bad_model"


def test_a_key_in_the_model_field_is_refused_as_a_key(scanner: Scanner, rng: random.Random) -> None:
    with pytest.raises(FieldError) as raised:
        model(make_key("gateway", rng), scanner)
    assert raised.value.code == "key_in_field"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sk-…x9Qa", "sk-…x9Qa"),
        ("sk-...x9Qa", "sk-…x9Qa"),
        ("sk-proj-****...MxYA", "sk-proj-…MxYA"),
        ("sk-VKMIs*****wjh3", "sk-…wjh3"),  # a vendor's echo: the characters after the prefix are dropped
        ("sk-ant-…Q2AA", "sk-ant-…Q2AA"),
        ("  `sk-ant-…Q2AA`. ", "sk-ant-…Q2AA"),
        ("gsk_***abcd", "gsk_…abcd"),
        ("AIza…abcd", "AIza…abcd"),
        ("kod-460f****...2829", "kod-…2829"),  # a gateway's own prefix
        ("x9Qa", "…x9Qa"),
        ("…vQA", "…vQA"),
        ("sk-••••x9Qa", "sk-…x9Qa"),
        ("", None),
    ],
)
def test_masked_key_id_is_stored_in_one_masked_form(scanner: Scanner, typed: str, stored: str | None) -> None:
    assert masked_key_id(typed, scanner) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abcdefgh", "not_masked"),
        ("sk-x9Qa", "not_masked"),
        ("sk-…abcdef", "tail_too_long"),
        ("sk-…", "no_tail"),
        ("sk-…a", "no_tail"),
    ],
)
def test_what_is_not_a_masked_form(scanner: Scanner, typed: str, code: str) -> None:
    with pytest.raises(FieldError) as raised:
        masked_key_id(typed, scanner)
    assert (raised.value.field, raised.value.code) == ("masked_key_id", code)


@pytest.mark.parametrize("rule", ALL_RULES)
def test_a_full_key_typed_as_the_key_id_is_refused(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    with pytest.raises(FieldError) as raised:
        masked_key_id(planted.secret if planted.prefixed else planted.text, scanner)
    assert raised.value.code in {"full_key", "not_masked", "tail_too_long"}
    assert planted.secret not in str(raised.value)


@pytest.mark.parametrize("rule", PREFIXED_RULES)
def test_a_full_prefixed_key_is_named_a_full_key(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    with pytest.raises(FieldError) as raised:
        masked_key_id(planted.secret, scanner)
    assert raised.value.code == "full_key"


def test_an_unknown_key_format_still_looks_secret(scanner: Scanner, rng: random.Random) -> None:
    body = "".join(rng.choice("ABCDEFGHJKabcdefghjk0123456789") for _ in range(40))
    assert looks_secret(f"mykey-{body}", scanner)
    assert not looks_secret("claude-3-5-sonnet-20241022", scanner)
    assert not looks_secret("2026-11-23 09:14", scanner)


def test_error_text_is_scrubbed_and_shortened(scanner: Scanner, rng: random.Random) -> None:
    secret = make_key("openai", rng)
    typed = (
        f"curl -H 'Authorization: Bearer {secret}' -H \"x-api-key: abcdef123456\"\r\n"
        "401 Unauthorized, contact ops@example.com\x00\n" + "x" * 3000
    )
    cleaned = error_text(typed, scanner)
    assert cleaned is not None
    assert secret not in cleaned and secret[-20:] not in cleaned
    assert "Authorization: Bearer [removed]" in cleaned and "x-api-key: [removed]" in cleaned
    assert "[email]" in cleaned and "ops@example.com" not in cleaned
    assert "\x00" not in cleaned and "\r" not in cleaned
    assert len(cleaned) == MAX_ERROR_TEXT and cleaned.endswith("…")
    assert error_text("   ", scanner) is None


def test_a_key_at_the_cut_is_masked_before_the_cut(scanner: Scanner, rng: random.Random) -> None:
    secret = make_key("anthropic", rng)
    typed = "x" * (MAX_ERROR_TEXT - 30) + " " + secret
    cleaned = error_text(typed, scanner) or ""
    assert secret[:30] not in cleaned and secret[14:40] not in cleaned


def test_close_reason_is_one_scrubbed_line(scanner: Scanner, rng: random.Random) -> None:
    secret = make_key("groq", rng)
    reason = close_reason(f"rotated\n{secret}\nmail a@b.io " + "y" * 300, scanner)
    assert reason is not None and "\n" not in reason and secret not in reason
    assert reason.startswith("rotated gsk_…") and "[email]" in reason and len(reason) == 200
    assert close_reason("", scanner) is None


def test_masked_forms_already_shown_in_text(scanner: Scanner) -> None:
    text = (
        "Incorrect API key provided: sk-proj-****...MxYA. wait...what, see sk-…x9Qa and kod-460f****...2829, "
        "also sk-...abcd"
    )
    assert find_masked_forms(text, scanner) == ["sk-proj-…MxYA", "sk-…x9Qa", "kod-…2829", "sk-…abcd"]
    assert find_masked_forms("loading... done. so...yes", scanner) == []
