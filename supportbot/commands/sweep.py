"""``supportbot sweep``: find keys posted before the bot was installed, and handle them."""

from __future__ import annotations

import sys
import time

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings


@click.command("sweep")
@click.option(
    "--channel",
    "channels",
    multiple=True,
    required=True,
    metavar="CHANNEL_ID",
    help="Channel to sweep (repeatable). The bot must be a member.",
)
@click.option("--since", default="30d", show_default=True, help="How far back: 7d, 30d, 12w…")
@click.option("--dry-run", is_flag=True, help="Only list what would be handled (masked); change nothing.")
def command(channels: tuple[str, ...], since: str, dry_run: bool) -> None:
    """Scan channel history for API keys and handle each like a newly posted one.

    Messages with a key are deleted (admin token), reposted masked, their authors warned, and
    agents alerted where deletion is impossible, exactly as the running bot does. Files in the
    history are scanned too. Messages already handled are skipped, so a sweep can be repeated.
    With --dry-run nothing is changed and the keys are listed, masked. Exit status: 0 no keys,
    1 keys found, 2 configuration or Slack error.
    """
    from datetime import UTC, datetime

    from supportbot.infra.logsafe import configure_logging
    from supportbot.slack.app import AppStartError, identify
    from supportbot.slack.bot import prepare_store
    from supportbot.slack.errors import SlackError
    from supportbot.slack.features.leaks import register_actions
    from supportbot.slack.features.leaks.sweep import sweep_channel
    from supportbot.slack.runtime import Runtime
    from supportbot.store.db import StoreError
    from supportbot.text.periods import parse_period

    settings = load_settings()
    configure_logging("WARNING")
    try:
        oldest = datetime.now(UTC) - parse_period(since)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from None
    if not settings.slack_bot_token:
        click.echo("supportbot sweep: SLACK_BOT_TOKEN is not set", err=True)
        sys.exit(EXIT_CONFIG)
    try:
        store = prepare_store(settings)
        runtime = Runtime.create(settings, store, poll_interval=0.2)
        identify(runtime)
    except (StoreError, AppStartError, ValueError) as error:
        click.echo(f"supportbot sweep: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    feature = register_actions(runtime)
    found = 0
    try:
        for channel in channels:
            with click.progressbar(length=0, label=f"Scanning {channel}", file=sys.stderr, show_pos=True) as bar:
                report = sweep_channel(
                    runtime,
                    feature,
                    channel,
                    oldest=oldest,
                    dry_run=dry_run,
                    on_message=lambda: bar.update(1),
                    wait=_waiting,
                )
            found += len(report.keys)
            _print_report(report, dry_run)
        if not dry_run:
            _carry_out(runtime)
    except SlackError as error:
        click.echo(f"supportbot sweep: Slack said {error.code} ({error.method})", err=True)
        sys.exit(EXIT_CONFIG)
    finally:
        runtime.port.close()
        store.close()
    sys.exit(1 if found else 0)


class _Progress:
    """A message counter on stderr, redrawn in place on a terminal and silent otherwise."""

    def __init__(self, channel: str) -> None:
        self._channel = channel
        self._count = 0
        self._live = sys.stderr.isatty()

    def tick(self) -> None:
        self._count += 1
        if self._live and self._count % 50 == 0:
            click.echo(f"\rscanning {self._channel}: {self._count} messages", err=True, nl=False)

    def done(self) -> None:
        if self._live:
            click.echo(f"\rscanning {self._channel}: {self._count} messages", err=True)


def _waiting(seconds: float) -> None:
    click.echo(f"rate limited by Slack: waiting {seconds:g}s", err=True)
    time.sleep(seconds)


def _print_report(report: object, dry_run: bool) -> None:
    from supportbot.slack.features.leaks.sweep import SweepReport

    assert isinstance(report, SweepReport)
    click.echo(
        f"{report.channel}: {report.messages} message(s) scanned, {len(report.keys)} key(s) found"
        + (
            ""
            if dry_run
            else f", {report.incidents_new} new incident(s), {report.incidents_known} already "
            f"handled, {report.files_queued} file(s) queued for scanning"
        )
    )
    for key in report.keys:
        when = datetime_from_ts(key.ts)
        thread = f" (thread {key.thread_ts})" if key.thread_ts and key.thread_ts != key.ts else ""
        click.echo(f"  {when} {key.author or '?'} {key.provider} {key.masked} {key.key_id}{thread}")


def datetime_from_ts(ts: str) -> str:
    from datetime import UTC, datetime

    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ts


def _carry_out(runtime: object) -> None:
    """Run the queued deletions, reposts and warnings now; later re-checks stay for the running bot."""
    from datetime import timedelta

    from supportbot.slack.runtime import Runtime
    from supportbot.store import outbox

    assert isinstance(runtime, Runtime)
    done = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        done += runtime.worker.run_once()
        with runtime.store.session() as session:
            due = outbox.next_due(session)
        now = runtime.clock.now()
        if due is None or due - now > timedelta(seconds=60):
            break
        time.sleep(max(0.05, min(5.0, (due - now).total_seconds())))
    click.echo(f"carried out {done} Slack action(s)", err=True)
