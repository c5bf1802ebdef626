"""Text plumbing shared by the parsers: Slack unescaping, bounded regex scans, safe excerpts.

Every pattern in this package runs through :func:`finditer`, which gives each scan a time budget:
the patterns are written to be linear (possessive quantifiers, bounded repeats), and the budget is
the second line of defence so a pathological paste degrades to "found less", never to a stall.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import regex

from supportbot.triage.needles import might_match, set_needles

#: Longest text diagnosed; Slack caps messages at 40,000 characters, pastes through the CLI may be
#: longer and are cut (the start of a paste holds the request and the error in practice).
MAX_TEXT = 100_000
SCAN_TIMEOUT = 0.05

Scrub = Callable[[str], str]

_SLACK_LINK = regex.compile(r"<((?:https?|mailto):[^<>|\s]{1,2000}+)(?:\|([^<>]{0,2000}+))?>")
_ENTITY = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
_ENTITY_RX = regex.compile(r"&(?:lt|gt|amp);")

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0\u3000\u202f\u2007"
SMART_QUOTES = "“”‘’「」『』＂＇"
QUOTES = "\"'`" + SMART_QUOTES


def finditer(
    pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[regex.Match[str]]:
    """Matches of ``pattern``; a scan that runs out of time simply stops yielding."""
    if not might_match(pattern, text):
        return
    end = len(text) if endpos is None else endpos
    try:
        yield from pattern.finditer(text, pos, end, timeout=SCAN_TIMEOUT)
    except TimeoutError:
        return


def search(pattern: regex.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
    if not might_match(pattern, text):
        return None
    end = len(text) if endpos is None else endpos
    try:
        return pattern.search(text, pos, end, timeout=SCAN_TIMEOUT)
    except TimeoutError:
        return None


set_needles(_SLACK_LINK, ("<http", "<mailto"))


def _link(match: regex.Match[str]) -> str:
    url, label = match.group(1), match.group(2)
    if url.startswith("mailto:"):
        return label or url[len("mailto:") :]
    # Slack turns a typed "api.example.com/v1" into <http://api.example.com/v1|api.example.com/v1>:
    # the label is what the customer typed, so an "http://" Slack added is not held against them.
    if label and ("." in label or "/" in label) and " " not in label.strip():
        return label
    return url


def normalize(text: str) -> str:
    """Undo Slack's escaping and link markup; unify line ends; cut to :data:`MAX_TEXT`."""
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
    if "<http" in text or "<mailto" in text:
        with contextlib.suppress(TimeoutError):
            text = _SLACK_LINK.sub(_link, text, timeout=SCAN_TIMEOUT)
    if "&" in text:
        text = _ENTITY_RX.sub(lambda m: _ENTITY[m.group(0)], text)
    return text


def line_at(text: str, pos: int, *, limit: int = 240) -> str:
    """The line holding ``pos``, at most ``limit`` characters around it, cut only at spaces."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    if end == -1:
        end = len(text)
    return window(text, max(start, pos - limit // 2), min(end, pos + limit // 2), bound_start=start, bound_end=end)


def window(text: str, start: int, end: int, *, bound_start: int = 0, bound_end: int | None = None) -> str:
    """``text[start:end]`` widened to the nearest whitespace so no token is cut in half."""
    hard_end = len(text) if bound_end is None else bound_end
    steps = 0
    while start > bound_start and not text[start - 1].isspace() and steps < 200:
        start -= 1
        steps += 1
    steps = 0
    while end < hard_end and not text[end].isspace() and steps < 200:
        end += 1
        steps += 1
    return text[start:end].strip()


_LONG_TOKEN = regex.compile(r"[A-Za-z0-9_\-]{20,}+")
_KNOWN_PREFIX = regex.compile(
    r"(?:sk-(?:proj|svcacct|admin|ant-api\d\d|ant-admin\d\d|or-v1|None)?-?|gsk_|xai-|AIza|hf_|r8_|pplx-|tgp_v1_)"
)


def _mask_token(match: regex.Match[str]) -> str:
    token = match.group(0)
    if not (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)):
        return token
    prefix = _KNOWN_PREFIX.match(token)
    return (prefix.group(0) if prefix else token[:3]) + "…"


def mask_tokens(text: str) -> str:
    """Shorten every long letters-and-digits run: a second guard behind the key scanner.

    Keys in formats the scanner does not know (a new vendor, a reseller's own) still never reach
    evidence whole; request ids and hashes are shortened too, which costs nothing in a diagnosis.
    """
    try:
        return _LONG_TOKEN.sub(_mask_token, text, timeout=SCAN_TIMEOUT)
    except TimeoutError:
        return ""


def visible(value: str) -> str:
    """Show whitespace, quotes and invisible characters of a value, for evidence."""
    out: list[str] = []
    for char in value:
        if char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif char in INVISIBLE:
            out.append(f"<U+{ord(char):04X}>")
        elif char == "\x00":
            out.append("{…}")
        else:
            out.append(char)
    return "".join(out)


_VALUE_RUN = regex.compile(r"[^\s\"'`“”‘’\x00]{8,}+")


def _mask_run(match: regex.Match[str]) -> str:
    run = match.group(0)
    if not any(char.isdigit() for char in run):
        return run  # placeholders and variable names carry no secret and explain the problem
    prefix = _KNOWN_PREFIX.match(run)
    return (prefix.group(0) if prefix else run[:3]) + "…"


def mask_value(value: str) -> str:
    """A credential value with every secret-looking run shortened, keeping what surrounds it visible."""
    try:
        return visible(_VALUE_RUN.sub(_mask_run, value, timeout=SCAN_TIMEOUT))
    except TimeoutError:
        return "…"


def clean_excerpt(raw: str, scrub: Scrub, *, limit: int = 140) -> str:
    """Scrub (real key scanner), then shorten long tokens, then cut to ``limit`` characters."""
    text = mask_tokens(scrub(raw)).replace("\n", " ").strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
