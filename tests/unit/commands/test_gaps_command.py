"""``supportbot gaps``: formats, filters, errors, and never a key in the output."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from supportbot.cli import cli
from supportbot.gaps.grouping import GapSignal, default_matcher
from supportbot.infra.clock import SystemClock
from supportbot.store import gaps as gap_store
from supportbot.store.db import Store
from tests.unit.text.test_chat import synthetic_keys

INVOICE = ["can I get an invoice for my top-up?", "怎么开发票", "how do I get a VAT invoice"]


def _seed(store: Store) -> dict[str, str]:
    """Two gaps this week (one answered and reopened), one last week only; returns their keys."""
    now = SystemClock().now()
    matcher = default_matcher()
    keys: dict[str, str] = {}

    def record(text: str, at: datetime, **extra: str) -> str:
        with store.session() as session:
            recorded = gap_store.record_signal(
                session, GapSignal("unanswered", text, at, channel_id="C0SUPPORT1", **extra), matcher=matcher
            )
        assert recorded is not None
        return recorded.gap_key

    keys["invoice"] = record(INVOICE[0], now - timedelta(days=3), user_id="U01")
    with store.session() as session:
        gap = gap_store.gap_by_key(session, keys["invoice"])
        assert gap is not None
        gap_store.mark_answered(session, gap, entry_id="quota-balance", by="U0LEAD001", now=now - timedelta(days=2))
    record(INVOICE[1], now - timedelta(hours=5), user_id="U02")
    record(INVOICE[2], now - timedelta(hours=4), user_id="U03")
    keys["claude"] = record("=do you support claude models?", now - timedelta(hours=2), user_id="U04")
    keys["old"] = record("how do I delete my account", now - timedelta(days=10))
    return keys


def _run(store: Store, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, ["gaps", *args], env={"DATABASE_URL": store.url})
    return result.exit_code, result.stdout, result.stderr


def test_table_lists_open_and_reopened_gaps_busiest_first(store: Store) -> None:
    keys = _seed(store)
    code, out, _ = _run(store)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["GAP", "STATE", "COUNT", "TREND", "USERS", "LAST", "ASKED", "EXAMPLE"]
    assert lines[1].startswith(keys["invoice"]) and "reopened (quota-balance)" in lines[1]
    assert lines[2].startswith(keys["claude"]) and " new " in lines[2]
    assert keys["old"] not in out
    assert "2 gap(s), last 7d" in out


def test_json_has_every_field(store: Store) -> None:
    keys = _seed(store)
    code, out, _ = _run(store, "--format", "json", "--state", "all", "--since", "2w")
    assert code == 0
    by_key = {gap["key"]: gap for gap in json.loads(out)}
    assert set(by_key) == set(keys.values())
    invoice = by_key[keys["invoice"]]
    assert invoice["count"] == 3
    assert invoice["state"] == "reopened"
    assert invoice["asked_since_answer"] == 2
    assert invoice["answered_by_entry"] == "quota-balance"
    assert invoice["channels"] == ["C0SUPPORT1"]
    assert invoice["users"] == 3
    assert invoice["examples"] == [INVOICE[2], INVOICE[1], INVOICE[0]]
    assert datetime.fromisoformat(invoice["first_seen"]).tzinfo is not None


def test_state_filters(store: Store) -> None:
    keys = _seed(store)
    _, answered, _ = _run(store, "--state", "answered", "--format", "json")
    assert json.loads(answered) == []
    _, reopened, _ = _run(store, "--state", "reopened", "--format", "json")
    assert [gap["key"] for gap in json.loads(reopened)] == [keys["invoice"]]


def test_markdown_and_csv(store: Store) -> None:
    keys = _seed(store)
    _, md, _ = _run(store, "--format", "md", "--limit", "1")
    assert md.startswith("# FAQ gaps, last 7d (open)")
    assert f"| 1 | `{keys['invoice']}` |" in md
    assert keys["claude"] not in md
    _, text, _ = _run(store, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["key"] for row in rows] == [keys["invoice"], keys["claude"]]
    # A customer's text that starts like a formula is defused for spreadsheets.
    assert rows[1]["examples"].startswith("'=do you support")


def test_empty(store: Store) -> None:
    code, out, _ = _run(store)
    assert code == 0
    assert out == "No open FAQ gaps in the last 7d.\n"


def test_output_is_scrubbed_again(store: Store) -> None:
    key = synthetic_keys(5)[0]
    with store.session() as session:
        # A row written before a rule existed (or by a careless writer): stored text with a key in it.
        gap_store.record_signal(
            session, GapSignal("agent_logged", f"why does {key} fail", datetime.now(UTC)), matcher=default_matcher()
        )
    for fmt in ("table", "md", "json", "csv"):
        code, out, _ = _run(store, "--format", fmt)
        assert code == 0
        assert key not in out and key[-8:] not in out
        assert "sk-proj-…" in out  # the scanner's masked form


@pytest.mark.parametrize("period", ["soon", "0d", "400d"])
def test_bad_period(store: Store, period: str) -> None:
    code, _, err = _run(store, "--since", period)
    assert code == 2
    assert "--since" in err


def test_database_missing_or_not_migrated(tmp_path: object) -> None:
    missing = CliRunner().invoke(cli, ["gaps"], env={"DATABASE_URL": f"sqlite:///{tmp_path}/none.db"})
    assert missing.exit_code == 2
    assert "no database" in missing.stderr
    Store(f"sqlite:///{tmp_path}/old.db").ping()  # an empty database file, never migrated
    result = CliRunner().invoke(cli, ["gaps"], env={"DATABASE_URL": f"sqlite:///{tmp_path}/old.db"})
    assert result.exit_code == 2
    assert "supportbot db upgrade" in result.stderr


def test_help() -> None:
    result = CliRunner().invoke(cli, ["gaps", "--help"])
    assert result.exit_code == 0
    for option in ("--since", "--format", "--state", "--limit", "--examples"):
        assert option in result.output
