"""The checklist step texts under ``knowledge/checklist/<language>/<check>.md``.

Each file has front matter (``id`` = the check id and file name, ``title``, ``language`` = the
folder) and a body of exactly three ``## `` sections, in this order: what to check, how to check
it, what it looks like when it is fine. The "how" section shows a curl against
``$BASE_URL/models`` with the key in ``$API_KEY`` and may use one placeholder, ``{base_url}``.

A deployment's ``SUPPORTBOT_KNOWLEDGE_DIR`` may hold its own ``checklist/`` folder; each file there
replaces the shipped file of the same language and name, the others stay as shipped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import regex

from supportbot.infra.errors import SupportbotError
from supportbot.infra.paths import knowledge_dir
from supportbot.knowledge.frontmatter import FrontMatterError, load
from supportbot.text.lang import Language
from supportbot.triage.checks import CHECK_ORDER, CheckId

LANGUAGES: tuple[Language, ...] = ("en", "zh")
#: Block Kit allows 3,000 characters in a section; leave room for the heading and the base URL.
MAX_SECTION = 2_500
PLACEHOLDER = "{base_url}"
DEFAULT_BASE = "https://YOUR-API-BASE/v1"

_SECTION = regex.compile(r"(?m)^## [^\n]*\n")
_PLACEHOLDERS = regex.compile(r"\{[a-z_]{1,40}\}")
_KEY_SHAPED = regex.compile(r"(?:sk-|gsk_|xai-|AIza|sk-ant-)[A-Za-z0-9_\-]{16,}")


class StepsError(SupportbotError, ValueError):
    """A checklist step file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Step:
    id: CheckId
    language: Language
    title: str
    what: str
    how: str
    fine: str
    source: Path

    def for_base(self, base_url: str | None) -> Step:
        """This step with the gateway's base URL filled in where the text says ``{base_url}``."""
        base = base_url or DEFAULT_BASE
        return replace(
            self,
            what=self.what.replace(PLACEHOLDER, base),
            how=self.how.replace(PLACEHOLDER, base),
            fine=self.fine.replace(PLACEHOLDER, base),
        )


@dataclass(frozen=True)
class StepBook:
    """All ten steps (five checks, two languages)."""

    steps: dict[tuple[CheckId, Language], Step]

    def get(self, check: CheckId | str, language: Language) -> Step:
        return self.steps[(CheckId(check), language)]

    def walk(self, order: tuple[CheckId, ...], language: Language) -> list[Step]:
        return [self.get(check, language) for check in order]


def _parse(path: Path, check: CheckId, language: Language) -> Step:
    try:
        document = load(path)
    except FrontMatterError as error:
        raise StepsError(str(error)) from None
    meta = document.meta
    if meta.get("id") != str(check):
        raise StepsError(f"{path}: front matter 'id' must be '{check}' (the file name), not {meta.get('id')!r}")
    if meta.get("language") != language:
        raise StepsError(
            f"{path}: front matter 'language' must be '{language}' (the folder), not {meta.get('language')!r}"
        )
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise StepsError(f"{path}: front matter needs a non-empty 'title'")
    heads = list(_SECTION.finditer(document.body + "\n"))
    if len(heads) != 3 or document.body[: heads[0].start()].strip():
        raise StepsError(
            f"{path}: the body must be exactly three '## ' sections: what to check, how to check it, "
            f"what it looks like when it is fine (found {len(heads)})"
        )
    body = document.body + "\n"
    sections = [body[heads[i].end() : heads[i + 1].start() if i + 1 < 3 else len(body)].strip() for i in range(3)]
    for name, section in zip(("what to check", "how to check it", "when it is fine"), sections, strict=True):
        if not section:
            raise StepsError(f"{path}: the '{name}' section is empty")
        if len(section) > MAX_SECTION:
            raise StepsError(
                f"{path}: the '{name}' section has {len(section)} characters; at most {MAX_SECTION} "
                "fit a Slack message section"
            )
        if _KEY_SHAPED.search(section):
            raise StepsError(f"{path}: the '{name}' section contains something key-shaped; use $API_KEY")
        unknown = {match.group(0) for match in _PLACEHOLDERS.finditer(section)} - {PLACEHOLDER}
        if unknown:
            raise StepsError(
                f"{path}: unknown placeholder(s) {', '.join(sorted(unknown))} in '{name}'; only "
                f"{PLACEHOLDER} is filled in"
            )
    how = sections[1]
    if "curl" not in how or "/models" not in how or "$API_KEY" not in how:
        raise StepsError(
            f"{path}: 'how to check it' must show a curl against $BASE_URL/models with the key in $API_KEY"
        )
    return Step(check, language, title.strip(), sections[0], how, sections[2], path)


def load_steps(override_dir: Path | None = None, *, shipped_dir: Path | None = None) -> StepBook:
    """Load and check every step; ``override_dir`` is ``SUPPORTBOT_KNOWLEDGE_DIR`` (its ``checklist/``)."""
    shipped = (shipped_dir or knowledge_dir()) / "checklist"
    override = override_dir / "checklist" if override_dir is not None else None
    if override is not None and override.is_dir():
        known = {f"{check}.md" for check in CHECK_ORDER}
        for language_dir in sorted(override.iterdir()):
            if not language_dir.is_dir() or language_dir.name not in LANGUAGES:
                raise StepsError(f"{language_dir}: expected only the folders {', '.join(LANGUAGES)} in {override}")
            for path in sorted(language_dir.iterdir()):
                if path.name not in known:
                    raise StepsError(f"{path}: not a checklist step; the files are named {', '.join(sorted(known))}")
    steps: dict[tuple[CheckId, Language], Step] = {}
    for language in LANGUAGES:
        for check in CHECK_ORDER:
            name = Path(language) / f"{check}.md"
            path = override / name if override is not None and (override / name).is_file() else shipped / name
            if not path.is_file():
                raise StepsError(f"{path}: missing; every check needs a step in each of {', '.join(LANGUAGES)}")
            steps[(check, language)] = _parse(path, check, language)
    return StepBook(steps)
