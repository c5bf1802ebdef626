"""Views of chat text with the noise around keys taken out, and the way back to original offsets.

Slack text reaches us with ``&amp; &lt; &gt;`` escaping, and people's keys arrive broken by invisible
characters (zero-width spaces and joiners, word joiners, byte-order marks, soft hyphens) or by a line
break where a terminal or an editor wrapped them. Rules run on a cleaned view; every index in a view maps
back to the original string, so a finding always covers the whole key as it was written, invisible
characters included.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence

import regex

# Zero-width space, non-joiner, joiner, word joiner, byte-order mark, soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CLEAN = regex.compile("[" + INVISIBLE + "]+|&(?:amp|lt|gt);")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# A line break with key characters on both sides: the only breaks that can sit inside a key.
_BREAK = regex.compile(r"(?<=[A-Za-z0-9_-])\r?\n(?=[A-Za-z0-9_-])")
# Searched backwards from the break: the run of key characters that ends right before it.
_RUN_BEFORE = regex.compile(r"(?r)[A-Za-z0-9_-]+")
_RUN_AFTER = regex.compile(r"[A-Za-z0-9_-]{0,400}")
_MAX_RUN = 400
_DIGIT = regex.compile(r"[0-9]")
_UPPER = regex.compile(r"[A-Z]")
_LOWER = regex.compile(r"[a-z]")
_MIN_LEFT_RUN = 6
_MIN_UPPER_RUN = 8
# No real message holds more wrapped keys than this; the cap bounds the work on hostile input.
_MAX_JOINS = 64
# A prefix may end in a character that is not a key character ('AQ.'), so look a little further back.
_LOOK_BEHIND = 4
# Backstop for the passes over whole texts; a timeout propagates, and the scanner fails closed.
PASS_TIMEOUT_SECONDS = 0.5


class View:
    """``text`` derived from a parent string by deleting or replacing some spans.

    Offsets are kept as segments: each segment of the view either copies the parent one to one or is a
    single character standing for a longer parent span (an entity). Deleted spans have no segment.
    """

    __slots__ = ("_lengths", "_parent", "_parent_starts", "_starts", "text")

    def __init__(
        self,
        text: str,
        segments: list[tuple[int, int, int]] | None = None,
        parent: View | None = None,
    ) -> None:
        self.text = text
        self._parent = parent
        # Each segment: (start in this view, start in the parent, parent length or -1 for a copy).
        if segments:
            self._starts = [item[0] for item in segments]
            self._parent_starts = [item[1] for item in segments]
            self._lengths = [item[2] for item in segments]
        else:
            self._starts = []
            self._parent_starts = []
            self._lengths = []

    def seams(self) -> list[int]:
        """Positions in ``text`` where the parent was cut and spliced (every segment start but the first)."""
        return self._starts[1:]

    @property
    def is_identity(self) -> bool:
        return not self._starts and self._parent is None

    def _local_start(self, index: int) -> int:
        if not self._starts:
            return index
        k = bisect_right(self._starts, index) - 1
        if k < 0:
            return index
        if self._lengths[k] < 0:
            return self._parent_starts[k] + index - self._starts[k]
        return self._parent_starts[k]

    def _local_end(self, index: int) -> int:
        if not self._starts or index <= 0:
            return index
        k = bisect_right(self._starts, index - 1) - 1
        if k < 0:
            return index
        if self._lengths[k] < 0:
            return self._parent_starts[k] + index - self._starts[k]
        return self._parent_starts[k] + self._lengths[k]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of this view to the span it came from in the original text."""
        if end <= start:
            point = self._local_start(start)
            parent_span = (point, point)
        else:
            parent_span = (self._local_start(start), self._local_end(end))
        if self._parent is None:
            return parent_span
        return self._parent.to_original(*parent_span)


def _build(parent_text: str, edits: Iterable[tuple[int, int, str]], parent: View | None) -> View:
    """Apply sorted, non-overlapping edits ``(start, end, replacement)``; replacement is '' or one char."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    position = 0
    length = 0
    for start, end, replacement in edits:
        if start > position:
            segments.append((length, position, -1))
            pieces.append(parent_text[position:start])
            length += start - position
        if replacement:
            segments.append((length, start, end - start))
            pieces.append(replacement)
            length += 1
        position = end
    if position < len(parent_text):
        segments.append((length, position, -1))
        pieces.append(parent_text[position:])
    return View("".join(pieces), segments, parent)


def clean_view(text: str) -> View:
    """Drop invisible characters and decode Slack's three entities."""
    edits = [
        (match.start(), match.end(), _ENTITIES.get(match.group(), ""))
        for match in _CLEAN.finditer(text, timeout=PASS_TIMEOUT_SECONDS)
    ]
    if not edits:
        return View(text)
    return _build(text, edits, None)


def joined_view(
    view: View,
    holds_keyword: Callable[[str], bool],
    opens_key: Callable[[str], bool] | None = None,
    prefix_starts: Sequence[int] | None = None,
) -> View | None:
    """A view of ``view`` with line breaks removed where they seem to cut a key in two, or None.

    A break is removed when the run of key characters before it is long and ``holds_keyword`` (a test
    for key prefixes, given lower-cased text) says it holds a prefix, and the run after it looks random
    (a digit, or mixed case past its first letter) rather than like the next line's first word, and
    ``opens_key`` (given the run) does not say it starts a key of its own: a list of keys, one a line,
    is not one long key. ``prefix_starts``, the sorted positions of every prefix in the text, lets the
    breaks with no prefix close enough before them be skipped without a look.
    """
    text = view.text
    if "\n" not in text:
        return None
    edits: list[tuple[int, int, str]] = []
    run_start_carry: int | None = None
    breaks = (
        _BREAK.finditer(text, timeout=PASS_TIMEOUT_SECONDS)
        if prefix_starts is None
        else _breaks_after(text, prefix_starts)
    )
    for match in breaks:
        start, end = match.span()
        before = _RUN_BEFORE.search(text, max(0, start - _MAX_RUN), start)
        left_start = before.start() if before else start
        if run_start_carry is not None and edits and edits[-1][1] == left_start:
            left_start = max(run_start_carry, start - _MAX_RUN)
        left = text[left_start:start].replace("\r", "").replace("\n", "")
        after = _RUN_AFTER.match(text, end)
        right = after.group() if after else ""
        context = text[max(0, left_start - _LOOK_BEHIND) : left_start] + left
        if (
            len(left) >= _MIN_LEFT_RUN
            and holds_keyword(context.lower())
            and _looks_random(right)
            and not (opens_key is not None and opens_key(right))
        ):
            edits.append((start, end, ""))
            run_start_carry = left_start
            if len(edits) >= _MAX_JOINS:
                break
        else:
            run_start_carry = None
    if not edits:
        return None
    return _build(text, edits, view)


def _breaks_after(text: str, prefix_starts: Sequence[int]) -> Iterator[regex.Match[str]]:
    """The breaks that have a prefix close enough before them to be joined, in order.

    A break farther than the longest run (plus the look-behind) from every prefix can never be joined,
    so a long text with a few prefixes costs a few short searches instead of a look at every line end.
    """
    reach = _MAX_RUN + _LOOK_BEHIND
    last = -1
    for prefix in prefix_starts:
        low = max(prefix + 1, last + 1)
        high = prefix + reach
        if low > high:
            continue
        # Two characters past the window so a "\r\n" and the look-ahead after it are seen whole.
        for match in _BREAK.finditer(text, low, min(len(text), high + 3), timeout=PASS_TIMEOUT_SECONDS):
            if match.start() > high:
                break
            last = match.start()
            yield match


def _looks_random(run: str) -> bool:
    if not run:
        return False
    if _DIGIT.search(run):
        return True
    if len(run) >= _MIN_UPPER_RUN and run.isalnum() and run.isupper():
        return True  # AWS-style upper-case bodies
    return bool(_UPPER.search(run, 1)) and bool(_LOWER.search(run))
