"""What the customer says about the 401, in their own words, English or Chinese.

"I only set OPENAI_API_KEY and didn't change base_url", "key 是用 $(cat key.txt) 读进来的，感觉把换行也带上了",
"同事昨天把幾個金鑰刪掉了": each names a cause as plainly as a pasted request would. The text read here
is already folded to Simplified (:mod:`supportbot.triage.diagnose` does it, and quotes the original).

Each :class:`Cue` is one way of saying one cause. Most describe a setup that is only a cause when
something fails ("we pass the key as ?api_key=", "a teammate deleted some keys"), so they count
in a message that reports trouble or states how things are set up, but not in one that says it
works now; a few describe the failure itself ("the proxy drops the Authorization header", "typed
by hand it works") and count even then. A question that reports no trouble ("how do I set
base_url?") names nothing. Every pattern is linear: no nested quantifiers, bounded gaps, run under a timeout.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from supportbot.triage.text import search
from supportbot.triage.word_cues import CUES, QUESTION, RESOLVED, TROUBLE, Cue, rx

__all__ = ["CUES", "TROUBLE", "Cue", "Said", "read_words"]


@dataclass(frozen=True)
class Said:
    """One cue found: the reason it points at and where in the (folded) text it was said."""

    reason: str
    start: int


#: People write a few lines around what they paste, before it or after it; a 40,000-character log in
#: between holds no words of theirs, so only the head and the tail of a message are read.
HEAD = 6_000
TAIL = 2_000


def _search(pattern: regex.Pattern[str], text: str) -> regex.Match[str] | None:
    if len(text) <= HEAD + TAIL:
        return search(pattern, text)
    return search(pattern, text, 0, HEAD) or search(pattern, text, len(text) - TAIL)


_TERMINATORS = ".!?。！？\n"
#: Trouble no question can hide: "个 key 过期了，所以 401？" reports a 401 in the form of a question.
_STRONG = rx(
    r"\b401s?\b|unauthori[sz]ed|AuthenticationError|invalid[ _-]?api[ _-]?key|incorrect[ _]api[ _]key|"
    r"认证失败|鉴权失败|验证失败|无效的令牌|令牌无效|未授权",
    (
        "401",
        "unauthori",
        "authenticationerror",
        "invalid",
        "incorrect",
        "认证失败",
        "鉴权失败",
        "验证失败",
        "无效的令牌",
        "令牌无效",
        "未授权",
    ),
)


def _asked(text: str, start: int, end: int, reported: bool) -> bool:
    """Whether the sentence around ``start:end`` is a question, with no trouble reported outside it."""
    stop = end
    while stop < min(len(text), end + 300):
        char = text[stop]
        if char in _TERMINATORS and not (char in ".?" and text[stop + 1 : stop + 2].strip() not in ("", '"', "'")):
            break
        stop += 1
    if text[stop : stop + 1] not in ("?", "？") or reported or _search(_STRONG, text) is not None:
        return False
    begin = start
    while begin > max(0, start - 300) and text[begin - 1] not in _TERMINATORS:
        begin -= 1
    return _search(TROUBLE, text[:begin] + " " + text[stop + 1 :]) is None


#: Written Cantonese (Hong Kong) function words, one character for one, so the Mandarin cues read them.
_CANTONESE = str.maketrans(
    {"冇": "没", "咗": "了", "喺": "在", "嘅": "的", "哋": "们", "唔": "不", "嚟": "来", "佢": "他", "啲": "些"}
)


def read_words(text: str, *, reported: bool = False) -> list[Said]:
    """Causes the customer's own words name in ``text`` (already folded to Simplified).

    ``reported``: the paste already shows an authentication error, so the message reports trouble
    whatever its words say.
    """
    text = text.translate(_CANTONESE)  # same length: positions still point at the original
    trouble = reported or _search(TROUBLE, text) is not None
    if not trouble and _search(QUESTION, text) is not None:
        return []  # a question about how things work reports nothing
    # A plain statement about one's setup in a support thread is a report ("we pass it as ?api_key="),
    # unless it says things work now.
    settled = not trouble and _search(RESOLVED, text) is not None
    found: list[Said] = []
    for cue in CUES:
        if cue.setup and settled:
            continue
        if any(_search(pattern, text) is None for pattern in cue.also):
            continue
        if cue.unless is not None and search(cue.unless, text) is not None:
            continue
        match = _search(cue.pattern, text)
        if match is not None and not _asked(text, match.start(), match.end(), reported):
            found.append(Said(cue.reason, match.start()))
    return found
