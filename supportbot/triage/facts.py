"""The ticket-safe facts a 401 paste holds: HTTP status, model, and the provider's error text.

The checklist's "File a ticket" button pre-fills the ticket form from these, so each must be a
fact the customer pasted, never their own words: the status from a status line or an SDK error,
the model from a request body or code, the error text from a provider's error body (its
``message`` field) or an error line an SDK printed. Prose ("my key does not work") gives none.
Everything passes the injected ``scrub`` and the long-token guard, so no key comes out.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from supportbot.triage.detect import Detection, detect_report
from supportbot.triage.needles import set_needles
from supportbot.triage.text import Scrub, clean_excerpt, normalize, search

MAX_ERROR_TEXT = 300
MAX_MODEL = 80

_STATUS = regex.compile(
    r"(?:\bHTTP/\d(?:\.\d)?[ \t]++|\bError code:[ \t]*+|\bstatus(?:[ _]?code)?[\"']?[ \t]*+[:=]?[ \t]*+"
    r"|\bunexpected status[ \t]++|\(HTTP/\d(?:\.\d)?[ \t]++|\bcode[\"']?[ \t]*+:[ \t]*+)"
    r"(?P<status>[1-5]\d\d)(?!\d)",
    regex.IGNORECASE,
)
set_needles(_STATUS, ("http/", "error code", "status", "code"))

_MODEL = regex.compile(
    r"(?:[\"']model[\"'][ \t]*+[:=][ \t]*+|\bmodel[ \t]*+=[ \t]*+|--model[ \t]++|\bmodel:[ \t]*+"
    r"|\bmodel[ \t]++is[ \t]++|模型(?:是|为|[:：])[ \t]*+)"
    r"[\"']?(?P<model>[A-Za-z0-9][\w.:/@+-]{0,79}+)",
    regex.IGNORECASE,
)
set_needles(_MODEL, ("model", "模型"))

# The "message" of a JSON (or Python-repr) error object, as providers send it.
_ERROR_MESSAGE = regex.compile(
    r"[\"']message[\"'][ \t]*+:[ \t]*+(?:\"(?P<dq>(?:[^\"\\\n]|\\.){1,4000}+)\"|'(?P<sq>(?:[^'\\\n]|\\.){1,4000}+)')"
)
set_needles(_ERROR_MESSAGE, ("message",))

# Lines an SDK, a CLI or a log prints when a call fails.
_ERROR_LINE = regex.compile(
    r"(?m)^[ \t>]*+(?P<line>(?:[\w.]*(?:AuthenticationError|PermissionDeniedError|APIStatusError|APIError)\b"
    r"|Error code:[ \t]*+\d{3}|HTTP/\d(?:\.\d)?[ \t]++\d{3}|\(HTTP/\d[^)\n]{0,8}\)[ \t]*+\d{3}"
    r"|unexpected status[ \t]++\d{3}|\[?错误\]?[:：])[^\n]{0,400}+)",
    regex.IGNORECASE,
)
set_needles(_ERROR_LINE, ("error", "http/", "unexpected status", "错误"))

_PLACEHOLDER_MODELS = frozenset({"model", "models", "name", "your-model", "str", "string", "none", "null"})


@dataclass(frozen=True)
class ErrorFacts:
    """What a ticket may hold from a paste; empty strings where the paste does not say."""

    status: str = ""
    model: str = ""
    error_text: str = ""


def error_facts(text: str, *, scrub: Scrub, detection: Detection | None = None) -> ErrorFacts:
    """The status, model and error text of the failed call in ``text`` (Slack escaping undone).

    ``detection`` is :func:`detect_report`'s verdict on the same text when the caller has it
    already (it costs milliseconds on a long paste); a bare "401" in it gives the status.
    """
    text = normalize(text)
    status = ""
    found = search(_STATUS, text)
    if found is not None:
        status = found.group("status")
    elif "status_401" in (detection or detect_report(text)).signals:
        status = "401"
    model = ""
    match = search(_MODEL, text)
    if match is not None:
        candidate = match.group("model").rstrip(".,;:)/")
        # Model names are long and full of digits, so the long-token guard would spoil them; a
        # value the key scanner had to touch is no model name and is dropped instead.
        if candidate.lower() not in _PLACEHOLDER_MODELS and scrub(candidate) == candidate:
            model = candidate[:MAX_MODEL]
    error_text = ""
    body = search(_ERROR_MESSAGE, text)
    if body is not None:
        raw = body.group("dq") if body.group("dq") is not None else body.group("sq")
        error_text = clean_excerpt(raw.replace('\\"', '"').replace("\\'", "'"), scrub, limit=MAX_ERROR_TEXT)
    else:
        line = search(_ERROR_LINE, text)
        if line is not None:
            error_text = clean_excerpt(line.group("line"), scrub, limit=MAX_ERROR_TEXT)
    return ErrorFacts(status=status, model=model, error_text=error_text)
