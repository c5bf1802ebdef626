"""Helpers shared by the command modules."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

import click

from supportbot.config import ConfigError, Settings

if TYPE_CHECKING:
    from supportbot.store.db import Store

EXIT_CONFIG = 2


def load_settings() -> Settings:
    """Read settings from the environment; on a problem print each one and exit with status 2."""
    try:
        return Settings.from_env()
    except ConfigError as error:
        click.echo("supportbot: the configuration has problems:", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(EXIT_CONFIG)


def open_store(settings: Settings) -> Store:
    """Open DATABASE_URL for a report command: it must exist and be at the current schema."""
    from pathlib import Path

    from supportbot.store import migrate
    from supportbot.store.db import Store, StoreError

    if settings.is_sqlite:
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        if not path.exists():
            click.echo(
                f"supportbot: no database at {path} yet (has the bot run here? is DATABASE_URL right?)", err=True
            )
            sys.exit(EXIT_CONFIG)
    try:
        store = Store(settings.database_url)
        if not migrate.is_current(store):
            click.echo(
                f"supportbot: {store.display_url} is not at the current schema; run 'supportbot db upgrade'", err=True
            )
            sys.exit(EXIT_CONFIG)
    except StoreError as error:
        click.echo(f"supportbot: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    return store


# Spreadsheet programs run cells that start with these as formulas.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a leading ``'`` defuses ``=HYPERLINK(…)`` and its kin."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(stream: TextIO, rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> None:
    """Every CSV export goes through here, so none can carry a formula into a spreadsheet."""
    import csv

    writer = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(row.get(key)) for key in columns})


def write_rows(rows: list[dict[str, object]], columns: list[str], output_format: str) -> None:
    """Print rows as an aligned table, JSON or CSV (the shared shape of report commands)."""
    import json

    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if output_format == "csv":
        write_csv(sys.stdout, rows, columns)
        return
    cells = [[("" if row.get(key) is None else str(row.get(key))) for key in columns] for row in rows]
    widths = [max([len(column), *(len(line[index]) for line in cells)]) for index, column in enumerate(columns)]
    click.echo("  ".join(column.ljust(widths[index]) for index, column in enumerate(columns)).rstrip())
    for line in cells:
        click.echo("  ".join(value.ljust(widths[index]) for index, value in enumerate(line)).rstrip())
