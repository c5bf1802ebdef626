"""FAQ answers for questions written in Traditional Chinese.

Run from the repository root:  python benchmarks/traditional_faq.py

Takes every Chinese row of tests/data/knowledge_questions.tsv and knowledge_heldout.tsv, writes it in
Traditional characters with OpenCC (``s2t``: characters only; ``s2twp``: Taiwan characters and
vocabulary, e.g. 软件 → 軟體), asks the knowledge base in the language the bot would detect, and
counts the rows answered as the table expects (the right entry, in Chinese; no answer for "-" rows).
The Simplified originals are counted the same way for comparison.
"""

from __future__ import annotations

import csv
from pathlib import Path

from opencc_purepy import OpenCC

from supportbot.knowledge.base import KnowledgeBase
from supportbot.text.lang import detect_language

ROOT = Path(__file__).resolve().parents[1]


def _rows(name: str) -> list[tuple[str, str]]:
    with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as handle:
        reader = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [(row[0], row[2]) for row in list(reader)[1:] if row[1] == "zh"]


def _right(kb: KnowledgeBase, expected: str, question: str) -> bool:
    language = detect_language(question)
    answer = kb.best_answer(question, language)
    if expected == "-":
        return answer is None
    return answer is not None and answer.entry.id == expected and answer.entry.language == "zh"


def main() -> None:
    kb = KnowledgeBase.shipped()
    for name in ("knowledge_questions.tsv", "knowledge_heldout.tsv"):
        rows = _rows(name)
        line = [f"{name}: {len(rows)} Chinese rows;"]
        for label, config in (("Simplified", None), ("s2t", "s2t"), ("s2twp", "s2twp")):
            convert = OpenCC(config).convert if config else str
            right = sum(_right(kb, expected, convert(question)) for expected, question in rows)
            line.append(f"{label} {right}/{len(rows)} right ({len(rows) - right} missed)")
        print(" ".join(line))


if __name__ == "__main__":
    main()
