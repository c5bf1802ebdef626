"""FAQ gaps: grouping the questions the knowledge base did not answer, and summing them up for leads.

Pure functions over plain dataclasses; the store calls them and keeps the results.

Grouping. Each :class:`GapSignal` gets a :class:`Signature`: the concept terms of the synonym map
(``@key``, ``@invoice`` …), stemmed English words and Chinese bigrams outside those concepts, numbers,
and context (``#step:…`` for a checklist that ended unresolved, ``#entry:…`` for an answer marked
unhelpful). A signal joins the existing gap whose signatures it resembles most, if the weighted
Jaccard similarity reaches :data:`MATCH_THRESHOLD`; otherwise it starts a new gap. Paraphrases in
one language meet on shared words and bigrams, and because synonyms fold into one concept ("key",
"密钥", "令牌" → ``@key``). Across English and Chinese only what both can share is compared (concepts,
numbers, code words such as "claude" or "chat/completions"), discounted by how much of each text
that shared part explains; so "can I get an invoice?" and "怎么开发票" meet, while two questions
that merely both mention a key do not. Repeated full-key pastes all go to one gap,
:data:`REPEAT_LEAK_GAP`: their text says nothing, their number does.

Reporting. :func:`summarize_gaps` counts signals per gap in a window, with first/last seen,
channels, deduplicated example phrasings, the trend against the previous window of the same length,
and the answered/reopened status (:func:`gap_status`): a gap a lead marked answered by naming a
knowledge entry reopens once :data:`REOPEN_AFTER` more signals arrive after that moment.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal, get_args

import regex

from supportbot.knowledge.base import KnowledgeBase
from supportbot.text.analysis import Analyzer, default_analyzer, is_concept, is_han
from supportbot.text.lang import Language, detect_language
from supportbot.text.periods import parse_period  # noqa: F401  (re-exported for callers)

SignalKind = Literal["unanswered", "unhelpful", "checklist_unresolved", "ticket", "repeat_leak", "agent_logged"]
SIGNAL_KINDS: tuple[SignalKind, ...] = get_args(SignalKind)

#: Weighted Jaccard similarity from which a signal joins an existing gap; calibrated on the paraphrase
#: groups in tests/data/gap_paraphrases.yaml (lowest same-question pair 0.28, highest different 0.15).
MATCH_THRESHOLD = 0.22
#: Signals after being marked answered that reopen a gap. One may be someone who asked before the
#: new entry was there or did not read it; a second means the entry does not cover the question.
REOPEN_AFTER = 2
REPEAT_LEAK_GAP = "repeat-leak"
#: Gap signatures read only the start of a message: questions are short, pasted logs are not.
SIGNATURE_CHARS = 1000
MAX_FEATURES = 200

CONTEXT_PREFIX = "#"
_CLASS_WEIGHTS = {"context": 2.0, "concept": 1.5, "number": 1.5, "word": 1.0, "bigram": 0.7}
# Concepts that frame a question rather than say what it is about ("do you support …", "call",
# "error"): two questions sharing only these are not the same question.
GENERIC_CONCEPTS = frozenset(
    "@" + name for name in ("availability", "call", "error_text", "model", "share", "create", "verify", "support")
)
_GENERIC_FACTOR = 0.3
_WHITESPACE = regex.compile(r"\s+")

Direction = Literal["new", "up", "down", "flat"]
State = Literal["open", "answered", "reopened"]


@dataclass(frozen=True)
class GapSignal:
    """One piece of evidence that the knowledge base fell short. ``text`` is already scrubbed."""

    kind: SignalKind
    text: str
    at: datetime
    channel_id: str | None = None
    user_id: str | None = None
    entry_id: str | None = None
    """The knowledge entry involved (the answer marked unhelpful), if any."""
    checklist_step: str | None = None
    """The last 401-checklist step reached, for ``checklist_unresolved``."""


@dataclass(frozen=True)
class Signature:
    """What a gap signal is about, as a sorted set of features. Store it with :meth:`dumps`."""

    language: Language
    features: tuple[str, ...]

    def dumps(self) -> str:
        return json.dumps({"v": 1, "lang": self.language, "f": list(self.features)}, ensure_ascii=False)

    @classmethod
    def loads(cls, data: str) -> Signature:
        """Read a stored signature; raise ``ValueError`` if it is not one."""
        try:
            raw = json.loads(data)
            language = raw["lang"]
            features = raw["f"]
        except (ValueError, TypeError, KeyError) as error:
            raise ValueError("not a stored gap signature") from error
        if language not in get_args(Language) or not isinstance(features, list):
            raise ValueError("not a stored gap signature")
        return cls(language=language, features=tuple(sorted({str(item) for item in features})))

    @property
    def is_empty(self) -> bool:
        return not self.features


@dataclass(frozen=True)
class GapCandidate:
    """An existing gap as the matcher sees it: its key and the signatures of some of its signals."""

    key: str
    signatures: tuple[Signature, ...]


@dataclass(frozen=True)
class Assignment:
    """Where a signal goes: an existing gap (``is_new`` False) or a new one with this key."""

    key: str
    signature: Signature
    is_new: bool
    similarity: float


class GapMatcher:
    """Signatures and matching, with one analyzer (synonym map) and optional term weights.

    ``term_weights`` (an idf per term, e.g. :meth:`KnowledgeBase.term_weights`) makes terms that the
    knowledge base uses everywhere ("key", "api") count less than rare ones ("invoice", "claude").
    """

    def __init__(
        self,
        analyzer: Analyzer | None = None,
        *,
        term_weights: Mapping[str, float] | None = None,
        unknown_weight: float | None = None,
        threshold: float = MATCH_THRESHOLD,
    ) -> None:
        self.analyzer = analyzer or default_analyzer()
        self.threshold = threshold
        self._idf = dict(term_weights or {})
        self._unknown = unknown_weight if unknown_weight is not None else max(self._idf.values(), default=1.0)

    @classmethod
    def for_knowledge(cls, kb: KnowledgeBase, *, threshold: float = MATCH_THRESHOLD) -> GapMatcher:
        """A matcher using ``kb``'s synonym map and term rarity (what the store should use)."""
        return cls(
            kb.analyzer,
            term_weights=kb.term_weights(),
            unknown_weight=kb.unknown_term_weight,
            threshold=threshold,
        )

    # -- signatures ---------------------------------------------------------------------------

    def signature(self, text: str) -> Signature:
        """The signature of a question text (any language, any length, may be empty)."""
        analysis = self.analyzer.analyse(text, limit=SIGNATURE_CHARS)
        features = {*analysis.concepts, *analysis.residual_words, *analysis.residual_bigrams}
        language = detect_language(text[:SIGNATURE_CHARS])
        return Signature(language=language, features=tuple(sorted(features))[:MAX_FEATURES])

    def signal_signature(self, signal: GapSignal) -> Signature:
        """The text's signature plus the signal's context (checklist step, unhelpful entry)."""
        base = self.signature(signal.text)
        context: set[str] = set()
        if signal.kind == "checklist_unresolved" and signal.checklist_step:
            context.add(f"{CONTEXT_PREFIX}step:{signal.checklist_step}")
        if signal.kind == "unhelpful" and signal.entry_id:
            context.add(f"{CONTEXT_PREFIX}entry:{signal.entry_id}")
        if not context:
            return base
        return Signature(language=base.language, features=tuple(sorted({*base.features, *context})))

    # -- matching -----------------------------------------------------------------------------

    def weight(self, feature: str) -> float:
        if feature.startswith(CONTEXT_PREFIX):
            return _CLASS_WEIGHTS["context"]
        base = _CLASS_WEIGHTS[_feature_class(feature)]
        if feature in GENERIC_CONCEPTS:
            base *= _GENERIC_FACTOR
        if not self._idf:
            return base
        # Scale by rarity in the knowledge base, but never to nothing: a shared common term is
        # still weak evidence.
        rarity = self._idf.get(feature, self._unknown) / self._unknown if self._unknown else 1.0
        return base * max(rarity, 0.15)

    def similarity(self, a: Signature, b: Signature) -> float:
        """Weighted Jaccard similarity in [0, 1]; across languages, on the features both can share."""
        if a.is_empty or b.is_empty:
            return 1.0 if a.features == b.features and a.is_empty and b.is_empty else 0.0
        if a.language == b.language:
            return self._jaccard(set(a.features), set(b.features))
        zh, en = (a, b) if a.language == "zh" else (b, a)
        zh_latin = {f for f in zh.features if _feature_class(f) == "word"}
        zh_shared = {f for f in zh.features if _portable(f)} | zh_latin
        en_shared = {f for f in en.features if _portable(f)} | (set(en.features) & zh_latin)
        if not zh_shared or not en_shared:
            return 0.0
        explained = min(self._share(zh_shared, zh.features), self._share(en_shared, en.features))
        return self._jaccard(zh_shared, en_shared) * math.sqrt(explained)

    def match(self, signature: Signature, candidates: Iterable[GapCandidate]) -> tuple[str | None, float]:
        """The best-matching candidate's key and its similarity, or (None, best similarity seen)."""
        best_key: str | None = None
        best = 0.0
        for candidate in candidates:
            score = max((self.similarity(signature, other) for other in candidate.signatures), default=0.0)
            if score > best or (score == best and best_key is not None and candidate.key < best_key):
                best_key, best = candidate.key, score
        if best_key is None or best < self.threshold or signature.is_empty:
            return None, best
        return best_key, best

    def assign(self, signal: GapSignal, candidates: Iterable[GapCandidate]) -> Assignment:
        """Decide which gap ``signal`` belongs to (see the module docstring for the rules)."""
        candidates = list(candidates)
        known = {candidate.key for candidate in candidates}
        signature = self.signal_signature(signal)
        if signal.kind == "repeat_leak":
            return Assignment(REPEAT_LEAK_GAP, signature, REPEAT_LEAK_GAP not in known, 1.0)
        if signature.is_empty:
            key = f"{signal.kind.replace('_', '-')}-without-text"
            return Assignment(key, signature, key not in known, 1.0)
        found, score = self.match(signature, (c for c in candidates if c.key != REPEAT_LEAK_GAP))
        if found is not None:
            return Assignment(found, signature, False, score)
        return Assignment(new_gap_key(signature), signature, True, score)

    def _jaccard(self, a: set[str], b: set[str]) -> float:
        union = sum(self.weight(f) for f in a | b)
        # Summing floats in two orders can put the shared part an ulp above the union: clamp.
        return min(1.0, sum(self.weight(f) for f in a & b) / union) if union else 0.0

    def _share(self, part: set[str], whole: Sequence[str]) -> float:
        total = sum(self.weight(f) for f in whole)
        return min(1.0, sum(self.weight(f) for f in part) / total) if total else 0.0


def _feature_class(feature: str) -> str:
    if feature.startswith(CONTEXT_PREFIX):
        return "context"
    if is_concept(feature):
        return "concept"
    if feature.isdigit():
        return "number"
    if is_han(feature):
        return "bigram"
    return "word"


def _portable(feature: str) -> bool:
    """Features that mean the same whichever language the question was asked in."""
    return _feature_class(feature) in {"context", "concept", "number"}


def new_gap_key(signature: Signature) -> str:
    """A stable key for a new gap, derived from its first signature."""
    digest = hashlib.sha256("\n".join(signature.features).encode("utf-8")).hexdigest()
    return f"gap-{digest[:12]}"


@lru_cache(maxsize=1)
def default_matcher() -> GapMatcher:
    """A matcher over the shipped knowledge base (built once, on first use)."""
    return GapMatcher.for_knowledge(KnowledgeBase.shipped())


def gap_signature(text: str, *, matcher: GapMatcher | None = None) -> Signature:
    """The signature of ``text`` (with the shipped knowledge base's vocabulary unless ``matcher`` given)."""
    return (matcher or default_matcher()).signature(text)


def match_gap(
    signature: Signature, candidates: Iterable[GapCandidate], *, matcher: GapMatcher | None = None
) -> str | None:
    """The key of the gap ``signature`` belongs to, or None if it starts a new one."""
    return (matcher or default_matcher()).match(signature, candidates)[0]


# -- reporting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRecord:
    """A gap as stored: its key, an optional title a lead gave it, and whether it was answered."""

    key: str
    title: str | None = None
    first_seen: datetime | None = None
    answered_entry_id: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True)
class Window:
    """The half-open time range ``[start, end)``."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, end: datetime, length: timedelta) -> Window:
        end = _aware(end)
        return cls(end - length, end)

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Window:
        return Window(self.start - self.length, self.start)

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and _aware(self.start) <= _aware(moment) < _aware(self.end)


@dataclass(frozen=True)
class Trend:
    current: int
    previous: int

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        """Change against the previous window in percent; None when there was nothing to compare."""
        if self.previous == 0:
            return None
        return round(100.0 * self.delta / self.previous, 1)

    @property
    def direction(self) -> Direction:
        if self.previous == 0 and self.current > 0:
            return "new"
        if self.delta > 0:
            return "up"
        if self.delta < 0:
            return "down"
        return "flat"


@dataclass(frozen=True)
class GapStatus:
    state: State
    entry_id: str | None = None
    answered_at: datetime | None = None
    signals_since_answer: int = 0
    reopened_at: datetime | None = None
    """When the signal that reopened the gap arrived."""


@dataclass(frozen=True)
class GapSummary:
    key: str
    title: str
    count: int
    trend: Trend
    first_seen: datetime | None
    last_seen: datetime | None
    channels: tuple[str, ...]
    """Channels in the window, most signals first."""
    users: int
    """Distinct users in the window."""
    kinds: Mapping[str, int]
    examples: tuple[str, ...]
    """Distinct phrasings from the window, newest first."""
    checklist_steps: Mapping[str, int]
    entry_ids: tuple[str, ...]
    """Knowledge entries that were marked unhelpful for this gap in the window."""
    status: GapStatus = field(default_factory=lambda: GapStatus("open"))


def gap_status(record: GapRecord, signal_times: Iterable[datetime], *, reopen_after: int = REOPEN_AFTER) -> GapStatus:
    """Open, answered, or reopened: answered gaps reopen after ``reopen_after`` later signals."""
    if record.answered_at is None:
        return GapStatus("open")
    answered_at = _aware(record.answered_at)
    later = sorted(moment for moment in map(_aware, signal_times) if moment > answered_at)
    if len(later) >= reopen_after:
        reopened_at = later[reopen_after - 1]
        return GapStatus("reopened", record.answered_entry_id, answered_at, len(later), reopened_at)
    return GapStatus("answered", record.answered_entry_id, answered_at, len(later))


def summarize_gaps(
    gaps: Iterable[GapRecord],
    signals: Iterable[tuple[str, GapSignal]],
    window: Window,
    *,
    examples: int = 3,
    example_chars: int = 200,
    reopen_after: int = REOPEN_AFTER,
    include_quiet: bool = False,
) -> list[GapSummary]:
    """One summary per gap with signals in ``window`` (all gaps with ``include_quiet``), busiest first.

    ``signals`` are ``(gap key, signal)`` pairs. Pass every signal of the gaps since they were
    answered (for the reopen rule) and at least those of ``window`` and the window before it (for
    the trend); first-seen uses ``GapRecord.first_seen`` when signals that old are not passed.
    """
    by_gap: dict[str, list[GapSignal]] = {}
    for key, signal in signals:
        by_gap.setdefault(key, []).append(signal)
    previous = window.previous()
    summaries: list[GapSummary] = []
    records = {record.key: record for record in gaps}
    for key in sorted(set(records) | set(by_gap)):
        record = records.get(key, GapRecord(key))
        all_signals = sorted(by_gap.get(key, []), key=lambda s: _aware(s.at))
        current = [s for s in all_signals if s.at in window]
        if not current and not include_quiet:
            continue
        before = sum(1 for s in all_signals if s.at in previous)
        phrasings = _examples(reversed(current), examples, example_chars)
        seen = [_aware(s.at) for s in all_signals]
        if record.first_seen is not None:
            seen.append(_aware(record.first_seen))
        summaries.append(
            GapSummary(
                key=key,
                title=record.title or (phrasings[0] if phrasings else key),
                count=len(current),
                trend=Trend(len(current), before),
                first_seen=min(seen, default=None),
                last_seen=max((_aware(s.at) for s in all_signals), default=None),
                channels=_ranked(s.channel_id for s in current),
                users=len({s.user_id for s in current if s.user_id}),
                kinds=dict(Counter(s.kind for s in current)),
                examples=phrasings,
                checklist_steps=dict(Counter(s.checklist_step for s in current if s.checklist_step)),
                entry_ids=_ranked(s.entry_id for s in current if s.kind == "unhelpful"),
                status=gap_status(record, (s.at for s in all_signals), reopen_after=reopen_after),
            )
        )
    last = datetime.min.replace(tzinfo=UTC)
    summaries.sort(key=lambda g: (-g.count, -(g.last_seen or last).timestamp(), g.key))
    return summaries


def _examples(signals: Iterable[GapSignal], limit: int, max_chars: int) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for signal in signals:
        text = _WHITESPACE.sub(" ", signal.text).strip()
        if not text:
            continue
        fingerprint = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip(" ?!.。？！")
        if fingerprint in found:
            continue
        found[fingerprint] = text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"
        if len(found) >= limit:
            break
    return tuple(found.values())


def _ranked(values: Iterable[str | None]) -> tuple[str, ...]:
    counts = Counter(value for value in values if value)
    return tuple(value for value, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _aware(moment: datetime) -> datetime:
    """Treat naive times as UTC, so stored naive and aware times can be compared."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
