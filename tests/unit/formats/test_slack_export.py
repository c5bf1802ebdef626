from __future__ import annotations

import json
import zipfile
from pathlib import Path

from supportbot.formats.slack_export import ExportMessage, ExportProblem, is_slack_export, read_export


def _write_export(root: Path) -> None:
    root.mkdir()
    users = [{"id": "U1", "name": "li", "profile": {"real_name": "Li Lei"}}]
    (root / "users.json").write_text(json.dumps(users))
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "help"}]))
    (root / "help").mkdir()
    (root / "help" / "2026-01-02.json").write_text(
        json.dumps(
            [
                {"user": "U1", "text": "hi", "ts": "1.1"},
                {"bot_id": "B9", "username": "deploybot", "text": "deployed", "ts": "1.2"},
                {"user": "U404", "user_profile": {"display_name": "Guest"}, "text": "from elsewhere", "ts": "1.3"},
                "not a message",
            ]
        )
    )
    (root / "help" / "notes.txt").write_text("ignored")


def test_reads_messages_with_authors(tmp_path: Path) -> None:
    _write_export(tmp_path / "e")
    items = list(read_export(tmp_path / "e"))
    assert all(isinstance(item, ExportMessage) for item in items)
    messages = [item for item in items if isinstance(item, ExportMessage)]
    rows = [(item.channel, item.date, item.author, item.text) for item in messages]
    assert rows == [
        ("#help", "2026-01-02", "Li Lei", "hi"),
        ("#help", "2026-01-02", "deploybot", "deployed"),
        ("#help", "2026-01-02", "Guest", "from elsewhere"),
    ]


def test_detection(tmp_path: Path) -> None:
    _write_export(tmp_path / "e")
    assert is_slack_export(tmp_path / "e")
    assert not is_slack_export(tmp_path / "e" / "help")
    plain_zip = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain_zip, "w") as bundle:
        bundle.writestr("readme.txt", "hello")
    assert not is_slack_export(plain_zip)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert not is_slack_export(broken)


def test_problems_are_reported_not_raised(tmp_path: Path) -> None:
    root = tmp_path / "e"
    _write_export(root)
    (root / "users.json").write_text("{oops")
    (root / "help" / "2026-01-03.json").write_text(json.dumps({"not": "a list"}))
    items = list(read_export(root))
    problems = [item for item in items if isinstance(item, ExportProblem)]
    assert [Path(item.source.split(":")[-1]).name for item in problems] == ["users.json", "2026-01-03.json"]
    assert any(isinstance(item, ExportMessage) and item.author == "U1" for item in items)
