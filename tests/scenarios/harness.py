"""Run the real app against the emulator: signed requests in, Web API calls out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import waitress
from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from supportbot.config import Settings
from supportbot.emulator import Emulator, SlackDriver
from supportbot.infra.clock import Clock
from supportbot.slack.bot import Bot, create_bot
from supportbot.store import migrate, outbox
from supportbot.store.db import Store
from supportbot.store.tables import OutboxAction

SIGNING_SECRET = "test-signing-secret-0123456789"
FINGERPRINT_SECRET = "test-fingerprint-secret-0123456789"
API_BASE = "https://api.gateway.example/v1"


# Slack's rate limits (on in the emulator) put actions back for a few seconds: still work to wait for.
RATE_LIMIT_HORIZON = timedelta(seconds=5)


def _busy_actions(session: Session, now: datetime) -> int:
    ready = and_(col(OutboxAction.status) == "pending", col(OutboxAction.not_before) <= now + RATE_LIMIT_HORIZON)
    query = select(func.count()).where(or_(col(OutboxAction.status) == "claimed", ready))
    return int(session.execute(query).scalar() or 0)


def bot_environment(emulator: Emulator, database_url: str, **overrides: str | None) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_ADMIN_USER_TOKEN": emulator.admin_token,
        "SUPPORTBOT_SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": database_url,
        "SUPPORTBOT_AGENT_CHANNEL": "G0AGENTS1",
        "SUPPORTBOT_LEADS_CHANNEL": "C0LEADS01",
        "SUPPORTBOT_AGENTS": "@support-agents",
        "SUPPORTBOT_LEADS": "@support-leads",
        "SUPPORTBOT_FINGERPRINT_SECRET": FINGERPRINT_SECRET,
        "SUPPORTBOT_API_BASE_URL": API_BASE,
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def flatten(blocks: list[dict[str, Any]] | None) -> str:
    """All text in some blocks, for assertions."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks or [])
    return "\n".join(out)


class _BackgroundServer:
    """waitress in a thread, stoppable from the test (production stops it with a signal instead)."""

    def __init__(self, bot: Bot) -> None:
        self._server = waitress.create_server(bot.wsgi, host="127.0.0.1", port=0, threads=4)
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.effective_port}"

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:
            if not self._closing.is_set():
                raise

    def close(self) -> None:
        self._closing.set()
        self._server.close()
        self._thread.join(5)


@dataclass
class Harness:
    emulator: Emulator
    bot: Bot
    driver: SlackDriver
    settings: Settings
    http_url: str | None = None
    _servers: list[Any] = field(default_factory=list)

    @property
    def runtime(self) -> Any:
        return self.bot.runtime

    @property
    def store(self) -> Store:
        return self.bot.runtime.store

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the outbox has nothing ready or in hand, and the emulator has gone quiet."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.bot.runtime.clock.now()
            with self.store.session() as session:
                # One statement, so one snapshot: two separate reads can miss an action that a
                # worker claims (or releases) between them, and settle too early on PostgreSQL.
                busy = _busy_actions(session, now) > 0
                counts = outbox.counts_by_status(session)
            if not busy:
                self.emulator.wait_for_quiet(quiet=0.05, timeout=2)
                return
            time.sleep(0.02)
        raise AssertionError(f"outbox did not settle within {timeout}s: {counts}")

    def calls(self, method: str) -> list[Any]:
        return list(self.emulator.calls_for(method))

    def stop(self) -> None:
        for server in self._servers:
            server.close()
        self.bot.stop()
        self.bot.runtime.store.close()


def start_harness(
    emulator: Emulator,
    database_url: str,
    *,
    clock: Clock | None = None,
    http: bool = False,
    env: Mapping[str, str | None] | None = None,
    instance: str | None = None,
    features: list[Any] | None = None,
    start_worker: bool = True,
) -> Harness:
    settings = Settings.from_env(bot_environment(emulator, database_url, **dict(env or {})))
    if not database_url.startswith("sqlite"):
        # As an operator would: PostgreSQL is migrated on purpose, not by `run`.
        migration_store = Store(database_url)
        migrate.upgrade(migration_store)
        migration_store.close()
    bot = create_bot(settings, clock=clock, worker_threads=4, poll_interval=0.05, instance=instance, features=features)
    if start_worker:
        bot.start()
    # Signatures are checked against the app's clock, so the driver signs with the same one.
    signing_clock = (lambda: clock.now().timestamp()) if clock is not None else time.time
    harness = Harness(
        emulator=emulator,
        bot=bot,
        driver=SlackDriver(emulator, SIGNING_SECRET, bot.dispatch, clock=signing_clock),
        settings=settings,
    )
    if http:
        server = _BackgroundServer(bot)
        harness.http_url = server.url
        harness._servers.append(server)
        harness.driver = SlackDriver(emulator, SIGNING_SECRET, harness.http_url, clock=signing_clock)
    return harness


@contextmanager
def running(emulator: Emulator, database_url: str, **kwargs: Any) -> Iterator[Harness]:
    harness = start_harness(emulator, database_url, **kwargs)
    try:
        yield harness
    finally:
        harness.stop()
