"""Every pattern in supportbot/keys/ is linear: none takes more than a few milliseconds per kilobyte.

The patterns are found by walking the package (module-level compiled patterns, every default rule's
pattern and allowlist), not listed by hand, so a new pattern is covered the day it is written. Each runs
over adversarial inputs of 40,000 characters built from its own text: runs of its separators and
literals, literals followed by near-matches, nested markup. The security tests do the same for the whole
package; this one keeps keys/ honest on its own.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator

import pytest
import regex

import supportbot.keys
from supportbot.keys import default_rules

N = 40_000
# A few milliseconds per kilobyte, generous for a shared 2-core machine; linear patterns take well
# under one.
MS_PER_KB = 4.0
LIMIT_SECONDS = MS_PER_KB * N / 1000 / 1000
_LITERAL = regex.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{1,30}")
_PUNCTUATION = regex.compile(r"[^\sA-Za-z0-9\\]")


def _module_patterns() -> Iterator[tuple[str, object]]:
    for info in pkgutil.iter_modules(supportbot.keys.__path__):
        module = importlib.import_module(f"supportbot.keys.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern | regex.Pattern):
                yield f"{info.name}.{name}", value


def _all_patterns() -> dict[str, regex.Pattern[str]]:
    found: dict[str, regex.Pattern[str]] = {}
    for name, pattern in _module_patterns():
        assert isinstance(pattern, regex.Pattern), f"{name} uses re, not regex (no timeout)"
        found[name] = pattern
    for rule in default_rules():
        found[f"rule:{rule.id}"] = rule.pattern
        for index, allowed in enumerate(rule.allow_patterns):
            found[f"rule:{rule.id}:allow{index}"] = allowed
    return found


PATTERNS = _all_patterns()


def _adversarial(pattern: regex.Pattern[str]) -> list[str]:
    source = pattern.pattern
    words = sorted(set(_LITERAL.findall(source)), key=len, reverse=True)[:6] or ["a"]
    separators = sorted(set(_PUNCTUATION.findall(source)))[:12]
    texts = ["a" * N, "A1" * (N // 2), "-" * N, "\u200b" * N, "我" * N, "<" * (N // 2) + ">" * (N // 2)]
    texts += ["*_~`" * (N // 4), "&amp;" * (N // 5), "(" * (N // 2) + "a" + ")" * (N // 2)]
    texts += [separator * N for separator in separators]
    texts += [("a" * 20 + separator) * (N // 21) for separator in separators[:6]]
    for word in words:
        texts.append(word * (N // len(word)))
        texts.append((word + " ") * (N // (len(word) + 1)))
        texts.append(word + "Ab1_-" * (N // 5))
        texts.append((word + "aB3" * 13 + "!") * (N // (len(word) + 40)))  # near-matches, one short
        texts.append((word + "\n") * (N // (len(word) + 1)))
        texts.append(word + "0" * N)
    return [text[:N] for text in texts]


def _seconds(pattern: regex.Pattern[str], text: str) -> float:
    best = float("inf")
    for _ in range(2):  # best of two: the machine is shared
        started = time.perf_counter()
        try:
            for _match in pattern.finditer(text, timeout=10):
                pass
        except TimeoutError:
            return float("inf")
        best = min(best, time.perf_counter() - started)
        if best < LIMIT_SECONDS:
            break
    return best


def test_the_walk_finds_the_package_patterns() -> None:
    assert {"scanner._OPAQUE", "scrub._HEADER", "normalise._BREAK", "shape._DOTTED_PATH"} <= set(PATTERNS)
    assert sum(name.startswith("rule:") for name in PATTERNS) >= len(default_rules())


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_input(name: str) -> None:
    pattern = PATTERNS[name]
    worst = max(((_seconds(pattern, text), text[:24]) for text in _adversarial(pattern)), key=lambda item: item[0])
    assert worst[0] < LIMIT_SECONDS, f"{name}: {worst[0] * 1000:.0f} ms on 40,000 characters starting {worst[1]!r}"
