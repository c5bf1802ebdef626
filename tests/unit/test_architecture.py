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


# ---------------------------------------------------------------- the layout (one package per job)

CORE_MAY_NOT_IMPORT = ("supportbot.slack", "supportbot.store", "supportbot.emulator")
MAX_MODULE_LINES = 500
MAX_ROOT_MODULES = 4


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def _supportbot_imports(path: Path, known: set[str]) -> set[str]:
    """Every supportbot module ``path`` imports, wherever in the file: ``from a import b`` names ``a.b``
    when that is a module, else ``a``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("supportbot"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("supportbot"):
                continue
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found & known


def test_core_packages_import_no_slack_store_or_emulator_code() -> None:
    known = set(_modules())
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name for name in _supportbot_imports(path, known) if name.startswith(CORE_MAY_NOT_IMPORT)
        )
        for path in _core_files()
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_module_in_slack_imports_inside_a_function() -> None:
    """A function-local import in ``slack/`` is how a cycle hides; features are passed in instead."""
    offenders = []
    for path in (PACKAGE / "slack").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                offenders.extend(
                    f"{path.relative_to(PACKAGE)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, (ast.Import, ast.ImportFrom))
                )
    assert offenders == []


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, "split these modules by concern"


def test_at_most_four_modules_at_the_package_root() -> None:
    root = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, root


def test_no_import_cycle() -> None:
    modules = _modules()
    known = set(modules)
    graph = {name: _supportbot_imports(path, known) - {name} for name, path in modules.items()}
    cycles = [sorted(component) for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the graph is a few hundred modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root, edges in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(edges)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components
