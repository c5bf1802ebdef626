from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_console_script_runs_the_real_bot_and_prints_a_readable_transcript(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "supportbot",
            "console",
            "--script",
            str(ROOT / "examples" / "console-demo.txt"),
            "--database",
            f"sqlite:///{tmp_path}/console.db",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "alice in #support>" in out
    assert "deleted by admin token" in out
    assert "posted an API key, so the message was removed" in out
    assert "[only alice sees]" in out and "I removed your message" in out
    # [1]-[3] are the 401 checklist's buttons under the masked repost; the alert card comes next.
    assert "API key leak needs attention" in out and "[4] Mark handled" in out
    assert "Check 1 of 5" in out and "[2] Still 401" in out
    assert "Marked handled by @sam" in out
    assert re.search(r"sk-proj-…\S{4}", out), "the masked form is shown"
    typed = re.findall(r"key (sk-proj-\S{40,}),", out)
    assert len(typed) == 1, "the synthetic key was generated and typed once"
    after_typing = out.split(typed[0], 1)[1]
    assert typed[0] not in after_typing, "nothing the bot printed repeats the key"


def test_console_refuses_a_non_sqlite_database(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "supportbot",
            "console",
            "--script",
            str(ROOT / "examples" / "console-demo.txt"),
            "--database",
            "postgresql+psycopg://x@127.0.0.1/y",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "SQLite" in result.stderr
