"""The paste, read once: its folded text and the parts several passes share.

:func:`read_paste` finds the curl commands, the ``name = value`` sites, the provider error texts
and the key echoes in them; each pass is then a function of the frozen :class:`Paste` alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportbot.text.traditional import Folded
from supportbot.triage import patterns as pt
from supportbot.triage.passes.sites import Site, read_sites
from supportbot.triage.passes.spans import Span
from supportbot.triage.shell import Curl, find_curls
from supportbot.triage.text import finditer, line_at, search
from supportbot.triage.urls import Official
from supportbot.triage.vendors import ECHOES, PHRASES, RELAY_MARKERS, Phrase


@dataclass(frozen=True)
class PhraseHit:
    """The first place a known provider or gateway error text occurs."""

    phrase: Phrase
    start: int


@dataclass(frozen=True)
class EchoHit:
    """A provider's echo of the key it received ("Incorrect API key provided: sk-ab***…wxyz.")."""

    echo: str  # stripped
    start: int
    end: int
    #: DeepSeek's wording ("Your api key: … is invalid"), which only DeepSeek uses.
    deepseek: bool


@dataclass(frozen=True)
class Paste:
    """What the customer pasted, folded to Simplified Chinese, and what reading it once found."""

    text: str
    officials: tuple[Official, ...]
    #: The fold's map back to what the customer wrote; ``None`` when the text was not folded.
    source: Folded | None
    lowered: str
    #: A gateway passed a provider's answer through (its wording says nothing of where requests went).
    relay: bool
    #: The paste names an official API host somewhere.
    official_seen: bool
    phrases: tuple[PhraseHit, ...]
    echoes: tuple[EchoHit, ...]
    #: One per distinct command text; :attr:`curl_spans` covers every command, repeats included.
    curls: tuple[Curl, ...]
    curl_spans: tuple[Span, ...]
    sites: tuple[Site, ...]
    #: Stretches the sites hold, in the order taken (see :func:`.spans.inside_growing`).
    claims: tuple[Span, ...]

    @property
    def auth_msg(self) -> bool:
        """An error text of the 401 family is in the paste."""
        return any(hit.phrase.family != "other" for hit in self.phrases)

    @property
    def other_msg(self) -> bool:
        """An error text that is not a 401 cause (429, 5xx, quota…) is in the paste."""
        return any(hit.phrase.family == "other" for hit in self.phrases)

    def quote(self, pos: int, *, limit: int = 240) -> str:
        """The customer's own line around ``pos`` (a position in the folded text), as they wrote it."""
        if self.source is None:
            return line_at(self.text, pos, limit=limit)
        return line_at(self.source.original, self.source.origin(pos), limit=limit)

    def is_official(self, host: str) -> bool:
        return any(o.host == host or o.host.endswith("." + host) for o in self.officials)


def _phrases(text: str) -> tuple[PhraseHit, ...]:
    # One hit per phrase is enough to know what it says.
    hits = ((phrase, next(finditer(phrase.pattern, text), None)) for phrase in PHRASES)
    return tuple(PhraseHit(phrase, match.start()) for phrase, match in hits if match is not None)


def _echoes(text: str) -> tuple[EchoHit, ...]:
    return tuple(
        EchoHit(match.group("echo").strip(), match.start(), match.end(), pattern is ECHOES[1])
        for pattern in ECHOES
        for match in finditer(pattern, text)
    )


def _curls(text: str, lowered: str) -> tuple[tuple[Curl, ...], tuple[Span, ...]]:
    """The first command of each distinct text (a repeat says nothing new), and every command's span."""
    if "curl" not in lowered:
        return (), ()
    commands = find_curls(text, pt.MAX_CURLS)
    distinct: dict[str, Curl] = {}
    for command in commands:
        distinct.setdefault(text[command.start : command.end], command)
    return tuple(distinct.values()), tuple(Span(command.start, command.end) for command in commands)


def read_paste(text: str, officials: tuple[Official, ...] = (), source: Folded | None = None) -> Paste:
    """Read ``text`` (normalised, and folded when ``source`` is given) for the passes."""
    lowered = text.lower()
    curls, curl_spans = _curls(text, lowered)
    sites, claims = read_sites(text, lowered, curl_spans)
    return Paste(
        text=text,
        officials=officials,
        source=source,
        lowered=lowered,
        relay=search(RELAY_MARKERS, text) is not None,
        official_seen=any(official.host in lowered for official in officials),
        phrases=_phrases(text),
        echoes=_echoes(text),
        curls=curls,
        curl_spans=curl_spans,
        sites=sites,
        claims=claims,
    )
