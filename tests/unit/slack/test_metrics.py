"""Metrics: the outbox gauges read from the database, labels, and the example alerting rules."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import yaml

from supportbot.slack.metrics import Metrics, safe_label
from supportbot.store import outbox, outbox_stats
from supportbot.store.db import Store
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[3]


def test_depth_counts_unfinished_actions_and_ages_only_those_due(store: Store, clock: FakeClock) -> None:
    start = clock.now()
    with store.session() as session:
        first = outbox.enqueue(session, "leak.delete", {"n": 1}, now=start)
        outbox.enqueue(session, "leak.repost", {"n": 1}, now=start, after=first, run_if="succeeded")
        outbox.enqueue(session, "leak.recheck", {"n": 1}, now=start, delay=timedelta(minutes=5))
        done = outbox.enqueue(session, "leak.delete", {"n": 2}, now=start)
    with store.session() as session:
        claimed = outbox.claim_ready(session, instance="w", now=start, lease=timedelta(seconds=60), limit=10)
        mine = next(action for action in claimed if action.id == done.id)
        outbox.finish(session, mine.id, instance="w", outcome="succeeded", now=start)
    clock.advance(42)
    with store.session() as session:
        rows = {row.kind: row for row in outbox_stats.depth_by_kind(session, now=clock.now())}
    assert {kind: row.unfinished for kind, row in rows.items()} == {
        "leak.delete": 1,
        "leak.repost": 1,
        "leak.recheck": 1,
    }
    assert rows["leak.delete"].oldest_due_seconds == 42
    assert rows["leak.repost"].oldest_due_seconds == 0, "waiting for its predecessor is not late"
    assert rows["leak.recheck"].oldest_due_seconds == 0, "scheduled for later is not late"


def test_gauges_read_zero_for_kinds_with_nothing_left() -> None:
    metrics = Metrics()
    metrics.set_outbox_depth([("leak.delete", 3, 12.5)], kinds=["leak.delete", "faq.answer"])
    metrics.set_outbox_depth([], kinds=["leak.delete", "faq.answer"])
    text = metrics.exposition().decode()
    assert 'supportbot_outbox_pending{kind="leak.delete"} 0.0' in text
    assert 'supportbot_outbox_oldest_pending_seconds{kind="faq.answer"} 0.0' in text


def test_labels_never_carry_free_text() -> None:
    assert safe_label("message") == "message"
    assert safe_label("app_home_opened") == "app_home_opened"
    assert safe_label("a" + "." * 39) == "a" + "." * 39
    for hostile in ("my key is sk-abc", "Message", "x" * 41, "", "a\nb", "1abc", "äbc", "message\u200b"):
        assert safe_label(hostile) == "other"


def test_example_alerting_rules_name_only_metrics_the_bot_exports() -> None:
    rules = yaml.safe_load((ROOT / "examples" / "prometheus-rules.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    named = {name for expr in expressions for name in re.findall(r"\bsupportbot_[a-z_]+", expr)}
    exported = set()
    for family in Metrics().registry.collect():
        exported |= {family.name + suffix for suffix in ("", "_total", "_bucket", "_count", "_sum")}
    assert named and named <= exported, named - exported
