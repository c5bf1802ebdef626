"""The pure core must not import Slack or database libraries (DESIGN.md: a pure core with thin edges)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "supportbot"
EDGES = {"slack", "store", "emulator", "commands"}
EDGE_FILES = {"cli.py", "__main__.py"}
FORBIDDEN = {"slack_bolt", "slack_sdk", "sqlmodel", "sqlalchemy", "alembic", "waitress", "prometheus_client"}


def _core_files() -> list[Path]:
    files = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in EDGES or str(relative) in EDGE_FILES:
            continue
        files.append(path)
    return files


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_files_exist() -> None:
    names = {path.name for path in _core_files()}
    assert {"config.py", "templates.py", "messages.py"} <= names


def test_pure_core_imports_no_slack_or_database_library() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) & FORBIDDEN)
        for path in _core_files()
        if _imports(path) & FORBIDDEN
    }
    assert offenders == {}


def _reads_environment(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        reads = (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in {"environ", "getenv", "environb"}
        )
        imports = (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in {"environ", "getenv"} for alias in node.names)
        )
        if reads or imports:
            return True
    return False


def test_only_config_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "config.py" and _reads_environment(path)
    ]
    assert readers == []
    assert _reads_environment(PACKAGE / "config.py"), "the check must be able to see a reader"
