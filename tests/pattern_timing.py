"""Every compiled pattern in the package, and adversarial inputs built from each pattern's own text.

Used by ``tests/unit/test_pattern_timing.py``. Patterns compiled with the standard ``re`` module have
no timeout and hold the interpreter lock, so they are timed in a child process that the test can
kill: ``python -m tests.pattern_timing MODULE:NAME …`` prints one JSON line per pattern.
"""

from __future__ import annotations

import importlib
import itertools
import json
import pkgutil
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import regex

import supportbot

SIZE = 40_000
#: "A few milliseconds per kilobyte": 3 ms/KB, 120 ms for 40,000 characters.
BUDGET_PER_KB = 0.003
BUDGET = BUDGET_PER_KB * SIZE / 1000
_SKIPPED_MODULES = ("supportbot.__main__", "supportbot.store.migrations")
_MARKUP = ("<@", "<http://a|", "&lt;", "[a](", "```", "*_", '{"a":')
_FILLERS = ("a", "A", "0", " ", "\n", "-", ".", "…", "中", "\u200b")


@dataclass(frozen=True)
class Found:
    where: str  # "module:NAME" or "module:NAME[i]", or "rule:ID"
    pattern: Any  # re.Pattern[str] | regex.Pattern[str]

    @property
    def uses_re(self) -> bool:
        return isinstance(self.pattern, re.Pattern)


def package_modules() -> Iterator[str]:
    for info in pkgutil.walk_packages(supportbot.__path__, "supportbot."):
        if not info.name.startswith(_SKIPPED_MODULES):
            yield info.name


def _patterns_in(value: object, where: str, depth: int = 0) -> Iterator[Found]:
    if isinstance(value, re.Pattern | regex.Pattern):
        if isinstance(value.pattern, str):
            yield Found(where, value)
        return
    if depth >= 3:
        return
    if isinstance(value, tuple | list | frozenset | set):
        for index, item in enumerate(value):
            yield from _patterns_in(item, f"{where}[{index}]", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _patterns_in(item, f"{where}[{key!r}]", depth + 1)
    elif isinstance(value, type) and value.__module__ == where.split(":", 1)[0]:
        for name, item in vars(value).items():
            yield from _patterns_in(item, f"{where}.{name}", depth + 1)


def all_patterns() -> list[Found]:
    """Module-level patterns (also inside tuples, dicts and class bodies) and every key rule's patterns."""
    found: list[Found] = []
    seen: set[int] = set()
    for name in package_modules():
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            for item in _patterns_in(value, f"{name}:{attribute}"):
                if id(item.pattern) not in seen:
                    seen.add(id(item.pattern))
                    found.append(item)
    from supportbot.keys import default_rules

    for rule in default_rules():
        found.append(Found(f"rule:{rule.id}", rule.pattern))
        found.extend(Found(f"rule:{rule.id}:allow[{i}]", p) for i, p in enumerate(rule.allow_patterns))
    return found


def _fit(unit: str, size: int = SIZE) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size] if unit else ""


def adversarial_inputs(source: str) -> list[str]:
    """40,000-character texts a pattern is most likely to backtrack on, built from its own source.

    Runs of each character it names (its separators), runs of its literal words (its prefixes),
    nested markup, and repeated near-matches: a literal word followed by a separator or a run.
    """
    outside_classes = regex.sub(r"\[(?:\\.|[^\]\\])*+\]|\\[A-Za-z]|\{\d*+,?\d*+\}|\(\?[<=!:P>a-z]*", " ", source)
    words = sorted(set(regex.findall(r"[A-Za-z0-9_-]{2,24}|[^\x00-\x7f]{1,6}", outside_classes)), key=len)
    words = sorted(words[::-1][:6], key=len, reverse=True)
    named = sorted({char for char in source if char.isprintable() and char not in "\\"})
    chars = list(dict.fromkeys([*named[:24], *_FILLERS]))
    inputs = [_fit(char) for char in chars]
    pairs = [left + right for left, right in itertools.pairwise(source) if left != right]
    inputs += [_fit(pair) for pair in list(dict.fromkeys(pairs))[:10]]
    inputs += [_fit(mark) for mark in _MARKUP]
    inputs += [mark * (SIZE // 2) + closing * (SIZE // 2) for mark, closing in (("<", ">"), ("{", "}"), ("(", ")"))]
    for word in words:
        inputs.append(_fit(word))
        for separator in (" ", ".", "-", ":", "=", "…"):
            inputs.append(_fit(word + separator))
        for run in ("a", " ", "*"):
            inputs.append(word + _fit(run, SIZE - len(word)))
    return list(dict.fromkeys(item for item in inputs if item))


def time_pattern(pattern: Any, inputs: list[str], *, timeout: float | None) -> tuple[float, str]:
    """The slowest full scan (every match) of ``pattern`` over ``inputs``: (seconds, input summary)."""
    worst, worst_input = 0.0, ""
    for text in inputs:
        start = time.perf_counter()
        try:
            if timeout is None:
                for _ in pattern.finditer(text):
                    pass
            else:
                for _ in pattern.finditer(text, timeout=timeout):
                    pass
        except TimeoutError:
            return float("inf"), repr(text[:24])
        elapsed = time.perf_counter() - start
        if elapsed > worst:
            worst, worst_input = elapsed, repr(text[:24])
    return worst, worst_input


def _resolve(where: str) -> Any:
    module_name, path = where.split(":", 1)
    value: Any = importlib.import_module(module_name)
    for part in regex.findall(r"[^.\[\]]+|\[\d+\]", path):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value


def main(argv: list[str]) -> int:
    for where in argv:
        pattern = _resolve(where)
        seconds, sample = time_pattern(pattern, adversarial_inputs(pattern.pattern), timeout=None)
        print(json.dumps({"where": where, "seconds": seconds, "input": sample}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
