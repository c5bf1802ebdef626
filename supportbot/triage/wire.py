"""What is wrong with a key or an ``Authorization`` value as it would go on the wire."""

from __future__ import annotations

import regex

from supportbot.triage.text import INVISIBLE, SMART_QUOTES, search
from supportbot.triage.values import VAR

_KEYLIKE = regex.compile(
    r"(?:sk-|sk_|gsk_|xai-|AIza|hf_|r8_|pplx-|tgp_v1_)[\w\-.]{6,}+|[A-Za-z0-9_\-.]{20,}+|\x00"
    # a key the scanner (or the customer) already masked: "sk-…a1B2", "sk-proj-…Zq9x"
    r"|[A-Za-z0-9_\-]{2,24}…[A-Za-z0-9_\-]{2,8}"
)
#: Customers often hide their own key before pasting ("sk-xxxx", "sk-***abcd"); such a value says
#: nothing about the key they really send.
_REDACTED = regex.compile(r"[*…•█]|[xX]{4,}|\.\.\.")
_PLACEHOLDER = regex.compile(
    r"(?i)(?:<[^<>]{1,60}>|\[[^\[\]]{1,60}\]|\{\{[^{}]{1,60}\}\}|"
    r"(?:my|your)[-_ ]?(?:openai[-_ ]?|deepseek[-_ ]?|api[-_ "
    r"]?|secret[-_ ]?|own[-_ ]?)*(?:key|token)(?:[-_ ]?here)?|"
    r"(?:add|insert|put|replace|enter|paste)[-_ ]?(?:your|the|api|with)[-_\w ]{0,40}|sk-your[-_\w]{0,40}|"
    r"[\w-]{0,30}_here|changeme|placeholder)"
)
_VARIABLE = regex.compile(
    r"\$\{?[A-Za-z_][A-Za-z0-9_]{0,60}\}?|%[A-Za-z_][A-Za-z0-9_]{0,60}%|\{[A-Za-z_][\w.]{0,60}\}|"
    r"\b(?:process\.env|os\.environ|os\.getenv)\b|\A[A-Z][A-Z0-9_]{0,30}_(?:API_KEY|KEY|TOKEN)\Z"
)
_UNSET = frozenset({"undefined", "null", "none", "nil", "(null)", "[object object]", "nan", "<nil>"})
_ASCII_QUOTES = "\"'`"
_OTHER_SCHEMES = frozenset({"token", "apikey", "api-key", "key", "bearer:", "jwt"})


def keylike(token: str) -> bool:
    return _KEYLIKE.fullmatch(token) is not None


def redacted(value: str) -> bool:
    return search(_REDACTED, value) is not None


def key_problems(key: str, *, expands: bool = True) -> list[str]:
    """Reasons why ``key`` (as sent; :data:`VAR` where a variable goes) would be refused.

    ``expands``: False where the surrounding syntax sends ``$NAME`` or ``{name}`` literally.
    """
    reasons: list[str] = []
    if any(char in INVISIBLE for char in key):
        reasons.append("invisible_char")
    if any(char in SMART_QUOTES for char in key):
        reasons.append("smart_quotes")
    stripped = key.strip(" \t\n\r")
    if "\n" in key or "\r" in key:
        reasons.append("newline_in_key")
    elif stripped != key and (keylike(stripped.strip(_ASCII_QUOTES)) or VAR in stripped):
        reasons.append("space_in_key")
    core = stripped.strip(_ASCII_QUOTES + SMART_QUOTES)
    if (
        core != stripped
        and any(char in _ASCII_QUOTES for char in stripped)
        and (keylike(core) or VAR in core or redacted(core))
    ):
        reasons.append("quoted_key")
    pieces = core.split()
    if (
        len(pieces) > 1
        and not core.lower().startswith("bearer")
        and all(len(piece) >= 6 for piece in pieces)
        and keylike(max(pieces, key=len))
    ):
        reasons.append("space_in_key")
    lowered = core.lower()
    if not core:
        if not any(char in _ASCII_QUOTES for char in stripped) or stripped in {'""', "''"}:
            reasons.append("empty_key")
    elif VAR in core:
        pass
    elif lowered in _UNSET:
        reasons.append("unset_key")
    elif lowered.startswith("bearer ") or lowered == "bearer":
        reasons.append("bearer_twice")
    elif "://" in core or lowered.startswith("www."):
        reasons.append("url_as_key")
    elif not expands and search(_VARIABLE, core) is not None:
        reasons.append("unexpanded_variable")
    elif not redacted(core) and _PLACEHOLDER.fullmatch(core) is not None:
        reasons.append("placeholder_key")
    elif core[-1] in "}),;" and keylike(core[:-1]):
        reasons.append("stray_char")
    return list(dict.fromkeys(reasons))


def authorization_problems(value: str, *, expands: bool = True) -> list[str]:
    """Reasons why an ``Authorization`` header value would be refused by an OpenAI-style API."""
    text = value.lstrip(" \t")
    if text == VAR:
        return []  # a variable that may well hold "Bearer …"
    if not text.strip():
        return ["empty_key"]
    if text[:6].lower() == "bearer":
        after = text[6:]
        if not after.strip(" \t\n\r"):
            return ["empty_key"]
        if after[0] not in " \t":
            return ["no_bearer_scheme"]
        reasons: list[str] = []
        key = after[1:]
        if key[:1] in " \t":
            reasons.append("double_space")
            key = key.lstrip(" \t")
        if key[:6].lower() == "bearer":
            return [*reasons, "bearer_twice"]
        return list(dict.fromkeys(reasons + key_problems(key, expands=expands)))
    first = text.split(None, 1)[0]
    if first.lower() == "basic":
        return []
    if keylike(first.strip(_ASCII_QUOTES)) and first.strip(_ASCII_QUOTES) != VAR:
        return ["no_bearer_scheme"]
    if first.lower() in _OTHER_SCHEMES:
        return ["no_bearer_scheme"]
    problems = key_problems(text, expands=expands)
    return [
        reason
        for reason in problems
        if reason
        in {
            "unset_key",
            "empty_key",
            "unexpanded_variable",
            "placeholder_key",
            "smart_quotes",
            "invisible_char",
        }
    ]
