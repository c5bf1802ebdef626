"""The checklist walk: order from the diagnosis, transitions, odd clicks, persistence as JSON."""

from __future__ import annotations

import json

import pytest

from supportbot.triage import CHECK_ORDER, Check, CheckId
from supportbot.triage.checklist import (
    ChecklistError,
    ChecklistState,
    apply,
    button_value,
    outcome_record,
    parse_button_value,
    plan,
    start,
)

W, M, U, D, K = CHECK_ORDER
T0 = 1_800_000_000.0


def roundtrip(state: ChecklistState) -> ChecklistState:
    return ChecklistState.from_json(json.loads(json.dumps(state.to_json())))


@pytest.mark.parametrize(
    ("diagnosis", "order"),
    [
        ([], (W, M, U, D, K)),
        ([U], (U, W, M, D, K)),
        ([D, W], (D, W, M, U, K)),
        ([K, K, "missing_header"], (K, M, W, U, D)),
        ([Check(U, "e", 0.9, "typo_host")], (U, W, M, D, K)),
    ],
)
def test_plan_puts_the_diagnosis_first_and_covers_all_five(diagnosis, order) -> None:
    assert plan(diagnosis) == order
    assert sorted(plan(diagnosis)) == sorted(CHECK_ORDER)


def test_next_walks_every_step_then_ends_unresolved() -> None:
    state = start([U], at=T0)
    shown = [state.current]
    for i, step in enumerate(state.steps):
        transition = apply(state, "triage_next", step=step, at=T0 + 10 * (i + 1))
        state = roundtrip(transition.state)  # as the DB layer would store and reload it
        if transition.effect == "show_step":
            shown.append(transition.step)
    assert shown == list(plan([U]))
    assert transition.effect == "exhausted"
    assert state.outcome == "unresolved"
    assert state.done == plan([U])
    assert state.last_step == K
    record = outcome_record(state)
    assert (record.outcome, record.fixed_by, record.last_step, record.steps_tried) == (
        "unresolved",
        None,
        K,
        5,
    )
    assert record.seconds == 50


def test_fixed_records_the_step_and_whether_the_diagnosis_was_right() -> None:
    state = start([U], at=T0)
    state = apply(state, "triage_next", step=U, at=T0 + 5).state
    transition = apply(state, "triage_fixed", step=W, at=T0 + 9)
    assert transition.effect == "fixed"
    record = outcome_record(transition.state)
    assert (record.outcome, record.fixed_by, record.diagnosed_first, record.diagnosis_right) == (
        "fixed",
        W,
        U,
        False,
    )
    assert record.steps_tried == 2


def test_double_click_on_next_moves_once() -> None:
    state = start([], at=T0)
    first = apply(state, "triage_next", step=W, at=T0 + 1)
    second = apply(first.state, "triage_next", step=W, at=T0 + 1.2)
    assert first.effect == "show_step"
    assert first.step == M
    assert (second.effect, second.note, second.step) == ("ignored", "stale_step", M)
    assert second.state == first.state


def test_click_on_an_old_steps_next_button_is_ignored() -> None:
    state = start([], at=T0)
    for step in (W, M, U):
        state = apply(state, "triage_next", step=step, at=T0).state
    transition = apply(state, "triage_next", step=W, at=T0 + 3600)
    assert (transition.effect, transition.step) == ("ignored", D)
    assert not transition.changed


def test_fixed_on_an_old_step_counts_for_that_step() -> None:
    state = start([], at=T0)
    state = apply(apply(state, "triage_next", step=W, at=T0).state, "triage_next", step=M, at=T0).state
    transition = apply(state, "triage_fixed", step=W, at=T0 + 60)
    assert transition.state.fixed_by == W
    assert transition.state.last_step == U  # the furthest step reached is still known


def test_double_fixed_and_double_ticket_are_ignored() -> None:
    state = start([], at=T0)
    fixed = apply(state, "triage_fixed", step=W, at=T0 + 1).state
    again = apply(fixed, "triage_fixed", step=W, at=T0 + 2)
    assert (again.effect, again.note) == ("ignored", "duplicate")
    ticket = apply(state, "triage_ticket", step=W, at=T0 + 1).state
    twice = apply(ticket, "triage_ticket", step=W, at=T0 + 2)
    assert (twice.effect, twice.note) == ("ignored", "duplicate")


def test_ticket_ends_the_walk_and_next_is_then_ignored() -> None:
    state = start([D], at=T0)
    transition = apply(state, "triage_ticket", step=D, at=T0 + 30)
    assert transition.effect == "open_ticket"
    assert transition.state.outcome == "ticket"
    later = apply(transition.state, "triage_next", step=D, at=T0 + 40)
    assert (later.effect, later.note) == ("ignored", "finished")
    assert outcome_record(transition.state).last_step == D


def test_customer_returns_hours_later_after_an_unresolved_walk_and_it_is_fixed() -> None:
    state = start([], at=T0)
    for step in state.steps:
        state = apply(state, "triage_next", step=step, at=T0 + 60).state
    assert state.outcome == "unresolved"
    again = apply(state, "triage_next", step=K, at=T0 + 61)
    assert (again.effect, again.note) == ("ignored", "duplicate")
    back = apply(roundtrip(state), "triage_fixed", step=U, at=T0 + 5 * 3600)
    assert back.effect == "fixed"
    assert back.state.fixed_by == U
    assert back.state.updated_at == T0 + 5 * 3600


def test_ticket_after_fixed_is_allowed_once() -> None:
    state = apply(start([], at=T0), "triage_fixed", step=W, at=T0 + 1).state
    transition = apply(state, "triage_ticket", step=W, at=T0 + 100)
    assert transition.effect == "open_ticket"
    assert transition.state.ticket_requested


def test_buttons_from_another_walk_are_ignored() -> None:
    old = start([], at=T0, walk=1)
    new = start([U], at=T0 + 10, walk=2)
    walk, step = parse_button_value(button_value(old, W))
    transition = apply(new, "triage_next", step=step, at=T0 + 20, walk=walk)
    assert (transition.effect, transition.note) == ("ignored", "other_walk")
    walk, step = parse_button_value(button_value(new, U))
    assert apply(new, "triage_next", step=step, at=T0 + 20, walk=walk).effect == "show_step"


def test_unknown_step_and_action() -> None:
    state = start([], at=T0)
    assert apply(state, "triage_next", step="bogus", at=T0).note == "unknown_step"
    with pytest.raises(ChecklistError):
        apply(state, "triage_restart", step=W, at=T0)
    with pytest.raises(ChecklistError):
        parse_button_value("x:whitespace")


def test_clock_skew_between_replicas_never_moves_updated_at_back() -> None:
    state = start([], at=T0)
    state = apply(state, "triage_next", step=W, at=T0 + 100).state
    state = apply(state, "triage_next", step=M, at=T0 + 50).state
    assert state.updated_at == T0 + 100
    assert state.version == 2
    assert [event.at for event in state.events] == [T0 + 100, T0 + 50]


def test_state_is_plain_json() -> None:
    state = apply(start([U, W], at=T0, language="zh"), "triage_next", step=U, at=T0 + 1).state
    data = state.to_json()
    assert json.loads(json.dumps(data)) == data
    restored = ChecklistState.from_json(data)
    assert restored == state
    assert restored.language == "zh"
    assert restored.diagnosed == (U, W)
    assert restored.current == W


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"schema": 99}, "schema"),
        ({"outcome": "won"}, "outcome"),
        ({"steps": ["whitespace"]}, "steps"),
        ({"position": 9}, "position"),
        ({"walk": "x"}, "checklist state"),
    ],
)
def test_malformed_stored_state_is_a_clear_error(change, message) -> None:
    data = start([], at=T0).to_json()
    data.update(change)
    with pytest.raises(ChecklistError, match=message):
        ChecklistState.from_json(data)


def test_missing_field_is_named() -> None:
    data = start([], at=T0).to_json()
    del data["started_at"]
    with pytest.raises(ChecklistError, match="started_at"):
        ChecklistState.from_json(data)


def test_checkid_values_are_the_public_contract() -> None:
    assert [str(c) for c in CheckId] == [
        "whitespace",
        "missing_header",
        "wrong_base_url",
        "duplicated_path",
        "disabled_key",
    ]
