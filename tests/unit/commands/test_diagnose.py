"""supportbot diagnose: plain and --jsonl modes, with the real key scanner masking evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportbot.cli import cli
from tests.unit.triage.conftest import KEYS, plant

ENV = {"SUPPORTBOT_API_BASE_URL": "https://api.llmrelay.com/v1", "SUPPORTBOT_FINGERPRINT_SECRET": ""}


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["diagnose", *args], input=stdin, env={**ENV, **(env or {})})


def test_help_names_the_checks_and_the_jsonl_contract() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for word in (
        "whitespace",
        "missing_header",
        "wrong_base_url",
        "duplicated_path",
        "disabled_key",
        "--jsonl",
        "SUPPORTBOT_API_BASE_URL",
    ):
        assert word in result.output


def test_plain_mode_prints_causes_in_order_without_the_key() -> None:
    paste = plant(
        'client = OpenAI(base_url="https://api.llmrelay.com/v1/chat/completions", api_key="<<KEY>>\\n")\n'
        "openai.AuthenticationError: Error code: 401"
    )
    result = run(stdin=paste)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Looks like a 401 report")
    causes = [line.split(".", 1)[1].split()[0] for line in lines if line.startswith("  ") and line.strip()[0].isdigit()]
    assert causes == ["whitespace", "duplicated_path"]  # equal scores follow the checklist order
    assert KEYS["KEY"] not in result.output
    assert KEYS["KEY"][3:19] not in result.output


def test_plain_mode_says_when_nothing_is_recognised() -> None:
    result = run(stdin="How do I create a key?")
    assert result.exit_code == 0
    assert result.output.strip() == "No 401 cause recognised in this text."


def test_reads_a_file(tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(
        '{"error":{"message":"该令牌状态不可用 (request id: 1)","type":"new_api_error"}}', encoding="utf-8"
    )
    result = run(str(paste))
    assert result.exit_code == 0
    assert "disabled_key" in result.output


def test_missing_file_is_a_clear_error() -> None:
    result = run("/nonexistent/paste.txt")
    assert result.exit_code == 2
    assert "paste.txt" in result.output


def test_jsonl_one_line_out_per_line_in_in_order() -> None:
    lines = [
        {"id": "t1", "text": plant('curl https://api.llmrelay.com/v1/models -H "Authorization: <<KEY>>"')},
        {"id": "t2", "text": "429 Too Many Requests: rate limit reached"},
        {"id": "t3", "text": "Invalid URL (POST /v1/chat/completions/chat/completions)"},
        {"id": 4, "text": plant("OPENAI_BASE_URL=https://llmrelay.com\nOPENAI_API_KEY=<<KEY>>")},
    ]
    result = run("--jsonl", stdin="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [item["id"] for item in out] == ["t1", "t2", "t3", 4]
    assert [[c["check"] for c in item["checks"]] for item in out] == [
        ["missing_header"],
        [],
        ["duplicated_path"],
        ["wrong_base_url"],
    ]
    for item in out:
        assert set(item) == {"id", "checks"}
        for check in item["checks"]:
            assert set(check) == {"check", "evidence"}
    assert all(key not in result.output for key in KEYS.values())


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("not json at all", "not valid JSON"),
        ('["a", "list"]', "JSON object"),
        ('{"id": "x", "text": 42}', "'text' must be a string"),
        ('{"id": "x"}', "'text' must be a string"),
        ("", "not valid JSON"),
    ],
)
def test_jsonl_malformed_line_gets_an_error_and_the_run_goes_on(line: str, error: str) -> None:
    good = json.dumps({"id": "ok", "text": "Invalid URL (POST /v1/chat/completions/chat/completions)"})
    result = run("--jsonl", stdin=f"{line}\n{good}\n")
    assert result.exit_code == 0
    first, second = (json.loads(out) for out in result.output.splitlines())
    assert error in first["error"]
    assert first["checks"] == []
    assert second["id"] == "ok"
    assert second["checks"][0]["check"] == "duplicated_path"


def test_bad_configuration_exits_2_naming_the_variable() -> None:
    result = run(stdin="x", env={"SUPPORTBOT_API_BASE_URL": "not a url"})
    assert result.exit_code == 2
    assert "SUPPORTBOT_API_BASE_URL" in result.output


def test_real_scanner_masks_evidence_of_every_case() -> None:
    from tests.unit.triage.cases import ALL

    planted = [case for case in ALL if "<<" in case.text]
    stdin = "".join(json.dumps({"id": case.id, "text": plant(case.text)}) + "\n" for case in planted)
    result = run("--jsonl", stdin=stdin)
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(planted)
    for key in KEYS.values():
        assert not any(key[i : i + 12] in result.output for i in range(len(key) - 12))


def test_probe_flag_refuses_unsafe_bases_without_calling_them() -> None:
    # localhost resolves to a loopback address: the probe refuses it, no request is sent.
    result = run("--probe", stdin='client = OpenAI(base_url="https://localhost/v1/chat/completions")')
    assert result.exit_code == 0, result.output
    assert "Probe https://localhost/v1/models: refused" in result.output
    assert "duplicated_path" in result.output


def test_probe_setting_turns_the_probe_on() -> None:
    result = run(stdin='client = OpenAI(base_url="https://localhost/v1")', env={"SUPPORTBOT_PROBE": "1"})
    assert "Probe https://localhost/v1/models: refused" in result.output
