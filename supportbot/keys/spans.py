"""What a scan finds, and the candidate keys and spans it works with (data URIs left out, regions merged,
overlaps resolved): the scanner's records and bookkeeping, kept apart from its passes (:mod:`supportbot.keys.scanner`).
"""

from __future__ import annotations

import importlib
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, NamedTuple

import regex

from supportbot.keys.rules import DEFAULT_RULES_NAME, Rule

_DATA_URI_HEAD = regex.compile(r"data:[A-Za-z0-9.+/-]{1,100};base64,")
# No whitespace: a payload that ran on through spaces and line breaks swallowed the next message's key.
_BASE64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_MIN_DATA_URI_PAYLOAD = 64
# Rules that can match more than this are matched over the whole text.
_MAX_REGION_WIDTH = 20_000
_PACKAGED = f"supportbot/keys/{DEFAULT_RULES_NAME}"
_ITALIC_OPENER = regex.compile(r"(?:^|(?<=\s))_")
SUSPECT_TIER = 2


@dataclass(frozen=True, slots=True)
class Finding:
    """One key in a text. Holds no part of the key beyond what ``masked`` shows."""

    start: int
    end: int
    rule: str
    provider: str
    masked: str
    key_id: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What :meth:`Scanner.scan` found, and which rules could not check all of the text."""

    findings: list[Finding]
    #: Rule ids (or ``"scanner"``) that errored or timed out; the text they could not vouch for is
    #: covered by ``suspect`` findings instead.
    degraded: tuple[str, ...] = ()


class Candidate(NamedTuple):
    start: int
    end: int
    tier: int
    order: int
    rule: Rule
    key: str
    prefix: str


def trim_context_value(text: str, start: int, end: int) -> int:
    """Drop chat punctuation and Slack markup that the loose value pattern swallowed at the end."""
    while end > start:
        last = text[end - 1]
        if last in ".~":
            end -= 1  # a full stop, or the closing mark of ~strike~
        elif last == "_" and _ITALIC_OPENER.search(text, 0, start):
            end -= 1  # the closing mark of _italic_
        else:
            break
    return end


def data_uri_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``data:<type>;base64,<payload>`` (images pasted inline): random, and never a key.

    Plain string operations: a character-class run over kilobytes of base64 is the slowest thing the
    regex module does here.
    """
    spans: list[tuple[int, int]] = []
    marker = text.find("base64,")
    while marker >= 0:
        head = text.rfind("data:", max(0, marker - 110), marker)
        body = marker + len("base64,")
        if head >= 0 and _DATA_URI_HEAD.fullmatch(text, head, body):
            end = body
            while True:  # in pieces: slicing the whole rest of a long text for each image costs more
                piece = text[end : end + 8192]
                run = len(piece) - len(piece.lstrip(_BASE64_CHARS))
                end += run
                if run < len(piece) or not piece:
                    break
            if end - body >= _MIN_DATA_URI_PAYLOAD:
                spans.append((head, end))
            body = max(body, end)
        marker = text.find("base64,", body)
    return spans


def merge_spans(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        start, end = max(0, low), min(length, high)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def max_width(rule: Rule) -> int | None:
    """The longest text ``rule`` can match, if its pattern says and it is one of ours, else None.

    Only packaged rules are matched by region: each of their matches holds one of their keywords,
    which a deployment's rule file does not promise.
    """
    if rule.source != _PACKAGED:
        return None
    try:
        parser: Any = importlib.import_module("re._parser")
        _, high = parser.parse(rule.pattern.pattern).getwidth()
    except Exception:
        return None
    return int(high) if high <= _MAX_REGION_WIDTH else None


def inside(candidate: Candidate, spans: list[tuple[int, int]]) -> bool:
    return any(start <= candidate.start and candidate.end <= end for start, end in spans)


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping choice: specific rules first (longest, then earliest rule), then context rules,
    then suspects."""
    if len(candidates) <= 1:
        return candidates
    chosen: list[Candidate] = []  # sorted by start and, as they never overlap, by end
    starts: list[int] = []
    for tier in (0, 1, SUSPECT_TIER):
        # Specific formats: the longest match wins. Context rules: the more specific rule (earlier in
        # the file, e.g. MISTRAL_API_KEY over any *_API_KEY) wins even if the generic value runs longer.
        ranked = sorted(
            (item for item in candidates if item.tier == tier),
            key=lambda item: (
                (item.start, item.start - item.end, item.order) if tier == 0 else (item.start, item.order, 0)
            ),
        )
        for item in ranked:
            index = bisect_right(starts, item.start)
            if index > 0 and chosen[index - 1].end > item.start:
                continue
            if index < len(chosen) and chosen[index].start < item.end:
                continue
            chosen.insert(index, item)
            starts.insert(index, item.start)
    return chosen


def as_text(text: object) -> str:
    """What the scanner reads of ``text``: a string as is, bytes decoded (bad bytes replaced), else nothing."""
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        return bytes(text).decode("utf-8", "replace")
    return ""
