"""PostgreSQL that fails fast: pool sized from the threads, connect and statement timeouts, and
which database failures count as transient (the event is answered 5xx so Slack redelivers)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from supportbot.config import Settings
from supportbot.slack.bot import pool_settings
from supportbot.store.db import PoolSettings, Store, is_transient_postgres_error
from tests.conftest import PG_URL


def test_the_pool_covers_every_thread_that_holds_a_connection() -> None:
    settings = Settings.from_env({"SUPPORTBOT_OUTBOX_THREADS": "6", "SUPPORTBOT_DB_STATEMENT_TIMEOUT": "9"})
    pool = pool_settings(settings, http_threads=16)
    assert pool.size >= 16 + 6
    assert (pool.connect_timeout, pool.statement_timeout, pool.pool_timeout) == (5, 9, 2)


def test_settings_refuse_timeouts_out_of_range() -> None:
    with pytest.raises(ValueError, match="SUPPORTBOT_DB_CONNECT_TIMEOUT"):
        Settings.from_env({"SUPPORTBOT_DB_CONNECT_TIMEOUT": "0"})


def test_a_server_that_does_not_answer_fails_at_once_and_is_transient() -> None:
    # Port 1 on loopback: nothing listens, the connection is refused.
    store = Store("postgresql+psycopg://postgres@127.0.0.1:1/nothing", PoolSettings(connect_timeout=2))
    started = time.monotonic()
    with pytest.raises(OperationalError, match="connect") as caught:
        store.engine.connect()
    store.close()
    assert time.monotonic() - started < 5
    assert is_transient_postgres_error(caught.value)
    assert not store.ping()


def test_a_constraint_violation_is_not_transient(sqlite_store: Store) -> None:
    insert = text(
        "INSERT INTO processed_events (event_id, status, instance, received_at) VALUES ('Ev1','done','i','2026-01-01')"
    )
    with sqlite_store.session() as session:
        session.execute(insert)
    with pytest.raises(IntegrityError) as caught, sqlite_store.session() as session:
        session.execute(insert)
    assert not is_transient_postgres_error(caught.value)


@pytest.fixture
def pg_url() -> str:
    if not PG_URL:
        pytest.skip("SUPPORTBOT_TEST_DATABASE_URL is not set")
    return PG_URL


@pytest.mark.postgres
def test_a_statement_over_the_timeout_is_cancelled_and_transient(pg_url: str) -> None:
    store = Store(pg_url, PoolSettings(size=1, overflow=0, statement_timeout=0.3))
    try:
        for _ in range(2):  # the setting holds on every checkout, not only the first transaction
            with store.session() as session:
                assert session.execute(text("SHOW statement_timeout")).scalar() == "300ms"
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout") as caught, store.session() as session:
            session.execute(text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 3
        assert is_transient_postgres_error(caught.value)
    finally:
        store.close()


@pytest.mark.postgres
def test_an_exhausted_pool_fails_after_the_pool_timeout_and_is_transient(pg_url: str) -> None:
    store = Store(pg_url, PoolSettings(size=1, overflow=0, pool_timeout=0.3))
    try:
        with store.engine.connect():
            started = time.monotonic()
            with pytest.raises(PoolTimeout) as caught, store.session() as session:
                session.execute(text("SELECT 1"))
            assert time.monotonic() - started < 2
        assert is_transient_postgres_error(caught.value)
    finally:
        store.close()
