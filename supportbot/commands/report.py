"""``supportbot report --html FILE``: the leads' report as one self-contained HTML file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from supportbot.commands._common import load_settings, open_store


@click.command("report")
@click.option(
    "--html",
    "html_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file (replaced if it exists).",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 104),
    default=8,
    show_default=True,
    help="How many ISO weeks to cover, the current one included.",
)
@click.option(
    "--gaps", "gap_count", type=click.IntRange(1, 200), default=20, show_default=True, help="Top gaps listed."
)
def command(html_path: Path, weeks: int, gap_count: int) -> None:
    """Write a report for team leads: trends over weeks and the top FAQ gaps.

    One HTML file with its styles and charts inside (no scripts, nothing loaded from the
    network), to open in any browser, attach or archive. It charts, per ISO week (UTC):
    questions the FAQ did not answer and new gaps, 401 checklist walks by how they ended,
    key leaks, and tickets filed and closed; then lists the busiest open gaps with example
    phrasings, where checklist walks ended, and who pasted a key more than once.

    Example texts were scrubbed before they were stored and are scrubbed again here.
    Reads DATABASE_URL.
    """
    from supportbot.formats.report_html import render_report
    from supportbot.infra.clock import SystemClock
    from supportbot.store import dashboard
    from supportbot.text.chat import for_output
    from supportbot.text.scrub import key_scrubber

    settings = load_settings()
    folder = html_path.expanduser().resolve().parent
    if not folder.is_dir():
        click.echo(f"supportbot: cannot write {html_path}: the folder {folder} does not exist", err=True)
        sys.exit(1)
    scrub = key_scrubber(settings)
    store = open_store(settings)
    try:
        with store.session() as session:
            report = dashboard.report(
                session, weeks, SystemClock().now(), clean=lambda text: for_output(text, scrub), gaps=gap_count
            )
    finally:
        store.close()
    html = render_report(report)
    _write_atomically(html_path, html)
    click.echo(
        f"wrote {html_path} ({weeks} week{'' if weeks == 1 else 's'}, {len(report.gaps)} gap(s) listed, "
        f"{len(html.encode('utf-8')) // 1024 + 1} KB)"
    )


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename over it, so a reader never sees half a report."""
    target = path.expanduser()
    handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=target.resolve().parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        click.echo(f"supportbot: cannot write {path}: {error.strerror or error}", err=True)
        sys.exit(1)
