"""``supportbot console``: the real bot against the built-in local Slack, in a terminal."""

from __future__ import annotations

import contextlib
import logging
import secrets
import sys
from pathlib import Path

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings

SIGNING_SECRET = secrets.token_hex(16)


@click.command("console")
@click.option(
    "--script",
    "script",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run the lines of FILE instead of reading the keyboard, then print the transcript.",
)
@click.option(
    "--database",
    default="sqlite:///supportbot-console.db",
    show_default=True,
    help="Where the console keeps its data (never DATABASE_URL, so a real database is never touched).",
)
@click.option("--fresh", is_flag=True, help="Start from an empty console database.")
@click.option(
    "--no-admin-token",
    is_flag=True,
    help="Run as if SLACK_ADMIN_USER_TOKEN were not set (leaked keys cannot be deleted).",
)
@click.option("--verbose", is_flag=True, help="Also show the bot's log lines.")
def command(script: Path | None, database: str, fresh: bool, no_admin_token: bool, verbose: bool) -> None:
    """Try supportbot without Slack.

    The real app runs against a local Slack emulator with a small workspace: customers alice and
    li.wei (Chinese), agents sam and wang, lead lee, admin, and ext.bob from another organisation in
    the Slack Connect channel #ext-acme. Type as any of them and see everything the bot does:
    messages, private (ephemeral) notes, deletions, modals, buttons numbered for /click.

    Type /help inside for the line commands; {fake-key:openai} (or anthropic, deepseek, gateway…)
    in a line becomes a freshly made synthetic key. Your SUPPORTBOT_* settings (base URL, knowledge
    folder, rules file) are used; Slack tokens and DATABASE_URL are not.
    """
    from supportbot.config import ConfigError
    from supportbot.emulator import Emulator, SlackDriver
    from supportbot.emulator.console import Console, repl, run_script
    from supportbot.emulator.fakekeys import expand
    from supportbot.infra.logsafe import configure_logging
    from supportbot.slack.app import AppStartError
    from supportbot.slack.bot import create_bot
    from supportbot.store.db import StoreError

    base = load_settings()
    configure_logging("INFO" if verbose else "WARNING")
    if not verbose:
        # The console shows what the bot did; its own chatter would bury the transcript.
        logging.getLogger().setLevel(logging.ERROR)
    if fresh:
        _remove_sqlite(database)
    with Emulator() as emulator:
        try:
            settings = base.with_overrides(
                slack_bot_token=emulator.bot_token,
                slack_signing_secret=SIGNING_SECRET,
                slack_app_token=None,
                slack_admin_user_token=None if no_admin_token else emulator.admin_token,
                slack_api_url=emulator.api_url,
                database_url=_sqlite_url(database),
                agent_channel=base.agent_channel or "G0AGENTS1",
                leads_channel=base.leads_channel or "C0LEADS01",
                agents=base.agents or ("@support-agents",),
                leads=base.leads or ("@support-leads",),
            )
            bot = create_bot(settings, poll_interval=0.1)
        except (AppStartError, StoreError, ConfigError, ValueError) as error:
            click.echo(f"supportbot console: {error}", err=True)
            sys.exit(EXIT_CONFIG)
        bot.start()
        try:
            console = Console(emulator, SlackDriver(emulator, SIGNING_SECRET, bot.dispatch))
            if script is not None:
                lines = [expand(line) for line in script.read_text(encoding="utf-8").splitlines()]
                click.echo(run_script(console, lines), nl=False)
            else:
                _enable_line_editing()
                click.echo(
                    "Tip: {fake-key:openai} in a line becomes a synthetic key (also anthropic, deepseek, "
                    "gateway, openrouter, groq, github, google)."
                )
                repl(console, read=lambda prompt: expand(input(prompt)))
        finally:
            bot.stop()
            bot.runtime.store.close()


def _sqlite_url(database: str) -> str:
    if not database.startswith("sqlite:///"):
        raise click.BadParameter("the console keeps its data in SQLite: sqlite:///path.db", param_hint="--database")
    return database


def _remove_sqlite(database: str) -> None:
    path = Path(_sqlite_url(database).removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def _enable_line_editing() -> None:
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  (arrow keys and history for input())
