"""Does a matched string look like a real secret, or like a placeholder, a variable or an id?

Prefix rules only ask whether the random part is random enough. Context rules (a value after
``Bearer`` or ``api_key=``) see every kind of value people write there, so they also reject
placeholders, variable references, dotted code paths, environment-variable names and the ids that
APIs hand out (``req_…``, ``chatcmpl-…``), which sit next to keys in pasted payloads.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import regex

# Words that mark a value as an example. Only words of four letters or more: a random 48-character
# key holds a given four-letter word about once in three million keys.
_PLACEHOLDER_WORDS = regex.compile(
    r"(?i:your|example|sample|placeholder|dummy|redacted|changeme|replace|insert|here_|_here|"
    r"fake|secret_key|apikey|api_key|token_|mytoken|not-?a-?real)|xxxx|XXXX"
)
_WORD_CHECK_LIMIT = 200
_SAME_RUN = regex.compile(r"(.)\1{6,}+")
_ASCENDING = "0123456789abcdefghijklmnopqrstuvwxyz"
_SEQUENCE_LENGTH = 8
# Every run of _SEQUENCE_LENGTH steps up or down (digits and letters apart): a few substring tests in C
# instead of a Python loop over each character of every candidate.
_RUNS = [
    alphabet[index : index + _SEQUENCE_LENGTH]
    for alphabet in (_ASCENDING[:10], _ASCENDING[10:])
    for index in range(len(alphabet) - _SEQUENCE_LENGTH + 1)
]
_SEQUENCES = tuple(_RUNS + [run[::-1] for run in _RUNS])
# Ids that appear beside keys in API payloads and consoles but grant nothing.
_ID_PREFIXES = (
    "req_",
    "req-",
    "msg_",
    "chatcmpl-",
    "cmpl-",
    "key_",
    "org-",
    "org_",
    "proj_",
    "user-",
    "user_",
    "resp_",
    "run_",
    "thread_",
    "asst_",
    "file-",
    "file_",
    "batch_",
    "call_",
    "toolu_",
    "ft-",
    "ftjob-",
    "cus_",
    "sub_",
    "pi_",
    "ch_",
    "in_",
    "evt_",
    "acct_",
)
_DOTTED_PATH = regex.compile(r"^(?:[A-Za-z_$][A-Za-z_$]*+\.)++[A-Za-z_$][A-Za-z0-9_$]*+$")
_ENV_NAME = regex.compile(r"^[A-Z][A-Z0-9]*+(?:_[A-Z0-9]++)++$")
_MIN_CONTEXT_LENGTH = 16
_CONTEXT_ENTROPY = 3.0
_NO_DIGIT_LENGTH = 24
_NO_DIGIT_ENTROPY = 4.2


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text`` (0 for the empty string)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(count / total * math.log2(count / total) for count in Counter(text).values())


def has_sequence(text: str, length: int = _SEQUENCE_LENGTH) -> bool:
    """True when ``text`` holds ``length`` consecutive ascending or descending digits or letters."""
    lowered = text.lower()
    if length == _SEQUENCE_LENGTH:
        return any(run in lowered for run in _SEQUENCES)
    up = down = 1
    for previous, current in itertools.pairwise(lowered):
        step = _step(previous, current)
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        if up >= length or down >= length:
            return True
    return False


def _step(previous: str, current: str) -> int:
    a = _ASCENDING.find(previous)
    b = _ASCENDING.find(current)
    if a < 0 or b < 0 or (a < 10) != (b < 10):
        return 0
    return b - a


def looks_placeholder(secret: str, *, words: bool = True) -> bool:
    """True for example values: ``xxxxxxx…``, ``your-key``, ``12345678…``, ``aaaaaaa…``.

    ``words`` also looks for placeholder words; prefixed keys skip that test because a placeholder
    seldom has a real key's exact length while random bodies do hold such words now and then.
    """
    if words and len(secret) <= _WORD_CHECK_LIMIT:
        for match in _PLACEHOLDER_WORDS.finditer(secret):
            word = match.group()
            # People type placeholders in one case ("your", "YOUR", "Your"); random keys mix cases.
            if word.islower() or word.isupper() or word.istitle():
                return True
    return bool(_SAME_RUN.search(secret) or has_sequence(secret))


def random_enough(secret: str, minimum_entropy: float | None, *, words: bool = False) -> bool:
    """Entropy and placeholder checks shared by every rule."""
    if looks_placeholder(secret, words=words):
        return False
    return minimum_entropy is None or shannon_entropy(secret) >= minimum_entropy


def plausible_context_value(value: str, minimum_entropy: float | None) -> bool:
    """Checks for an unprefixed value found by its context (``Bearer …``, ``api_key=…``)."""
    if len(value) < _MIN_CONTEXT_LENGTH:
        return False
    lowered = value.lower()
    if lowered.startswith(_ID_PREFIXES):
        return False
    if ".." in value or "…" in value:  # a masked or elided value
        return False
    if _DOTTED_PATH.match(value) or _ENV_NAME.match(value):
        return False
    if not any(char.isalpha() for char in value):
        return False
    entropy = max(minimum_entropy or 0.0, _CONTEXT_ENTROPY)
    if not any(char.isdigit() for char in value):
        # Random keys almost always hold a digit; without one, only long mixed-case noise passes, so
        # camelCase names and prose do not.
        mixed = any(char.isupper() for char in value) and any(char.islower() for char in value)
        if len(value) < _NO_DIGIT_LENGTH or not mixed:
            return False
        entropy = max(entropy, _NO_DIGIT_ENTROPY)
    return random_enough(value, entropy, words=True)
