"""Chat text made safe to keep: Slack markup flattened, mentions dropped, anything token-like hidden.

Gap signals and FAQ questions are stored and later shown to leads, in Slack and in exports. What is
kept is the question as a reader would see it, minus what must never be kept:

* Slack markup (``<@U…>``, ``<#C…|name>``, ``<!here>``, ``<url|label>``) becomes plain text. People
  are dropped entirely (``@someone``), so a stored example names nobody and, echoed, pings nobody.
* The caller's ``scrub`` (the key scanner's ``Scanner.scrub``: keys masked, credential header values
  removed) runs on the flattened text.
* Then, as a second line of defence that needs no rules, every long random-looking token is hidden
  (a key in a format no rule knows yet, a session cookie, a signed URL's signature). Model names,
  paths, versions and UUIDs stay readable. It is a heuristic (about one random 24-character
  two-case token in two thousand slips through); the scanner is the real guard.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

import regex

from supportbot.text.messages import unescape_slack

if TYPE_CHECKING:
    pass

Scrub = Callable[[str], str]

HIDDEN = "[hidden]"
SOMEONE = "@someone"
#: Stored question texts are cut here: enough for a question, too little for a pasted log.
MAX_STORED_CHARS = 500

_SLACK_TOKEN = regex.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_BROADCAST = regex.compile(r"[@＠](channel|here|everyone)\b", regex.IGNORECASE)
# Ids typed or pasted without markup; one digit at least, so "UNAUTHORIZED" stays a word.
_BARE_USER_ID = regex.compile(r"(?<![A-Za-z0-9])@?[UW](?=[A-Z]*[0-9])[A-Z0-9]{8,11}(?![A-Za-z0-9])")
_WHITESPACE = regex.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = regex.compile(r"\n\s*\n+")
# Runs of key-alphabet characters; the checks below decide whether one looks random.
_TOKEN = regex.compile(r"[A-Za-z0-9_\-+/=]{16,}")
_HEX_RUN = regex.compile(r"(?i)^[0-9a-f]{24,}$")
_PARTS = regex.compile(r"[-_/+=]")


def identity(text: str) -> str:
    """A scrub that changes nothing (tests of the flattening alone)."""
    return text


def plain_text(slack_text: str) -> str:
    """Slack-formatted text as a reader sees it, without anyone's name or id in it."""

    def replace(match: regex.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            return SOMEONE
        if sigil == "#":
            return "#" + label if label else "#channel"
        if sigil == "!":
            if target.startswith("subteam^"):
                return SOMEONE
            if target.startswith("date"):
                return label or ""
            return "@" + target if target in {"here", "channel", "everyone"} else (label or "")
        if label:
            return label if label.strip() == target.strip() else f"{label} ({target})"
        return target

    text = _SLACK_TOKEN.sub(replace, slack_text)
    text = unescape_slack(text)
    text = _BARE_USER_ID.sub(SOMEONE, text)
    text = _BROADCAST.sub(lambda match: match.group(1), text)
    text = _WHITESPACE.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def looks_random(token: str) -> bool:
    """Whether a token looks like a secret rather than a word, name, version or path.

    Random strings over letters and digits keep switching between lower case, upper case and
    digits; names switch a few times (``DeepSeek-R1-Distill-Qwen-32B``, ``HTTPSConnectionPool``) or
    never use two cases (``text-embedding-3-small``). Hex runs are judged on their own.
    """
    parts = [part for part in _PARTS.split(token) if part]
    for part in parts:
        if _HEX_RUN.match(part) and any(ch.isdigit() for ch in part) and any(ch.isalpha() for ch in part):
            return True
        if len(part) >= 16 and _mixed_case(part) and _switch_rate(part) >= 0.3:
            return True
    whole = "".join(parts)
    return len(whole) >= 28 and _mixed_case(whole) and _switch_rate(whole) >= 0.4


def _mixed_case(text: str) -> bool:
    return any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)


def _switch_rate(text: str) -> float:
    kinds = ["d" if ch.isdigit() else "u" if ch.isupper() else "l" for ch in text]
    return sum(1 for left, right in pairwise(kinds) if left != right) / len(text)


def hide_token_like(text: str) -> str:
    """Replace every long random-looking token with ``[hidden]``."""
    return _TOKEN.sub(lambda match: HIDDEN if looks_random(match.group()) else match.group(), text)


def clip(text: str, limit: int = MAX_STORED_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def storable(slack_text: str, scrub: Scrub, *, limit: int = MAX_STORED_CHARS) -> str:
    """The text to store for a question or gap signal: flattened, scrubbed, token-free, clipped.

    Scrubbing runs before clipping, so a key cut in half at the limit is never half-kept.
    """
    return clip(hide_token_like(scrub(plain_text(slack_text))), limit)


def for_output(stored_text: str, scrub: Scrub) -> str:
    """Stored text on its way out (CLI, reports): scrubbed again, in case a rule was added since."""
    return hide_token_like(scrub(stored_text))
