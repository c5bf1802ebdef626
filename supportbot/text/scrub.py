"""The one scrub for customer text that is stored or reposted (pure).

Ticket error text and close reasons, file excerpts in a masked repost, gap examples and checklist
notes all pass :func:`scrub` (or the :class:`Scrubber` built from it) before they are kept or shown:

1. known keys masked and credential header values removed (the key scanner's public ``scrub``);
2. credential assignments emptied: ``password=…``, ``DB_PASSWORD=…``, ``"client_secret": "…"``,
   ``token: …`` keep their name and lose their value, so the text still says *what* was set;
3. long random-looking tokens hidden (a key in a format no rule knows, a session cookie).

Each layer covers the others' blind spots, and none depends on the scanner succeeding: when the
scanner gives up on a text (an error or its time budget) it withholds the text, and if one of our own
patterns runs out of time the whole text is withheld too. Nothing here ever fails open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import regex

from supportbot.config import Settings
from supportbot.text.chat import hide_token_like

REMOVED = "[removed]"
WITHHELD = "[text withheld: it could not be checked for secrets]"
#: Longest text scrubbed; Slack caps a message at 40,000 characters and a file excerpt is smaller.
MAX_INPUT = 50_000
TIMEOUT = 0.25
#: Longest piece of a typed command repeated back whole in an error message; longer ones show their start.
MAX_ECHO = 24
_ECHO_START = 8

# A name that says "this value is a credential", in any naming style (DB_PASSWORD, clientSecret,
# "api-key", x-auth-token). Words such as max_tokens or token_count are not credential names: the
# name must end right before the separator.
_ASSIGNMENT = regex.compile(
    r"""
    (?<![A-Za-z0-9_.-])
    (?P<oq>["'`]?)
    (?P<name>[A-Za-z0-9_.-]{0,40}?
        (?:passw(?:or)?d|pwd|pass|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|
           credentials?|auth|cookie|session[-_]?id|sig(?:nature)?)
    )
    (?P=oq)
    (?P<sep>[ \t]*+(?:=>|:=|[:=：])[ \t]*+)
    (?:
        (?P<vq>["'`])(?P<qvalue>[^\r\n"'`]{1,1000}+)(?P=vq)
      |
        (?P<value>[^\s"'`,;)}\]&|<>]{1,1000}+)
    )
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
# Values that name a variable or are already hidden: showing them hides nothing and explains a lot.
_HARMLESS_VALUE = regex.compile(
    r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_]+%|\[(?:removed|hidden|redacted)\]|[*•…x.]+|"
    r"null|none|true|false|undefined|\d{1,6}|<[^<>]{0,40}>|os\.environ.*|process\.env.*|getenv.*)$",
    regex.IGNORECASE,
)


class KeyScanner(Protocol):
    """The part of :class:`supportbot.keys.Scanner` the scrub needs."""

    def scrub(self, text: str) -> str: ...


def remove_assignments(text: str) -> str:
    """``text`` with the values of credential assignments replaced by ``[removed]``."""

    def replace(match: regex.Match[str]) -> str:
        group = "qvalue" if match.group("vq") is not None else "value"
        value = match.group(group)
        if _HARMLESS_VALUE.match(value, timeout=TIMEOUT):
            return match.group()
        base = match.start()
        start, end = match.span(group)
        whole = match.group()
        return whole[: start - base] + REMOVED + whole[end - base :]

    return _ASSIGNMENT.sub(replace, text, timeout=TIMEOUT)


def scrub(text: str, scanner: KeyScanner) -> str:
    """Keys masked, credential headers and assignments emptied, long random tokens hidden.

    Never raises and never returns unchecked text: a failure anywhere withholds the whole text.
    """
    try:
        cleaned = scanner.scrub(text[:MAX_INPUT])
        return hide_token_like(remove_assignments(cleaned))
    except Exception:  # a timeout or a bug: the text cannot be vouched for, so none of it is kept
        return WITHHELD


def echo(typed: str, scanner: KeyScanner, *, limit: int = MAX_ECHO) -> str:
    """What a person typed, fit to be repeated back to them ("I don't know `/support …`").

    Scrubbed first; then anything long is cut to its start, since a secret in a format no rule
    knows, typed in one case only, can pass the scrub (subcommands and periods are short).
    """
    shown = " ".join(scrub(typed, scanner).split())
    return shown if len(shown) <= limit else shown[:_ECHO_START].rstrip() + "…"


@dataclass(frozen=True)
class Scrubber:
    """:func:`scrub` bound to one scanner, usable wherever a ``Callable[[str], str]`` is expected."""

    scanner: KeyScanner

    def __call__(self, text: str) -> str:
        return scrub(text, self.scanner)


Scrub = Callable[[str], str]


def key_scrubber(settings: Settings) -> Scrub:
    """The one scrub (:mod:`supportbot.text.scrub`) with this deployment's rules, for code with no running bot.

    Scrubbing masks keys and removes credential values; the fingerprint secret plays no part in it,
    so a throwaway one serves and the deployment's secret is never needed here.
    """
    import secrets  # noqa: PLC0415 - only this function needs it

    from supportbot.keys import Scanner  # noqa: PLC0415 - the rules compile on first use only

    return Scrubber(Scanner.from_settings(settings, fingerprint_secret=secrets.token_hex(16)))
