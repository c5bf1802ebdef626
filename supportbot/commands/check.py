"""``supportbot check``: try the configuration before going live (library: ``slack/preflight.py``)."""

from __future__ import annotations

import json
import sys

import click


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: ok, counts and every check.")
def command(as_json: bool) -> None:
    """Check every setting, each token's access and scopes, the channels the bot must be in, the
    agents and leads, the knowledge folder, the rules file and the database.

    One line per check, then a summary. Exit status 0 when nothing failed, 1 otherwise.
    """
    from supportbot.infra.logsafe import configure_logging
    from supportbot.slack.preflight import run_checks

    configure_logging("ERROR")
    report = run_checks()
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        marks = {"ok": "ok  ", "fail": "FAIL", "skip": "skip"}
        for check in report.checks:
            subject = f"{check.variable}: " if check.variable else ""
            click.echo(f"{marks[check.status]}  {check.name:<20} {subject}{check.detail}")
            if check.failed and check.fix:
                click.echo(f"      {'':<20} fix: {check.fix}")
        counts = report.counts()
        verdict = "ready" if report.ok else "not ready"
        summary = f"{counts['ok']} passed, {counts['fail']} failed, {counts['skip']} skipped"
        click.echo(f"\n{len(report.checks)} checks: {summary}: {verdict}")
    sys.exit(0 if report.ok else 1)
