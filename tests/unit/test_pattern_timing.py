"""One rule for every pattern in the package (issue 13): linear time, the ``regex`` module, a time budget.

Each compiled pattern (module level, inside tuples, dicts and class bodies, and every key rule) is
scanned over adversarial 40,000-character inputs built from its own text: runs of its separators and
prefixes, nested markup, repeated near-matches. None may take more than 3 ms per kilobyte.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pattern_timing import BUDGET, Found, adversarial_inputs, all_patterns, time_pattern

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "supportbot"
# keys/ is converted to ``regex`` by its own owner (issue 13, findings 2 and 3); until then its ``re``
# patterns are timed in a child process and listed, not failed.
_CONVERTED_ELSEWHERE = ("supportbot.keys.",)
# Bolt matches listener constraints with isinstance(…, re.Pattern); these match ids, not user text.
_BOLT_MATCHERS = {PACKAGE / "slack" / "app.py"}
_RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}


@pytest.fixture(scope="module")
def patterns() -> list[Found]:
    found = all_patterns()
    assert len(found) > 150  # the walk really reached the package
    return found


def _outside_keys(item: Found) -> bool:
    return not item.where.startswith(_CONVERTED_ELSEWHERE)


def test_patterns_outside_keys_use_the_regex_module(patterns: list[Found]) -> None:
    offenders = [item.where for item in patterns if item.uses_re and _outside_keys(item)]
    assert offenders == []


def test_no_module_outside_keys_matches_with_re() -> None:
    """Patterns compiled inside functions escape the walk; the source shows them."""
    offenders: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "keys" in path.relative_to(PACKAGE).parts or path in _BOLT_MATCHERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in _RE_CALLS
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_regex_pattern_is_linear_on_adversarial_input(patterns: list[Found]) -> None:
    slow: list[str] = []
    for item in patterns:
        if item.uses_re:
            continue
        inputs = adversarial_inputs(item.pattern.pattern)
        seconds, sample = time_pattern(item.pattern, inputs, timeout=BUDGET)
        if seconds > BUDGET:  # once more: a busy machine can stall any single run
            seconds, sample = time_pattern(item.pattern, inputs, timeout=BUDGET)
        if seconds > BUDGET:
            slow.append(f"{item.where}: {seconds:.3f} s on {sample}")
    assert slow == []


def test_re_patterns_left_in_keys_are_timed_in_a_child_process(patterns: list[Found]) -> None:
    left = [item.where for item in patterns if item.uses_re and not _outside_keys(item)]
    if not left:
        return
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.pattern_timing", *left],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except subprocess.TimeoutExpired as stalled:
        output = stalled.stdout if isinstance(stalled.stdout, str) else (stalled.stdout or b"").decode()
        timed = len(output.splitlines())
        pytest.fail(f"{left[timed]} did not finish its adversarial inputs within 120 s")
    slow = [
        f"{row['where']}: {row['seconds']:.3f} s on {row['input']}"
        for row in map(json.loads, done.stdout.splitlines())
        if row["seconds"] > BUDGET
    ]
    assert slow == []


def test_adversarial_inputs_cover_separators_prefixes_and_markup() -> None:
    inputs = adversarial_inputs(r"(?<![A-Za-z0-9])sk-proj-[A-Za-z0-9_-]{20,}")
    assert all(len(text) >= 39_000 for text in inputs)
    assert "-" * 40_000 in inputs
    assert any(text.startswith("sk-proj") for text in inputs)
    assert any(text.startswith("<<<<") and text.endswith(">>>>") for text in inputs)
