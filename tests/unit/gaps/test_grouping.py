"""FAQ gaps: grouping paraphrases (English, Chinese, mixed), the reopen rule and the report maths."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.gaps.grouping import (
    MATCH_THRESHOLD,
    REPEAT_LEAK_GAP,
    GapCandidate,
    GapMatcher,
    GapRecord,
    GapSignal,
    Signature,
    Trend,
    Window,
    default_matcher,
    gap_signature,
    gap_status,
    match_gap,
    parse_period,
    summarize_gaps,
)

DATA = yaml.safe_load((Path(__file__).resolve().parents[2] / "data" / "gap_paraphrases.yaml").read_text("utf-8"))
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _signal(text: str, *, at: datetime = T0, kind: str = "unanswered", **extra: str) -> GapSignal:
    return GapSignal(kind=kind, text=text, at=at, **extra)  # type: ignore[arg-type]


def _group(texts: list[str], matcher: GapMatcher) -> dict[str, str]:
    """Feed texts through assign() as the store would; return text -> gap key."""
    gaps: dict[str, list[Signature]] = {}
    placed: dict[str, str] = {}
    for text in texts:
        candidates = [GapCandidate(key, tuple(sigs)) for key, sigs in gaps.items()]
        assignment = matcher.assign(_signal(text), candidates)
        assert assignment.is_new == (assignment.key not in gaps)
        gaps.setdefault(assignment.key, []).append(assignment.signature)
        placed[text] = assignment.key
    return placed


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_paraphrases_group_together_and_groups_stay_apart(seed: int) -> None:
    texts = [text for group in DATA["groups"].values() for text in group] + DATA["distinct"]
    random.Random(seed).shuffle(texts)  # arrival order must not matter
    placed = _group(texts, default_matcher())
    for name, group in DATA["groups"].items():
        keys = {placed[text] for text in group}
        assert len(keys) == 1, f"group {name} split into {len(keys)} gaps"
    group_keys = [placed[group[0]] for group in DATA["groups"].values()]
    distinct_keys = [placed[text] for text in DATA["distinct"]]
    all_keys = group_keys + distinct_keys
    assert len(set(all_keys)) == len(all_keys), "two different questions share a gap"


def test_cross_language_pairs_meet_and_unrelated_ones_do_not() -> None:
    matcher = default_matcher()
    same = [
        ("can I get an invoice for my top-up?", "怎么开发票"),
        ("how much does gpt-4o cost", "gpt-4o 多少钱"),
        ("requests time out after 60 seconds", "请求经常超时"),
    ]
    for english, chinese in same:
        assert matcher.similarity(gap_signature(english), gap_signature(chinese)) >= MATCH_THRESHOLD
    different = [
        ("can I get an invoice for my top-up?", "余额可以退吗 想退款"),
        ("do you support claude models?", "支持哪些 embedding 模型"),
    ]
    for english, chinese in different:
        assert matcher.similarity(gap_signature(english), gap_signature(chinese)) < MATCH_THRESHOLD


def test_synonyms_fold_key_words_into_one_concept() -> None:
    assert "@key" in gap_signature("令牌").features
    assert "@key" in gap_signature("my API key").features
    assert gap_signature("my API key").features == gap_signature("my api-key").features


def test_match_gap_returns_the_best_candidate_or_none() -> None:
    invoice = GapCandidate("g-invoice", (gap_signature("how do I get an invoice"),))
    refund = GapCandidate("g-refund", (gap_signature("can I get a refund"),))
    assert match_gap(gap_signature("我需要发票"), [refund, invoice]) == "g-invoice"
    assert match_gap(gap_signature("where is your status page"), [refund, invoice]) is None
    assert match_gap(gap_signature("anything"), []) is None


def test_repeat_leaks_all_go_to_one_gap() -> None:
    matcher = default_matcher()
    first = matcher.assign(_signal("here is my key sk-…a1b2", kind="repeat_leak"), [])
    assert first.key == REPEAT_LEAK_GAP
    assert first.is_new
    again = matcher.assign(_signal("完全不同的文字", kind="repeat_leak"), [GapCandidate(REPEAT_LEAK_GAP, ())])
    assert again.key == REPEAT_LEAK_GAP
    assert not again.is_new
    # an ordinary question about leaks is not swallowed by the repeat-leak gap
    other = matcher.assign(_signal("my key leaked"), [GapCandidate(REPEAT_LEAK_GAP, (first.signature,))])
    assert other.key != REPEAT_LEAK_GAP


def test_checklist_context_groups_by_last_step() -> None:
    matcher = default_matcher()
    a = matcher.assign(_signal("", kind="checklist_unresolved", checklist_step="wrong_base_url"), [])
    b = matcher.assign(
        _signal("", kind="checklist_unresolved", checklist_step="wrong_base_url"),
        [GapCandidate(a.key, (a.signature,))],
    )
    c = matcher.assign(
        _signal("", kind="checklist_unresolved", checklist_step="whitespace"),
        [GapCandidate(a.key, (a.signature,))],
    )
    assert b.key == a.key
    assert not b.is_new
    assert c.key != a.key
    assert c.is_new
    empty = matcher.assign(_signal("  ", kind="ticket"), [])
    assert empty.key == "ticket-without-text"
    assert empty.signature.is_empty


def test_unhelpful_signals_carry_their_entry() -> None:
    signature = default_matcher().signal_signature(_signal("still broken", kind="unhelpful", entry_id="rotate-key"))
    assert "#entry:rotate-key" in signature.features


def test_signature_round_trip_and_bad_input() -> None:
    signature = gap_signature("调用 chat/completions 报 401，key 是 sk-…a1b2")
    assert signature.language == "zh"
    assert Signature.loads(signature.dumps()) == signature
    for junk in ("", "{}", "[1]", '{"v":1,"lang":"fr","f":[]}', "not json"):
        with pytest.raises(ValueError, match="not a stored gap signature"):
            Signature.loads(junk)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t ",
        "\u200b\u200d\ufeff",
        "x" * 40_000,
        "密钥" * 20_000,
        "\u202e\U0001f511\x00e\u0301" * 100,
        "🙂" * 5000,
    ],
)
def test_signatures_never_choke(text: str) -> None:
    signature = gap_signature(text)
    assert len(signature.features) <= 200
    assert Signature.loads(signature.dumps()) == signature
    default_matcher().assign(_signal(text), [GapCandidate("g", (signature,))])


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.text(max_size=400))
def test_similarity_is_bounded_and_symmetric(a: str, b: str) -> None:
    matcher = default_matcher()
    sa, sb = gap_signature(a), gap_signature(b)
    forward, backward = matcher.similarity(sa, sb), matcher.similarity(sb, sa)
    assert 0.0 <= forward <= 1.0
    assert forward == pytest.approx(backward)


# -- reopen rule ----------------------------------------------------------------------------------


def test_answered_gap_reopens_after_further_signals() -> None:
    answered_at = T0 + timedelta(days=1)
    record = GapRecord("g", answered_entry_id="invoices", answered_at=answered_at)
    before = [T0, T0 + timedelta(hours=5)]
    assert gap_status(GapRecord("g"), before).state == "open"
    assert gap_status(record, before).state == "answered"
    one_after = gap_status(record, [*before, answered_at + timedelta(hours=1)])
    assert one_after.state == "answered"
    assert one_after.signals_since_answer == 1
    second = answered_at + timedelta(days=2)
    reopened = gap_status(record, [*before, second, answered_at + timedelta(hours=1), second + timedelta(days=1)])
    assert reopened.state == "reopened"
    assert reopened.entry_id == "invoices"
    assert reopened.signals_since_answer == 3
    assert reopened.reopened_at == second
    assert gap_status(record, [answered_at + timedelta(hours=1)], reopen_after=1).state == "reopened"


# -- report maths ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "direction", "delta", "percent"),
    [
        (5, 0, "new", 5, None),
        (6, 4, "up", 2, 50.0),
        (1, 4, "down", -3, -75.0),
        (3, 3, "flat", 0, 0.0),
        (0, 0, "flat", 0, None),
        (0, 2, "down", -2, -100.0),
        (1, 3, "down", -2, -66.7),
    ],
)
def test_trend(current: int, previous: int, direction: str, delta: int, percent: float | None) -> None:
    trend = Trend(current, previous)
    assert (trend.direction, trend.delta, trend.percent) == (direction, delta, percent)


def test_window_previous_and_membership() -> None:
    window = Window.ending(T0, timedelta(days=7))
    assert window.previous() == Window(T0 - timedelta(days=14), T0 - timedelta(days=7))
    assert (T0 - timedelta(days=7)) in window
    assert T0 not in window
    assert datetime(2026, 5, 1, 12, 0) in window  # naive times are read as UTC


def test_summaries_count_window_trend_channels_examples_and_status() -> None:
    window = Window.ending(T0, timedelta(days=7))
    day = timedelta(days=1)
    signals = [
        ("g-invoice", _signal("How do I get an invoice?", at=T0 - 1 * day, channel_id="C1", user_id="U1")),
        ("g-invoice", _signal("how do i get an invoice", at=T0 - 2 * day, channel_id="C2", user_id="U2")),
        ("g-invoice", _signal("怎么开发票", at=T0 - 3 * day, channel_id="C2", user_id="U3")),
        (
            "g-invoice",
            _signal("Invoice please " + "x" * 400, at=T0 - 4 * day, channel_id="C2", user_id="U3", kind="ticket"),
        ),
        ("g-invoice", _signal("old one", at=T0 - 9 * day, channel_id="C9")),
        ("g-claude", _signal("claude?", at=T0 - 1 * day, channel_id="C1")),
        ("g-claude", _signal("claude??", at=T0 - 8 * day)),
        ("g-claude", _signal("claude!", at=T0 - 9 * day)),
        ("g-quiet", _signal("nobody asks this now", at=T0 - 20 * day)),
        ("g-steps", _signal("", at=T0 - day, kind="checklist_unresolved", checklist_step="whitespace")),
        ("g-steps", _signal("still 401", at=T0 - day, kind="unhelpful", entry_id="401-whitespace")),
    ]
    records = [
        GapRecord("g-invoice", first_seen=T0 - 30 * day),
        GapRecord("g-claude", title="Claude models", answered_entry_id="models", answered_at=T0 - 10 * day),
        GapRecord("g-quiet"),
    ]
    summaries = summarize_gaps(records, signals, window, examples=3, example_chars=40)
    by_key = {summary.key: summary for summary in summaries}
    assert [s.key for s in summaries] == ["g-invoice", "g-steps", "g-claude"]  # busiest first; quiet left out
    invoice = by_key["g-invoice"]
    assert invoice.count == 4
    assert invoice.trend == Trend(4, 1)
    assert invoice.first_seen == T0 - 30 * day
    assert invoice.last_seen == T0 - day
    assert invoice.channels == ("C2", "C1")
    assert invoice.users == 3
    assert invoice.kinds == {"unanswered": 3, "ticket": 1}
    assert invoice.examples == ("How do I get an invoice?", "怎么开发票", "Invoice please " + "x" * 24 + "…")
    assert all(len(example) <= 40 for example in invoice.examples)
    assert invoice.title == "How do I get an invoice?"
    claude = by_key["g-claude"]
    assert claude.title == "Claude models"
    assert claude.trend == Trend(1, 2)
    assert claude.trend.direction == "down"
    assert claude.status.state == "reopened"
    assert claude.status.signals_since_answer == 3
    steps = by_key["g-steps"]
    assert steps.checklist_steps == {"whitespace": 1}
    assert steps.entry_ids == ("401-whitespace",)
    quiet = summarize_gaps(records, signals, window, include_quiet=True)
    assert {s.key for s in quiet} == {"g-invoice", "g-claude", "g-quiet", "g-steps"}
    assert next(s for s in quiet if s.key == "g-quiet").count == 0


def test_summaries_of_nothing() -> None:
    assert summarize_gaps([], [], Window.ending(T0, timedelta(days=7))) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("12h", timedelta(hours=12)),
        (" 30D ", timedelta(days=30)),
    ],
)
def test_parse_period(text: str, expected: timedelta) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "7x", "-1d", "0h", "999w", "1.5d"])
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"period|range"):
        parse_period(text)
