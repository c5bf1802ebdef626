"""A small BM25F index over documents with weighted fields.

Written by hand rather than taken from a library: the knowledge base has a few dozen documents, and
what it needs beyond plain BM25 (per-field weights, weighted query terms, and per-document evidence
for the confidence rule: how much of the question matched and where) is not offered by the small
BM25 packages (rank-bm25 is unmaintained; bm25s brings numpy/scipy for sparse matrices we do not need).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

K1 = 1.2


@dataclass(frozen=True)
class FieldSpec:
    weight: float
    b: float
    head: bool
    """Head fields are the ones written to match questions (title, phrasings); see ``DocStats.head_units``."""


@dataclass
class DocStats:
    """What one document got out of a query."""

    score: float = 0.0
    matched_weight: float = 0.0
    """Sum of query-weight x idf over the query terms the document contains."""
    units: int = 0
    """Query units (see ``Analyzer.query_units``) with at least one term in the document."""
    head_units: int = 0
    """Query units with a term in one of the document's head fields."""


class Bm25Index:
    """Precomputes each term's contribution per document, so a query is a few dictionary look-ups."""

    def __init__(self, documents: Sequence[Mapping[str, Counter[str]]], fields: Mapping[str, FieldSpec]) -> None:
        self.count = len(documents)
        self.max_idf = _idf(self.count, 0)
        self.idf: dict[str, float] = {}
        self._postings: dict[str, dict[int, float]] = {}
        self._head: list[frozenset[str]] = []
        if not documents:
            return
        average = {
            name: max(sum(sum(doc.get(name, Counter()).values()) for doc in documents) / self.count, 1.0)
            for name in fields
        }
        doc_freq: Counter[str] = Counter()
        for doc in documents:
            doc_freq.update({term for counter in doc.values() for term in counter})
        self.idf = {term: _idf(self.count, df) for term, df in doc_freq.items()}
        for number, doc in enumerate(documents):
            self._head.append(frozenset(term for name, counter in doc.items() if fields[name].head for term in counter))
            pseudo_tf: dict[str, float] = defaultdict(float)
            for name, counter in doc.items():
                spec = fields[name]
                norm = 1.0 - spec.b + spec.b * sum(counter.values()) / average[name]
                for term, count in counter.items():
                    pseudo_tf[term] += spec.weight * count / norm
            for term, tf in pseudo_tf.items():
                self._postings.setdefault(term, {})[number] = self.idf[term] * tf * (K1 + 1) / (K1 + tf)

    def query(
        self, units: Sequence[Mapping[str, float]], unknown_weight: Callable[[str], float]
    ) -> tuple[dict[int, DocStats], float]:
        """Score every document that shares a term with the query.

        Returns the per-document stats and the query's total weight (sum of weight x idf over all
        its terms, with ``unknown_weight(term)`` standing in for the idf of terms no document has),
        so that ``matched_weight / total`` is the share of the question a document covers.
        """
        stats: dict[int, DocStats] = defaultdict(DocStats)
        seen: dict[int, set[str]] = defaultdict(set)
        seen_head: dict[int, set[str]] = defaultdict(set)
        total: float = 0.0
        for unit in units:
            in_unit: dict[int, set[str]] = defaultdict(set)
            for term, weight in unit.items():
                idf = self.idf.get(term)
                total += weight * (idf if idf is not None else unknown_weight(term))
                for doc, contribution in self._postings.get(term, {}).items():
                    entry = stats[doc]
                    entry.score += weight * contribution
                    entry.matched_weight += weight * (idf or 0.0)
                    in_unit[doc].add(term)
            # A unit counts once per document, and only if it brings a term the document has not
            # already matched: "401 unauthorized" is two units, "how much … cost" (both @price) one.
            for doc, terms in in_unit.items():
                if terms - seen[doc]:
                    stats[doc].units += 1
                    seen[doc] |= terms
                head = terms & self._head[doc]
                if head - seen_head[doc]:
                    stats[doc].head_units += 1
                    seen_head[doc] |= head
        return dict(stats), total


def _idf(count: int, df: int) -> float:
    return math.log(1.0 + (count - df + 0.5) / (df + 0.5))
