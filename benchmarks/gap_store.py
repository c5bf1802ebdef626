"""FAQ-gap storage speed: recording one signal (grouping included) and listing the top gaps.

Run from the repository root:  python benchmarks/gap_store.py [--gaps N] [--signals N] [--database URL]

Fills a fresh database (a temporary SQLite file unless --database names an empty one) with --gaps
distinct questions and --signals signals spread over 60 days, then prints the median and p99 time
of `record_signal` (the bounded candidate read, matching and the writes, one transaction each) and
of `top_gaps` / `weekly_counts` as `/support gaps`, the CLI and the dashboards call them.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta

from benchmarks.timing import report, timed
from supportbot.gaps.grouping import GapMatcher, GapSignal, Window
from supportbot.knowledge.base import KnowledgeBase
from supportbot.store import gaps as gap_store
from supportbot.store import migrate
from supportbot.store.db import Store

TOPICS = [
    "invoice", "refund", "claude", "streaming", "timeout", "embedding", "gpt-4o price", "status page",
    "delete account", "change email", "sla", "alipay", "region", "python sdk", "webhooks", "fine-tuning",
    "batch api", "vision", "audio", "function calling",
]  # fmt: skip
FORMS = ["how do I {} ?", "question about {}", "can you help with {} please", "{} not working", "any docs on {}"]
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _question(rng: random.Random, index: int) -> str:
    topic = TOPICS[index % len(TOPICS)]
    # A made-up product word makes each of the --gaps questions its own gap.
    return rng.choice(FORMS).format(f"{topic} for product{index // len(TOPICS)}x{index % 97}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gaps", type=int, default=500)
    parser.add_argument("--signals", type=int, default=5000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()

    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    store = Store(url)
    migrate.upgrade(store)
    matcher = GapMatcher.for_knowledge(KnowledgeBase.shipped())
    rng = random.Random(7)

    started = time.perf_counter()
    with store.session() as session:
        for number in range(args.signals):
            index = number % args.gaps
            at = NOW - timedelta(days=60) + timedelta(seconds=rng.uniform(0, 60 * 86_400))
            signal = GapSignal("unanswered", _question(rng, index), at, "C0SUPPORT1", f"U{number % 300:08d}")
            gap_store.record_signal(session, signal, matcher=matcher)
    print(f"filled {args.gaps} gaps / {args.signals} signals in {time.perf_counter() - started:.1f} s ({url})")

    counter = iter(range(10**9))

    def record_one() -> None:
        number = next(counter)
        signal = GapSignal("unanswered", _question(rng, rng.randrange(args.gaps * 2)), NOW, "C0SUPPORT1", None)
        with store.session() as session:
            gap_store.record_signal(session, signal, matcher=matcher, source_ref=f"bench:{number}")

    def listing() -> None:
        with store.session() as session:
            gap_store.top_gaps(session, Window.ending(NOW, timedelta(days=7)), limit=10)
            gap_store.count_gaps(session, Window.ending(NOW, timedelta(days=7)))

    def weeks() -> None:
        with store.session() as session:
            gap_store.weekly_counts(session, 8, NOW)

    report("record_signal (group among recent gaps)", timed(record_one, 200))
    report("top_gaps 7d, limit 10 (+ count)", timed(listing, 30))
    report("weekly_counts, 8 weeks", timed(weeks, 30))
    store.close()


if __name__ == "__main__":
    main()
