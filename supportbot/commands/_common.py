"""Helpers shared by the command modules."""

from __future__ import annotations

import sys

import click

from supportbot.config import ConfigError, Settings

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
