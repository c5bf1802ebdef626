"""Leak interception end to end: delete, mask, warn, record; fall back where Slack forbids deletion."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from supportbot.emulator import Emulator
from supportbot.store import leaks as leak_store
from tests.fakes import FakeClock
from tests.keygen import make_key
from tests.scenarios.harness import Harness, flatten, running

RNG = random.Random(4242)


def key(provider: str = "openai") -> str:
    return make_key(provider, RNG)


def incidents(harness: Harness) -> list[tuple[leak_store.LeakIncident, list[leak_store.LeakKey]]]:
    from datetime import UTC, datetime

    with harness.store.session() as session:
        return leak_store.recent(session, since=datetime(2000, 1, 1, tzinfo=UTC))


def test_key_in_a_channel_is_deleted_masked_warned_and_recorded(slack: Harness) -> None:
    secret = key("openai")
    sent = slack.driver.post("alice", "#support", f"Hi, I get 401 with my key {secret}, what's wrong?")
    slack.settle()
    deletes = slack.calls("chat.delete")
    assert [(call.params["channel"], call.params["ts"], call.token_kind) for call in deletes] == [
        ("C0SUPPORT", sent.ts, "admin")
    ]
    assert (
        slack.emulator.workspace.message("C0SUPPORT", sent.ts) is None
        or slack.emulator.workspace.message("C0SUPPORT", sent.ts).deleted
    )  # type: ignore[union-attr]
    # The message is also a 401 report: the checklist answers in the repost's thread (test_triage.py).
    (repost,) = [
        call
        for call in slack.calls("chat.postMessage")
        if call.params.get("channel") == "C0SUPPORT" and "posted an API key" in flatten(call.params.get("blocks"))
    ]
    shown = flatten(repost.params.get("blocks"))
    assert "<@U0CUST001> posted an API key" in shown
    assert "what's wrong?" in shown and "401" in shown
    assert secret not in json.dumps(repost.params)
    assert secret[-4:] in shown, "the masked form keeps the last four characters"
    assert not repost.params.get("thread_ts"), "a top-level message is reposted at top level"
    (warning,) = slack.emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")
    warned = flatten(warning.blocks)
    assert "I removed your message" in warned
    assert "disable" in warned.lower()
    ((incident, keys),) = incidents(slack)
    assert (incident.deletion, incident.reposted, incident.warned, incident.alerted) == (
        "deleted",
        True,
        "ephemeral",
        False,
    )
    assert (keys[0].provider, keys[0].masked.endswith(secret[-4:]), len(keys[0].key_id)) == ("openai", True, 12)


def test_thread_reply_is_reposted_in_its_thread(slack: Harness) -> None:
    parent = slack.driver.post("alice", "#support", "My integration broke")
    reply = slack.driver.post("alice", "#support", f"here is the key: {key('anthropic')}", thread_ts=parent.ts)
    slack.settle()
    assert [call.params["ts"] for call in slack.calls("chat.delete")] == [reply.ts]
    (repost,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "C0SUPPORT"]
    assert repost.params["thread_ts"] == parent.ts


def test_an_edit_that_adds_a_key_is_caught(slack: Harness) -> None:
    sent = slack.driver.post("alice", "#support", "my key is (pasting below)")
    slack.settle()
    assert slack.calls("chat.delete") == []
    slack.driver.edit("alice", "#support", sent.ts, f"my key is {key('deepseek')}")
    slack.settle()
    assert [call.params["ts"] for call in slack.calls("chat.delete")] == [sent.ts]


def test_edit_storm_deletes_once(slack: Harness) -> None:
    sent = slack.driver.post("alice", "#support", f"v1 {key('gateway')}")
    for number in range(8):
        try:
            slack.driver.edit("alice", "#support", sent.ts, f"v{number + 2} {key('gateway')}")
        except Exception:  # the deletion may already have happened: a person can no longer edit it
            break
    slack.settle()
    assert len(slack.calls("chat.delete")) == 1
    assert len(incidents(slack)) == 1


def test_external_member_fallback_warns_alerts_and_rechecks(emulator: Emulator, tmp_path: Path) -> None:
    clock = FakeClock()
    with running(emulator, f"sqlite:///{tmp_path}/x.db", clock=clock) as slack:
        secret = key("groq")
        slack.driver.post("ext.bob", "#ext-acme", f"works with {secret} on our side?")
        slack.settle()
        assert slack.calls("chat.delete") == [], "never try what Slack forbids"
        reposts = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "C0EXTACME"]
        assert reposts == [], "no masked repost while the original is still visible"
        (warning,) = emulator.workspace.ephemerals_for("U0EXTRN01", "C0EXTACME")
        assert "another organisation" in flatten(warning.blocks)
        (card,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "G0AGENTS1"]
        card_text = flatten(card.params["blocks"])
        assert "needs attention" in card_text and "another organisation" in card_text
        assert secret not in json.dumps(card.params)
        clock.advance(301)
        slack.settle()
        rechecks = [
            call
            for call in slack.calls("chat.postMessage")
            if call.params.get("channel") == "G0AGENTS1" and call.params.get("thread_ts")
        ]
        assert len(rechecks) == 1 and "still visible" in rechecks[0].params["text"]
        card_ts = card.response["ts"]
        slack.driver.click("sam", "leak_handled", message=("G0AGENTS1", card_ts))
        slack.settle()
        (update,) = slack.calls("chat.update")
        assert "handled" in flatten(update.params["blocks"]).lower()
        clock.advance(3600)
        slack.settle()
        assert len([call for call in slack.calls("chat.postMessage") if call.params.get("thread_ts")]) == 1, (
            "a handled leak is not re-checked again"
        )
        ((incident, _),) = incidents(slack)
        assert incident.handled_by == "U0AGENT01" and incident.deletion_reason == "external_member"


def test_direct_message_cannot_be_deleted_so_the_author_is_asked(slack: Harness) -> None:
    dm = slack.driver.dm("alice")
    slack.driver.post("alice", dm, f"is this right? {key('openrouter')}")
    slack.settle()
    assert slack.calls("chat.delete") == []
    (warning,) = slack.emulator.workspace.ephemerals_for("U0CUST001", dm)
    assert "direct messages" in flatten(warning.blocks)
    assert any(call.params.get("channel") == "G0AGENTS1" for call in slack.calls("chat.postMessage"))


def test_without_admin_token_agents_are_alerted(emulator: Emulator, database_url: str) -> None:
    with running(emulator, database_url, env={"SLACK_ADMIN_USER_TOKEN": None}) as slack:
        slack.driver.post("alice", "#support", f"key {key('xai')}")
        slack.settle()
        assert slack.calls("chat.delete") == []
        (card,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "G0AGENTS1"]
        assert "SLACK_ADMIN_USER_TOKEN" in flatten(card.params["blocks"])


def test_slack_refusing_the_deletion_turns_into_an_alert(slack: Harness) -> None:
    slack.emulator.faults.inject("chat.delete", error="cant_delete_message", times=1)
    slack.driver.post("alice", "#support", f"key {key('huggingface')}")
    slack.settle()
    posted = slack.calls("chat.postMessage")
    assert [call.params["channel"] for call in posted] == ["G0AGENTS1"], "alert, and no masked repost"
    (warning,) = slack.emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")
    assert "could not delete" in flatten(warning.blocks)
    ((incident, _),) = incidents(slack)
    assert (incident.deletion, incident.deletion_reason) == ("failed", "cant_delete_message")


def test_rate_limited_deletion_waits_and_succeeds(slack: Harness) -> None:
    slack.emulator.faults.inject("chat.delete", status=429, retry_after=1, times=1)
    slack.driver.post("alice", "#support", f"key {key('github')}")
    slack.emulator.wait_until(lambda: any(call.ok for call in slack.calls("chat.delete")), timeout=10)
    statuses = [call.status for call in slack.calls("chat.delete")]
    assert statuses == [429, 200]


def test_same_key_again_is_flagged_as_not_rotated(emulator: Emulator, tmp_path: Path) -> None:
    with running(emulator, f"sqlite:///{tmp_path}/x.db", env={"SLACK_ADMIN_USER_TOKEN": None}) as slack:
        secret = key("openai")
        slack.driver.post("alice", "#support", f"first {secret}")
        slack.driver.post("li.wei", "#support", f"我也用这个 {secret}")
        slack.driver.post("alice", "#general", f"again {secret}")
        slack.settle()
        cards = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "G0AGENTS1"]
        assert len(cards) == 3
        assert "Seen 3 times" in flatten(cards[-1].params["blocks"])
        warnings = emulator.workspace.ephemerals_for("U0CUST001", "C0GENERAL")
        assert "posted 3 times" in flatten(warnings[0].blocks)
        zh = emulator.workspace.ephemerals_for("U0CUST002", "C0SUPPORT")
        assert "已经被发出来 2 次" in flatten(zh[0].blocks), "Chinese author, Chinese warning"


def test_env_file_with_a_key_is_deleted(slack: Harness) -> None:
    secret = key("openai")
    shared = slack.driver.share_file(
        "alice", "#support", ".env", f"DEBUG=1\nOPENAI_API_KEY={secret}\n", text="my config"
    )
    slack.settle()
    assert [call.params.get("file") for call in slack.calls("files.delete")] == [shared.file_id]
    (repost,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "C0SUPPORT"]
    assert "shared a file containing an API key" in flatten(repost.params["blocks"])
    assert secret not in json.dumps(repost.params)
    assert "DEBUG=1" in flatten(repost.params["blocks"])


def test_huge_message_many_keys_and_odd_unicode(slack: Harness) -> None:
    keys = [key(provider) for provider in ("openai", "anthropic", "groq", "github", "gateway") * 6]
    filler = "日志 log line ✓ \u200b " * 2000
    text = (filler + " ".join(keys))[-40_000:]
    slack.driver.post("alice", "#support", text)
    zero_width = key("deepseek")
    slack.driver.post("li.wei", "#support", f"我的key是{zero_width[:10]}\u200b{zero_width[10:]}，怎么不行")
    slack.settle()
    assert len(slack.calls("chat.delete")) == 2
    blob = json.dumps([call.params for call in slack.calls("chat.postMessage")], ensure_ascii=False)
    for secret in [*keys, zero_width]:
        assert secret not in blob
    (first, _), (second, _) = sorted(incidents(slack), key=lambda row: row[0].id or 0)
    assert first.keys_found >= 25
    assert second.deletion == "deleted"


def test_support_leaks_lists_incidents_for_agents_only(slack: Harness) -> None:
    slack.driver.post("alice", "#support", f"key {key('stripe')}")
    slack.settle()
    agent = json.loads(slack.driver.slash("sam", "#support-agents", "/support", "leaks 7d").body)
    assert "Key leaks in the last 7d" in agent["text"] and "<@U0CUST001>" in agent["text"]
    refused = json.loads(slack.driver.slash("alice", "#support", "/support", "leaks").body)
    assert "only for support agents" in refused["text"] and "U0CUST001" not in refused["text"]
    bad = json.loads(slack.driver.slash("sam", "#support-agents", "/support", "leaks soon").body)
    assert "isn't a period" in bad["text"]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level("DEBUG")
    return caplog


def test_planted_keys_appear_nowhere(emulator: Emulator, tmp_path: Path, logs: pytest.LogCaptureFixture) -> None:
    planted: list[str] = []

    def plant(provider: str) -> str:
        value = key(provider)
        planted.append(value)
        return value

    database = tmp_path / "planted.db"
    with running(emulator, f"sqlite:///{database}") as slack:
        driver = slack.driver
        parent = driver.post("alice", "#support", f"401 again with {plant('openai')}")
        driver.post("li.wei", "#support", f"回复 {plant('deepseek')}", thread_ts=parent.ts)
        edited = driver.post("alice", "#general", "will paste")
        driver.edit("alice", "#general", edited.ts, f"here {plant('anthropic')}")
        driver.share_file("alice", "#support", "config.yaml", f"api_key: {plant('gateway')}\n")
        driver.post("ext.bob", "#ext-acme", f"ours: {plant('google')}")
        driver.post("alice", driver.dm("alice"), f"dm {plant('github')}")
        driver.post("sam", "#support-agents", f"agent pasted {plant('aws')}")
        slack.emulator.faults.inject("chat.delete", error="cant_delete_message", times=1)
        driver.post("alice", "#support", f"refused {plant('xai')}")
        driver.slash("sam", "#support-agents", "/support", f"leaks {plant('groq')}")
        driver.post_markup("alice", "#support", f"<https://x.example/?key={plant('openrouter')}|link>")
        slack.settle()
        recorded = slack.emulator.recorded_text()
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("planted.db*"))
    assert planted
    for secret in planted:
        assert secret not in recorded, "a key reached a Slack call"
        assert secret.encode() not in stored, "a key reached the database file"
        assert secret not in logs.text, "a key reached the logs"
        for fragment in (secret[:20], secret[-20:]):
            assert fragment.encode() not in stored


def test_deletion_starts_at_once_and_no_other_instance_repeats_it(emulator: Emulator, tmp_path: Path) -> None:
    """The instance that receives the event starts chat.delete before recording anything, and keeps
    the outbox action for itself: another instance on the same database must not call Slack again
    (a second call would answer message_not_found and look like the author's own deletion)."""
    url = f"sqlite:///{tmp_path}/shared.db"
    with (
        running(emulator, url, instance="front", start_worker=False) as front,
        running(emulator, url, instance="back") as back,
    ):
        sent = front.driver.post("alice", "#support", f"key {key('openai')}")
        # The front's outbox worker is not even running, yet the deletion is under way.
        emulator.wait_until(lambda: any(call.ok for call in emulator.calls_for("chat.delete")), timeout=5)
        time.sleep(0.5)  # the back's worker polls every 50 ms: ample chances to take the action wrongly
        assert len(emulator.calls_for("chat.delete")) == 1
        ((incident, _),) = incidents(back)
        assert (incident.deletion, incident.reposted) == ("pending", False), "recorded, not yet finished"
        front.bot.start()
        front.settle()
        assert [(call.params["ts"], call.ok) for call in emulator.calls_for("chat.delete")] == [(sent.ts, True)]
        ((incident, _),) = incidents(front)
        assert (incident.deletion, incident.reposted, incident.warned) == ("deleted", True, "ephemeral")


def test_deletion_started_by_an_instance_that_died_is_finished_by_another(emulator: Emulator, tmp_path: Path) -> None:
    clock = FakeClock()
    url = f"sqlite:///{tmp_path}/shared.db"
    with (
        running(emulator, url, instance="front", start_worker=False, clock=clock) as front,
        running(emulator, url, instance="back", clock=clock) as back,
    ):
        sent = front.driver.post("alice", "#support", f"key {key('anthropic')}")
        emulator.wait_until(lambda: any(call.ok for call in emulator.calls_for("chat.delete")), timeout=5)
        clock.advance(61)  # the front never carries out its claim; its lease runs out
        back.settle()
        assert [(call.params["ts"], call.error) for call in emulator.calls_for("chat.delete")] == [
            (sent.ts, None),
            (sent.ts, "message_not_found"),
        ]
        ((incident, _),) = incidents(back)
        assert (incident.deletion, incident.reposted) == ("deleted", True), "our own first attempt removed it"


@pytest.mark.parametrize(
    ("provider", "name", "page"),
    [
        ("gitlab", "GitLab", "https://gitlab.com/-/user_settings/personal_access_tokens"),
        ("baidu", "Baidu Qianfan", "https://console.bce.baidu.com/iam/"),
        ("tencent", "Tencent Cloud", "https://console.cloud.tencent.com/cam/capi"),
    ],
)
def test_new_credential_glued_to_chinese_text_is_deleted_and_the_warning_names_where_to_rotate(
    slack: Harness, provider: str, name: str, page: str
) -> None:
    secret = key(provider)
    sent = slack.driver.post("alice", "#support", f"我的.env里是*{secret}*，为什么还是401？")
    slack.settle()
    assert [call.params["ts"] for call in slack.calls("chat.delete")] == [sent.ts]
    (warning,) = slack.emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")
    warned = flatten(warning.blocks)
    assert name in warned
    assert page in warned
    assert secret not in slack.emulator.recorded_text()


def test_bearer_glued_key_is_deleted_and_never_reposted(slack: Harness) -> None:
    # Issue 13, finding 2: "Bearersk-proj-…" (a missing space) was neither deleted nor masked.
    secret = key("openai")
    sent = slack.driver.post("alice", "#support", f"curl -H 'Authorization: Bearer{secret}' gives 401")
    slack.settle()
    assert [call.params["ts"] for call in slack.calls("chat.delete")] == [sent.ts]
    assert secret not in slack.emulator.recorded_text()
