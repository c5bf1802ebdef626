"""Hostile input: every rule stays fast on 40,000 characters; the scanner as a whole too.

The bounds here are generous sanity limits (machines differ); benchmarks/ shows real speed.
"""

from __future__ import annotations

import time

import pytest

from supportbot.keys import Rule, Scanner, default_rules

N = 40_000
RULE_LIMIT_SECONDS = 0.1
SCANNER_LIMIT_SECONDS = 0.5


def _hostile(rule: Rule) -> list[str]:
    texts = []
    for keyword in rule.keywords[:2]:
        texts += [
            keyword * (N // len(keyword)),
            (keyword + "A1b2C3" * 15 + " ") * (N // (len(keyword) + 91)),
            keyword + "a" * N,
            keyword + "Ab1_-" * (N // 5),
            (keyword + "=" + "a1" * 30 + "\n") * (N // (len(keyword) + 62)),
        ]
    texts += [
        "a" * N,
        "0" * N,
        "A" * N,
        "-" * N,
        "_" * N,
        "\u200b" * N,
        "&amp;" * (N // 5),
        "(" * (N // 2) + ")" * (N // 2),
        "[{" * (N // 2),
        "://" * (N // 3),
        "a://b:" * (N // 6),
    ]
    return [text[:N] for text in texts]


@pytest.mark.parametrize("rule", default_rules(), ids=lambda rule: rule.id)
def test_rule_is_fast_on_hostile_input(rule: Rule) -> None:
    for text in _hostile(rule):
        started = time.perf_counter()
        for _ in rule.pattern.finditer(text, timeout=5):
            pass
        assert time.perf_counter() - started < RULE_LIMIT_SECONDS, (rule.id, text[:20])


HOSTILE_MESSAGES = {
    "many sk-": "sk-" * (N // 3),
    "near prefixes": ("sk-proj-" + "a" * 30 + " sk-ant-api03-" + "B" * 40 + " ") * (N // 100),
    "wrapped prefixes": "sk-aaaaaaaa\nAb1" * (N // 15),
    "zero width": "s\u200bk\u200b-" * (N // 5),
    "entities": "&amp;lt;" * (N // 8),
    "deep nesting": "{'a': " * (N // 6) + "}" * 10,
    "headers": "authorization: 'x" * (N // 17),
    "api keys": "api_key=" * (N // 8),
    "pem headers": "-----BEGIN PRIVATE KEY-----\n" * (N // 28),
    "surrogates": "\ud800sk-" * (N // 4),
}


@pytest.mark.parametrize("text", HOSTILE_MESSAGES.values(), ids=HOSTILE_MESSAGES.keys())
def test_scanner_is_fast_on_hostile_messages(scanner: Scanner, text: str) -> None:
    started = time.perf_counter()
    scanner.find(text[:N])
    scanner.scrub(text[:N])
    assert time.perf_counter() - started < SCANNER_LIMIT_SECONDS
