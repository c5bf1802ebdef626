"""Rules for a ticket's fields, one function per field (pure).

Each parser returns the value to store, or raises :class:`FieldError` with a code that a template
turns into words. No error ever repeats what was typed: the text may hold a key.

* status: an HTTP status code (100–599), found in what was typed ("401", "HTTP/1.1 401 Unauthorized").
* model: a short model name ("gpt-4o-mini", "claude-3-5-sonnet@20240620", "Qwen/Qwen2.5-72B").
* masked key id: the key's public prefix and at most its last four characters, stored as ``sk-…x9Qa``.
  A full key is refused (``full_key``) and never kept; anything else that is not a masked form is
  refused too (``not_masked``), and extra characters between prefix and mask are dropped (a vendor
  echo such as ``sk-VKMIs****wjh3`` becomes ``sk-…wjh3``).
* error text and close reason: :func:`supportbot.text.scrub.scrub` (keys masked, credential headers and
  assignments emptied, long random tokens hidden), e-mail addresses removed, then shortened.

Every pattern here is linear (no nested repeats over overlapping characters; possessive runs where a
search could restart inside a run), runs under a time budget, and sees at most ``MAX_FIELD_INPUT``
characters of a one-line field: a form submission can never hold a request thread.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import regex

from supportbot.infra.errors import SupportbotError
from supportbot.keys import Rule, Scanner
from supportbot.keys.masking import ELLIPSIS
from supportbot.text import scrub

MAX_ERROR_TEXT = 2000
MAX_REASON = 200
MAX_MODEL = 80
MAX_STATUS_INPUT = 60
#: Longest text searched for masked keys (Slack caps a message at 40,000 characters).
MAX_SCANNED = 40_000
EMAIL_PLACEHOLDER = "[email]"
#: One-line fields (model, masked key id) longer than this are refused before any pattern sees them.
MAX_FIELD_INPUT = 200
TIMEOUT = 0.05


class FieldError(SupportbotError, ValueError):
    """A field's value cannot be used; ``code`` names the rule it broke."""

    def __init__(self, field: str, code: str) -> None:
        self.field = field
        self.code = code
        super().__init__(f"{field}: {code}")


# --- secrets ----------------------------------------------------------------------------------------

_SECRETISH = regex.compile(r"[A-Za-z0-9]{20,}+")


def looks_secret(text: str, scanner: Scanner) -> bool:
    """A key the scanner knows, or a long random-looking run of letters and digits it does not."""
    if scanner.has_key(text):
        return True
    for run in _SECRETISH.findall(text, timeout=TIMEOUT):
        kinds = sum((any(c.islower() for c in run), any(c.isupper() for c in run), any(c.isdigit() for c in run)))
        if kinds == 3 or (kinds == 2 and len(run) >= 32 and any(c.isdigit() for c in run)):
            return True
    return False


# Starts only where a local part starts, so a long run without "@" is read once, not once per character.
_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*?\.[A-Za-z]{2,}+(?![A-Za-z0-9-])")
_CONTROL = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f]++")


def scrub_text(text: str, scanner: Scanner, *, limit: int, single_line: bool = False) -> str:
    """:func:`supportbot.text.scrub.scrub`, e-mail addresses removed, at most ``limit`` characters.

    Scrubbing runs on the whole text before it is shortened, so a cut can never split a key into
    pieces the scanner would no longer recognise.
    """
    cleaned = scrub.scrub(text.replace("\r\n", "\n").replace("\r", "\n"), scanner)
    try:
        cleaned = _EMAIL.sub(EMAIL_PLACEHOLDER, cleaned, timeout=TIMEOUT)
        cleaned = _CONTROL.sub("", cleaned, timeout=TIMEOUT)
    except TimeoutError:
        cleaned = scrub.WITHHELD
    if single_line:
        cleaned = " ".join(cleaned.split())
    cleaned = cleaned.strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + ELLIPSIS
    return cleaned


def error_text(text: str, scanner: Scanner) -> str | None:
    cleaned = scrub_text(text, scanner, limit=MAX_ERROR_TEXT)
    return cleaned or None


def close_reason(text: str, scanner: Scanner) -> str | None:
    cleaned = scrub_text(text, scanner, limit=MAX_REASON, single_line=True)
    return cleaned or None


# --- status -----------------------------------------------------------------------------------------

# ASCII neighbours only: in "状态码401" the Chinese characters are word characters to ``\w``.
_STATUS = regex.compile(r"(?<![A-Za-z0-9_.])(\d{3})(?![A-Za-z0-9_]|\.\d)")


def status(text: str, scanner: Scanner) -> int | None:
    """The HTTP status in ``text`` ("401", "HTTP 401 Unauthorized", "状态码401"); None when blank."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    if looks_secret(cleaned, scanner):
        raise FieldError("status", "key_in_field")
    if len(cleaned) > MAX_STATUS_INPUT:
        raise FieldError("status", "bad_status")
    codes = {int(code) for code in _STATUS.findall(cleaned, timeout=TIMEOUT)}
    if len(codes) != 1:
        raise FieldError("status", "bad_status")
    (code,) = codes
    if not 100 <= code <= 599:
        raise FieldError("status", "bad_status")
    return code


# --- model ------------------------------------------------------------------------------------------

_MODEL = regex.compile(r"^[^\W_](?:[\w.:/@+-]| (?! ))*+$")


def model(text: str, scanner: Scanner) -> str | None:
    cleaned = _one_line(text, scanner, "model", on_key="key_in_field", too_long="bad_model")
    if not cleaned:
        return None
    if (
        len(cleaned) > MAX_MODEL
        or not _MODEL.match(cleaned, timeout=TIMEOUT)
        or "://" in cleaned
        or _EMAIL.search(cleaned, timeout=TIMEOUT)
        or not any(char.isalpha() for char in cleaned)
    ):
        raise FieldError("model", "bad_model")
    return cleaned


# --- masked key id ----------------------------------------------------------------------------------


# The mask is one possessive run of mask characters (never a lone dot, which is punctuation), and it
# cannot start inside another run: no nested repeats, so a run of 40,000 "*" is read once.
def _mask(chars: str) -> str:
    return rf"(?<![.{chars}])(?P<mask>(?!\.(?![.{chars}]))[.{chars}]++)"


_MASKED = regex.compile(rf"^(?P<head>[A-Za-z0-9_.-]{{0,60}}?){_mask('…*•·')}(?P<tail>[A-Za-z0-9_-]*+)$")
_BARE_TAIL = regex.compile(r"^[A-Za-z0-9]{4}$")
_LOOSE_HEAD = regex.compile(r"^[A-Za-z]{1,6}[-_]")
_PREFIX_KEYWORD = regex.compile(r"^(?:[a-z][a-z0-9]*+(?:[-_.][a-z0-9]++)*+[-_.]|[a-z]{4})$")
MIN_TAIL, MAX_TAIL = 2, 4


def masked_key_id(text: str, scanner: Scanner) -> str | None:
    """The masked form to store (``prefix…tail``), None when blank; a full key raises ``full_key``."""
    cleaned = _one_line(text, scanner, "masked_key_id", on_key="full_key", too_long="not_masked")
    if not cleaned:
        return None
    if _BARE_TAIL.match(cleaned):
        return ELLIPSIS + cleaned
    match = _MASKED.match(cleaned, timeout=TIMEOUT)
    if match is None:
        raise FieldError("masked_key_id", "not_masked")
    tail = match.group("tail")
    if len(tail) > MAX_TAIL:
        raise FieldError("masked_key_id", "tail_too_long")
    if len(tail) < MIN_TAIL:
        raise FieldError("masked_key_id", "no_tail")
    return public_prefix(match.group("head"), scanner.rules) + ELLIPSIS + tail


def public_prefix(head: str, rules: Iterable[Rule]) -> str:
    """The part of ``head`` that only names the provider: a known key prefix, else a short word + dash."""
    known = known_prefix(head, rules)
    if known:
        return known
    loose = _LOOSE_HEAD.match(head)
    return loose.group() if loose else ""


def known_prefix(head: str, rules: Iterable[Rule]) -> str:
    """The longest key prefix of the scanner's rules that ``head`` starts with (as typed), or ""."""
    lowered = head.lower()
    known = [prefix for prefix in _known_prefixes(tuple(rules)) if lowered.startswith(prefix)]
    return head[: max(len(prefix) for prefix in known)] if known else ""


@lru_cache(maxsize=8)
def _known_prefixes(rules: tuple[Rule, ...]) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                keyword
                for rule in rules
                if not rule.context
                for keyword in rule.keywords
                if _PREFIX_KEYWORD.match(keyword)
            }
        )
    )


_MASKED_IN_TEXT = regex.compile(
    rf"(?<![A-Za-z0-9_.-])(?P<head>[A-Za-z0-9_.-]{{0,60}}?){_mask('…*•')}(?P<tail>[A-Za-z0-9_-]{{2,4}})(?![A-Za-z0-9_-])"
)


def find_masked_forms(text: str, scanner: Scanner) -> list[str]:
    """Masked keys already shown in ``text`` (a vendor's echo, our own masked repost), normalised.

    A mask of dots alone counts only after a known key prefix, so "wait...what" is not a key.
    """
    found: list[str] = []
    for match in matches(_MASKED_IN_TEXT, text):
        dots_only = not any(char in match.group("mask") for char in "…*•")
        if dots_only and not known_prefix(match.group("head"), scanner.rules):
            continue
        try:
            value = masked_key_id(match.group(), scanner)
        except FieldError:
            continue
        if value and value not in found:
            found.append(value)
    return found


def matches(pattern: regex.Pattern[str], text: str) -> list[regex.Match[str]]:
    """All matches, or none when the scan runs out of time (callers only ever find less)."""
    try:
        return list(pattern.finditer(text[:MAX_SCANNED], timeout=TIMEOUT))
    except TimeoutError:
        return []


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _one_line(text: str, scanner: Scanner, field: str, *, on_key: str, too_long: str) -> str:
    """A one-line field's value, unwrapped; a key in it raises ``on_key``, an overlong one ``too_long``."""
    cleaned = _clean(text)
    if looks_secret(cleaned, scanner):
        raise FieldError(field, on_key)
    if len(cleaned) > MAX_FIELD_INPUT:
        raise FieldError(field, too_long)
    cleaned = _unwrap(cleaned)
    if looks_secret(cleaned, scanner):
        raise FieldError(field, on_key)
    return cleaned


_WRAPS = "\\s\"'`“”‘’「」()"
# Each alternative starts only at the start of its run, so a run of quotes is read once per pass.
_WRAPPING = regex.compile(rf"^[{_WRAPS}]++|(?<![{_WRAPS}])[{_WRAPS}]++[.。,，;:]*+$|(?<=[A-Za-z0-9])[.。,，;:]++$")


def _unwrap(text: str) -> str:
    """Without the quotes, brackets and sentence punctuation people put around a value."""
    previous = None
    while previous != text:
        try:
            previous, text = text, _WRAPPING.sub("", text, timeout=TIMEOUT)
        except TimeoutError:
            return text
    return text
