"""Where the paste sets a key, header or base URL: ``name = value`` / ``name: value`` in code, ``.env``,
YAML and header lines, and ``("Authorization", …)`` header calls, each with its value read.

Read once per paste (:mod:`.paste`); the config pass judges the values, the address pass skips the
URLs a site already holds (its :attr:`Sites.claims`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from supportbot.triage import patterns as pt
from supportbot.triage.passes.spans import Span, inside
from supportbot.triage.text import finditer
from supportbot.triage.values import Value, read_value

#: What may stand before a name at the start of a line for an unquoted value to count.
_LINE_LEADS = frozenset({"", "-", "export", "set", "$env:"})


@dataclass(frozen=True)
class Site:
    """One ``name <sep> value``: ``kind`` is :func:`supportbot.triage.patterns.name_kind`'s."""

    kind: str
    name: str
    sep: str
    #: Where the name starts (its opening quote, when quoted).
    start: int
    #: The name opens a line (.env, YAML, shell): an unquoted value counts.
    bare_ok: bool
    value: Value

    @property
    def read(self) -> bool:
        """The value says something: not an expression, not empty unless ``NAME=`` sets it empty."""
        if self.value.kind == "expr":
            return False
        return self.value.kind != "empty" or (self.bare_ok and self.sep == "=")


class Sites(NamedTuple):
    """The distinct sites in reading order, and the stretches they hold (URL values, repeats)."""

    sites: tuple[Site, ...]
    #: In the order they were taken (not sorted): see :func:`.spans.inside_growing`.
    claims: tuple[Span, ...]


class _Candidate(NamedTuple):
    kind: str
    name: str
    sep: str
    pos: int  # where the value starts
    start: int
    bare_ok: bool


def _names(text: str, lowered: str, skip: Sequence[Span]) -> list[Span]:
    """Spans of identifiers that hold a hint word (``api_key``, ``OPENAI_BASE_URL``…)."""
    spans: dict[int, int] = {}
    for word in pt.HINT_WORDS:
        index = lowered.find(word)
        while index != -1 and len(spans) < pt.MAX_SITES * 4:
            if inside(index, skip):  # curl commands were read already
                index = lowered.find(word, index + len(word))
                continue
            back = pt.NAME_BACK.match(text, max(0, index - 60), index)
            ahead = pt.NAME_AHEAD.match(text, index + len(word), index + len(word) + 60)
            start = back.start() if back is not None else index
            end = ahead.end() if ahead is not None else index + len(word)
            while start < end and text[start] in ".-$0123456789":
                start += 1
            spans.setdefault(start, end)
            index = lowered.find(word, end)
    return [Span(start, end) for start, end in sorted(spans.items())]


def _candidates(text: str, lowered: str, skip: Sequence[Span]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for start, end in _names(text, lowered, skip):
        if len(found) >= pt.MAX_SITES:
            break
        name = text[start:end].rstrip(".-")
        kind = pt.name_kind(name)
        if kind is None or inside(start, skip):
            continue
        lead = text[start - 1 : start]
        after = start + len(name)
        if lead in {'"', "'"}:
            if text[after : after + 1] != lead:
                continue
            after += 1
        separator = pt.SEPARATOR.match(text, after, min(len(text), after + 40))
        if separator is None or separator.group("sep") == "==":
            continue
        sep = separator.group("sep")
        name_start = start - len(lead) if lead in {'"', "'"} else start
        line_start = text.rfind("\n", 0, name_start) + 1
        before = text[line_start:name_start].strip()
        at_line_start = before in _LINE_LEADS or before.startswith(("-", "#", "//"))
        found.append(_Candidate(kind, name, sep, separator.end(), name_start, at_line_start and sep in {":", "="}))
    for match in finditer(pt.HEADER_CALL, text):
        kind = "auth" if match.group("name").lower() == "authorization" else "key"
        found.append(_Candidate(kind, match.group("name"), ",", match.end(), match.start(), False))
    return found


def read_sites(text: str, lowered: str, skip: Sequence[Span]) -> Sites:
    """The sites of ``text`` outside ``skip`` (curl commands), a repeated line read once."""
    sites: list[Site] = []
    claims: list[Span] = []
    seen: set[tuple[str, str, str]] = set()
    for kind, name, sep, pos, start, bare_ok in _candidates(text, lowered, skip):
        line_end = text.find("\n", pos)
        rest = text[pos : pos + 300 if line_end == -1 else min(line_end, pos + 300)]
        if (kind, name, rest) in seen:
            claims.append(Span(start, pos + len(rest)))
            continue
        seen.add((kind, name, rest))
        site = Site(kind, name, sep, start, bare_ok, read_value(text, pos, bare_ok=bare_ok))
        sites.append(site)
        if site.read and kind in {"base", "url"}:
            claims.append(Span(start, site.value.end))
    return Sites(tuple(sites), tuple(claims))
