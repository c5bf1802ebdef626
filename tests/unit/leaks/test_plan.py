"""The leak plan: which outbox actions a leaked key gets, in which order, chained how, deduped how."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from supportbot.keys import Scanner, mask_text
from supportbot.leaks.decision import DeletionDecision
from supportbot.leaks.payloads import (
    ALERT,
    DELETE,
    REPOST,
    SCAN_FILE,
    WARN,
    Alert,
    AuthorWarning,
    Deletion,
    FileScan,
    Repeat,
    Repost,
)
from supportbot.leaks.plan import (
    DELETE_ATTEMPTS,
    DELETE_BUDGET,
    LeakPlan,
    edit_needs_telling,
    plan_edit,
    plan_file_scans,
    plan_interception,
)
from supportbot.text.messages import Message
from tests.keygen import make_key

RNG = random.Random(2207)
MESSAGE = Message(channel="C1", ts="1.2", user="U1", text="", thread_ts="1.0")
RECEIVED = 1764800000.5


@dataclass(frozen=True)
class Key:
    masked: str
    provider: str


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(fingerprint_secret="unit-test-" + "leak-plan-" * 3)


@pytest.fixture(scope="module")
def leaked(scanner: Scanner) -> tuple[str, str, Key]:
    """A message text with a key generated at run time, the text masked, and the key as the plan sees it."""
    key = make_key("openai", RNG)
    text = f"my key is {key} please help"
    findings = scanner.find(text)
    assert len(findings) == 1
    return text, mask_text(text, findings), Key(findings[0].masked, findings[0].provider)


def _plan(
    decision: DeletionDecision,
    scanner: Scanner,
    leaked: tuple[str, str, Key],
    *,
    file: tuple[str, str] | None = None,
    revoke: str | None = None,
    prompted: bool = False,
) -> LeakPlan:
    _, masked_text, key = leaked
    return plan_interception(
        decision,
        MESSAGE,
        incident=7,
        keys=[key],
        seen=None,
        masked_text=masked_text,
        scanner=scanner,
        received_at=RECEIVED,
        file=file,
        revoke=revoke,
        prompted=prompted,
    )


def test_a_deletable_message_is_deleted_first_and_the_rest_waits_for_it(
    scanner: Scanner, leaked: tuple[str, str, Key]
) -> None:
    text, _, key = leaked
    plan = _plan(DeletionDecision(True), scanner, leaked, revoke="auto")
    assert plan.kinds == [DELETE, REPOST, WARN, ALERT]
    delete, repost, warn, alert = plan.actions
    assert [(action.after, action.run_if) for action in plan.actions] == [
        (None, "always"),
        (0, "succeeded"),
        (0, "always"),
        (0, "failed"),
    ]
    assert {action.group_key for action in plan.actions} == {"leak:7"}
    assert all(action.dedupe_key is None for action in plan.actions)
    assert (delete.urgent, delete.max_attempts, delete.budget, delete.claimed) == (
        True,
        DELETE_ATTEMPTS,
        DELETE_BUDGET,
        False,
    )
    assert not any(action.urgent or action.max_attempts or action.budget for action in (repost, warn, alert))
    assert isinstance(repost.payload, Repost) and isinstance(warn.payload, AuthorWarning)
    assert text.split()[3] not in repost.payload.text and key.masked in repost.payload.text
    assert warn.payload.keys == (key.masked,) and warn.payload.providers == (key.provider,)
    assert (warn.payload.deleted, warn.payload.revoke) == (None, "auto")
    assert alert.payload == Alert(warn.payload, reason=None)
    assert plan.position(REPOST) == 1 and plan.position(SCAN_FILE) is None


def test_the_stored_json_is_the_old_shape(scanner: Scanner, leaked: tuple[str, str, Key]) -> None:
    _, _, key = leaked
    plan = _plan(DeletionDecision(True), scanner, leaked, prompted=True)
    base = {"incident": 7, "channel": "C1", "ts": "1.2", "thread_ts": "1.0", "author": "U1", "received_at": RECEIVED}
    warn = {**base, "keys": [key.masked], "providers": [key.provider], "seen": {}, "lang": None, "revoke": None}
    repost = plan.actions[1].payload
    assert isinstance(repost, Repost)
    assert [action.payload.to_payload() for action in plan.actions] == [
        {**base, "prompted": True},
        {**base, "text": repost.text, "lang": None},
        warn,
        {**warn, "reason": None},
    ]
    assert plan.actions[0].claimed


def test_an_undeletable_message_gets_a_warning_and_an_alert_at_once(
    scanner: Scanner, leaked: tuple[str, str, Key]
) -> None:
    plan = _plan(DeletionDecision(False, "external_member"), scanner, leaked, prompted=False)
    assert plan.kinds == [WARN, ALERT]
    assert all(action.after is None and action.run_if == "always" for action in plan.actions)
    warn, alert = (action.payload for action in plan.actions)
    assert isinstance(warn, AuthorWarning) and isinstance(alert, Alert)
    assert (warn.deleted, warn.reason) == (False, "external_member")
    assert alert.reason == "external_member" and "deleted" not in alert.to_payload()
    assert plan.position(DELETE) is None and plan.position(REPOST) is None


def test_a_file_leak_scans_each_file_once_then_deletes_the_file(scanner: Scanner, leaked: tuple[str, str, Key]) -> None:
    scans = plan_file_scans(MESSAGE, ["F1", "F2"], received_at=RECEIVED)
    assert scans.kinds == [SCAN_FILE, SCAN_FILE]
    assert [action.dedupe_key for action in scans.actions] == ["scanfile:C1:1.2:F1", "scanfile:C1:1.2:F2"]
    first = scans.actions[0].payload
    assert isinstance(first, FileScan) and first.message().channel == "C1" and first.received_at == RECEIVED
    plan = _plan(DeletionDecision(True), scanner, leaked, file=("F1", ".env"))
    assert plan.kinds == [DELETE, REPOST, WARN, ALERT]
    deletion = plan.actions[0].payload
    assert isinstance(deletion, Deletion) and not deletion.prompted
    assert (deletion.leak.file_id, deletion.leak.file_name) == ("F1", ".env")
    assert (
        deletion.to_payload()["file_id"] == "F1"
        and "file_id" not in _plan(DeletionDecision(True), scanner, leaked).actions[0].payload.to_payload()
    )


def test_an_edit_that_adds_a_key_warns_and_alerts_again(leaked: tuple[str, str, Key]) -> None:
    _, masked_text, key = leaked
    assert not edit_needs_telling("pending") and not edit_needs_telling("deleted")
    assert not edit_needs_telling("removed_by_author")
    assert edit_needs_telling("failed") and edit_needs_telling("not_attempted")
    plan = plan_edit(
        MESSAGE,
        incident=7,
        added=[key],
        seen=Repeat(2, "2026-11-02"),
        masked_text=masked_text,
        received_at=RECEIVED,
        reason="cant_delete_message",
    )
    assert plan.kinds == [WARN, ALERT]
    assert all(action.after is None and action.group_key == "leak:7" for action in plan.actions)
    warn, alert = (action.payload.to_payload() for action in plan.actions)
    assert warn == alert
    assert (warn["deleted"], warn["reason"], warn["seen"]) == (
        False,
        "cant_delete_message",
        {"times": 2, "since": "2026-11-02"},
    )


def test_a_chinese_message_keeps_its_language(scanner: Scanner, leaked: tuple[str, str, Key]) -> None:
    _, masked_text, key = leaked
    plan = plan_interception(
        DeletionDecision(True),
        MESSAGE,
        incident=7,
        keys=[key],
        seen=None,
        masked_text="我的密钥是 " + masked_text + " 请帮我看看为什么不能用",
        scanner=scanner,
        received_at=RECEIVED,
    )
    assert plan.lang == "zh"
    assert {getattr(action.payload, "lang", "zh") for action in plan.actions} == {"zh"}
