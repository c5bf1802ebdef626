"""Synthetic API keys for demos in the console: random bodies in the public shapes, made at run time.

A script or a console line can say ``{fake-key:openai}``; it is replaced by a fresh random key of
that shape, so demo files never hold anything key-shaped. None of these keys was ever issued.
"""

from __future__ import annotations

import random
import string

import regex

_ALNUM = string.ascii_letters + string.digits
_URLSAFE = _ALNUM + "_-"
_HEX = "0123456789abcdef"
_MARKER = "T3Blbk" + "FJ"


def _body(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


_SHAPES = {
    "openai": lambda rng: "sk-proj-" + _body(rng, _URLSAFE, 74) + _MARKER + _body(rng, _URLSAFE, 74),
    "anthropic": lambda rng: "sk-ant-api03-" + _body(rng, _URLSAFE, 93) + "AA",
    "deepseek": lambda rng: "sk-" + _body(rng, _HEX, 32),
    "gateway": lambda rng: "sk-" + _body(rng, _ALNUM, 48),
    "openrouter": lambda rng: "sk-or-v1-" + _body(rng, _HEX, 64),
    "groq": lambda rng: "gsk_" + _body(rng, _ALNUM, 52),
    "github": lambda rng: "ghp_" + _body(rng, _ALNUM, 36),
    "google": lambda rng: "AIzaSy" + _body(rng, _URLSAFE, 33),
}
PROVIDERS = tuple(_SHAPES)
_PLACEHOLDER = regex.compile(r"\{fake-key:([a-z]+)\}")


def fake_key(provider: str, rng: random.Random | None = None) -> str:
    if provider not in _SHAPES:
        raise ValueError(f"no synthetic key shape for {provider!r}; choose from {', '.join(PROVIDERS)}")
    return _SHAPES[provider](rng or random.SystemRandom())


def expand(line: str, rng: random.Random | None = None) -> str:
    """Replace every ``{fake-key:PROVIDER}`` in ``line`` with a fresh synthetic key."""
    return _PLACEHOLDER.sub(lambda match: fake_key(match.group(1), rng), line)
