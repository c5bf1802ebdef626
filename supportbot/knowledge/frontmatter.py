"""Markdown files with a YAML front-matter block, as used under ``knowledge/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from supportbot.infra.errors import SupportbotError


class FrontMatterError(SupportbotError, ValueError):
    """A knowledge file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Document:
    path: Path
    meta: dict[str, Any]
    body: str


def parse(text: str, path: Path) -> Document:
    """Split ``---``-delimited YAML front matter from the Markdown body."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(f"{path}: must start with a '---' front-matter block")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            header = "".join(lines[1:index])
            body = "".join(lines[index + 1 :]).strip("\n")
            break
    else:
        raise FrontMatterError(f"{path}: the front-matter block is not closed with '---'")
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise FrontMatterError(f"{path}: front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{path}: front matter must be a mapping of fields")
    return Document(path=path, meta=meta, body=body)


def load(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FrontMatterError(f"{path}: is not UTF-8 text") from None
    return parse(text, path)
