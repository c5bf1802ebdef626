"""``supportbot gaps``: the questions the knowledge base does not answer, grouped, for leads."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import click

from supportbot.commands._common import load_settings, open_store, write_rows

FORMATS = ("table", "md", "json", "csv")
STATES = ("open", "answered", "reopened", "all")
_EXAMPLE_CHARS = 70


def _period(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, timedelta]:
    from supportbot.text.periods import parse_period

    try:
        return value.strip().lower(), parse_period(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command("gaps")
@click.option(
    "--since",
    "period",
    default="7d",
    show_default=True,
    callback=_period,
    help="How far back to look: a number and h, d or w (12h, 7d, 2w, up to 366d).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option(
    "--state",
    type=click.Choice(STATES),
    default="open",
    show_default=True,
    help="open: not answered yet, or reopened after an answer; answered; reopened; all.",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="At most this many gaps.")
@click.option("--examples", type=click.IntRange(0, 20), default=3, show_default=True, help="Example phrasings per gap.")
def command(period: tuple[str, timedelta], fmt: str, state: str, limit: int, examples: int) -> None:
    """Show the FAQ gaps of a period, busiest first.

    A gap is one question asked in different words (English and Chinese), that the knowledge
    base could not answer, whose answer was marked unhelpful, that ended a 401 checklist
    unresolved, or that an agent logged. Each has a count, the trend against the period
    before, when it was first and last asked, where, and a few example phrasings.

    Example texts were scrubbed before they were stored and are scrubbed again here.
    Reads DATABASE_URL.
    """
    from supportbot.gaps.grouping import Window
    from supportbot.infra.clock import SystemClock
    from supportbot.store import gaps as gap_store
    from supportbot.text.chat import for_output
    from supportbot.text.scrub import key_scrubber

    settings = load_settings()
    label, length = period
    window = Window.ending(SystemClock().now(), length)
    store = open_store(settings)
    with store.session() as session:
        summaries = gap_store.top_gaps(session, window, limit=limit, state=state, examples=examples)  # type: ignore[arg-type]
    store.close()
    scrub = key_scrubber(settings)
    rows = [_row(summary, lambda text: for_output(text, scrub)) for summary in summaries]
    if fmt == "table":
        click.echo(_table(rows, label, state), nl=False)
    elif fmt == "md":
        click.echo(_markdown(rows, label, state), nl=False)
    elif fmt == "json":
        write_rows(rows, CSV_COLUMNS, "json")
    else:
        write_rows([_csv_row(row) for row in rows], CSV_COLUMNS, "csv")


def _row(summary: Any, clean: Callable[[str], str]) -> dict[str, Any]:
    status = summary.status
    return {
        "key": summary.key,
        "title": clean(summary.title),
        "state": status.state,
        "count": summary.count,
        "previous": summary.trend.previous,
        "trend": summary.trend.direction,
        "trend_percent": summary.trend.percent,
        "users": summary.users,
        "first_seen": _iso(summary.first_seen),
        "last_seen": _iso(summary.last_seen),
        "channels": list(summary.channels),
        "kinds": dict(summary.kinds),
        "checklist_steps": dict(summary.checklist_steps),
        "unhelpful_entries": list(summary.entry_ids),
        "answered_by_entry": status.entry_id,
        "answered_at": _iso(status.answered_at),
        "asked_since_answer": status.signals_since_answer,
        "examples": [clean(example) for example in summary.examples],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _trend(row: dict[str, Any]) -> str:
    if row["trend"] == "new":
        return "new"
    delta = row["count"] - row["previous"]
    return f"{delta:+d}" if delta else "="


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _table(rows: Sequence[dict[str, Any]], label: str, state: str) -> str:
    if not rows:
        which = "" if state == "all" else f"{state} "
        return f"No {which}FAQ gaps in the last {label}.\n"
    headers = ["GAP", "STATE", "COUNT", "TREND", "USERS", "LAST ASKED", "EXAMPLE"]
    body = [
        [
            row["key"],
            row["state"] + (f" ({row['answered_by_entry']})" if row["answered_by_entry"] else ""),
            str(row["count"]),
            _trend(row),
            str(row["users"]),
            (row["last_seen"] or "")[:16].replace("T", " "),
            _one_line(row["examples"][0] if row["examples"] else row["title"], _EXAMPLE_CHARS),
        ]
        for row in rows
    ]
    widths = [max(_width(line[index]) for line in [headers, *body]) for index in range(len(headers) - 1)]
    out = io.StringIO()
    for line in [headers, *body]:
        cells = [cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(line[:-1])]
        out.write("  ".join([*cells, line[-1]]).rstrip() + "\n")
    out.write(f"\n{len(rows)} gap(s), last {label}, trend against the {label} before.\n")
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _markdown(rows: Sequence[dict[str, Any]], label: str, state: str) -> str:
    out = io.StringIO()
    out.write(f"# FAQ gaps, last {label} ({state})\n\n")
    if not rows:
        out.write("None.\n")
        return out.getvalue()
    out.write("| # | Gap | State | Count | Trend | People | First asked | Last asked | Examples |\n")
    out.write("|---|---|---|---|---|---|---|---|---|\n")
    for index, row in enumerate(rows, 1):
        examples = "<br>".join(_md_cell(_one_line(text, 200)) for text in row["examples"]) or _md_cell(row["title"])
        state_text = row["state"] + (f" (`{row['answered_by_entry']}`)" if row["answered_by_entry"] else "")
        out.write(
            f"| {index} | `{row['key']}` | {state_text} | {row['count']} | {_trend(row)} | {row['users']} | "
            f"{row['first_seen'] or ''} | {row['last_seen'] or ''} | {examples} |\n"
        )
    return out.getvalue()


def _md_cell(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")


CSV_COLUMNS = [
    "key",
    "state",
    "count",
    "previous",
    "trend",
    "users",
    "first_seen",
    "last_seen",
    "channels",
    "answered_by_entry",
    "answered_at",
    "asked_since_answer",
    "examples",
]


def _csv_row(row: dict[str, Any]) -> dict[str, object]:
    flat = dict(row)
    flat["channels"] = " ".join(row["channels"])
    flat["examples"] = " | ".join(_one_line(text, 500) for text in row["examples"])
    return flat
