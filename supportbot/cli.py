"""The ``supportbot`` command line.

Each subcommand lives in its own module, ``supportbot/commands/<name>.py``, exposing a click
command named ``command``. Modules are imported only when their command runs, so ``supportbot
scan`` starts without loading Slack or database libraries.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from supportbot import __version__

# Order shown in --help; a module that does not exist (yet) is simply not listed.
_COMMANDS: dict[str, str] = {
    "run": "Run the bot (HTTP Events API or Socket Mode).",
    "console": "Try the bot in a terminal against the built-in local Slack.",
    "scan": "Find API keys in text, files or a Slack export.",
    "diagnose": "Diagnose a pasted 401 (error body, curl, SDK code, .env).",
    "tickets": "List support tickets.",
    "leaks": "List key-leak incidents.",
    "sweep": "Scan a channel's history for keys posted before the bot was installed.",
    "gaps": "Show the questions the knowledge base does not answer.",
    "report": "Write a self-contained HTML report for team leads.",
    "manifest": "Print the Slack app manifest for this configuration.",
    "db": "Database maintenance (migrations).",
    "check": "Check the configuration before going live (tokens, scopes, channels, database).",
}


def _module_name(name: str) -> str:
    return f"supportbot.commands.{name}"


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in _COMMANDS if importlib.util.find_spec(_module_name(name)) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS or importlib.util.find_spec(_module_name(cmd_name)) is None:
            return None
        module = importlib.import_module(_module_name(cmd_name))
        command = getattr(module, "command", None)
        if not isinstance(command, click.Command):
            raise click.ClickException(f"internal error: {cmd_name} has no command")
        if command.short_help is None:
            command.short_help = _COMMANDS[cmd_name]
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="supportbot")
def cli() -> None:
    """supportbot: a Slack support desk for AI API teams.

    It deletes and masks API keys pasted into Slack, walks customers through 401 checklists,
    files tickets that hold only safe fields, and shows leads which questions the docs miss.

    Settings come from environment variables; see the README's configuration table.
    Try it without Slack:  supportbot console
    """


def main() -> None:
    try:
        cli.main(prog_name="supportbot")
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.exit(130)
