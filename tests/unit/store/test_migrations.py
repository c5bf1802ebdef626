from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from supportbot.store import migrate
from supportbot.store.db import Store
from supportbot.store.schema import metadata


def test_upgrade_is_idempotent_and_reaches_head(store: Store) -> None:
    assert migrate.is_current(store)
    migrate.upgrade(store)
    assert migrate.current_revisions(store) == migrate.head_revisions()


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata())
    assert differences == []


def test_downgrade_to_nothing_and_back(store: Store) -> None:
    migrate.downgrade(store, "base")
    assert migrate.current_revisions(store) == set()
    migrate.upgrade(store)
    assert migrate.is_current(store)
