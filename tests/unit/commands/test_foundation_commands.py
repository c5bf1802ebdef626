from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from supportbot.cli import cli
from supportbot.slack.manifest import BOT_EVENTS, BOT_SCOPES


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supportbot", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("run", "db", "manifest"):
        assert f"  {name} " in result.output


def test_run_without_tokens_exits_2_naming_what_is_missing_and_the_console() -> None:
    result = _run(["run", "--http"])
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "supportbot console" in result.stderr
    socket = _run(["run"], env={"SLACK_BOT_TOKEN": "xoxb-x"})
    assert socket.returncode == 2 and "SLACK_APP_TOKEN" in socket.stderr


def test_bad_configuration_exits_2_with_each_problem() -> None:
    result = _run(["run", "--http"], env={"SUPPORTBOT_AGENT_CHANNEL": "#agents", "DATABASE_URL": "mysql://x"})
    assert result.returncode == 2
    assert "SUPPORTBOT_AGENT_CHANNEL" in result.stderr and "DATABASE_URL" in result.stderr


def test_manifest_http_and_socket_mode() -> None:
    runner = CliRunner()
    http = runner.invoke(cli, ["manifest", "--request-url", "https://bot.example.com/slack/events"], env={})
    assert http.exit_code == 0, http.output
    manifest = yaml.safe_load(http.output)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == "https://bot.example.com/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["features"]["slash_commands"][0]["command"] == "/support"
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(BOT_EVENTS)
    assert {item["callback_id"] for item in manifest["features"]["shortcuts"]} == {
        "triage_start",
        "ticket_file",
        "gap_log",
    }
    socket = runner.invoke(cli, ["manifest"], env={"SLACK_APP_TOKEN": "xapp-1-x"})
    data = yaml.safe_load(socket.output)
    assert data["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in data["settings"]["event_subscriptions"]
    refused = runner.invoke(cli, ["manifest", "--request-url", "http://insecure.example.com"], env={})
    assert refused.exit_code == 2


def test_db_upgrade_and_status(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    runner = CliRunner()
    before = runner.invoke(cli, ["db", "status"], env=env)
    assert before.exit_code == 1 and "needs 'supportbot db upgrade'" in before.output
    first = runner.invoke(cli, ["db", "upgrade"], env=env)
    assert first.exit_code == 0 and "upgraded empty ->" in first.output
    again = runner.invoke(cli, ["db", "upgrade"], env=env)
    assert "already up to date" in again.output
    assert runner.invoke(cli, ["db", "status"], env=env).exit_code == 0


def test_db_upgrade_reports_an_unreachable_database() -> None:
    result = CliRunner().invoke(cli, ["db", "upgrade"], env={"DATABASE_URL": "sqlite:////no/such/folder/x.db"})
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.parametrize("command", ["run", "db", "manifest", "report"])
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 3
