"""The checklist step texts: shipped files are complete and valid; overrides work per file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from supportbot.infra.paths import knowledge_dir
from supportbot.triage import CHECK_ORDER
from supportbot.triage.steps import LANGUAGES, StepsError, load_steps

SHIPPED = knowledge_dir() / "checklist"


def test_all_steps_ship_in_both_languages() -> None:
    book = load_steps()
    for language in LANGUAGES:
        for check in CHECK_ORDER:
            step = book.get(check, language)
            assert step.title
            assert step.what
            assert step.how
            assert step.fine
            assert 'curl -sS "$BASE_URL/models" -H "Authorization: Bearer $API_KEY"' in step.how
    assert book.get("whitespace", "zh").language == "zh"


def test_chinese_steps_are_written_in_chinese() -> None:
    from supportbot.text.lang import detect_language

    book = load_steps()
    for check in CHECK_ORDER:
        step = book.get(check, "zh")
        assert detect_language(step.title + step.what) == "zh"


def test_base_url_is_filled_in() -> None:
    step = load_steps().get("wrong_base_url", "en").for_base("https://api.llmrelay.com/v1")
    assert 'export BASE_URL="https://api.llmrelay.com/v1"' in step.how
    assert "{base_url}" not in step.what + step.how + step.fine
    assert "YOUR-API-BASE" in load_steps().get("wrong_base_url", "en").for_base(None).how


def test_walk_follows_the_plan() -> None:
    from supportbot.triage.checklist import plan

    steps = load_steps().walk(plan(["duplicated_path"]), "zh")
    assert next(s.id for s in steps) == "duplicated_path"
    assert len(steps) == 5


@pytest.fixture
def override(tmp_path: Path) -> Path:
    (tmp_path / "checklist" / "en").mkdir(parents=True)
    return tmp_path


def _write(root: Path, name: str, text: str) -> Path:
    path = root / "checklist" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """---
id: whitespace
title: Our own words
language: en
---
## Check
Our own text.

## How
```
curl -sS "$BASE_URL/models" -H "Authorization: Bearer $API_KEY"
```

## Fine
A list of models.
"""


def test_override_replaces_one_file_and_keeps_the_rest(override: Path) -> None:
    _write(override, "en/whitespace.md", GOOD)
    book = load_steps(override)
    assert book.get("whitespace", "en").title == "Our own words"
    assert book.get("whitespace", "en").source.is_relative_to(override)
    assert book.get("whitespace", "zh").source.is_relative_to(SHIPPED)
    assert book.get("missing_header", "en").source.is_relative_to(SHIPPED)


def test_knowledge_dir_without_checklist_folder_uses_shipped(tmp_path: Path) -> None:
    assert load_steps(tmp_path).get("disabled_key", "en").source.is_relative_to(SHIPPED)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("en/whitespace.md", GOOD.replace("id: whitespace", "id: spaces"), "'id' must be 'whitespace'"),
        ("en/whitespace.md", GOOD.replace("language: en", "language: zh"), "'language' must be 'en'"),
        ("en/whitespace.md", GOOD.replace("title: Our own words\n", ""), "title"),
        ("en/whitespace.md", GOOD.replace("## Fine\nA list of models.\n", ""), "exactly three"),
        (
            "en/whitespace.md",
            GOOD.replace("## Fine\nA list of models.", "## Fine\n"),
            "'when it is fine' section is empty",
        ),
        ("en/whitespace.md", GOOD.replace("$API_KEY", "KEY"), "$API_KEY"),
        ("en/whitespace.md", GOOD.replace("Our own text.", "Use {api_base}."), "{api_base}"),
        ("en/whitespace.md", GOOD.replace("Our own text.", "Like sk-" + "Ab1" * 8), "key-shaped"),
        ("en/whitespace.md", "no front matter", "front-matter"),
        ("en/whitespaces.md", GOOD, "not a checklist step"),
        ("fr/whitespace.md", GOOD, "expected only the folders"),
    ],
)
def test_errors_name_the_file(override: Path, name: str, text: str, message: str) -> None:
    path = _write(override, name, text)
    with pytest.raises(StepsError) as error:
        load_steps(override)
    assert message in str(error.value)
    assert str(path.parent if name.startswith("fr/") else path) in str(error.value)


def test_missing_shipped_step_is_named(tmp_path: Path) -> None:
    shipped = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir() / "checklist", shipped / "checklist")
    (shipped / "checklist" / "zh" / "disabled_key.md").unlink()
    with pytest.raises(StepsError, match=r"zh/disabled_key\.md: missing"):
        load_steps(shipped_dir=shipped)


def test_sections_must_fit_a_slack_section(override: Path) -> None:
    _write(override, "en/whitespace.md", GOOD.replace("Our own text.", "word " * 600))
    with pytest.raises(StepsError, match="at most 2500"):
        load_steps(override)
