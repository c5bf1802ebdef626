"""Traditional Chinese folded to Simplified, so one set of words and entries serves both scripts.

Customers in Taiwan and Hong Kong write 認證失敗, 金鑰, 伺服器 where the knowledge base, the 401 cues and
the time parser know 认证失败, 密钥, 服务器. Folding happens only on the way in (search terms, gap
signatures, 401 cues, times): what the customer wrote is what gets quoted back, and replies are in
Chinese either way.

OpenCC's ``tw2sp`` (Taiwan Traditional to Simplified, with vocabulary) through ``opencc-purepy``, a
pure-Python port with OpenCC's own dictionaries: no native build, and its dictionaries load in about
0.1 s on first use. Text without a single Traditional character passes through unchanged, so a
Simplified message never pays for the conversion (and a Taiwan word written in characters common to
both scripts, such as 程式, stays as it is).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from opencc_purepy import OpenCC

_HAN_RUN = regex.compile(r"\p{Han}++")
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    from opencc_purepy import OpenCC  # noqa: PLC0415 - loaded on first use: `supportbot scan` never needs it

    with _LOCK:
        converter = OpenCC("tw2sp")
        converter.tw2sp("預熱")  # builds the phrase tables once, before any other thread asks
    return converter


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """Characters written differently in Simplified: text without any of them needs no folding.

    Converting costs about 1 ms per 1,000 Han characters; checking for these costs next to nothing,
    and most Chinese text customers paste is Simplified already.
    """
    characters, _ = _converter().dictionary.ts_characters
    return frozenset(key for key, value in characters.items() if len(key) == 1 and value != key)


def _convert(run: str) -> str:
    try:
        return _converter().tw2sp(run)
    except Exception:  # a dictionary problem must cost the folding, never the message
        return run


def fold(text: str) -> str:
    """``text`` with Traditional characters and Taiwan vocabulary written the Simplified way."""
    if text.isascii() or _traditional().isdisjoint(text):
        return text
    return _convert(text)


@dataclass(frozen=True)
class Folded:
    """Folded text that still knows where each of its characters came from in the original."""

    text: str
    original: str
    changed: tuple[tuple[int, int, int, int], ...] = ()
    """(folded start, folded end, original start, original end) of each run that changed length."""

    def origin(self, pos: int) -> int:
        """The original index of folded index ``pos`` (a changed run maps to where it started)."""
        shift = 0
        for start, end, original_start, original_end in self.changed:
            if pos < start:
                break
            if pos < end:
                return original_start + min(pos - start, original_end - original_start - 1)
            shift = original_end - end
        return max(0, min(len(self.original), pos + shift))


def fold_mapped(text: str) -> Folded:
    """:func:`fold`, with a map back to the original so excerpts quote what the customer wrote.

    Most conversions keep the length (one character for one); only when a phrase changes length
    (記憶體 → 内存) is the text folded run by run of Han characters, so positions stay traceable.
    """
    folded = fold(text)
    if len(folded) == len(text):
        return Folded(folded, text)
    parts: list[str] = []
    changed: list[tuple[int, int, int, int]] = []
    last = 0
    length = 0
    for match in _HAN_RUN.finditer(text):
        parts.append(text[last : match.start()])
        length += match.start() - last
        run = fold(match.group())
        if len(run) != len(match.group()):
            changed.append((length, length + len(run), match.start(), match.end()))
        parts.append(run)
        length += len(run)
        last = match.end()
    parts.append(text[last:])
    return Folded("".join(parts), text, tuple(changed))
