"""Assemble a running bot: database ready, runtime, Bolt app, HTTP entrance, outbox worker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_bolt import App

from supportbot.config import Settings
from supportbot.infra.clock import Clock
from supportbot.infra.logsafe import install_redaction
from supportbot.slack.app import build_app
from supportbot.slack.features import FEATURES
from supportbot.slack.http import Reply, WsgiApp
from supportbot.slack.runtime import Feature, Runtime
from supportbot.slack.scheduler import DEFAULT_INTERVAL
from supportbot.store import migrate
from supportbot.store.db import PoolSettings, Store, StoreError

DEFAULT_HTTP_THREADS = 16


def pool_settings(settings: Settings, *, http_threads: int = DEFAULT_HTTP_THREADS) -> PoolSettings:
    """PostgreSQL connections for every thread that may hold one, and the configured time limits."""
    return PoolSettings.for_threads(
        http_threads=http_threads,
        outbox_threads=settings.outbox_threads,
        pool_timeout=settings.db_pool_timeout,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout,
    )


def prepare_store(settings: Settings, *, http_threads: int = DEFAULT_HTTP_THREADS) -> Store:
    """Open the database; migrate SQLite automatically, insist PostgreSQL was migrated on purpose."""
    store = Store(
        settings.database_url,
        pool_settings(settings, http_threads=http_threads),
        wait_seconds=settings.db_wait_seconds,
    )
    try:
        if not store.ping():
            raise StoreError(f"cannot connect to the database {store.display_url}")
        if store.is_sqlite:
            migrate.upgrade(store)
        elif not migrate.is_current(store):
            raise StoreError(
                f"the database {store.display_url} is not at the current schema; run 'supportbot db upgrade' first"
            )
    except BaseException:
        store.close()
        raise
    return store


@dataclass
class Bot:
    runtime: Runtime
    app: App
    wsgi: WsgiApp

    def dispatch(self, body: bytes, headers: Mapping[str, str]) -> Reply:
        """One raw, signed request into the app, exactly as over HTTP (the emulator uses this)."""
        return self.wsgi.dispatch(body, headers)

    def start(self) -> None:
        self.runtime.worker.start()
        self.runtime.scheduler.start()
        self.runtime.tokens.start()

    def stop(self) -> None:
        # The scheduler first: a job it runs may still enqueue work for the worker.
        self.runtime.scheduler.stop()
        self.runtime.tokens.stop()
        self.runtime.worker.stop()
        self.runtime.prompt_deleter.close()
        self.runtime.port.close()


def create_bot(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    features: Sequence[Feature] | None = None,
    worker_threads: int | None = None,
    poll_interval: float = 1.0,
    instance: str | None = None,
    schedule_interval: float = DEFAULT_INTERVAL,
    http_threads: int = DEFAULT_HTTP_THREADS,
) -> Bot:
    install_redaction()
    owned = store is None
    store = store or prepare_store(settings, http_threads=http_threads)
    runtime: Runtime | None = None
    try:
        runtime = Runtime.create(
            settings,
            store,
            clock=clock,
            worker_threads=worker_threads or settings.outbox_threads,
            poll_interval=poll_interval,
            instance=instance,
            schedule_interval=schedule_interval,
        )
        app = build_app(settings, store, runtime=runtime, features=FEATURES if features is None else features)
    except BaseException:
        # Leave nothing open behind a failed start: the HTTP pool to Slack, the database.
        if runtime is not None:
            runtime.port.close()
        if owned:
            store.close()
        raise
    return Bot(runtime=runtime, app=app, wsgi=WsgiApp(app, runtime))
