"""Prometheus metrics. Labels are our own identifiers (methods, kinds, rule ids), never user text."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """One registry per runtime, so several apps in one process (tests) do not collide."""

    def __init__(self) -> None:
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
        self.outbox_pending = Gauge(
            "supportbot_outbox_pending", "Outbox actions not yet finished (sampled)", registry=self.registry
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

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
