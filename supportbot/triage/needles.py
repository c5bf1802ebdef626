"""Needles: cheap substring tests that decide whether a regex is worth running at all.

Scanning 40,000 characters with a case-insensitive alternation costs the regex engine
milliseconds; ``needle in text`` costs microseconds. Every pattern gets the lower-case literal
stretches of which each match must contain one (read off the pattern, or given by hand with
:func:`set_needles`), and runs only when one of them is present.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick_rs
import regex

_METACHARS = frozenset("()[]{}?*+|^$.")
_ESCAPED_LITERALS = frozenset("()[]{}?*+|^$.\\-'\"/ :,!#&%<>=@~`_;")


def _structure(source: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) for characters outside escapes and classes."""
    depth = 0
    i = start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(source, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        yield i, char, depth
        i += 1


def _top_level_alternatives(source: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for i, char, depth in _structure(source):
        if char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def _group_end(source: str, start: int) -> int:
    """Index just past the group opened at ``source[start] == "("``."""
    for i, char, depth in _structure(source, start):
        if char == ")" and depth == 0:
            return i + 1
    return len(source)


def _class_end(source: str, start: int) -> int:
    """Index just past the character class opened at ``source[start] == "["``."""
    i = start + 1
    if i < len(source) and source[i] == "^":
        i += 1
    if i < len(source) and source[i] == "]":
        i += 1  # a leading "]" is a literal member
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "]":
            return i + 1
        i += 1
    return len(source)


def _literal_runs(alternative: str) -> list[str]:
    """Literal stretches at the top level of ``alternative``: every match contains each of them.

    Groups, classes and escapes break a stretch; a character made optional by a quantifier is
    dropped. Only a necessary condition is needed, so any doubt ends the stretch.
    """
    runs: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(alternative):
        char = alternative[i]
        if char == "\\" and i + 1 < len(alternative):
            nxt = alternative[i + 1]
            if nxt in _ESCAPED_LITERALS:
                current.append(nxt)
            else:
                runs.append("".join(current))
                current = []
            i += 2
            continue
        if char in "?*{":
            if current:
                current.pop()  # the previous character is optional or repeated
            runs.append("".join(current))
            current = []
            if char == "{":
                close = alternative.find("}", i)
                i = len(alternative) if close == -1 else close + 1
                continue
        elif char == "(":
            runs.append("".join(current))
            current = []
            i = _group_end(alternative, i)
            continue
        elif char in _METACHARS:
            runs.append("".join(current))
            current = []
            if char == "[":
                i = _class_end(alternative, i)
                continue
        else:
            current.append(char)
        i += 1
    runs.append("".join(current))
    return runs


def _distinctive(run: str) -> bool:
    text = run.strip()
    return len(text) >= 3 or (len(text) >= 2 and not text.isascii())


def needles_of(pattern: regex.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case substrings of which every match contains at least one; None if unknown.

    Scanning 40,000 characters with a dozen case-insensitive alternations takes the regex engine
    tens of milliseconds; ``needle in text`` takes microseconds. So a pattern runs only when one
    of its needles is present.
    """
    source = pattern.pattern
    if pattern.flags & regex.VERBOSE:
        return None
    needles: list[str] = []
    for alternative in _top_level_alternatives(source):
        runs = [run for run in _literal_runs(alternative) if _distinctive(run)]
        if not runs:
            return None
        needles.append(max(runs, key=len).lower())
    return tuple(dict.fromkeys(needles))


_NEEDLES: dict[int, tuple[str, ...] | None] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Seen:
    """The needles present in one text, found in a single pass by an Aho-Corasick automaton."""

    text: str
    lowered: str
    present: frozenset[str]
    version: int


class _Automaton:
    def __init__(self) -> None:
        self.needles: set[str] = set()
        self.version = 0
        self._automaton: ahocorasick_rs.AhoCorasick | None = None

    def add(self, needles: tuple[str, ...]) -> None:
        with _LOCK:
            if not self.needles.issuperset(needles):
                self.needles.update(needles)
                self.version += 1
                self._automaton = None

    def present(self, lowered: str) -> tuple[frozenset[str], int]:
        with _LOCK:
            version = self.version
            if self._automaton is None:
                self._automaton = ahocorasick_rs.AhoCorasick(sorted(self.needles))
            automaton = self._automaton
        try:
            found = automaton.find_matches_as_strings(lowered, overlapping=True)
        except UnicodeEncodeError:  # lone surrogates: fall back to plain substring tests
            found = [needle for needle in self.needles if needle in lowered]
        return frozenset(found), version


_AUTOMATON = _Automaton()
_LAST: _Seen | None = None


def _seen(text: str) -> _Seen:
    global _LAST  # noqa: PLW0603 - a one-entry cache; swapping the reference is atomic across threads
    last = _LAST
    if last is not None and last.text is text and last.version == _AUTOMATON.version:
        return last
    lowered = last.lowered if last is not None and last.text is text else text.lower()
    present, version = _AUTOMATON.present(lowered)
    seen = _Seen(text, lowered, present, version)
    _LAST = seen
    return seen


def set_needles(pattern: regex.Pattern[str], needles: tuple[str, ...]) -> regex.Pattern[str]:
    """Give ``pattern`` hand-written needles (lower case) where they cannot be read off it."""
    lowered = tuple(needle.lower() for needle in needles)
    _NEEDLES[id(pattern)] = lowered
    _AUTOMATON.add(lowered)
    return pattern


def might_match(pattern: regex.Pattern[str], text: str) -> bool:
    """False only when no needle of ``pattern`` occurs in ``text`` (so no match is possible)."""
    key = id(pattern)
    if key not in _NEEDLES:
        found = needles_of(pattern)
        _NEEDLES[key] = found
        if found is not None:
            _AUTOMATON.add(found)
    needles = _NEEDLES[key]
    if needles is None:
        return True
    present = _seen(text).present
    return any(needle in present for needle in needles)
