"""``supportbot tickets``: list tickets for exports and reports (table, JSON or CSV)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from supportbot.commands._common import load_settings, open_store, write_rows
from supportbot.text.scrub import Scrub

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
    from supportbot.store import tickets as ticket_store
    from supportbot.text.scrub import key_scrubber

    settings = load_settings()
    store = open_store(settings)
    try:
        with store.session() as session:
            rows = ticket_store.listing(session, state=state, limit=1_000_000)  # type: ignore[arg-type]
    finally:
        store.close()
    scrub = key_scrubber(settings)
    records = [_record(row, scrub) for row in rows]
    if output_format == "table":
        click.echo(_table(records, state))
    else:
        write_rows(records, list(COLUMNS), output_format)


def _record(row: Any, scrub: Scrub) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in COLUMNS:
        value = getattr(row, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif name in {"error_text", "close_reason"} and value:
            value = scrub(value)
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
