"""The knowledge base: shipped content, validation, and retrieval quality in both languages."""

from __future__ import annotations

import csv
import time
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.config import Settings
from supportbot.infra.paths import knowledge_dir
from supportbot.knowledge.base import KnowledgeBase, KnowledgeError
from supportbot.knowledge.files import LANGUAGES, MAX_BODY_CHARS, MAX_TITLE_CHARS
from supportbot.text.analysis import Analyzer, Synonyms, normalise

DATA = Path(__file__).resolve().parents[2] / "data"


def _table(name: str) -> list[tuple[str, str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")]
    assert rows[0] == ["expected", "language", "question"]
    return [(row[0], row[1], row[2]) for row in rows[1:]]


QUESTIONS = _table("knowledge_questions.tsv")
HELD_OUT = _table("knowledge_heldout.tsv")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.shipped()


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _entry(entry_id: str = "sample", language: str = "en", body: str = "Some helpful text.", **extra: str) -> str:
    fields = {"id": entry_id, "title": f"About {entry_id}", "language": language, **extra}
    head = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\n{head}questions:\n  - how does {entry_id} work\n---\n{body}\n"


# -- shipped content ------------------------------------------------------------------------------


def test_every_shipped_entry_loads_without_warnings(kb: KnowledgeBase) -> None:
    assert kb.warnings == ()
    assert len(kb.ids()) >= 20


def test_english_and_chinese_sets_match(kb: KnowledgeBase) -> None:
    by_language = {lang: {e.id for e in kb.entries if e.language == lang} for lang in LANGUAGES}
    assert by_language["en"] == by_language["zh"]
    for entry_id in kb.ids():
        en, zh = kb.entry(entry_id, "en", fallback=False), kb.entry(entry_id, "zh", fallback=False)
        assert en is not None
        assert zh is not None
        assert set(en.tags) != set()
        assert len(en.questions) >= 4
        assert len(zh.questions) >= 4


def test_shipped_entries_fit_slack_and_hold_no_key_shaped_text(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert len(entry.title) <= MAX_TITLE_CHARS
        assert len(entry.body) <= MAX_BODY_CHARS
        # Placeholders only: nothing long enough after "sk-" to pass for a real key.
        for start in (i for i in range(len(entry.body)) if entry.body.startswith("sk-", i)):
            tail = entry.body[start + 3 : start + 23]
            assert not (len(tail) == 20 and tail.isalnum()), entry.source


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_key_leak_runbook(kb: KnowledgeBase, language: str) -> None:
    runbook = kb.runbook("key-leak", language)  # type: ignore[arg-type]
    assert runbook is not None
    assert runbook.language == language
    assert len(runbook.title) + len(runbook.body) < 3000
    body = runbook.body
    markers = {
        "en": ["Disable the old key", "usage log", "CI/CD", "`.env`", "containers", "support included"],
        "zh": ["禁用旧密钥", "调用日志", "CI/CD", "`.env`", "容器", "包括客服"],
    }[language]
    assert all(marker in body for marker in markers)


# -- retrieval quality ----------------------------------------------------------------------------


@pytest.mark.parametrize(("expected", "language", "question"), QUESTIONS)
def test_question_table(kb: KnowledgeBase, expected: str, language: str, question: str) -> None:
    answer = kb.best_answer(question, language)  # type: ignore[arg-type]
    if expected == "-":
        assert answer is None, f"off-topic question answered with {answer.entry.id if answer else ''}"
    else:
        assert answer is not None, f"no confident answer; top hits: {kb.search(question, language)[:2]}"  # type: ignore[arg-type]
        assert answer.entry.id == expected
        assert answer.entry.language == language
        assert not answer.is_fallback


def test_held_out_questions_floor(kb: KnowledgeBase) -> None:
    """Questions not used for calibration: a floor against regressions, not a claim of perfection."""
    right = wrong_answers = 0
    on_topic = [row for row in HELD_OUT if row[0] != "-"]
    for expected, language, question in HELD_OUT:
        answer = kb.best_answer(question, language)  # type: ignore[arg-type]
        if expected == "-":
            assert answer is None, question
        elif answer is not None and answer.entry.id == expected:
            right += 1
        elif answer is not None:
            wrong_answers += 1
    assert right / len(on_topic) >= 0.75
    assert wrong_answers / len(on_topic) <= 0.15


def test_search_ranks_and_flags_confidence(kb: KnowledgeBase) -> None:
    hits = kb.search("调用 chat/completions 报 401", "zh", limit=5)
    assert hits[0].entry.id == "401-overview"
    assert hits[0].confident
    assert len({hit.entry.id for hit in hits}) == len(hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(hit.entry.language == "zh" for hit in hits)
    assert 0.0 <= hits[0].confidence <= 1.0


def test_cross_language_question_reaches_entry_through_shared_terms(tmp_path: Path) -> None:
    """An English-only entry answers a Chinese question via concepts (密钥→@key, 轮换→@rotate)."""
    _write(
        tmp_path,
        "faq/en/rotate.md",
        _entry("rotate", body="Rotate the key: create, deploy, verify, delete.", title="How to rotate an API key"),
    )
    kb = KnowledgeBase.load(tmp_path)
    answer = kb.best_answer("密钥怎么轮换", "zh")
    assert answer is not None
    assert answer.entry.id == "rotate"
    assert answer.entry.language == "en"
    assert answer.is_fallback
    assert any("has no zh version" in warning for warning in kb.warnings)


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200b", "🙂🙂🙂", "?!", "的的的"])
def test_questions_without_terms_get_nothing(kb: KnowledgeBase, question: str) -> None:
    assert kb.search(question) == []
    assert kb.best_answer(question, "en") is None


def test_huge_and_odd_input_is_bounded(kb: KnowledgeBase) -> None:
    huge = ("401 unauthorized " * 3000)[:40_000]
    started = time.perf_counter()
    hits = kb.search(huge, "en")
    assert time.perf_counter() - started < 2.0  # generous sanity bound; see benchmarks/ for figures
    assert hits
    assert hits[0].entry.id == "401-overview"
    odd = "\u202eyek IPA\u202c ｓｋ－ \U0001f511 ключ 鍵 \x00\x07 e\u0301 ﻿401"
    assert isinstance(kb.search(odd), list)


@lru_cache(maxsize=1)
def _shared_kb() -> KnowledgeBase:
    # Hypothesis tests cannot take function-scoped fixtures; build the shipped base once.
    return KnowledgeBase.shipped()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_search_never_fails(text: str) -> None:
    hits = _shared_kb().search(text)
    assert all(0.0 <= hit.confidence <= 1.0 for hit in hits)


def test_normalise_folds_width_case_and_invisible_characters() -> None:
    assert normalise("Ａｐｉ\u200b Ｋｅｙ ４０１") == "api key 401"


def test_analyzer_matches_forms_across_separators_and_scripts() -> None:
    analyzer = Analyzer(Synonyms({"base_url": ("base url", "接口地址"), "key": ("api key", "密钥")}))
    for text in ("base_url", "baseURL", "Base-URL", "base url", "接口地址"):
        assert analyzer.analyse(text).concepts == ("@base_url",), text
    assert analyzer.analyse("我的API Key泄露了").concepts == ("@key",)
    assert analyzer.analyse("monkey keys").concepts == ()


# -- loading and validation -----------------------------------------------------------------------


def test_valid_folder_loads(tmp_path: Path) -> None:
    _write(tmp_path, "faq/en/a.md", _entry("a"))
    _write(tmp_path, "faq/zh/a.md", _entry("a", "zh", body="一些有用的说明。"))
    kb = KnowledgeBase.load(tmp_path)
    assert kb.ids() == ("a",)
    assert kb.warnings == ()
    entry = kb.entry("a", "zh")
    assert entry is not None
    assert entry.body == "一些有用的说明。"
    assert entry.questions == ("how does a work",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_entry("a").replace("id: a\n", ""), "field 'id' is missing"),
        (_entry("a").replace("title: About a\n", ""), "field 'title' is missing"),
        (_entry("a").replace("language: en\n", ""), "field 'language' is missing"),
        (_entry("a").replace("questions:\n  - how does a work\n", ""), "field 'questions' is missing"),
        (
            _entry("a").replace("  - how does a work\n", " []\n"),
            "field 'questions': must be a non-empty list",
        ),
        (_entry("a").replace("id: a", "id: Not_Valid"), "field 'id': 'Not_Valid' must be lowercase"),
        (_entry("a", "zh"), "field 'language': 'zh' does not match its folder 'en'"),
        (_entry("a", body=""), "the body (text after the front matter) is empty"),
        (_entry("a", body="x" * (MAX_BODY_CHARS + 1)), f"at most {MAX_BODY_CHARS} fit"),
        (_entry("a").replace("About a", "t" * 200), "field 'title': 200 characters"),
        (_entry("a", tags="oops"), "field 'tags': must be a list"),
        ("no front matter here\n", "must start with a '---' front-matter block"),
        ("---\nid: [unclosed\n---\nbody\n", "front matter is not valid YAML"),
    ],
)
def test_validation_errors_name_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, "faq/en/broken.md", text)
    with pytest.raises(KnowledgeError) as caught:
        KnowledgeBase.load(tmp_path)
    assert any(str(path) in problem and expected in problem for problem in caught.value.problems), caught.value


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    _write(tmp_path, "faq/en/one.md", _entry("dup"))
    second = _write(tmp_path, "faq/en/two.md", _entry("dup"))
    (tmp_path / "faq/en/latin1.md").write_bytes(_entry("x").replace("text", "caf\xe9").encode("latin-1"))
    _write(tmp_path, "faq/fr/a.md", _entry("a"))
    _write(tmp_path, "faq/stray.md", _entry("stray"))
    with pytest.raises(KnowledgeError) as caught:
        KnowledgeBase.load(tmp_path)
    problems = caught.value.problems
    assert any(str(second) in p and "'dup' is already used by" in p for p in problems)
    assert any("latin1.md" in p and "is not UTF-8" in p for p in problems)
    assert any("unknown language folder 'fr'" in p for p in problems)
    assert any("stray.md" in p and "belongs in a language folder" in p for p in problems)


def test_same_id_in_both_languages_is_fine_and_a_missing_twin_is_a_warning(tmp_path: Path) -> None:
    _write(tmp_path, "faq/en/a.md", _entry("a"))
    _write(tmp_path, "faq/zh/a.md", _entry("a", "zh"))
    _write(tmp_path, "faq/zh/only.md", _entry("only", "zh"))
    kb = KnowledgeBase.load(tmp_path)
    assert [w for w in kb.warnings if "has no en version" in w and "only.md" in w]
    only = kb.entry("only", "en")
    assert only is not None
    assert only.language == "zh"
    assert kb.entry("only", "en", fallback=False) is None


def test_warnings_for_unused_fields_and_markdown_slack_cannot_show(tmp_path: Path) -> None:
    body = "# Heading\nSee **this** and [docs](https://example.com).\n```\n# a comment in code is fine\n```"
    _write(tmp_path, "faq/en/a.md", _entry("a", body=body, owner="me"))
    _write(tmp_path, "faq/zh/a.md", _entry("a", "zh"))
    warnings = KnowledgeBase.load(tmp_path).warnings
    assert any("field 'owner' is not used" in w for w in warnings)
    assert sum("which Slack shows as plain text" in w for w in warnings) == 3


def test_folder_without_faq_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="has no 'faq/' folder"):
        KnowledgeBase.load(tmp_path)
    with pytest.raises(KnowledgeError, match="is not a folder"):
        KnowledgeBase.load(tmp_path / "missing")


def test_bad_runbook_and_bad_synonyms_are_errors(tmp_path: Path) -> None:
    _write(tmp_path, "faq/en/a.md", _entry("a"))
    _write(tmp_path, "runbooks/en/key-leak.md", "---\nid: other\nlanguage: en\n---\ntext\n")
    _write(tmp_path, "synonyms.yaml", "Bad Name: [x]\n")
    with pytest.raises(KnowledgeError) as caught:
        KnowledgeBase.load(tmp_path)
    problems = " | ".join(caught.value.problems)
    assert "field 'title' is missing" in problems
    assert "must match the file name 'key-leak'" in problems
    assert "synonyms.yaml: concept 'Bad Name'" in problems


# -- SUPPORTBOT_KNOWLEDGE_DIR ---------------------------------------------------------------------


def test_deployment_folder_replaces_faq_and_falls_back_to_shipped_runbooks(tmp_path: Path) -> None:
    _write(tmp_path, "faq/en/widgets.md", _entry("widgets", title="Ordering widgets", body="Order widgets here."))
    settings = Settings.from_env({"SUPPORTBOT_KNOWLEDGE_DIR": str(tmp_path)})
    kb = KnowledgeBase.from_settings(settings)
    assert kb.ids() == ("widgets",)
    assert kb.best_answer("how do I rotate my API key without downtime", "en") is None
    runbook = kb.runbook("key-leak", "zh")
    assert runbook is not None
    assert runbook.source is not None
    assert runbook.source.is_relative_to(knowledge_dir())


def test_deployment_runbook_and_synonyms_take_effect(tmp_path: Path) -> None:
    _write(tmp_path, "faq/en/widgets.md", _entry("widgets", title="Ordering widgets", body="Order widgets here."))
    _write(tmp_path, "runbooks/en/key-leak.md", "---\ntitle: Our own warning\nlanguage: en\n---\nRotate now.\n")
    _write(tmp_path, "synonyms.yaml", "widget: [widget, widgets, 小部件]\n")
    kb = KnowledgeBase.load(tmp_path, fallback=knowledge_dir())
    own = kb.runbook("key-leak", "en")
    assert own is not None
    assert own.title == "Our own warning"
    shipped_zh = kb.runbook("key-leak", "zh")
    assert shipped_zh is not None
    assert shipped_zh.language == "zh"
    assert kb.runbook("no-such-runbook", "en") is None
    answer = kb.best_answer("小部件 怎么 order", "zh")
    assert answer is not None
    assert answer.entry.id == "widgets"
    assert answer.is_fallback


def test_unset_knowledge_dir_uses_shipped() -> None:
    kb = KnowledgeBase.from_settings(Settings())
    assert "key-leaked" in kb.ids()
