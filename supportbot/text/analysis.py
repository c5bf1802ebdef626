"""Turning support questions into terms, for knowledge search (BM25) and FAQ-gap grouping.

One analyzer serves English, Chinese and the mix customers actually type ("调用 chat/completions 报 401"):

- Text is cut to a bounded length, Slack's HTML escapes are undone, it is NFKC-normalised (full-width
  "４０１" becomes "401"), written in Simplified characters (:mod:`supportbot.text.traditional`: 認證 and 认证
  are one term, so Traditional questions reach the entries and join their Simplified paraphrases in a
  gap) and case-folded; invisible format characters are dropped.
- Latin-script words are split on anything that is not a letter or digit, stop words are dropped, and
  English words are stemmed with the Snowball stemmer (a small, well-kept, pure-Python library).
- Chinese runs are split at function words (怎么, 的, 吗 …) and turned into character bigrams. Bigrams
  need no dictionary, so product words (密钥, 令牌, 中转) and typos still match, and the knowledge base is
  small enough that a bigram index costs nothing. Bigrams that straddle two words are simply never
  seen in any entry, so they do not pull in wrong answers; single characters are dropped because they
  match almost everything. A segmenter was weighed and left out: jieba's last release is from 2020
  and it loads a large general dictionary at start-up; rjieba is maintained but native, and a general
  dictionary still cuts product words its own way. The synonym map below supplies the word-level
  knowledge that matters here.
- The domain synonym map (``knowledge/synonyms.yaml``) adds one concept term (``@key``, ``@base_url`` …)
  for every form it finds, in either language. Concepts are what lets a Chinese question reach an
  entry through shared technical terms, and what lets two gap reports in different languages meet.
"""

from __future__ import annotations

import html
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import regex
import snowballstemmer
import yaml

from supportbot.infra.errors import SupportbotError
from supportbot.infra.paths import knowledge_dir
from supportbot.text.traditional import fold

#: Only the start of a message is analysed: questions are short, and a pasted 40,000-character log
#: must not make one search or one gap signature slow.
MAX_ANALYSED_CHARS = 4000

CONCEPT_PREFIX = "@"
#: The share of a matched span's weight that goes to its concept term (the rest to its words).
CONCEPT_SHARE = 0.5
SYNONYMS_FILE = "synonyms.yaml"

_LATIN_WORD = regex.compile(r"[\p{L}\p{N}--\p{Han}]+", regex.VERSION1)
_HAN_RUN = regex.compile(r"\p{Han}+")
_IS_HAN = regex.compile(r"\p{Han}")
_MAX_WORD_CHARS = 40

_ENGLISH_STOP_TEXT = """
    a about above after again against all am an and any anyone anything are as at be because been before
    being below between both but by can cannot could did do does doing down during each few for from
    further get gets getting got had has have having he her here hers herself him himself his how i if
    in into is it its itself just let me more most my myself no nor not now of off on once only or other
    ought our ours ourselves out over own same she should so some someone something such than that the
    their theirs them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself yourselves
    hi hello hey thanks thank thx please pls plz guys team ok okay yes yeah hmm anybody somebody still
    keep keeps kept always again also really actually just already one ve ll re d s t m return returns
    returned say says said show shows showed tell tells told give gives gave per every each many much
    lot lots wrong think guess maybe seems want wanted need needs like know tried try trying way didn
    doesn isn wasn weren don won can couldn shouldn wouldn aren haven hasn hadn mustn
"""
_ENGLISH_STOP_WORDS = frozenset(_ENGLISH_STOP_TEXT.split())

# Function words and chat filler that carry no topic. Han runs are split at these before bigrams are
# taken, so "密钥的权限" yields 密钥 and 权限, not the junk bigrams 钥的 and 的权.
_CHINESE_STOP_TEXT = """
    怎么回事 为什么 怎么办 怎么样 是不是 能不能 可不可以 有没有 什么 怎么 如何 怎样 请问
    你好 您好 谢谢 感谢 麻烦 一下 可以 这个 那个 这样 那样 我们 你们 他们 一直 总是
    老是 还是 就是 但是 然后 现在 已经 应该 需要 的话 时候 接入 对接 使用 看到 看看
    知道 觉得 感觉 好像 想要 想问 请教 咨询 一般 具体 直接 多少 每个 一些 哪些 有点
    大家 各位 老师 哪里 哪儿 哪个 一个 之后 之前 是否 如果 所以 因为 只是 还有 吗 呢
    吧 啊 呀 嘛 哦 哈 的 了 着 过 地 得 我 你 您 他 她 它 是 在 有 和 与 或
    及 把 被 给 让 又 很 也 都 就 还 要 会 该 能 这 那 个 么 啥
"""
_CHINESE_STOP_PHRASES = tuple(_CHINESE_STOP_TEXT.split())

_STEMMER = snowballstemmer.stemmer("english")


class SynonymsError(SupportbotError, ValueError):
    """The synonym file is malformed; the message names the file and the concept."""


@dataclass(frozen=True)
class Synonyms:
    """Concept name -> the surface forms that mean it (English, Chinese, code identifiers)."""

    forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Synonyms:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise SynonymsError(f"{path}: is not UTF-8 text") from None
        except yaml.YAMLError:
            raise SynonymsError(f"{path}: is not valid YAML") from None
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise SynonymsError(f"{path}: must map concept names to lists of forms")
        forms: dict[str, tuple[str, ...]] = {}
        for concept, values in data.items():
            if not isinstance(concept, str) or not regex.fullmatch(r"[a-z][a-z0-9_]{0,39}", concept):
                raise SynonymsError(f"{path}: concept {concept!r}: use lowercase letters, digits and '_'")
            if not isinstance(values, list) or not values:
                raise SynonymsError(f"{path}: concept '{concept}': must be a non-empty list of forms")
            cleaned: list[str] = []
            for value in values:
                if not isinstance(value, str | int) or not str(value).strip():
                    raise SynonymsError(f"{path}: concept '{concept}': every form must be non-empty text")
                cleaned.append(str(value).strip())
            forms[concept] = tuple(cleaned)
        return cls(forms)

    def merged(self, other: Synonyms) -> Synonyms:
        """These concepts plus ``other``'s (forms of a shared concept are added together)."""
        combined: dict[str, tuple[str, ...]] = dict(self.forms)
        for concept, values in other.forms.items():
            combined[concept] = tuple(dict.fromkeys((*combined.get(concept, ()), *values)))
        return Synonyms(combined)


@dataclass(frozen=True)
class Analysis:
    """What one text contains, before it is weighted for a particular use."""

    concepts: tuple[str, ...]
    """Concept terms (``@key``) in order of appearance, repeats kept."""
    words: tuple[str, ...]
    """Stemmed Latin-script words and numbers, all of them."""
    bigrams: tuple[str, ...]
    """Chinese character bigrams, all of them."""
    residual_words: tuple[str, ...]
    """Words outside the spans a concept matched (gap grouping uses these, so "api key" counts once)."""
    residual_bigrams: tuple[str, ...]
    """Bigrams outside concept spans."""


def normalise(text: str, limit: int = MAX_ANALYSED_CHARS) -> str:
    """Bounded, unescaped, NFKC-normalised, case-folded, Simplified text without invisible format characters."""
    text = text[:limit]
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return fold(text).casefold()


def is_concept(term: str) -> bool:
    return term.startswith(CONCEPT_PREFIX)


def is_han(term: str) -> bool:
    return bool(term) and _IS_HAN.match(term) is not None


class Analyzer:
    """Splits text into terms using a synonym map. Build one per knowledge base and reuse it."""

    def __init__(self, synonyms: Synonyms | None = None) -> None:
        self.synonyms = synonyms or Synonyms()
        # Latin forms are matched on word sequences, Han forms on substrings of Han runs, and the few
        # forms that mix both scripts ("key值", "api地址") with one literal alternation.
        self._latin: dict[tuple[str, ...], str] = {}
        self._han: dict[str, str] = {}
        mixed: dict[str, str] = {}
        for concept, forms in self.synonyms.forms.items():
            for form in forms:
                clean = normalise(form)
                has_han = _IS_HAN.search(clean) is not None
                words = tuple(_LATIN_WORD.findall(clean))
                if has_han and words:
                    mixed.setdefault(clean, concept)
                elif has_han:
                    self._han.setdefault(clean, concept)
                elif words:
                    self._latin.setdefault(words, concept)
                    if len(words) > 1:
                        # "base url" also matches "baseurl" (and baseURL, once case-folded).
                        self._latin.setdefault(("".join(words),), concept)
        # For each word that starts a form, the most words a form starting with it has.
        self._latin_starts: dict[str, int] = {}
        for words in self._latin:
            self._latin_starts[words[0]] = max(self._latin_starts.get(words[0], 0), len(words))
        self._han_longest = max((len(form) for form in self._han), default=0)
        self._mixed = (
            regex.compile("|".join(regex.escape(form) for form in sorted(mixed, key=len, reverse=True)))
            if mixed
            else None
        )
        self._mixed_concepts = mixed
        self._stop_split = regex.compile(
            "|".join(regex.escape(phrase) for phrase in sorted(_CHINESE_STOP_PHRASES, key=len, reverse=True))
        )

    def analyse(self, text: str, *, limit: int = MAX_ANALYSED_CHARS) -> Analysis:
        clean, spans = self._concept_spans(text, limit)
        residual = _blank(clean, [(start, end) for start, end, _ in spans]) if spans else clean
        return Analysis(
            concepts=tuple(CONCEPT_PREFIX + concept for _, _, concept in spans),
            words=tuple(word for _, word in _words(clean)),
            bigrams=tuple(bigram for _, bigram in self._bigrams(clean)),
            residual_words=tuple(word for _, word in _words(residual)),
            residual_bigrams=tuple(bigram for _, bigram in self._bigrams(residual)),
        )

    def search_terms(self, text: str, *, limit: int = MAX_ANALYSED_CHARS) -> list[str]:
        """Every term of ``text`` for a BM25 index: concepts, words and bigrams, repeats kept."""
        analysis = self.analyse(text, limit=limit)
        return [*analysis.concepts, *analysis.words, *analysis.bigrams]

    def query_units(self, text: str, *, limit: int = MAX_ANALYSED_CHARS) -> list[dict[str, float]]:
        """The question's units of meaning, each a small set of weighted terms.

        A plain word or bigram is a unit of its own, weight 1. A span that a concept matched is one
        unit holding the concept (weight ``CONCEPT_SHARE``) and the words or bigrams inside the span,
        which share ``1 - CONCEPT_SHARE``. So a two-word name such as "api key" or "chat/completions"
        counts as one unit, not two or three, and search can count how many distinct units an entry
        matches (one coincidental word is not an answer).
        """
        clean, spans = self._concept_spans(text, limit)
        starts = [start for start, _, _ in spans]
        inside: list[list[str]] = [[] for _ in spans]
        units: list[dict[str, float]] = []
        seen: set[str] = set()
        for position, term in [*_words(clean), *self._bigrams(clean)]:
            slot = bisect_right(starts, position) - 1
            if slot >= 0 and position < spans[slot][1]:
                inside[slot].append(term)
            elif term not in seen:
                seen.add(term)
                units.append({term: 1.0})
        for (_, _, concept), terms in zip(spans, inside, strict=True):
            unit = {CONCEPT_PREFIX + concept: CONCEPT_SHARE if terms else 1.0}
            for term in terms:
                unit[term] = unit.get(term, 0.0) + (1.0 - CONCEPT_SHARE) / len(terms)
            units.append(unit)
        return units

    def query_terms(self, text: str, *, limit: int = MAX_ANALYSED_CHARS) -> dict[str, float]:
        """Distinct terms of a question with their weights (see :meth:`query_units`)."""
        weights: dict[str, float] = {}
        for unit in self.query_units(text, limit=limit):
            for term, weight in unit.items():
                weights[term] = max(weights.get(term, 0.0), weight)
        return weights

    def _concept_spans(self, text: str, limit: int) -> tuple[str, list[tuple[int, int, str]]]:
        clean = normalise(text, limit)
        found: list[tuple[int, int, str]] = []
        if self._mixed is not None:
            for match in self._mixed.finditer(clean):
                found.append((match.start(), match.end(), self._mixed_concepts[match.group()]))
        scan = _blank(clean, [(start, end) for start, end, _ in found]) if found else clean
        found.extend(self._latin_concepts(scan))
        found.extend(self._han_concepts(scan))
        found.sort()
        return clean, found

    def _latin_concepts(self, text: str) -> Iterable[tuple[int, int, str]]:
        if not self._latin:
            return
        tokens = [(m.start(), m.end(), m.group()) for m in _LATIN_WORD.finditer(text)]
        position = 0
        while position < len(tokens):
            word = tokens[position][2]
            longest = max(self._latin_starts.get(word, 0), self._latin_starts.get(_singular(word), 0))
            size = min(longest, len(tokens) - position)
            while size > 0:
                window = tokens[position : position + size]
                words = [token for _, _, token in window]
                concept = self._latin.get(tuple(words))
                if concept is None:
                    concept = self._latin.get((*words[:-1], _singular(words[-1])))
                if concept is not None and _adjacent(text, window):
                    yield window[0][0], window[-1][1], concept
                    break
                size -= 1
            position += max(size, 1)

    def _han_concepts(self, text: str) -> Iterable[tuple[int, int, str]]:
        if not self._han:
            return
        for run in _HAN_RUN.finditer(text):
            chars = run.group()
            position = 0
            while position < len(chars):
                for size in range(min(self._han_longest, len(chars) - position), 0, -1):
                    concept = self._han.get(chars[position : position + size])
                    if concept is not None:
                        yield run.start() + position, run.start() + position + size, concept
                        position += size
                        break
                else:
                    position += 1

    def _bigrams(self, text: str) -> Iterable[tuple[int, str]]:
        for run in _HAN_RUN.finditer(text):
            offset = run.start()
            for segment in self._stop_split.splititer(run.group()):
                # splititer gives no offsets; find the segment from where the last one ended.
                offset = text.find(segment, offset) if segment else offset
                for start in range(len(segment) - 1):
                    yield offset + start, segment[start : start + 2]
                offset += len(segment)


_JOINERS = frozenset(" \t_-/.:'\u2019")


def _adjacent(text: str, window: list[tuple[int, int, str]]) -> bool:
    """Words of one form may be separated only by a few spaces or joining punctuation."""
    for (_, end, _), (start, _, _) in pairwise(window):
        gap = text[end:start]
        if len(gap) > 3 or any(char not in _JOINERS for char in gap):
            return False
    return True


def _singular(word: str) -> str:
    if word.endswith("es") and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and len(word) > 3:
        return word[:-1]
    return word


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            chars[index] = " "
    return "".join(chars)


def _words(text: str) -> Iterable[tuple[int, str]]:
    for match in _LATIN_WORD.finditer(text):
        word = match.group()
        if len(word) > _MAX_WORD_CHARS or word in _ENGLISH_STOP_WORDS:
            continue
        if word.isdigit():
            yield match.start(), word
        elif len(word) > 1:
            yield match.start(), _stem(word)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # The Snowball stemmer is pure Python; a support vocabulary is small, so caching makes it free.
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=1)
def shipped_synonyms() -> Synonyms:
    """The synonym map shipped with supportbot (read once, on first use)."""
    path = knowledge_dir() / SYNONYMS_FILE
    return Synonyms.load(path) if path.is_file() else Synonyms()


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    """An analyzer over the shipped synonym map, for callers that have no knowledge base at hand."""
    return Analyzer(shipped_synonyms())
