"""The leak outbox payloads: a round trip keeps every field, and rows in the old stored shape still read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from supportbot.leaks.payloads import (
    ALERT,
    DELETE,
    RECHECK,
    REPOST,
    SCAN_FILE,
    UPDATE_CARD,
    WARN,
    Alert,
    AuthorWarning,
    CardUpdate,
    Deletion,
    FileScan,
    Leak,
    LeakPayload,
    Recheck,
    Repeat,
    Repost,
)

MASKED = "sk-" + "…" + "wxyz"  # a masked form, built from parts
MESSAGE = Leak(7, "C1", "1.2", thread_ts="1.0", author="U1", received_at=1764800000.5)
IN_FILE = Leak(7, "C1", "1.2", author="U1", received_at=17.0, file_id="F1", file_name=".env")
SEEN = Repeat(times=3, since="2026-11-02")
WARNING = AuthorWarning(MESSAGE, keys=(MASKED,), providers=("openai",), seen=SEEN, lang="zh", revoke="ask")
TOLD = AuthorWarning(IN_FILE, keys=(MASKED,), providers=("openai",), deleted=False, reason="direct_message")


@pytest.mark.parametrize(
    "payload",
    [
        Deletion(MESSAGE),
        Deletion(MESSAGE, prompted=True),
        Deletion(IN_FILE),
        Repost(MESSAGE, text="key `" + MASKED + "`", lang=None),
        Repost(IN_FILE, text="```\nX=1\n```", lang="zh"),
        WARNING,
        TOLD,
        Alert(WARNING, reason=None),
        Alert(WARNING, reason="cant_delete_message"),
        Alert(TOLD, reason="direct_message"),
        Recheck(7),
        Recheck(7, check=2),
        CardUpdate(7),
        FileScan("C1", "1.2", "F1", thread_ts="1.0", channel_type="im", author="U1", team="T2", received_at=3.5),
        FileScan("C1", "1.2", "F1"),
    ],
)
def test_round_trip_keeps_every_field(payload: LeakPayload) -> None:
    assert type(payload).from_payload(payload.to_payload()) == payload


def test_each_kind_has_its_class() -> None:
    classes: list[type[Any]] = [Deletion, Repost, AuthorWarning, Alert, Recheck, CardUpdate, FileScan]
    kinds = [cls.KIND for cls in classes]
    assert kinds == [DELETE, REPOST, WARN, ALERT, RECHECK, UPDATE_CARD, SCAN_FILE]
    assert kinds == [
        "leak.delete",
        "leak.repost",
        "leak.warn",
        "leak.alert",
        "leak.recheck",
        "leak.update_card",
        "leak.scan_file",
    ]


def _old_base(**extra: Any) -> dict[str, Any]:
    """What the interceptor wrote before the dataclasses: the message's fields, then the kind's own."""
    base = {"incident": 7, "channel": "C1", "ts": "1.2", "thread_ts": "1.0", "author": "U1", "received_at": 17.0}
    return {**base, **extra}


OLD_WARN = _old_base(
    keys=[MASKED], providers=["openai"], seen={"times": 2, "since": "2026-11-02"}, lang=None, revoke=None
)


def test_deletion_in_the_old_shape() -> None:
    old = _old_base(prompted=True)
    deletion = Deletion.from_payload(old)
    assert deletion.prompted and deletion.leak.channel == "C1" and deletion.leak.file_id is None
    assert deletion.to_payload() == old
    assert "prompted" not in Deletion.from_payload(_old_base()).to_payload()
    in_file = Deletion.from_payload(_old_base(file_id="F1", file_name=".env"))
    assert (in_file.leak.file_id, in_file.leak.file_name) == ("F1", ".env")


def test_repost_in_the_old_shape() -> None:
    old = _old_base(text="masked copy", lang="zh")
    repost = Repost.from_payload(old)
    assert (repost.text, repost.lang, repost.leak.thread_ts) == ("masked copy", "zh", "1.0")
    assert repost.to_payload() == old


def test_warning_in_the_old_shape_waiting_for_the_deletion() -> None:
    warning = AuthorWarning.from_payload(OLD_WARN)
    assert warning.deleted is None and warning.reason is None
    assert warning.keys == (MASKED,) and warning.providers == ("openai",)
    assert warning.seen == Repeat(2, "2026-11-02")
    assert warning.seen_summary() == {"times": 2, "since": "2026-11-02"}
    assert warning.to_payload() == OLD_WARN


def test_warning_in_the_old_shape_without_a_deletion() -> None:
    old = {**OLD_WARN, "seen": {}, "deleted": False, "reason": "external_member"}
    warning = AuthorWarning.from_payload(old)
    assert (warning.deleted, warning.reason, warning.seen) == (False, "external_member", None)
    assert warning.seen_summary() == {}
    assert warning.to_payload() == old


def test_alert_in_the_old_shape() -> None:
    for reason in (None, "no_admin_token"):
        old = {**OLD_WARN, "reason": reason}
        alert = Alert.from_payload(old)
        assert (alert.incident, alert.reason, alert.warning.deleted) == (7, reason, None)
        assert alert.to_payload() == old


def test_recheck_card_and_scan_in_the_old_shape() -> None:
    assert Recheck.from_payload({"incident": 7}) == Recheck(7, check=1)
    assert Recheck(7, 2).to_payload() == {"incident": 7, "check": 2}
    assert CardUpdate.from_payload({"incident": "7"}).to_payload() == {"incident": 7}
    old_scan: Mapping[str, Any] = {
        "channel": "D1",
        "ts": "1.2",
        "thread_ts": None,
        "channel_type": "im",
        "author": "U1",
        "team": None,
        "file_id": "F1",
        "received_at": 1764800000.25,
    }
    scan = FileScan.from_payload(old_scan)
    assert scan.to_payload() == old_scan
    message = scan.message()
    assert (message.channel, message.ts, message.user, message.channel_type, message.text) == (
        "D1",
        "1.2",
        "U1",
        "im",
        "",
    )
    assert FileScan.from_payload({"channel": "C1", "ts": "1", "file_id": "F1"}).channel_type == "channel"
