"""Schema migrations (Alembic), applied by ``supportbot db upgrade`` and on ``run`` for SQLite."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from supportbot.store.db import Store, StoreError

_SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(_config()).get_heads())


def current_revisions(store: Store) -> set[str]:
    try:
        with store.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        raise StoreError(f"cannot read the schema version of {store.display_url}: {type(error).__name__}") from None


def is_current(store: Store) -> bool:
    return current_revisions(store) == head_revisions()


def upgrade(store: Store, revision: str = "heads") -> None:
    """Bring the schema up to date (idempotent)."""
    config = _config()
    try:
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as error:
        raise StoreError(f"migrating {store.display_url} failed: {type(error).__name__}: {error}") from None


def downgrade(store: Store, revision: str) -> None:
    config = _config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def new_revision(message: str, rev_id: str, scratch_url: str) -> str:
    """For developers: write a migration for the difference between the models and the latest revision.

    Uses a scratch SQLite database brought to the latest revision; returns the new file's path.
    """
    scratch = Store(scratch_url)
    upgrade(scratch)
    config = _config()
    with scratch.engine.begin() as connection:
        config.attributes["connection"] = connection
        script = command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
    scratch.close()
    if script is None or isinstance(script, list):
        raise StoreError("alembic produced no single revision")
    return str(script.path)
