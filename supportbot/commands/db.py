"""``supportbot db``: schema migrations."""

from __future__ import annotations

import sys

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings


@click.group("db")
def command() -> None:
    """Database maintenance. SQLite is migrated automatically by 'run'; PostgreSQL is not."""


@command.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration to DATABASE_URL (safe to run again)."""
    from supportbot.store import migrate
    from supportbot.store.db import Store, StoreError

    settings = load_settings()
    try:
        store = Store(settings.database_url)
        before = migrate.current_revisions(store)
        migrate.upgrade(store)
        after = migrate.current_revisions(store)
    except StoreError as error:
        click.echo(f"supportbot db upgrade: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    if before == after:
        click.echo(f"{store.display_url}: already up to date ({', '.join(sorted(after))})")
    else:
        old = ", ".join(sorted(before)) or "empty"
        click.echo(f"{store.display_url}: upgraded {old} -> {', '.join(sorted(after))}")


@command.command("status")
def status() -> None:
    """Show whether DATABASE_URL is at the current schema (exit 1 when it is not)."""
    from supportbot.store import migrate
    from supportbot.store.db import Store, StoreError

    settings = load_settings()
    try:
        store = Store(settings.database_url)
        current = migrate.current_revisions(store)
    except StoreError as error:
        click.echo(f"supportbot db status: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    heads = migrate.head_revisions()
    state = "up to date" if current == heads else "needs 'supportbot db upgrade'"
    click.echo(
        f"{store.display_url}: at {', '.join(sorted(current)) or 'nothing'}; latest {', '.join(sorted(heads))}: {state}"
    )
    sys.exit(0 if current == heads else 1)


@command.command("revision", hidden=True)
@click.option("-m", "--message", required=True, help="What the migration does.")
@click.option("--id", "rev_id", required=True, help="Revision id, e.g. 0003_tickets.")
def revision(message: str, rev_id: str) -> None:
    """For developers: generate a migration from the models (review it before committing)."""
    import tempfile

    from supportbot.store import migrate

    with tempfile.TemporaryDirectory() as folder:
        path = migrate.new_revision(message, rev_id, f"sqlite:///{folder}/scratch.db")
    click.echo(f"wrote {path}; review it, then run 'ruff format' on it")
