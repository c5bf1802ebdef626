"""Where the shipped data folders (templates, knowledge) live, in a checkout and when installed."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]


def data_dir(name: str) -> Path:
    """Return the folder ``name`` (``templates`` or ``knowledge``).

    An installed wheel carries them inside the package (``supportbot/_data``); a checkout or an
    editable install keeps them at the top of the repository.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"supportbot's '{name}' folder was not found next to the package; reinstall supportbot")


def templates_dir() -> Path:
    return data_dir("templates")


def knowledge_dir() -> Path:
    return data_dir("knowledge")
