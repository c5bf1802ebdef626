"""The services one running bot shares: settings, store, Slack port, worker, templates, routers."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from slack_bolt import App
from sqlmodel import Session

from supportbot.config import Settings
from supportbot.infra.clock import Clock, SystemClock
from supportbot.infra.logsafe import install_redaction
from supportbot.keys import Scanner
from supportbot.knowledge.base import KnowledgeBase
from supportbot.render.templates import Renderer
from supportbot.slack.directory import Directory, Roles
from supportbot.slack.hooks import Hooks
from supportbot.slack.metrics import Metrics
from supportbot.slack.port import SlackPort
from supportbot.slack.prompt_delete import PromptDeleter
from supportbot.slack.readiness import Readiness, TokenHealth, readiness
from supportbot.slack.router import CommandRouter, EventRouter
from supportbot.slack.scheduler import DEFAULT_INTERVAL, Scheduler
from supportbot.slack.worker import OutboxWorker
from supportbot.store import outbox_stats, secrets
from supportbot.store.db import Store
from supportbot.store.dbclock import DatabaseClock
from supportbot.text.lang import Language, detect_language
from supportbot.text.scrub import Scrubber

_log = logging.getLogger(__name__)


class InFlight:
    """How many Slack requests are being handled right now (the worker lets them go first)."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._count -= 1

    def busy(self) -> bool:
        return self._count > 0


@dataclass
class Runtime:
    settings: Settings
    store: Store
    clock: Clock
    port: SlackPort
    metrics: Metrics
    worker: OutboxWorker
    renderer: Renderer
    directory: Directory
    roles: Roles
    events: EventRouter
    commands: CommandRouter
    hooks: Hooks
    instance: str
    fingerprint_secret: str
    scanner: Scanner
    knowledge: KnowledgeBase
    in_flight: InFlight
    scheduler: Scheduler
    prompt_deleter: PromptDeleter
    db_clock: DatabaseClock
    tokens: TokenHealth
    bot_user_id: str | None = None
    bot_id: str | None = None
    team_id: str | None = None

    @classmethod
    def create(
        cls,
        settings: Settings,
        store: Store,
        *,
        clock: Clock | None = None,
        instance: str | None = None,
        worker_threads: int = 4,
        poll_interval: float = 1.0,
        renderer: Renderer | None = None,
        port: SlackPort | None = None,
        knowledge: KnowledgeBase | None = None,
        schedule_interval: float = DEFAULT_INTERVAL,
    ) -> Runtime:
        if not settings.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is required to build the bot")
        clock = clock or SystemClock()
        metrics = port.metrics if port is not None else Metrics(multiprocess_dir=settings.metrics_dir)
        port = port or SlackPort(
            bot_token=settings.slack_bot_token,
            admin_token=settings.slack_admin_user_token,
            base_url=settings.slack_api_url,
            metrics=metrics,
            monotonic=clock.monotonic,
        )
        instance = instance or f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        in_flight = InFlight()
        directory = Directory(port, monotonic=clock.monotonic)
        if settings.fingerprint_secret:
            fingerprint_secret = settings.fingerprint_secret
        else:
            _log.warning(
                "the fingerprint secret is kept in the database: set SUPPORTBOT_FINGERPRINT_SECRET or "
                "SUPPORTBOT_FINGERPRINT_SECRET_FILE so that a database dump alone reveals nothing"
            )
            with store.session() as session:
                fingerprint_secret = secrets.get_or_create(session, secrets.FINGERPRINT, now=clock.now())
        scanner = Scanner.from_settings(
            settings, fingerprint_secret=fingerprint_secret, on_degraded=_scanner_degraded(metrics)
        )
        # From here on, every log line is also scrubbed of the key formats the scanner knows.
        install_redaction(scanner.scrub)
        db_clock = DatabaseClock(store, clock)
        tokens = TokenHealth(port, interval=settings.auth_check_seconds)
        worker = OutboxWorker(
            store,
            clock=clock,
            instance=instance,
            metrics=metrics,
            threads=worker_threads,
            poll_interval=poll_interval,
            busy=in_flight.busy,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            lease_clock=db_clock.now,
        )
        worker.paused = tokens.bot_rejected
        runtime = cls(
            settings=settings,
            store=store,
            clock=clock,
            port=port,
            metrics=metrics,
            worker=worker,
            renderer=renderer or Renderer(),
            directory=directory,
            roles=Roles(directory, agents=settings.agents, leads=settings.leads, home_team=lambda: runtime.team_id),
            events=EventRouter(),
            commands=CommandRouter(),
            hooks=Hooks(),
            instance=instance,
            fingerprint_secret=fingerprint_secret,
            scanner=scanner,
            knowledge=knowledge or KnowledgeBase.from_settings(settings),
            in_flight=in_flight,
            scheduler=Scheduler(clock, interval=schedule_interval),
            prompt_deleter=PromptDeleter(port, monotonic=clock.monotonic),
            db_clock=db_clock,
            tokens=tokens,
        )
        return runtime

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work; when it commits, the outbox worker is woken for what it enqueued."""
        with self.store.session() as session:
            yield session
        self.worker.wake()

    @property
    def scrub(self) -> Scrubber:
        """The one scrub for customer text that is stored or reposted (see :mod:`supportbot.text.scrub`)."""
        return Scrubber(self.scanner)

    def language_for(self, user_id: str | None, text: str | None = None) -> Language:
        """Answer in what the person wrote in; failing that, their Slack locale; else the default."""
        default = self.settings.default_language
        if text:
            detected = detect_language(text, default="en")
            if detected == "zh":
                return "zh"
        if user_id:
            return self.directory.language(user_id, default)
        return default

    def is_support_channel(self, channel_id: str) -> bool:
        """Support channels: the configured list, or (unset) every channel the bot is in, and DMs."""
        if channel_id.startswith("D"):
            return True
        if channel_id in {self.settings.agent_channel, self.settings.leads_channel}:
            return False
        configured = self.settings.support_channels
        return configured is None or channel_id in configured

    def readiness(self) -> Readiness:
        """Ready: Slack accepts our tokens and the database answers within a bounded wait."""
        return readiness(self.store, self.tokens)

    def sample_metrics(self) -> None:
        """Refresh the gauges read from the database (outbox depth and age), just before a scrape."""
        try:
            with self.store.session() as session:
                depth = outbox_stats.depth_by_kind(session, now=self.clock.now())
        except Exception as error:  # the counters are still worth serving without the gauges
            _log.warning("metrics: could not read the outbox depth (%s)", type(error).__name__)
            return
        self.metrics.set_outbox_depth(
            ((row.kind, row.unfinished, row.oldest_due_seconds) for row in depth), kinds=self.worker.kinds
        )

    def health(self) -> dict[str, object]:
        database = self.store.ping()
        return {"status": "ok" if database else "degraded", "database": "ok" if database else "unreachable"}


def _scanner_degraded(metrics: Metrics) -> Callable[[str], None]:
    """Count and log a scanner rule that errored or timed out (its text was masked as suspect instead)."""

    def observe(rule_id: str) -> None:
        metrics.scanner_degraded.labels(rule_id).inc()
        _log.warning("key scanner: rule %s failed on a text; its long tokens were masked as suspect", rule_id)

    return observe


# A feature plugs in with one function: it subscribes its listeners, outbox actions and commands.
Feature = Callable[[App, Runtime], None]
