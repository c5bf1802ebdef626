"""Knowledge-base speed: load time, and milliseconds per search over the question tables.

Run from the repository root:  python benchmarks/knowledge_search.py [--rounds N]

Prints the median and p99 time of one `best_answer` call over every question in
tests/data/knowledge_questions.tsv and knowledge_heldout.tsv (repeated --rounds times), the same for a
40,000-character message (Slack's maximum), the time to build the shipped knowledge base (synonym
map, validation and index), and the time to place one gap signal among 500 existing gaps.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from supportbot.gaps.grouping import GapCandidate, GapMatcher, GapSignal
from supportbot.knowledge.base import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]


def _questions() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for name in ("knowledge_questions.tsv", "knowledge_heldout.tsv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as handle:
            reader = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
            rows.extend((row[1], row[2]) for row in list(reader)[1:])
    return rows


def _timed(action: Callable[[], object], repeat: int) -> list[float]:
    times: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"{label:<44} n={len(times):>5}  median {statistics.median(times):7.3f} ms  p99 {p99:7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the question tables (default 20)")
    args = parser.parse_args()

    load_times = _timed(KnowledgeBase.shipped, 5)
    kb = KnowledgeBase.shipped()
    questions = _questions()
    search_times: list[float] = []
    for _ in range(args.rounds):
        for language, question in questions:
            started = time.perf_counter()
            kb.best_answer(question, language)  # type: ignore[arg-type]
            search_times.append((time.perf_counter() - started) * 1000)
    huge = ("my key gives 401 after rotation, 密钥轮换后报 401 " * 1000)[:40_000]

    matcher = GapMatcher.for_knowledge(kb)
    texts = [question for _, question in questions]
    candidates = [
        GapCandidate(f"g{i}", (matcher.signature(f"{texts[i % len(texts)]} variant {i}"),)) for i in range(500)
    ]
    signal = GapSignal(kind="unanswered", text="can I get an invoice for my top-up?", at=datetime.now(UTC))

    print(f"shipped knowledge base: {len(kb.ids())} entries x 2 languages, {len(questions)} table questions")
    _report("load + validate + index (shipped)", load_times)
    _report("best_answer, table questions", search_times)
    _report("best_answer, 40,000-character message", _timed(lambda: kb.best_answer(huge, "zh"), 50))
    _report("gap signature", _timed(lambda: matcher.signature(signal.text), 200))
    _report("assign one signal among 500 gaps", _timed(lambda: matcher.assign(signal, candidates), 50))


if __name__ == "__main__":
    main()
