"""Shared fixtures: databases (SQLite always, PostgreSQL when SUPPORTBOT_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from supportbot.infra.logsafe import install_redaction
from supportbot.store import migrate
from supportbot.store.db import Store
from tests.fakes import FakeClock

PG_URL = os.environ.get("SUPPORTBOT_TEST_DATABASE_URL")


def pytest_configure(config: pytest.Config) -> None:
    # Redaction is process-wide in the product; tests see log records exactly as production does.
    install_redaction()
    if os.environ.get("CI") and not PG_URL:
        # In CI a run that skipped every PostgreSQL test must not pass.
        raise pytest.UsageError(
            "CI is set but SUPPORTBOT_TEST_DATABASE_URL is not: every PostgreSQL test would be skipped. "
            "Run through scripts/test with a server on 127.0.0.1:5432, or set SUPPORTBOT_TEST_DATABASE_URL."
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _postgres_schema_url(base: str) -> Iterator[str]:
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, and a PostgreSQL schema where one is available."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/supportbot.db"
        return
    if not PG_URL:
        pytest.skip("SUPPORTBOT_TEST_DATABASE_URL is not set")
    yield from _postgres_schema_url(PG_URL)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    migrate.upgrade(store)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: object) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path}/supportbot.db")
    migrate.upgrade(store)
    yield store
    store.close()
