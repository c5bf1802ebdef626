"""The knowledge base: FAQ entries and runbooks, validated at start-up and searched with BM25F.

Folder layout (the shipped ``knowledge/`` and a deployment's ``SUPPORTBOT_KNOWLEDGE_DIR`` alike)::

    faq/en/*.md  faq/zh/*.md          FAQ entries, one per file
    runbooks/en/<name>.md  runbooks/zh/<name>.md
    synonyms.yaml                     optional; adds to the shipped domain vocabulary

A deployment folder replaces the shipped FAQ entries entirely (it must have ``faq/``). Runbooks are
looked up in the deployment folder first and fall back to the shipped ones, so a deployment that
writes no runbook still sends the shipped key-leak warning. Other folders (``checklist/``) belong to
other modules and are ignored here. See :mod:`supportbot.knowledge.files` for the validation rules.

Search is BM25F (:mod:`supportbot.knowledge.bm25`) over one document per entry and language, with the title and
question phrasings weighted above tags and body. Both languages share one index, so a Chinese
question can still reach an English-only entry through concepts, numbers and code words. A hit is
*confident* only under the rule in :func:`_is_confident`, calibrated on
``tests/data/knowledge_questions.tsv``: every question there reaches its entry, no off-topic one
gets an answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from supportbot.infra.paths import knowledge_dir
from supportbot.knowledge.bm25 import Bm25Index, FieldSpec
from supportbot.knowledge.files import (
    LANGUAGES,
    MAX_BODY_CHARS,
    Entry,
    KnowledgeError,
    Runbook,
    read_folder,
)
from supportbot.text.analysis import MAX_ANALYSED_CHARS, Analyzer, is_han, shipped_synonyms
from supportbot.text.lang import Language

if TYPE_CHECKING:
    from supportbot.config import Settings

__all__ = ["Answer", "Entry", "Hit", "KnowledgeBase", "KnowledgeError", "Runbook"]

# Phrasings and titles are written to match questions, so they count most.
FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec(weight=3.0, b=0.5, head=True),
    "questions": FieldSpec(weight=3.0, b=0.75, head=True),
    "tags": FieldSpec(weight=2.0, b=0.3, head=True),
    "body": FieldSpec(weight=1.0, b=0.75, head=False),
}

# The confidence rule's thresholds (see _is_confident), calibrated on tests/data/knowledge_questions.tsv.
# Both are shares, not BM25 scores, so they hold for a deployment's knowledge base of any size.
MIN_COVERAGE = 0.25
FULL_COVERAGE = 0.8
# Bigrams no entry contains are mostly artefacts of two adjacent words, so a missing one counts
# against a Chinese question less than a missing English word does.
UNKNOWN_BIGRAM_FACTOR = 0.35


@dataclass(frozen=True)
class Hit:
    """One search result.

    ``confidence`` is the share of the question's weight (idf of its terms) that the entry covers.
    """

    entry: Entry
    score: float
    confidence: float
    confident: bool
    matched_units: int = 0
    """How many of the question's units of meaning (words, bigrams, concept spans) the entry has."""
    title_units: int = 0
    """How many of them are in the entry's title, phrasings or tags (not only in its body)."""
    question_units: int = 0


@dataclass(frozen=True)
class Answer:
    """The entry to post for a question, in the asker's language where a translation exists."""

    entry: Entry
    score: float
    confidence: float
    requested_language: Language

    @property
    def is_fallback(self) -> bool:
        """True when the entry is in the other language because it has no translation."""
        return self.entry.language != self.requested_language


class KnowledgeBase:
    """Validated FAQ entries and runbooks with a search index. Build it with :meth:`load`."""

    def __init__(
        self,
        entries: Iterable[Entry],
        runbooks: Iterable[Runbook] = (),
        *,
        analyzer: Analyzer | None = None,
        warnings: Iterable[str] = (),
        fallback_runbooks: Iterable[Runbook] = (),
    ) -> None:
        self.analyzer = analyzer or Analyzer(shipped_synonyms())
        self.warnings: tuple[str, ...] = tuple(warnings)
        self._entries = {(entry.id, entry.language): entry for entry in entries}
        self._runbooks = {(runbook.name, runbook.language): runbook for runbook in runbooks}
        self._fallback_runbooks = {(runbook.name, runbook.language): runbook for runbook in fallback_runbooks}
        self._docs = sorted(self._entries.values(), key=lambda entry: (entry.id, entry.language))
        self._index = Bm25Index([self._fields(entry) for entry in self._docs], FIELDS)

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, *, fallback: Path | None = None) -> KnowledgeBase:
        """Load and validate the knowledge folder ``path``.

        ``fallback`` is a folder whose runbooks serve when ``path`` lacks one (the shipped folder, for
        a deployment's own). A ``synonyms.yaml`` in ``path`` adds to the shipped synonym map.
        Raises :class:`KnowledgeError` listing every problem found.
        """
        folder = read_folder(path)
        fallback_runbooks: list[Runbook] = []
        warnings = list(folder.warnings)
        if fallback is not None and fallback.resolve() != path.resolve():
            extra = read_folder(fallback, need_faq=False)
            fallback_runbooks = extra.runbooks
        synonyms = shipped_synonyms()
        if folder.synonyms is not None:
            synonyms = synonyms.merged(folder.synonyms)
        return cls(
            folder.entries,
            folder.runbooks,
            analyzer=Analyzer(synonyms),
            warnings=warnings,
            fallback_runbooks=fallback_runbooks,
        )

    @classmethod
    def shipped(cls) -> KnowledgeBase:
        """The knowledge base that comes with supportbot."""
        return cls.load(knowledge_dir())

    @classmethod
    def from_settings(cls, settings: Settings) -> KnowledgeBase:
        """The deployment's folder (``SUPPORTBOT_KNOWLEDGE_DIR``) when set, else the shipped one."""
        if settings.knowledge_dir is None:
            return cls.shipped()
        return cls.load(settings.knowledge_dir, fallback=knowledge_dir())

    # -- lookup -------------------------------------------------------------------------------

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._docs)

    def ids(self) -> tuple[str, ...]:
        return tuple(sorted({entry.id for entry in self._docs}))

    def entry(self, entry_id: str, language: Language, *, fallback: bool = True) -> Entry | None:
        """Entry ``entry_id`` in ``language``; with ``fallback``, in another language if untranslated."""
        found = self._entries.get((entry_id, language))
        if found is None and fallback:
            for other in LANGUAGES:
                found = found or self._entries.get((entry_id, other))
        return found

    def runbook(self, name: str, language: Language) -> Runbook | None:
        """Runbook ``name``: the deployment's, else the shipped one; in ``language`` if either has it."""
        for wanted in (language, *LANGUAGES):
            for table in (self._runbooks, self._fallback_runbooks):
                if (name, wanted) in table:
                    return table[(name, wanted)]
        return None

    # -- search -------------------------------------------------------------------------------

    def search(self, question: str, language: Language | None = None, *, limit: int = 5) -> list[Hit]:
        """Entries for ``question``, best first, one hit per entry id.

        Every language version is scored and an id is represented by its best-scoring version. The
        hit carries the entry in ``language`` when given (and translated), else the version that
        matched. Only the first ``MAX_ANALYSED_CHARS`` characters of the question are read.
        """
        units = self.analyzer.query_units(question)
        if not units or not self._docs:
            return []
        stats, total = self._index.query(units, self._unknown_weight)
        best: dict[str, int] = {}
        for doc, result in stats.items():
            entry_id = self._docs[doc].id
            if entry_id not in best or result.score > stats[best[entry_id]].score:
                best[entry_id] = doc
        ranked = sorted(best.items(), key=lambda item: (-stats[item[1]].score, item[0]))[:limit]
        hits: list[Hit] = []
        for entry_id, doc in ranked:
            result = stats[doc]
            coverage = min(result.matched_weight / total, 1.0) if total else 0.0
            entry = self._docs[doc]
            if language is not None:
                entry = self.entry(entry_id, language) or entry
            hits.append(
                Hit(
                    entry=entry,
                    score=result.score,
                    confidence=coverage,
                    confident=_is_confident(coverage, result.units, result.head_units, len(units)),
                    matched_units=result.units,
                    title_units=result.head_units,
                    question_units=len(units),
                )
            )
        return hits

    def best_answer(self, question: str, language: Language) -> Answer | None:
        """The top entry if it is a confident match, in ``language`` where translated; else None."""
        hits = self.search(question, language, limit=1)
        if not hits or not hits[0].confident:
            return None
        hit = hits[0]
        return Answer(entry=hit.entry, score=hit.score, confidence=hit.confidence, requested_language=language)

    def term_weights(self) -> dict[str, float]:
        """Inverse document frequency of every indexed term (gap grouping can weight terms with it)."""
        return dict(self._index.idf)

    @property
    def unknown_term_weight(self) -> float:
        """The weight of a term that no entry contains."""
        return self._index.max_idf

    def _unknown_weight(self, term: str) -> float:
        return self._index.max_idf * (UNKNOWN_BIGRAM_FACTOR if is_han(term) else 1.0)

    def _fields(self, entry: Entry) -> dict[str, Counter[str]]:
        terms = self.analyzer.search_terms
        return {
            "title": Counter(terms(entry.title)),
            "questions": Counter(term for question in entry.questions for term in terms(question)),
            "tags": Counter(term for tag in entry.tags for term in terms(tag)),
            "body": Counter(terms(entry.body, limit=max(MAX_BODY_CHARS, MAX_ANALYSED_CHARS))),
        }


def _is_confident(coverage: float, matched_units: int, title_units: int, question_units: int) -> bool:
    """Whether a top hit is good enough to post as an answer.

    Entries are matched on their title and phrasings, which are written the way customers ask; a
    word found only in a body is weak evidence. So an answer needs two of the question's units of
    meaning in the title, phrasings or tags, plus enough of the question covered overall; or, for a
    question the entry covers completely ("401?", "do you need my password?"), one of them. A single
    coincidental word in a longer question ("Slack *password*", "今天天气") is no answer.
    """
    if title_units >= 2:
        return coverage >= MIN_COVERAGE
    return title_units == 1 and matched_units == question_units and coverage >= FULL_COVERAGE
