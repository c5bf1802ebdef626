"""Remove credential header values from text that will be stored or shown.

Covers the places people paste headers: raw HTTP, ``curl -H``, JSON and YAML bodies, ``.env`` lines and
Python/JS dict literals. The header name, the separator, the quotes and the auth scheme stay, so the text
still shows *which* header was sent; only the value becomes ``[removed]``. A value that is code (an
unquoted identifier after a quoted name, as in ``{"x-api-key": api_key}``) is left alone: it is a
variable, not a secret.
"""

from __future__ import annotations

import regex

REMOVED = "[removed]"

_HEADER = regex.compile(
    r"""
    (?<![A-Za-z0-9_-])
    (?P<oq>["'`]?)
    (?P<name>proxy-authorization|authorization|[a-z0-9_-]{0,40}?api[-_]?key)
    (?P=oq)
    (?P<sep>\s*(?:=>|:=|[:=：])[ \t]*)
    (?:
        (?P<vq_prefix>[fFrRbB]?)(?P<vq>["'`])
        (?:(?P<qscheme>bearer|basic|token|digest)\s+)?
        (?P<qvalue>[^\r\n"'`]{0,1000}?)
        (?P=vq)
      |
        (?:(?P<scheme>bearer|basic|token|digest)[ \t]+)?
        (?P<value>\[removed\]|[^\s"'`,;)}\]&|<>]{1,4000})
    )
    """,
    regex.IGNORECASE | regex.VERBOSE,
)


def _replace(match: regex.Match[str]) -> str:
    whole = match.group()
    base = match.start()
    if match.group("vq") is not None:
        start, end = match.span("qvalue")
    else:
        if match.group("oq"):
            return whole  # quoted name, bare value: a variable or a literal like null
        start, end = match.span("value")
    if start == end or match.string[start:end] == REMOVED:
        return whole
    return whole[: start - base] + REMOVED + whole[end - base :]


def remove_header_values(text: str, timeout: float | None = None) -> str:
    """``text`` with the values of Authorization, Proxy-Authorization and *api-key headers removed."""
    if not _might_hold_header(text):
        return text
    return _HEADER.sub(_replace, text, timeout=timeout)


def _might_hold_header(text: str) -> bool:
    lowered = text.lower()
    return "authorization" in lowered or "key" in lowered
