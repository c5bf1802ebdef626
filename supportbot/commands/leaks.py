"""``supportbot leaks``: key-leak incidents (never the key, never the message)."""

from __future__ import annotations

import sys

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings, open_store, write_rows

COLUMNS = [
    "id",
    "time",
    "channel",
    "author",
    "source",
    "keys",
    "deletion",
    "reason",
    "warned",
    "alerted",
    "seen_before",
    "handled_by",
    "revocation",
    "revoked_by",
    "revoked_at",
    "revoke_requested_by",
]


@click.command("leaks")
@click.option("--since", default="7d", show_default=True, help="How far back: 12h, 7d, 4w…")
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1, 100_000))
def command(since: str, output_format: str, limit: int) -> None:
    """List key-leak incidents from DATABASE_URL, newest first.

    Each row shows where a key leaked, who posted it, the masked key and its fingerprint, and
    what was done: deleted, removed by the author, not deletable (and why), warned, alerted, and
    whether the key was disabled at its source (when, by which revoker, who asked).
    """
    from datetime import UTC, datetime

    from supportbot.store import leaks as leak_store
    from supportbot.text.periods import parse_period

    try:
        period = parse_period(since)
    except ValueError as error:
        click.echo(f"supportbot leaks: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    settings = load_settings()
    store = open_store(settings)
    start = datetime.now(UTC) - period
    with store.session() as session:
        found = leak_store.recent(session, since=start, limit=limit)
        history = leak_store.history(session, sorted({key.key_id for _, keys in found for key in keys}))
    rows: list[dict[str, object]] = [
        {
            "id": incident.id,
            "time": incident.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "channel": incident.channel,
            "author": incident.author,
            "source": incident.source.split(":", 1)[0],
            "keys": "; ".join(f"{key.provider} {key.masked} ({key.key_id})" for key in keys),
            "deletion": incident.deletion,
            "reason": incident.deletion_reason,
            "warned": incident.warned,
            "alerted": incident.alerted,
            "seen_before": max((history[key.key_id].times_seen_before - 1 for key in keys), default=0),
            "handled_by": incident.handled_by,
            "revocation": incident.revocation,
            "revoked_by": incident.revoked_by,
            "revoked_at": incident.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ") if incident.revoked_at else None,
            "revoke_requested_by": incident.revoke_requested_by,
        }
        for incident, keys in found
    ]
    store.close()
    if output_format == "table" and not rows:
        click.echo(f"No key leaks in the last {since}.")
        return
    write_rows(rows, COLUMNS, output_format)
