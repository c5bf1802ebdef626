"""Prometheus metrics. Labels are our own identifiers (methods, kinds, rule ids), never user text.

With ``run --processes N`` every process counts into files in ``PROMETHEUS_MULTIPROC_DIR``
(prometheus_client's multiprocess mode, prepared by the parent before it forks), and
:meth:`Metrics.exposition` sums them, so whichever process answers a scrape reports the whole
bot and Prometheus never sees a counter go backwards.
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess, values

from supportbot.config import export_metrics_dir

_LABEL_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz")
_LABEL_REST = _LABEL_FIRST | frozenset("0123456789_.")


def safe_label(value: str, fallback: str = "other") -> str:
    """A label value only if it looks like one of Slack's or our identifiers; anything else is ``fallback``."""
    # A plain character check, no pattern: it cannot time out, and a failure here would lose the event.
    looks_like_id = 0 < len(value) <= 40 and value[0] in _LABEL_FIRST and all(char in _LABEL_REST for char in value)
    return value if looks_like_id else fallback


def prepare_multiprocess_dir(configured: str | None) -> tuple[str, bool]:
    """Before forking: make sure the children count into one folder, empty at start.

    An operator's ``PROMETHEUS_MULTIPROC_DIR`` is used (and emptied of old counts); otherwise a fresh
    temporary folder, which the caller removes at exit. Returns (folder, created here).
    """
    folder = configured
    created = folder is None
    if folder is None:
        folder = tempfile.mkdtemp(prefix="supportbot-metrics-")
    else:
        os.makedirs(folder, exist_ok=True)
        # Counts left by an earlier run would be added to this one's.
        for stale in glob.glob(os.path.join(folder, "*.db")):
            os.remove(stale)
    export_metrics_dir(folder)
    # prometheus_client picks its value class when first imported, maybe before this was set.
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
    return folder, created


def mark_process_dead(pid: int, folder: str) -> None:
    """A child exited: drop its live-only gauges (its counters stay in the sum, as they must)."""
    multiprocess.mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]


class Metrics:
    """One registry per runtime, so several apps in one process (tests) do not collide."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        self._multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        self.events = Counter("supportbot_events", "Slack events received, by type", ["type"], registry=self.registry)
        self.duplicate_events = Counter(
            "supportbot_duplicate_events", "Slack deliveries dropped as already handled", registry=self.registry
        )
        self.slack_calls = Counter(
            "supportbot_slack_calls",
            "Web API calls, by method and outcome",
            ["method", "outcome"],
            registry=self.registry,
        )
        self.outbox_actions = Counter(
            "supportbot_outbox_actions",
            "Outbox actions finished, by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.outbox_retries = Counter(
            "supportbot_outbox_retries",
            "Outbox actions put back for another attempt",
            ["kind", "reason"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "supportbot_dead_letters",
            "Outbox actions that gave up (attempts or time budget spent), by kind; each raised an alert",
            ["kind"],
            registry=self.registry,
        )
        self.rate_limit_waits = Counter(
            "supportbot_rate_limit_waits",
            "Outbox actions that waited for Slack's Retry-After (not counted as attempts), by method",
            ["method"],
            registry=self.registry,
        )
        # Sampled from the database when scraped: every process sees the same table, so the latest
        # sample from any of them is the truth ("mostrecent" across processes).
        self.outbox_pending = Gauge(
            "supportbot_outbox_pending",
            "Outbox actions not yet finished (waiting, pending or claimed), by kind",
            ["kind"],
            multiprocess_mode="mostrecent",
            registry=self.registry,
        )
        self.outbox_oldest_seconds = Gauge(
            "supportbot_outbox_oldest_pending_seconds",
            "How long the oldest due outbox action has waited for a worker, by kind (0: none waiting)",
            ["kind"],
            multiprocess_mode="mostrecent",
            registry=self.registry,
        )
        self.action_latency = Histogram(
            "supportbot_action_latency_seconds",
            "From the event reaching the app to the action's Web API call succeeding",
            ["kind"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=self.registry,
        )
        self.leaks = Counter(
            "supportbot_leaks",
            "Leak incidents recorded, by provider of the first key",
            ["provider"],
            registry=self.registry,
        )
        self.revocations = Counter(
            "supportbot_revocations",
            "Leaked keys a revoker was asked to disable, by outcome (disabled, not_ours, failed)",
            ["outcome"],
            registry=self.registry,
        )
        self.scanner_degraded = Counter(
            "supportbot_scanner_degraded",
            "Texts a key-scanner rule could not check (error or timeout); their long tokens were masked as suspect",
            ["rule"],
            registry=self.registry,
        )
        self.tickets = Counter(
            "supportbot_tickets", "Tickets filed, by where they came from", ["source"], registry=self.registry
        )
        self.handler_errors = Counter(
            "supportbot_handler_errors", "Listener failures, by listener", ["listener"], registry=self.registry
        )

    def set_outbox_depth(self, depth: Iterable[tuple[str, int, float]], kinds: Iterable[str]) -> None:
        """Record (kind, unfinished, oldest age in seconds) rows; every other known kind reads 0."""
        seen: set[str] = set()
        for kind, pending, oldest in depth:
            label = safe_label(kind)
            seen.add(label)
            self.outbox_pending.labels(label).set(pending)
            self.outbox_oldest_seconds.labels(label).set(max(0.0, oldest))
        for kind in kinds:
            label = safe_label(kind)
            if label not in seen:
                self.outbox_pending.labels(label).set(0)
                self.outbox_oldest_seconds.labels(label).set(0)

    def exposition(self) -> bytes:
        folder = self._multiprocess_dir
        if folder is None:
            return generate_latest(self.registry)
        # Each scrape reads every process's files afresh (a new registry: nothing is cached).
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
