"""``supportbot manifest``: the Slack app manifest for this configuration."""

from __future__ import annotations

import json

import click
import yaml

from supportbot.commands._common import load_settings
from supportbot.slack.manifest import build_manifest


@click.command("manifest")
@click.option(
    "--request-url",
    metavar="URL",
    help="Public HTTPS URL of POST /slack/events (HTTP mode), e.g. https://bot.example.com/slack/events.",
)
@click.option(
    "--socket-mode/--http",
    "socket_mode",
    default=None,
    help="Force a mode. Default: Socket Mode when SLACK_APP_TOKEN is set and no --request-url is given.",
)
@click.option("--name", default="supportbot", show_default=True, help="App and bot display name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of YAML.")
def command(request_url: str | None, socket_mode: bool | None, name: str, as_json: bool) -> None:
    """Print the Slack app manifest (YAML) with the scopes, events, /support, shortcuts and App Home.

    Create the app at https://api.slack.com/apps -> "Create New App" -> "From a manifest" and paste it.
    """
    settings = load_settings()
    if socket_mode is None:
        socket_mode = bool(settings.slack_app_token) and request_url is None
    if request_url is not None and not request_url.startswith("https://"):
        raise click.BadParameter("Slack only calls HTTPS URLs", param_hint="--request-url")
    if not socket_mode and request_url is None:
        click.echo("note: no --request-url given; replace https://YOUR-HOST/slack/events before pasting", err=True)
    manifest = build_manifest(request_url=request_url, socket_mode=socket_mode, name=name)
    if as_json:
        click.echo(json.dumps(manifest, indent=2))
    else:
        click.echo(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), nl=False)
