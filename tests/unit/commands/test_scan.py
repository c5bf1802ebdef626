"""`supportbot scan`: modes, exit codes, Slack exports; the key itself is never printed."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supportbot.cli import cli
from supportbot.commands import scan as scan_module
from tests.keygen import make_key

SECRET = "cli-test-fingerprint-secret-01"
CLEAN_ENV = {
    "SUPPORTBOT_FINGERPRINT_SECRET": SECRET,
    "SUPPORTBOT_RULES_FILE": "",
    "SLACK_BOT_TOKEN": "",
    "SLACK_APP_TOKEN": "",
    "SLACK_ADMIN_USER_TOKEN": "",
    "SLACK_SIGNING_SECRET": "",
}


def run(args: list[str], stdin: str | None = None, **env: str) -> Result:
    return CliRunner().invoke(cli, ["scan", *args], input=stdin, env={**CLEAN_ENV, **env})


def _keys(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [make_key(provider, rng) for provider in ("openai", "deepseek", "anthropic", "github")[:count]]


def _assert_no_key(result: Result, keys: list[str]) -> None:
    for key in keys:
        assert key not in result.stdout
        assert key not in result.stderr


def test_help() -> None:
    result = CliRunner().invoke(cli, ["scan", "--help"])
    assert result.exit_code == 0
    assert "--jsonl" in result.output
    assert "Exit status" in result.output


def test_jsonl_one_line_out_per_line_in_and_errors_continue() -> None:
    keys = _keys(2)
    lines = [
        json.dumps({"id": "m1", "text": f"我的key是{keys[0]}，谢谢"}),
        "{not json " + keys[1],
        json.dumps({"id": "m3", "text": "no keys here"}),
        json.dumps({"id": "m4", "text": 42}),
        json.dumps({"id": "m5", "text": f"`{keys[1]}`"}),
    ]
    result = run(["--jsonl"], "\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["id"] for item in out] == ["m1", None, "m3", "m4", "m5"]
    first = out[0]["findings"][0]
    assert set(first) == {"start", "end", "rule", "masked", "key_id"}
    assert (first["start"], first["end"], first["rule"]) == (6, 6 + len(keys[0]), "openai-project")
    assert "error" in out[1]
    assert "line 2" in out[1]["error"]
    assert out[2] == {"id": "m3", "findings": []}
    assert "'text'" in out[3]["error"]
    assert out[4]["findings"][0]["rule"] == "deepseek"
    _assert_no_key(result, keys)


def test_jsonl_exit_codes() -> None:
    key = _keys(1)[0]
    assert run(["--jsonl"], json.dumps({"id": "a", "text": "hello"}) + "\n").exit_code == 0
    assert run(["--jsonl"], json.dumps({"id": "a", "text": key}) + "\n").exit_code == 1


def test_same_key_id_as_the_library() -> None:
    from supportbot.keys import Scanner

    key = _keys(1)[0]
    result = run(["--jsonl"], json.dumps({"id": "a", "text": key}) + "\n")
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["key_id"] == Scanner(fingerprint_secret=SECRET).fingerprint(key)


def test_stdin_text_and_table() -> None:
    keys = _keys(2)
    result = run([], f"first {keys[0]}\nsecond line {keys[1]}.\n")
    assert result.exit_code == 1
    assert "<stdin>:1:7" in result.stdout
    assert "<stdin>:2:13" in result.stdout
    assert "2 key(s) found (2 distinct)" in result.stdout
    _assert_no_key(result, keys)


def test_no_keys_exit_zero() -> None:
    result = run(["-"], "nothing to see\n")
    assert result.exit_code == 0
    assert "No keys found" in result.stdout


def test_missing_secret_uses_random_one_and_says_so() -> None:
    key = _keys(1)[0]
    first = run(["--jsonl"], json.dumps({"id": "a", "text": key}) + "\n", SUPPORTBOT_FINGERPRINT_SECRET="")
    second = run(["--jsonl"], json.dumps({"id": "a", "text": key}) + "\n", SUPPORTBOT_FINGERPRINT_SECRET="")
    assert "only comparable within this run" in first.stderr
    ids = [json.loads(result.stdout)["findings"][0]["key_id"] for result in (first, second)]
    assert ids[0] != ids[1]


def test_files_folders_and_binaries(tmp_path: Path) -> None:
    keys = _keys(3)
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.env").write_text(f"OPENAI_API_KEY={keys[0]}\n")
    (tmp_path / "sub" / "notes.md").write_text(f"line one\n  `{keys[1]}`\n")
    (tmp_path / "sub" / "blob.bin").write_bytes(b"\x00\x01" + keys[2].encode())
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(keys[2])
    result = run(["--json", str(tmp_path)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    places = sorted((Path(item["source"]).name, item["line"], item["column"]) for item in document["findings"])
    assert places == [("a.env", 1, 16), ("notes.md", 2, 4)]
    assert document["summary"]["skipped_binary"] == 1
    _assert_no_key(result, keys)


def test_large_file_is_scanned_in_chunks_with_right_line_numbers(tmp_path: Path) -> None:
    key = _keys(1)[0]
    path = tmp_path / "big.log"
    path.write_text("filler line of text\n" * 20_000 + f"found {key}\n")
    result = run(["--json", str(path)])
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["line"], finding["column"]) == (20_001, 7)


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    result = run([str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_json_and_jsonl_together_is_a_usage_error() -> None:
    assert run(["--json", "--jsonl"], "").exit_code == 2


def test_custom_rules_option(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[[rules]]\nid = \"acme-live\"\nregex = '''lr_live_[A-Za-z0-9]{32}'''\nkeywords = [\"lr_live_\"]\n"
    )
    rng = random.Random(9)
    key = "lr_live_" + "".join(rng.choice("abcdefghijKLMNOP0123456789") for _ in range(32))
    result = run(["--rules", str(rules), "-"], f"our key {key}\n")
    assert result.exit_code == 1
    assert "acme-live" in result.stdout
    assert run(["-"], f"our key {key}\n").exit_code == 0
    via_env = run(["-"], f"our key {key}\n", SUPPORTBOT_RULES_FILE=str(rules))
    assert via_env.exit_code == 1
    _assert_no_key(result, [key])


def test_bad_rules_file_exits_2_with_one_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rules]]\nid = \"broken\"\nregex = '''(a+)+'''\nkeywords = [\"a\"]\n")
    result = run(["--rules", str(rules), "-"], "x\n")
    assert result.exit_code == 2
    assert "broken" in result.stderr
    assert "catastrophic" in result.stderr


def _export(root: Path, keys: list[str]) -> None:
    root.mkdir(parents=True)
    (root / "users.json").write_text(
        json.dumps(
            [
                {"id": "U01ALICE", "name": "alice", "profile": {"display_name": "Alice W", "real_name": "Alice"}},
                {"id": "U02BOB", "name": "bob", "profile": {"display_name": "", "real_name": "Bob Chen"}},
            ]
        )
    )
    (root / "channels.json").write_text(json.dumps([{"id": "C01", "name": "support"}]))
    (root / "dms.json").write_text(json.dumps([{"id": "D0123", "members": ["U01ALICE", "U02BOB"]}]))
    (root / "support").mkdir()
    (root / "support" / "2026-11-02.json").write_text(
        json.dumps(
            [
                {"type": "message", "user": "U01ALICE", "text": "hello", "ts": "1762000000.000100"},
                {
                    "type": "message",
                    "user": "U02BOB",
                    "text": f"我的key是{keys[0]}，帮我看看",
                    "ts": "1762000001.000200",
                },
            ]
        )
    )
    (root / "support" / "2026-11-03.json").write_text(
        json.dumps(
            [
                {
                    "type": "message",
                    "user": "U01ALICE",
                    "text": "log below",
                    "ts": "1762100000.000100",
                    "files": [{"name": "x.txt", "preview": f"KEY={keys[1]}"}],
                },
            ]
        )
    )
    (root / "D0123").mkdir()
    (root / "D0123" / "2026-11-04.json").write_text(
        json.dumps(
            [
                {
                    "type": "message",
                    "user": "U01ALICE",
                    "text": "",
                    "ts": "1762200000.000100",
                    "attachments": [{"fallback": f"pasted {keys[2]}"}],
                },
            ]
        )
    )
    (root / "D0123" / "2026-11-05.json").write_text("[{broken json " + keys[2])


def _check_export_result(result: Result, keys: list[str]) -> None:
    document = json.loads(result.stdout)
    rows = [(item["channel"], item["date"], item["author"], item["rule"]) for item in document["findings"]]
    assert rows == [
        ("DM Alice W, Bob Chen", "2026-11-04", "Alice W", "anthropic"),
        ("#support", "2026-11-02", "Bob Chen", "openai-project"),
        ("#support", "2026-11-03", "Alice W", "deepseek"),
    ]
    assert all(item["masked"].count("…") == 1 and len(item["key_id"]) == 12 for item in document["findings"])
    (error,) = document["errors"]
    assert "2026-11-05.json" in error["source"]
    assert "not valid JSON" in error["error"]
    assert result.exit_code == 2  # keys were found, but one file could not be read
    _assert_no_key(result, keys)


def test_slack_export_folder(tmp_path: Path) -> None:
    keys = _keys(3)
    _export(tmp_path / "export", keys)
    _check_export_result(run(["--json", str(tmp_path / "export")]), keys)


def test_slack_export_zip_with_wrapping_folder(tmp_path: Path) -> None:
    keys = _keys(3)
    _export(tmp_path / "unpacked" / "Acme Slack export", keys)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted((tmp_path / "unpacked").rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(tmp_path / "unpacked").as_posix())
    _check_export_result(run(["--json", str(archive)]), keys)


def test_slack_export_table_names_channel_date_and_author(tmp_path: Path) -> None:
    keys = _keys(3)
    _export(tmp_path / "export", keys)
    result = run([str(tmp_path / "export")])
    assert "#support 2026-11-02" in result.stdout
    assert "Bob Chen" in result.stdout
    assert "not valid JSON" in result.stderr
    _assert_no_key(result, keys)


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_progress_bar_only_on_a_terminal(tmp_path: Path, flag: list[str]) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 6_000_000)
    result = run([*flag, str(path)])
    assert result.exit_code == 0
    assert "scanning" not in result.stderr  # CliRunner's stderr is not a TTY


def test_progress_bar_drawn_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from supportbot.commands import scan
    from supportbot.keys import Scanner

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = tmp_path / "big.txt"
    path.write_text("y" * 200)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(scan, "PROGRESS_BYTES", 100)
    report = scan.Report([], [])
    scan._scan_sources(Scanner(fingerprint_secret=SECRET), [str(path)], report)
    assert "scanning" in terminal.getvalue()
    assert report.scanned == 1


@pytest.mark.parametrize(
    "record",
    [
        {"id": "m1", "findings": []},
        {"id": 'ü"\\\n\u2028\ud800', "findings": []},
        {"id": 7, "findings": []},
        {"id": "k", "findings": [{"start": 1, "end": 2, "rule": "r", "masked": "…", "key_id": "x"}]},
        {"id": None, "error": "line 3: not valid JSON"},
    ],
)
def test_jsonl_lines_are_written_exactly_as_json_dumps_would(record: dict[str, object]) -> None:
    assert scan_module._encode(record) == json.dumps(record, ensure_ascii=True) + "\n"
