"""An installed (non-editable) wheel carries templates/ and knowledge/ and finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("supportbot-*.whl")
    return built


def test_wheel_contains_data_folders(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "supportbot/_data/templates/en/support/help.md.j2" in names
    assert "supportbot/_data/templates/zh/support/help.md.j2" in names
    assert any(name.startswith("supportbot/_data/knowledge/") for name in names)
    assert "supportbot/store/migrations/versions/0001_foundation.py" in names


def test_installed_package_finds_its_data(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import supportbot.infra.paths as p, sys; "
        "t = p.templates_dir(); k = p.knowledge_dir(); "
        "assert '_data' in t.parts and '_data' in k.parts, (t, k); "
        "assert (t / 'en' / 'support' / 'help.md.j2').is_file(); print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
