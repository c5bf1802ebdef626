"""``supportbot tickets``: list tickets for exports and reports (table, JSON or CSV)."""

from __future__ import annotations

import io
import json
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings, write_csv
from supportbot.text.scrub import scrub

COLUMNS = (
    "id",
    "state",
    "created_at",
    "occurred_at",
    "status",
    "model",
    "masked_key_id",
    "error_text",
    "assignee",
    "requester",
    "filed_by",
    "source",
    "channel",
    "thread_ts",
    "closed_at",
    "closed_by",
    "close_reason",
)
_TABLE = (
    ("ID", "id", 6),
    ("STATE", "state", 6),
    ("FILED (UTC)", "created_at", 16),
    ("HAPPENED (UTC)", "occurred_at", 16),
    ("STATUS", "status", 6),
    ("MODEL", "model", 24),
    ("KEY", "masked_key_id", 18),
    ("ASSIGNEE", "assignee", 11),
    ("ERROR", "error_text", 48),
)


@click.command("tickets")
@click.option(
    "--state",
    type=click.Choice(["open", "closed", "all"]),
    default="open",
    show_default=True,
    help="Which tickets to list.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for reading; json (one array) or csv (with a header row) for exports.",
)
def command(state: str, output_format: str) -> None:
    """List tickets from DATABASE_URL, newest first.

    Tickets hold only time, model, HTTP status, scrubbed error text and masked key id, plus their
    workflow (state, people as Slack user ids, times, the Slack thread). Error text and close
    reasons are scrubbed once more on the way out, so no key is ever printed.
    """
    from supportbot.keys import Scanner, load_rules
    from supportbot.store import migrate
    from supportbot.store import tickets as ticket_store
    from supportbot.store.db import Store, StoreError

    settings = load_settings()
    database = settings.database_url.removeprefix("sqlite:///") if settings.is_sqlite else None
    if database is not None and database != ":memory:" and not Path(database).expanduser().is_file():
        click.echo(f"supportbot tickets: no database at {database} (has the bot run here? set DATABASE_URL)", err=True)
        sys.exit(EXIT_CONFIG)
    try:
        store = Store(settings.database_url)
        if not migrate.is_current(store):
            raise StoreError(f"{store.display_url} is not at the current schema; run 'supportbot db upgrade' first")
        with store.session() as session:
            rows = ticket_store.listing(session, state=state, limit=1_000_000)  # type: ignore[arg-type]
        store.close()
    except StoreError as error:
        click.echo(f"supportbot tickets: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    extra = [settings.rules_file] if settings.rules_file is not None else []
    # Only masking is needed here: a throwaway fingerprint secret, no fingerprint is printed.
    scanner = Scanner(load_rules(*extra), fingerprint_secret=secrets.token_hex(16))
    records = [_record(row, scanner) for row in rows]
    if output_format == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        buffer = io.StringIO()
        write_csv(buffer, records, list(COLUMNS))
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(_table(records, state))


def _record(row: Any, scanner: Any) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in COLUMNS:
        value = getattr(row, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif name in {"error_text", "close_reason"} and value:
            value = scrub(value, scanner)
        record[name] = value
    return record


def _table(records: list[dict[str, Any]], state: str) -> str:
    if not records:
        return {"open": "No open tickets.", "closed": "No closed tickets."}.get(state, "No tickets.")
    lines = ["  ".join(title.ljust(width) for title, _, width in _TABLE).rstrip()]
    for record in records:
        cells = []
        for _, name, width in _TABLE:
            value = record[name]
            text = "" if value is None else " ".join(str(value).split())
            if name in {"created_at", "occurred_at"} and text:
                text = text.replace("T", " ")[:16]
            cells.append((text if len(text) <= width else text[: width - 1] + "…").ljust(width))
        lines.append("  ".join(cells).rstrip())
    label = "ticket" if len(records) == 1 else "tickets"
    lines.append(f"{len(records)} {state if state != 'all' else ''} {label}".replace("  ", " "))
    return "\n".join(lines)
