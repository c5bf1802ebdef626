from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from supportbot.keys import Finding, Scanner, find_keys, load_rules, mask_text
from supportbot.keys.scanner import MAX_WINDOW, SCANNER_FAILED, SUSPECT
from tests.keygen import ALL_PROVIDERS, make_key, make_planted


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


def test_timeout_fails_closed_with_suspects_and_reports_the_rule() -> None:
    degraded: list[str] = []
    tiny = Scanner(fingerprint_secret="t" * 20, timeout=1e-9, on_degraded=degraded.append)
    key = make_key("openai", random.Random(5))
    text = "x " * 5_000 + key + " x" * 5_000
    result = tiny.scan(text)
    assert result.degraded
    assert sorted(degraded) == sorted(result.degraded)
    assert any(item.start <= text.index(key) and text.index(key) + len(key) <= item.end for item in result.findings)
    assert key not in tiny.mask(text)
    assert tiny.has_key(text)
    assert all(item.rule == SUSPECT for item in result.findings)
    assert all(key[8:-4] not in item.masked for item in result.findings)


def test_suspects_leave_words_ids_and_short_tokens_alone() -> None:
    tiny = Scanner(fingerprint_secret="t" * 20, timeout=1e-9)
    text = "sk- please check the configuration_of_everything at v1.2.3 and ticket 12345 thanks"
    assert tiny.find(text) == []
    assert not tiny.has_key(text)


class _Exploding(str):
    __slots__ = ()

    def lower(self) -> str:
        raise RuntimeError("simulated scanner bug")


def test_any_error_fails_closed() -> None:
    degraded: list[str] = []
    scanner = Scanner(fingerprint_secret="e" * 20, on_degraded=degraded.append)
    key = make_key("github", random.Random(6))
    text = _Exploding(f"my token {key} thanks")
    result = scanner.scan(text)
    assert result.degraded == (SCANNER_FAILED,) and degraded == [SCANNER_FAILED]
    assert [(item.rule, text[item.start : item.end]) for item in result.findings] == [(SUSPECT, key)]
    assert scanner.has_key(text)


def test_a_failing_observer_does_not_undo_findings() -> None:
    def observer(rule_id: str) -> None:
        raise RuntimeError(rule_id)

    tiny = Scanner(fingerprint_secret="t" * 20, timeout=1e-9, on_degraded=observer)
    assert tiny.find("token " + make_key("groq", random.Random(7)))


def test_ten_thousand_keys_in_one_text_are_all_found(scanner: Scanner) -> None:
    # Issue 13: a 0.58 MB file with 10,000 keys lost 4,309 of them to the time budget.
    rng = random.Random(8)
    providers = [provider for provider in ALL_PROVIDERS if provider not in {"pem", "generic"}]
    planted = [make_planted(providers[index % len(providers)], rng) for index in range(10_000)]
    text = "\n".join(item.text for item in planted) + "\n"
    assert 0.5 < len(text.encode()) / 1e6 < 0.7
    result = scanner.scan(text)
    assert result.degraded == ()
    assert [text[item.start : item.end] for item in result.findings] == [item.secret for item in planted]


def test_long_text_is_matched_in_windows_and_a_key_across_a_window_edge_is_found(scanner: Scanner) -> None:
    key = make_key("anthropic", random.Random(9))
    for cut in (MAX_WINDOW - 50, MAX_WINDOW - 5):
        text = "a " * (cut // 2) + key + " tail" * 30_000
        assert [text[item.start : item.end] for item in scanner.find(text)] == [key]
