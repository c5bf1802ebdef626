"""Rules for a ticket's fields, one function per field (pure).

Each parser returns the value to store, or raises :class:`FieldError` with a code that a template
turns into words. No error ever repeats what was typed: the text may hold a key.

* status: an HTTP status code (100–599), found in what was typed ("401", "HTTP/1.1 401 Unauthorized").
* model: a short model name ("gpt-4o-mini", "claude-3-5-sonnet@20240620", "Qwen/Qwen2.5-72B").
* masked key id: the key's public prefix and at most its last four characters, stored as ``sk-…x9Qa``.
  A full key is refused (``full_key``) and never kept; anything else that is not a masked form is
  refused too (``not_masked``), and extra characters between prefix and mask are dropped (a vendor
  echo such as ``sk-VKMIs****wjh3`` becomes ``sk-…wjh3``).
* error text and close reason: keys masked and credential headers removed by the scanner, e-mail
  addresses removed, then shortened.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from supportbot.keys import Rule, Scanner
from supportbot.keys.masking import ELLIPSIS

MAX_ERROR_TEXT = 2000
MAX_REASON = 200
MAX_MODEL = 80
MAX_STATUS_INPUT = 60
EMAIL_PLACEHOLDER = "[email]"


class FieldError(ValueError):
    """A field's value cannot be used; ``code`` names the rule it broke."""

    def __init__(self, field: str, code: str) -> None:
        self.field = field
        self.code = code
        super().__init__(f"{field}: {code}")


# --- secrets ----------------------------------------------------------------------------------------

_SECRETISH = re.compile(r"[A-Za-z0-9]{20,}")


def looks_secret(text: str, scanner: Scanner) -> bool:
    """A key the scanner knows, or a long random-looking run of letters and digits it does not."""
    if scanner.has_key(text):
        return True
    for run in _SECRETISH.findall(text):
        kinds = sum((any(c.islower() for c in run), any(c.isupper() for c in run), any(c.isdigit() for c in run)))
        if kinds == 3 or (kinds == 2 and len(run) >= 32 and any(c.isdigit() for c in run)):
            return True
    return False


_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def scrub_text(text: str, scanner: Scanner, *, limit: int, single_line: bool = False) -> str:
    """Keys masked, credential headers removed, e-mail addresses removed, at most ``limit`` characters.

    Scrubbing runs on the whole text before it is shortened, so a cut can never split a key into
    pieces the scanner would no longer recognise.
    """
    cleaned = scanner.scrub(text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned = _EMAIL.sub(EMAIL_PLACEHOLDER, cleaned)
    cleaned = _CONTROL.sub("", cleaned)
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
_STATUS = re.compile(r"(?<![A-Za-z0-9_.])(\d{3})(?![A-Za-z0-9_]|\.\d)")


def status(text: str, scanner: Scanner) -> int | None:
    """The HTTP status in ``text`` ("401", "HTTP 401 Unauthorized", "状态码401"); None when blank."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    if looks_secret(cleaned, scanner):
        raise FieldError("status", "key_in_field")
    if len(cleaned) > MAX_STATUS_INPUT:
        raise FieldError("status", "bad_status")
    codes = {int(code) for code in _STATUS.findall(cleaned)}
    if len(codes) != 1:
        raise FieldError("status", "bad_status")
    (code,) = codes
    if not 100 <= code <= 599:
        raise FieldError("status", "bad_status")
    return code


# --- model ------------------------------------------------------------------------------------------

_MODEL = re.compile(r"^[^\W_](?:[\w.:/@+-]| (?! ))*$")


def model(text: str, scanner: Scanner) -> str | None:
    cleaned = _unwrap(_clean(text))
    if not cleaned:
        return None
    if looks_secret(cleaned, scanner):
        raise FieldError("model", "key_in_field")
    if (
        len(cleaned) > MAX_MODEL
        or not _MODEL.match(cleaned)
        or "://" in cleaned
        or _EMAIL.search(cleaned)
        or not any(char.isalpha() for char in cleaned)
    ):
        raise FieldError("model", "bad_model")
    return cleaned


# --- masked key id ----------------------------------------------------------------------------------

_MASKED = re.compile(r"^(?P<head>[A-Za-z0-9_.-]{0,60}?)(?P<mask>(?:…|\.{2,}|[*•·]+)+)(?P<tail>[A-Za-z0-9_-]*)$")
_BARE_TAIL = re.compile(r"^[A-Za-z0-9]{4}$")
_LOOSE_HEAD = re.compile(r"^[A-Za-z]{1,6}[-_]")
_PREFIX_KEYWORD = re.compile(r"^(?:[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*[-_.]|[a-z]{4})$")
MIN_TAIL, MAX_TAIL = 2, 4


def masked_key_id(text: str, scanner: Scanner) -> str | None:
    """The masked form to store (``prefix…tail``), None when blank; a full key raises ``full_key``."""
    cleaned = _unwrap(_clean(text))
    if not cleaned:
        return None
    if looks_secret(cleaned, scanner):
        raise FieldError("masked_key_id", "full_key")
    if _BARE_TAIL.match(cleaned):
        return ELLIPSIS + cleaned
    match = _MASKED.match(cleaned)
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


_MASKED_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9_.-])(?P<head>[A-Za-z0-9_.-]{0,60}?)(?P<mask>(?:…|\.{2,}|[*•]+)+)(?P<tail>[A-Za-z0-9_-]{2,4})"
    r"(?![A-Za-z0-9_-])"
)


def find_masked_forms(text: str, scanner: Scanner) -> list[str]:
    """Masked keys already shown in ``text`` (a vendor's echo, our own masked repost), normalised.

    A mask of dots alone counts only after a known key prefix, so "wait...what" is not a key.
    """
    found: list[str] = []
    for match in _MASKED_IN_TEXT.finditer(text):
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


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


_WRAPPING = re.compile(r"^[\s\"'`“”‘’「」()]+|[\s\"'`“”‘’「」()]+[.。,，;:]*$|(?<=[A-Za-z0-9])[.。,，;:]+$")


def _unwrap(text: str) -> str:
    """Without the quotes, brackets and sentence punctuation people put around a value."""
    previous = None
    while previous != text:
        previous, text = text, _WRAPPING.sub("", text)
    return text
