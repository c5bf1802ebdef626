"""`supportbot check` against the emulator: a good setup passes; each kind of bad one fails naming the
variable and the fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supportbot.cli import cli
from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d
from supportbot.slack.manifest import BOT_SCOPES
from supportbot.slack.preflight import Report, run_checks
from supportbot.store import migrate
from supportbot.store.db import Store
from tests.conftest import PG_URL, _postgres_schema_url
from tests.scenarios.harness import bot_environment


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def good_env(emulator: Emulator, database_url: str) -> dict[str, str]:
    store = Store(database_url)
    migrate.upgrade(store)
    store.close()
    return bot_environment(emulator, database_url)


def _failures(report: Report) -> dict[str, str]:
    return {f"{check.variable}": f"{check.detail} | fix: {check.fix}" for check in report.checks if check.failed}


def _invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["check", *args], env=env)


def test_a_good_setup_passes_every_check(good_env: dict[str, str]) -> None:
    report = run_checks(good_env)
    assert report.ok, _failures(report)
    names = {check.variable for check in report.checks if check.status == "ok"}
    assert {
        "SLACK_BOT_TOKEN",
        "SLACK_ADMIN_USER_TOKEN",
        "SUPPORTBOT_AGENT_CHANNEL",
        "SUPPORTBOT_LEADS_CHANNEL",
        "SUPPORTBOT_AGENTS",
        "SUPPORTBOT_LEADS",
        "SUPPORTBOT_KNOWLEDGE_DIR",
        "SUPPORTBOT_RULES_FILE",
        "DATABASE_URL",
    } <= names
    result = _invoke(good_env)
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output and "ready" in result.output
    assert good_env["SLACK_BOT_TOKEN"] not in result.output


def test_a_revoked_token_and_a_channel_without_the_bot_fail_naming_variable_and_fix(
    emulator: Emulator, good_env: dict[str, str]
) -> None:
    emulator.workspace.revoke_token(emulator.admin_token)
    emulator.workspace.remove_member(d.AGENTS, emulator.workspace.bot.id)
    result = _invoke(good_env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    admin = next(index for index, line in enumerate(lines) if "SLACK_ADMIN_USER_TOKEN" in line and "FAIL" in line)
    assert "token_revoked" in lines[admin]
    assert "fix: copy the User OAuth Token" in lines[admin + 1]
    agents = next(index for index, line in enumerate(lines) if "SUPPORTBOT_AGENT_CHANNEL" in line)
    assert lines[agents].startswith("FAIL")
    assert f"/invite @supportbot in {d.AGENTS}" in lines[agents + 1]
    assert "2 failed" in result.output and "not ready" in result.output


def test_a_revoked_bot_token_fails_and_skips_what_needs_it(emulator: Emulator, good_env: dict[str, str]) -> None:
    emulator.workspace.revoke_token(emulator.bot_token)
    report = run_checks(good_env)
    assert not report.ok
    assert "token_revoked" in _failures(report)["SLACK_BOT_TOKEN"]
    assert any(check.status == "skip" and "SLACK_BOT_TOKEN" in check.detail for check in report.checks)


def test_missing_scopes_are_named(emulator: Emulator, good_env: dict[str, str]) -> None:
    emulator.workspace.set_scopes(
        emulator.bot_token, [scope for scope in BOT_SCOPES if scope not in {"usergroups:read", "files:read"}]
    )
    failure = _failures(run_checks(good_env))["SLACK_BOT_TOKEN"]
    assert "missing files:read, usergroups:read" in failure
    assert "reinstall" in failure


def test_handles_that_do_not_resolve_and_an_admin_token_of_a_non_admin(
    emulator: Emulator, good_env: dict[str, str]
) -> None:
    env = {
        **good_env,
        "SUPPORTBOT_AGENTS": "@support-agents,@no-such-team",
        "SUPPORTBOT_LEADS": "U0NOBODY1",
        "SLACK_ADMIN_USER_TOKEN": emulator.user_token(d.SAM),
    }
    failures = _failures(run_checks(env))
    assert "@no-such-team" in failures["SUPPORTBOT_AGENTS"] and "@support-agents" not in failures["SUPPORTBOT_AGENTS"]
    assert "U0NOBODY1" in failures["SUPPORTBOT_LEADS"]
    assert "not a workspace admin" in failures["SLACK_ADMIN_USER_TOKEN"]


def test_malformed_settings_are_each_named(good_env: dict[str, str]) -> None:
    env = {**good_env, "SUPPORTBOT_AGENT_CHANNEL": "#agents", "SUPPORTBOT_DIGEST_HOUR": "25"}
    result = _invoke(env, "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    failed = {check["variable"] for check in report["checks"] if check["status"] == "fail"}
    assert failed == {"SUPPORTBOT_AGENT_CHANNEL", "SUPPORTBOT_DIGEST_HOUR"}


def test_broken_rules_file_and_unmigrated_database(good_env: dict[str, str], tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\nid = "x"\nregex = "("\n')
    fresh = f"sqlite:///{tmp_path}/absent/x.db"
    failures = _failures(run_checks({**good_env, "SUPPORTBOT_RULES_FILE": str(rules), "DATABASE_URL": fresh}))
    assert "SUPPORTBOT_RULES_FILE" in failures
    assert "does not exist" in failures["DATABASE_URL"]


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("SUPPORTBOT_TEST_DATABASE_URL is not set")
    yield from _postgres_schema_url(PG_URL)


@pytest.mark.postgres
def test_an_unmigrated_postgresql_database_says_run_db_upgrade(emulator: Emulator, empty_postgres: str) -> None:
    # SQLite needs no such step: `run` migrates it.
    failure = _failures(run_checks(bot_environment(emulator, empty_postgres)))["DATABASE_URL"]
    assert "supportbot db upgrade" in failure
