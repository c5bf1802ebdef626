"""Read a Slack workspace export (the zip Slack produces, or that zip unpacked) as plain message records.

Layout: ``users.json``, ``channels.json`` / ``groups.json`` / ``mpims.json`` / ``dms.json`` at the top
(possibly inside one wrapping folder), and one folder per conversation holding ``YYYY-MM-DD.json`` files,
each a list of message objects. Problems with single files are yielded as :class:`ExportProblem` so a
caller can report them and go on; their text never quotes file contents.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import regex

_INDEX_FILES = ("channels.json", "groups.json", "mpims.json", "dms.json", "users.json")
_DAY_FILE = regex.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


@dataclass(frozen=True)
class ExportMessage:
    """One piece of text from an export: a message's text, an attachment's text or a file preview."""

    channel: str
    date: str
    author: str
    ts: str
    part: str  # "text", "attachment" or "file"
    text: str


@dataclass(frozen=True)
class ExportProblem:
    source: str
    problem: str


class _Entries:
    """Uniform access to an export's files, zipped or not, by POSIX path relative to the export root."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._zip: zipfile.ZipFile | None = None
        names: list[str]
        if path.is_dir():
            names = [item.relative_to(path).as_posix() for item in path.rglob("*.json") if item.is_file()]
        else:
            self._zip = zipfile.ZipFile(path)
            names = [name for name in self._zip.namelist() if name.endswith(".json")]
        self.root = _find_root(names)
        prefix = f"{self.root}/" if self.root else ""
        self.names = [name[len(prefix) :] for name in names if name.startswith(prefix)]

    def read(self, name: str) -> bytes:
        full = f"{self.root}/{name}" if self.root else name
        if self._zip is not None:
            return self._zip.read(full)
        return (self._path / full).read_bytes()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _find_root(names: list[str]) -> str | None:
    """The folder holding the index files: the top, or a single wrapping folder."""
    candidates = sorted(
        (str(PurePosixPath(name).parent) for name in names if PurePosixPath(name).name in _INDEX_FILES),
        key=len,
    )
    if not candidates:
        return None
    root = candidates[0]
    return "" if root == "." else root


def is_slack_export(path: Path) -> bool:
    """True for a folder or zip file that has a Slack export's index files."""
    try:
        if path.is_dir():
            folders = [path, *(child for child in path.iterdir() if child.is_dir())]
            return any((folder / name).is_file() for folder in folders for name in _INDEX_FILES[:4])
        if path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                return any(PurePosixPath(name).name in _INDEX_FILES[:4] for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def read_export(path: Path) -> Iterator[ExportMessage | ExportProblem]:
    """Every message text in the export at ``path``, in channel and date order."""
    try:
        entries = _Entries(path)
    except (OSError, zipfile.BadZipFile) as error:
        yield ExportProblem(str(path), f"cannot open the export ({type(error).__name__})")
        return
    try:
        if entries.root is None:
            yield ExportProblem(str(path), "not a Slack export (no channels.json, users.json …)")
            return
        users = _user_names(entries, path)
        if isinstance(users, ExportProblem):
            yield users
            users = {}
        folders = _conversation_names(entries, path, users)
        yield from folders.problems
        days: dict[str, list[tuple[str, str]]] = {}
        for name in entries.names:
            parts = PurePosixPath(name).parts
            if len(parts) == 2 and _DAY_FILE.match(parts[1]):
                days.setdefault(parts[0], []).append((parts[1][:10], name))
        for folder in sorted(days):
            channel = folders.names.get(folder, folder)
            for day, name in sorted(days[folder]):
                yield from _day_messages(entries, path, name, channel=channel, day=day, users=users)
    finally:
        entries.close()


@dataclass
class _Folders:
    names: dict[str, str]
    problems: list[ExportProblem]


def _load(entries: _Entries, path: Path, name: str) -> Any | ExportProblem:
    try:
        return json.loads(entries.read(name).decode("utf-8", "replace"))
    except (OSError, KeyError, zipfile.BadZipFile):
        return ExportProblem(f"{path}:{name}", "cannot read this file")
    except json.JSONDecodeError as error:
        return ExportProblem(f"{path}:{name}", f"not valid JSON ({error.msg} at line {error.lineno})")


def _user_names(entries: _Entries, path: Path) -> dict[str, str] | ExportProblem:
    if "users.json" not in entries.names:
        return {}
    data = _load(entries, path, "users.json")
    if isinstance(data, ExportProblem):
        return data
    names: dict[str, str] = {}
    for user in data if isinstance(data, list) else []:
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            names[user["id"]] = _display_name(user) or user["id"]
    return names


def _display_name(user: dict[str, Any]) -> str:
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    assert isinstance(profile, dict)
    names = (profile.get("display_name"), profile.get("real_name"), user.get("real_name"), user.get("name"))
    for value in names:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _conversation_names(entries: _Entries, path: Path, users: dict[str, str]) -> _Folders:
    folders = _Folders({}, [])
    for index in ("channels.json", "groups.json", "mpims.json", "dms.json"):
        if index not in entries.names:
            continue
        data = _load(entries, path, index)
        if isinstance(data, ExportProblem):
            folders.problems.append(data)
            continue
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict):
                continue
            if index == "dms.json" and isinstance(item.get("id"), str):
                members = [users.get(member, member) for member in item.get("members", []) if isinstance(member, str)]
                folders.names[item["id"]] = ("DM " + ", ".join(members)) if members else item["id"]
            elif isinstance(item.get("name"), str):
                folders.names[item["name"]] = "#" + item["name"]
    return folders


def _day_messages(
    entries: _Entries, path: Path, name: str, *, channel: str, day: str, users: dict[str, str]
) -> Iterator[ExportMessage | ExportProblem]:
    data = _load(entries, path, name)
    if isinstance(data, ExportProblem):
        yield data
        return
    if not isinstance(data, list):
        yield ExportProblem(f"{path}:{name}", "expected a list of messages")
        return
    for message in data:
        if not isinstance(message, dict):
            continue
        author = _author(message, users)
        ts = str(message.get("ts", ""))
        text = message.get("text")
        if isinstance(text, str) and text:
            yield ExportMessage(channel, day, author, ts, "text", text)
        for attachment in _dicts(message.get("attachments")):
            for key in ("pretext", "title", "text", "fallback"):
                value = attachment.get(key)
                if isinstance(value, str) and value:
                    yield ExportMessage(channel, day, author, ts, "attachment", value)
        for shared in _dicts(message.get("files")):
            for key in ("preview", "plain_text"):
                value = shared.get(key)
                if isinstance(value, str) and value:
                    yield ExportMessage(channel, day, author, ts, "file", value)


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _author(message: dict[str, Any], users: dict[str, str]) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in users:
        return users[user]
    profile = message.get("user_profile")
    if isinstance(profile, dict):
        name = _display_name({"profile": profile, "name": profile.get("name")})
        if name:
            return name
    for value in (message.get("username"), user, message.get("bot_id")):
        if isinstance(value, str) and value:
            return value
    return "unknown"
