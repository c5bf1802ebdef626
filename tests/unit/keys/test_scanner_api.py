from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from supportbot.keys import Finding, Scanner, find_keys, load_rules, mask_text
from tests.keygen import make_key


def test_find_keys_and_mask_text_module_functions(scanner: Scanner) -> None:
    key = make_key("groq", random.Random(1))
    text = f"key: {key}."
    findings = find_keys(text, scanner)
    assert [type(item) for item in findings] == [Finding]
    assert mask_text(text, findings) == f"key: gsk_…{key[-4:]}."


def test_inputs_that_are_not_plain_text(scanner: Scanner) -> None:
    key = make_key("deepseek", random.Random(2))
    assert scanner.find("") == []
    assert scanner.find(None) == []  # type: ignore[arg-type]
    assert [item.rule for item in scanner.find(key.encode())] == ["deepseek"]  # type: ignore[arg-type]
    assert [item.rule for item in scanner.find("\x00" + key + "\x00\ud800")] == ["deepseek"]
    long_text = ("普通的问题 " * 7000)[:39_000] + " " + key
    assert [item.start for item in scanner.find(long_text)] == [39_001]


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        Scanner(fingerprint_secret="")


def test_explicit_rule_list(scanner: Scanner) -> None:
    only_groq = [rule for rule in load_rules() if rule.id == "groq"]
    small = Scanner(only_groq, fingerprint_secret=b"bytes-secret-for-tests")
    rng = random.Random(3)
    text = make_key("groq", rng) + " " + make_key("deepseek", rng)
    assert [item.rule for item in small.find(text)] == ["groq"]
    assert [item.rule for item in scanner.find(text)] == ["groq", "deepseek"]


def test_shared_between_threads_gives_same_results(scanner: Scanner) -> None:
    rng = random.Random(4)
    texts = [
        f"msg {index} {make_key(provider, rng)} end"
        for index in range(50)
        for provider in ("openai", "anthropic", "github")
    ]
    expected = [scanner.find(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(scanner.find, texts)) == expected


def test_timeout_backstop_does_not_raise() -> None:
    tiny = Scanner(fingerprint_secret="t" * 20, timeout=1e-9)
    assert isinstance(tiny.find(make_key("openai", random.Random(5)) + " x" * 10_000), list)
