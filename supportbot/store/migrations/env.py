"""Alembic environment: always run through ``supportbot.store.migrate`` with a live connection."""

from __future__ import annotations

from alembic import context

from supportbot.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with 'supportbot db upgrade', not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
