"""Reading the value after ``name =`` / ``name:`` in code, config files and header lines.

The point is to learn what would actually be *sent*: the characters inside a string literal after
the language's escapes, with variables replaced by :data:`VAR`, so that a literal quote, a ``\\n``
escape or a ``"Bearer" + key`` without a space show up as they would on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

from supportbot.triage.text import search

#: Stands for "the value of some variable" inside a reconstructed header or key.
VAR = "\x00"
MAX_VALUE = 600

Kind = Literal["literal", "bare", "template", "expr", "empty"]


@dataclass(frozen=True)
class Value:
    text: str
    kind: Kind
    end: int
    #: The literal names a variable the language will not expand ("{key}" without f, "${KEY}" in
    #: plain JS quotes), so the name itself is sent.
    unexpanded: bool = False


_STRING_START = regex.compile(r"([fFrRbBuU]{0,2})(\"\"\"|'''|[\"'`])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "`": "`", "0": "\0", "$": "$"}
_HEX_ESCAPES = {"u": 4, "x": 2}
_HEX = frozenset("0123456789abcdefABCDEF")
_F_FIELD = regex.compile(r"\{\{|\}\}|\{[^{}\n]{1,120}+\}")
_TEMPLATE_FIELD = regex.compile(r"\$\{[^{}\n]{1,120}+\}")
_PLAIN_FIELD = regex.compile(r"(?<!\$)\{[A-Za-z_][\w.]{0,60}+\}|\$\{[A-Za-z_][\w.]{0,60}+\}")
_EXPR_ATOM = regex.compile(r"[A-Za-z_$][\w$]{0,80}+(?:\.[A-Za-z_$][\w$]{0,80}+){0,8}+")


def _read_string(text: str, pos: int, limit: int) -> tuple[str, int, str, str] | None:
    """Parse a string literal at ``pos``: (content with escapes applied, end, quote, prefix)."""
    match = _STRING_START.match(text, pos, min(len(text), pos + 6))
    if match is None:
        return None
    prefix, quote = match.group(1).lower(), match.group(2)
    raw = "r" in prefix
    i = match.end()
    out: list[str] = []
    multiline = len(quote) == 3 or quote == "`"
    while i < limit:
        if text.startswith(quote, i):
            return "".join(out), i + len(quote), quote, prefix
        char = text[i]
        if char == "\n" and not multiline:
            # A line break right before the closing quote is part of the value (and a classic
            # cause of 401s); any other line break means this was not a string literal.
            rest = text[i + 1 : i + 1 + 40].lstrip(" \t")
            if not rest.startswith(quote):
                return None
        if char == "\\" and not raw and i + 1 < limit:
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            width = _HEX_ESCAPES.get(nxt, 0)
            digits = text[i + 2 : i + 2 + width]
            if width and len(digits) == width and all(d in _HEX for d in digits):
                out.append(chr(int(digits, 16)))  # "\u200b", "\x0a": the character itself
                i += 2 + width
                continue
            out.append(nxt)
            i += 2
            continue
        out.append(char)
        i += 1
    return None


def _fill_fields(content: str, prefix: str, quote: str) -> tuple[str, bool]:
    """Replace interpolation fields with :data:`VAR`; report fields the language will not expand."""
    if "f" in prefix:
        return _F_FIELD.sub(lambda m: {"{{": "{", "}}": "}"}.get(m.group(0), VAR), content), False
    if quote == "`":
        return _TEMPLATE_FIELD.sub(VAR, content), False
    return content, search(_PLAIN_FIELD, content) is not None


def _skip_expression(text: str, pos: int, limit: int) -> int:
    """Skip an identifier, call or subscript chain (``os.environ["K"]``, ``process.env.K``)."""
    match = _EXPR_ATOM.match(text, pos, limit)
    if match is None:
        return pos
    i = match.end()
    depth = 0
    while i < limit:
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]":
            if depth == 0:
                break
            depth -= 1
        elif char in "\"'" and depth:
            string = _read_string(text, i, limit)
            if string is None:
                break
            i = string[1]
            continue
        elif char == "\n" or (depth == 0 and char in ",;+}") or (depth == 0 and char.isspace()):
            break
        i += 1
    return i


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def read_value(text: str, pos: int, *, bare_ok: bool) -> Value:
    """Read the value starting at ``pos`` (just after the separator and any spaces).

    ``bare_ok``: an unquoted value runs to the end of the line (``.env``, YAML, raw header lines);
    otherwise an unquoted value is code, and stands for an unknown :data:`VAR`.
    """
    limit = min(len(text), pos + MAX_VALUE)
    i = pos
    while i < limit and text[i] in " \t":
        i += 1
    if i >= limit or text[i] == "\n":
        return Value("", "empty", i)
    string = _read_string(text, i, limit)
    if string is None and bare_ok:
        end = _line_end(text, i)
        bare = text[i : min(end, limit)]
        comment = bare.find(" #")
        if comment != -1:
            bare = bare[:comment]
        return Value(bare.rstrip(" \t,;"), "bare", end)
    parts: list[str] = []
    literal_parts = 0
    unexpanded = False
    while i < limit:
        string = _read_string(text, i, limit)
        if string is not None:
            content, i, quote, prefix = string
            if text.startswith(".format(", i):
                content = _PLAIN_FIELD.sub(VAR, regex.sub(r"\{\}", VAR, content))
                i = _skip_expression(text, i + 1, limit)
            else:
                content, plain_fields = _fill_fields(content, prefix, quote)
                unexpanded = unexpanded or plain_fields
            parts.append(content)
            literal_parts += 1
        else:
            end = _skip_expression(text, i, limit)
            if end == i:
                break
            parts.append(VAR)
            i = end
        j = i
        while j < limit and text[j] in " \t":
            j += 1
        if j < limit and text[j] == "+":
            i = j + 1
            while i < limit and text[i] in " \t":
                i += 1
            continue
        break
    joined = "".join(parts)
    if not parts:
        return Value("", "empty", i)
    if literal_parts == 0:
        return Value(VAR, "expr", i)
    if literal_parts == 1 and len(parts) == 1 and VAR not in joined:
        return Value(joined, "literal", i, unexpanded)
    return Value(joined, "template", i, unexpanded)
