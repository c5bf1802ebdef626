"""Reading and validating a knowledge folder: FAQ entries, runbooks and the optional synonym file.

Every problem is collected, not just the first, and raised together as :class:`KnowledgeError`; each
message names the file and the field. Things that still work but deserve a look (a missing
translation, an unknown field, Markdown that Slack will not render) are returned as warnings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import regex

from supportbot.infra.errors import SupportbotError
from supportbot.knowledge import frontmatter
from supportbot.text.analysis import SYNONYMS_FILE, Synonyms, SynonymsError
from supportbot.text.lang import Language

LANGUAGES: tuple[Language, ...] = get_args(Language)
FAQ_DIR = "faq"
RUNBOOK_DIR = "runbooks"

ID_PATTERN = regex.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_CHARS = 64
#: A Block Kit header holds 150 characters of plain text.
MAX_TITLE_CHARS = 150
#: A Block Kit section holds 3,000 characters; the answer template needs a little room around the body.
MAX_BODY_CHARS = 2800
MAX_QUESTION_CHARS = 300
MAX_TAG_CHARS = 40

ENTRY_FIELDS = frozenset({"id", "title", "language", "tags", "questions"})
RUNBOOK_FIELDS = frozenset({"id", "title", "language"})
_CODE_BLOCK = regex.compile(r"^```.*?^```", regex.MULTILINE | regex.DOTALL)
# Markdown that Slack's mrkdwn does not render (headings, **bold**, [text](url) links).
_NOT_MRKDWN = (
    (regex.compile(r"^#{1,6} ", regex.MULTILINE), "a Markdown heading"),
    (regex.compile(r"\*\*[^*\n]+\*\*"), "**bold** (Slack uses *bold*)"),
    (regex.compile(r"\[[^\[\]\n]++\]\([^()\[\s]++\)"), "a [text](url) link (Slack uses <url|text>)"),
)


class KnowledgeError(SupportbotError, ValueError):
    """The knowledge folder has problems; ``problems`` lists each, naming the file and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Entry:
    """One FAQ entry in one language."""

    id: str
    language: Language
    title: str
    questions: tuple[str, ...]
    body: str
    tags: tuple[str, ...] = ()
    source: Path | None = None


@dataclass(frozen=True)
class Runbook:
    """A fixed message text, such as the private warning sent after a key leak."""

    name: str
    language: Language
    title: str
    body: str
    source: Path | None = None


@dataclass
class Folder:
    """What one knowledge folder holds."""

    entries: list[Entry] = field(default_factory=list)
    runbooks: list[Runbook] = field(default_factory=list)
    synonyms: Synonyms | None = None
    warnings: list[str] = field(default_factory=list)


def read_folder(path: Path, *, need_faq: bool = True) -> Folder:
    """Read and validate a knowledge folder; raise :class:`KnowledgeError` listing every problem."""
    if not path.is_dir():
        raise KnowledgeError([f"{path}: is not a folder"])
    faq = path / FAQ_DIR
    if need_faq and not faq.is_dir():
        raise KnowledgeError([f"{path}: has no '{FAQ_DIR}/' folder (expected {FAQ_DIR}/en and {FAQ_DIR}/zh)"])
    problems: list[str] = []
    folder = Folder()
    if faq.is_dir():
        folder.entries = _load_entries(faq, problems, folder.warnings)
    runbooks = path / RUNBOOK_DIR
    if runbooks.is_dir():
        folder.runbooks = _load_runbooks(runbooks, problems, folder.warnings)
    synonyms = path / SYNONYMS_FILE
    if synonyms.is_file():
        try:
            folder.synonyms = Synonyms.load(synonyms)
        except SynonymsError as error:
            problems.append(str(error))
    if problems:
        raise KnowledgeError(problems)
    _check_twins(folder.entries, folder.warnings)
    if need_faq and not folder.entries:
        folder.warnings.append(f"{faq}: has no FAQ entries; no question will get an answer")
    return folder


def _markdown_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".md" and not p.name.startswith("."))


def _language_folders(root: Path, problems: list[str]) -> list[tuple[Language, Path]]:
    found: list[tuple[Language, Path]] = []
    for child in sorted(root.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_file():
            if child.suffix == ".md":
                problems.append(f"{child}: belongs in a language folder ({root.name}/en or {root.name}/zh)")
            continue
        if child.name not in LANGUAGES:
            problems.append(f"{child}: unknown language folder '{child.name}' (use en or zh)")
            continue
        found.append((LANGUAGES[LANGUAGES.index(child.name)], child))
    return found


def _load_entries(faq: Path, problems: list[str], warnings: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    for language, folder in _language_folders(faq, problems):
        seen: dict[str, Path] = {}
        for path in _markdown_files(folder):
            entry = _parse_entry(path, language, problems, warnings)
            if entry is None:
                continue
            if entry.id in seen:
                problems.append(f"{path}: field 'id': '{entry.id}' is already used by {seen[entry.id]}")
                continue
            seen[entry.id] = path
            entries.append(entry)
    return entries


def _load_runbooks(root: Path, problems: list[str], warnings: list[str]) -> list[Runbook]:
    runbooks: list[Runbook] = []
    for language, folder in _language_folders(root, problems):
        for path in _markdown_files(folder):
            runbook = _parse_runbook(path, language, problems, warnings)
            if runbook is not None:
                runbooks.append(runbook)
    return runbooks


def _read(path: Path, problems: list[str]) -> frontmatter.Document | None:
    try:
        return frontmatter.load(path)
    except frontmatter.FrontMatterError as error:
        problems.append(str(error))
    except OSError as error:
        problems.append(f"{path}: cannot be read ({error.strerror or error})")
    return None


def _parse_entry(path: Path, language: Language, problems: list[str], warnings: list[str]) -> Entry | None:
    document = _read(path, problems)
    if document is None:
        return None
    meta = document.meta
    before = len(problems)
    entry_id = _check_id(path, meta, problems)
    title = _check_title(path, meta, problems)
    _check_language(path, meta, language, problems)
    questions = _string_list(path, meta, "questions", problems, required=True, max_chars=MAX_QUESTION_CHARS)
    tags = _string_list(path, meta, "tags", problems, required=False, max_chars=MAX_TAG_CHARS)
    _check_body(path, document.body, problems, warnings)
    for name in sorted(set(meta) - ENTRY_FIELDS, key=str):
        warnings.append(f"{path}: field '{name}' is not used (known: {', '.join(sorted(ENTRY_FIELDS))})")
    if len(problems) > before or entry_id is None or title is None:
        return None
    return Entry(
        id=entry_id,
        language=language,
        title=title,
        questions=tuple(questions),
        body=document.body.strip(),
        tags=tuple(tags),
        source=path,
    )


def _parse_runbook(path: Path, language: Language, problems: list[str], warnings: list[str]) -> Runbook | None:
    document = _read(path, problems)
    if document is None:
        return None
    meta = document.meta
    before = len(problems)
    name = path.stem
    if not ID_PATTERN.match(name):
        problems.append(f"{path}: the file name must be a runbook name like 'key-leak' (a-z, 0-9, '-')")
    if "id" in meta and meta["id"] != name:
        problems.append(f"{path}: field 'id': must match the file name '{name}' or be left out")
    title = _check_title(path, meta, problems)
    _check_language(path, meta, language, problems)
    _check_body(path, document.body, problems, warnings)
    for extra in sorted(set(meta) - RUNBOOK_FIELDS, key=str):
        warnings.append(f"{path}: field '{extra}' is not used")
    if len(problems) > before or title is None:
        return None
    return Runbook(name=name, language=language, title=title, body=document.body.strip(), source=path)


def _check_id(path: Path, meta: dict[str, Any], problems: list[str]) -> str | None:
    value = meta.get("id")
    if value is None:
        problems.append(f"{path}: field 'id' is missing")
        return None
    if not isinstance(value, str) or not ID_PATTERN.match(value) or len(value) > MAX_ID_CHARS:
        problems.append(
            f"{path}: field 'id': {value!r} must be lowercase letters, digits and single '-' "
            f"(like 'key-leaked'), at most {MAX_ID_CHARS} characters"
        )
        return None
    return value


def _check_title(path: Path, meta: dict[str, Any], problems: list[str]) -> str | None:
    value = meta.get("title")
    if value is None:
        problems.append(f"{path}: field 'title' is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}: field 'title': must be non-empty text")
        return None
    if len(value) > MAX_TITLE_CHARS:
        problems.append(f"{path}: field 'title': {len(value)} characters; at most {MAX_TITLE_CHARS} fit a Slack header")
        return None
    return value.strip()


def _check_language(path: Path, meta: dict[str, Any], folder: Language, problems: list[str]) -> None:
    value = meta.get("language")
    if value is None:
        problems.append(f"{path}: field 'language' is missing")
    elif value != folder:
        problems.append(f"{path}: field 'language': {value!r} does not match its folder '{folder}'")


def _string_list(
    path: Path, meta: dict[str, Any], name: str, problems: list[str], *, required: bool, max_chars: int
) -> list[str]:
    value = meta.get(name)
    if value is None:
        if required:
            problems.append(f"{path}: field '{name}' is missing")
        return []
    if not isinstance(value, list) or (required and not value):
        kind = "a non-empty list" if required else "a list"
        problems.append(f"{path}: field '{name}': must be {kind} of text items")
        return []
    items: list[str] = []
    for position, raw in enumerate(value, start=1):
        # YAML reads a bare 401 as a number; it is still a fine tag or phrasing.
        item = str(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else raw
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{path}: field '{name}': item {position} must be non-empty text")
        elif len(item) > max_chars:
            problems.append(f"{path}: field '{name}': item {position} is longer than {max_chars} characters")
        else:
            items.append(item.strip())
    return items


def _check_body(path: Path, body: str, problems: list[str], warnings: list[str]) -> None:
    if not body.strip():
        problems.append(f"{path}: the body (text after the front matter) is empty")
        return
    if len(body) > MAX_BODY_CHARS:
        problems.append(
            f"{path}: the body has {len(body)} characters; at most {MAX_BODY_CHARS} fit one Slack message section"
        )
    prose = _CODE_BLOCK.sub("", body)
    for pattern, what in _NOT_MRKDWN:
        if pattern.search(prose):
            warnings.append(f"{path}: the body uses {what}, which Slack shows as plain text")


def _check_twins(entries: Sequence[Entry], warnings: list[str]) -> None:
    by_language: dict[Language, dict[str, Entry]] = {language: {} for language in LANGUAGES}
    for entry in entries:
        by_language[entry.language][entry.id] = entry
    for language in LANGUAGES:
        for other in LANGUAGES:
            if other == language:
                continue
            for entry_id, entry in sorted(by_language[language].items()):
                if entry_id not in by_language[other]:
                    warnings.append(
                        f"{entry.source}: entry '{entry_id}' has no {other} version; "
                        f"{other} questions get the {language} text"
                    )
