"""``supportbot sweep`` against the emulator's history, and ``supportbot leaks``."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportbot.cli import cli
from supportbot.emulator import Emulator
from tests.keygen import make_key
from tests.scenarios.harness import bot_environment

RNG = random.Random(777)


@pytest.fixture
def history(emulator: Emulator) -> dict[str, str]:
    """Messages posted before the bot was installed: two with keys (one in a thread), one clean."""
    ws = emulator.workspace
    keys = {"top": make_key("openai", RNG), "reply": make_key("anthropic", RNG)}
    ws.add_message("C0SUPPORT", "old question, nothing secret", user="U0CUST001", origin="test")
    parent = ws.add_message("C0SUPPORT", f"my key {keys['top']} fails", user="U0CUST001", origin="test")
    ws.add_message("C0SUPPORT", f"mine too: {keys['reply']}", user="U0CUST002", origin="test", thread_ts=parent.ts)
    for number in range(5):
        ws.add_message("C0SUPPORT", f"filler {number}", user="U0AGENT01", origin="test")
    return keys


def _run(emulator: Emulator, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = bot_environment(emulator, f"sqlite:///{tmp_path}/sweep.db")
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


def test_dry_run_lists_masked_keys_and_changes_nothing(
    emulator: Emulator, tmp_path: Path, history: dict[str, str]
) -> None:
    code, out = _run(emulator, tmp_path, "sweep", "--channel", "C0SUPPORT", "--dry-run")
    assert code == 1, out
    assert "C0SUPPORT: 8 message(s) scanned, 2 key(s) found" in out
    assert "openai sk-proj-…" in out and "anthropic sk-ant-" in out and "(thread " in out
    for secret in history.values():
        assert secret not in out
    assert emulator.calls_for("chat.delete") == []


def test_sweep_handles_each_key_like_a_new_one_and_can_be_repeated(
    emulator: Emulator, tmp_path: Path, history: dict[str, str]
) -> None:
    code, out = _run(emulator, tmp_path, "sweep", "--channel", "C0SUPPORT", "--since", "30d")
    assert code == 1, out
    assert "2 new incident(s), 0 already handled" in out
    assert len(emulator.calls_for("chat.delete")) == 2
    reposts = [call for call in emulator.calls_for("chat.postMessage") if call.params.get("channel") == "C0SUPPORT"]
    assert len(reposts) == 2
    assert len(emulator.workspace.ephemerals_for("U0CUST002", "C0SUPPORT")) == 1
    again_code, again = _run(emulator, tmp_path, "sweep", "--channel", "C0SUPPORT")
    assert again_code == 0 and "0 key(s) found" in again, "deleted messages are gone from history"
    assert len(emulator.calls_for("chat.delete")) == 2

    code, table = _run(emulator, tmp_path, "leaks", "--since", "1d")
    assert code == 0
    assert table.splitlines()[0].split()[:3] == ["id", "time", "channel"]
    assert len(table.splitlines()) == 3 and "deleted" in table
    _, as_json = _run(emulator, tmp_path, "leaks", "--format", "json")
    rows = json.loads(as_json)
    assert {row["author"] for row in rows} == {"U0CUST001", "U0CUST002"}
    assert all(row["deletion"] == "deleted" for row in rows)
    _, as_csv = _run(emulator, tmp_path, "leaks", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(parsed) == 2 and parsed[0]["keys"].count("(") == 1
    for secret in history.values():
        assert secret not in table + as_json + as_csv


def test_leaks_without_a_database_or_with_a_bad_period(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["leaks"], env={"DATABASE_URL": f"sqlite:///{tmp_path}/none.db"})
    assert missing.exit_code == 2 and "no database" in missing.output
    bad = runner.invoke(cli, ["leaks", "--since", "soon"], env={})
    assert bad.exit_code == 2 and "not a period" in bad.output


def test_sweep_reports_a_channel_slack_does_not_know(emulator: Emulator, tmp_path: Path) -> None:
    code, out = _run(emulator, tmp_path, "sweep", "--channel", "C0NOSUCH1")
    assert code == 2 and "channel_not_found" in out
