"""Which language to answer in: Chinese or English."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "zh"]


def as_language(value: object) -> Language:
    """A stored or received language code as a supported language: ``"zh"`` stays, anything else is English."""
    return "zh" if value == "zh" else "en"


def _is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def detect_language(text: str, default: Language = "en") -> Language:
    """'zh' when Chinese characters make up a real share of the letters, else 'en'.

    Customers mix code and English error texts into Chinese questions, so a few Han characters
    among much Latin text still count as Chinese: English speakers almost never type Han characters,
    while Chinese speakers paste English errors with a few words of their own around them.
    """
    han = latin = 0
    for char in text[:4000]:
        if _is_han(char):
            han += 1
        elif char.isascii() and char.isalpha():
            latin += 1
    if han == 0 and latin == 0:
        return default
    if han >= 2 or (han > 0 and han * 4 >= latin):
        return "zh"
    return "en" if latin else default


def language_from_locale(locale: str | None, default: Language = "en") -> Language:
    """Map a Slack user locale (``zh-CN``, ``en-US``…) to a supported language."""
    if not locale:
        return default
    return "zh" if locale.lower().startswith("zh") else "en"
