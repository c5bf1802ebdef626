"""Delivery when Slack behaves like Slack: rate limits, redeliveries, a database that is away, failures.

Slack's published per-method limits are on in the emulator for every test here.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from slack_bolt import App
from sqlalchemy import select, text
from sqlmodel import col

from supportbot.emulator import Emulator
from supportbot.slack.features import FEATURES
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.store import outbox
from supportbot.store.db import DatabaseBusy
from supportbot.store.tables import OutboxAction, ProcessedEvent
from supportbot.text.messages import Message
from tests.fakes import FakeClock
from tests.keygen import make_key
from tests.scenarios.harness import Harness, flatten, running
from tests.stuck_writer import stuck_writer

RNG = random.Random(1111)
JSON = "application/json"


def _reposts(harness: Harness, channel: str = "C0SUPPORT") -> list[Any]:
    return [
        message
        for message in harness.emulator.workspace.history(channel)
        if "posted an API key" in flatten(message.blocks)
    ]


def _retry_headers(harness: Harness, body: bytes, number: int) -> dict[str, str]:
    return {"Content-Type": JSON, "X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": "http_timeout"} | (
        harness.driver.sign(body)
    )


def _event_status(harness: Harness, event_id: str) -> str | None:
    with harness.store.session() as session:
        row = session.get(ProcessedEvent, event_id)
        return None if row is None else row.status


def test_twenty_leaks_in_one_channel_within_a_second_are_all_handled_under_slack_limits(slack: Harness) -> None:
    assert "chat.delete" in slack.emulator.rate_limits.enabled(), "Slack's limits are on by default"
    secrets = [make_key("openai", RNG) for _ in range(20)]
    began = time.monotonic()
    sent = [
        slack.driver.post("alice", "#support", f"deploy config {n}: OPENAI_API_KEY={secret}")
        for n, secret in enumerate(secrets)
    ]
    assert time.monotonic() - began < 1.5, "the burst itself is quick"
    assert all(item.status == 200 for item in sent)
    slack.emulator.wait_until(lambda: len(_reposts(slack)) >= 20, timeout=60)
    slack.settle(timeout=30)
    elapsed = time.monotonic() - began

    deleted = [call.params["ts"] for call in slack.emulator.calls_for("chat.delete", ok=True)]
    assert sorted(deleted) == sorted(str(item.ts) for item in sent), "every leak deleted, once"
    assert len(_reposts(slack)) == 20, "one masked copy each"
    warned = slack.emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")
    assert len(warned) == 20
    assert elapsed < 45, f"bounded by Slack's limits, took {elapsed:.1f}s"
    limited = [call for call in slack.emulator.calls_for("chat.delete") if call.status == 429]
    limited += [call for call in slack.emulator.calls_for("chat.postMessage") if call.status == 429]
    assert limited, "the burst did run into Slack's limits"
    with slack.store.session() as session:
        counts = outbox.counts_by_status(session)
    assert counts.get("dead", 0) == 0 and counts.get("failed", 0) == 0, counts
    for secret in secrets:
        assert secret not in slack.emulator.recorded_text()


class _Stalling:
    """A message handler whose first run waits for the test and then fails as a busy database would."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.runs = 0
        self.completed = 0

    def register(self, app: App, runtime: Runtime) -> None:
        del app
        runtime.events.on_message("test.stalling", self.handle, order=90)

    def handle(self, message: Message, context: EventContext) -> None:
        self.runs += 1
        if self.runs == 1:
            self.entered.set()
            self.release.wait(10)
            raise DatabaseBusy("no SQLite writer turn within 1 s")
        self.completed += 1


def test_a_retry_while_the_first_delivery_runs_is_refused_so_a_later_retry_runs_it(
    emulator: Emulator, tmp_path: Path
) -> None:
    stalling = _Stalling()
    with running(emulator, f"sqlite:///{tmp_path}/r.db", features=[*FEATURES, stalling.register]) as slack:
        body, headers, _ts = slack.driver.prepare_post("alice", "#support", "hello, anyone there?")
        event_id = json.loads(body)["event_id"]
        first: dict[str, int] = {}
        worker = threading.Thread(target=lambda: first.update(status=slack.bot.dispatch(body, headers)[0]))
        worker.start()
        assert stalling.entered.wait(10)
        retry = slack.bot.dispatch(body, _retry_headers(slack, body, 1))
        assert retry[0] == 503, "another delivery is still processing: Slack must try again"
        stalling.release.set()
        worker.join(10)
        assert first["status"] == 503, "the first delivery failed after its retry had been answered"
        assert _event_status(slack, event_id) is None, "its claim was released"
        again = slack.bot.dispatch(body, _retry_headers(slack, body, 2))
        assert again[0] == 200
        assert stalling.completed == 1, "Slack's next retry ran the handlers: the event was not lost"
        assert _event_status(slack, event_id) == "done"
        late = slack.bot.dispatch(body, _retry_headers(slack, body, 3))
        assert late[0] == 200 and stalling.completed == 1, "once done, a repeat is acknowledged and dropped"


def test_a_database_that_cannot_be_reached_at_claim_time_answers_5xx_and_loses_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/busy.db"
    with running(emulator, url, env={"SUPPORTBOT_DB_WAIT_SECONDS": "1"}) as slack:
        secret = make_key("anthropic", RNG)
        body, headers, ts = slack.driver.prepare_post("alice", "#support", f"my key {secret} is rejected")
        with stuck_writer(url):
            answer = slack.bot.dispatch(body, headers)
        assert answer[0] >= 500, "no claim without the database: Slack must deliver again"
        retried = slack.bot.dispatch(body, _retry_headers(slack, body, 1))
        assert retried[0] == 200
        slack.settle()
        assert [call.params["ts"] for call in emulator.calls_for("chat.delete", ok=True)] == [ts]
        assert len(_reposts(slack)) == 1
        assert len(emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")) == 1


def test_when_the_leak_step_fails_no_later_handler_sees_the_message_and_slack_redelivers(
    emulator: Emulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/closed.db"
    with running(emulator, url) as slack:
        secret = make_key("openai", RNG)
        # A 401 report: the checklist would answer it and store a masked copy for the thread.
        body, headers, ts = slack.driver.prepare_post("alice", "#support", f"I get 401 with my key {secret}")
        with slack.store.session() as session:
            session.execute(text("ALTER TABLE leak_incidents RENAME TO leak_incidents_away"))
        answer = slack.bot.dispatch(body, headers)
        assert answer[0] == 503, "the leak step failed: answered so that Slack delivers again"
        with slack.store.session() as session:
            kinds = list(session.execute(select(col(OutboxAction.kind))).scalars())
            walks = session.execute(text("SELECT count(*) FROM triage_walks")).scalar()
        assert kinds == [] and walks == 0, "no later handler saw (or stored) the unmasked message"
        with slack.store.session() as session:
            session.execute(text("ALTER TABLE leak_incidents_away RENAME TO leak_incidents"))
        assert slack.bot.dispatch(body, _retry_headers(slack, body, 1))[0] == 200
        slack.settle()
        assert [call.params["ts"] for call in emulator.calls_for("chat.delete", ok=True)] == [ts]
        assert len(_reposts(slack)) == 1
        assert secret not in emulator.recorded_text()
        for stored in tmp_path.glob("closed.db*"):
            assert secret.encode() not in stored.read_bytes(), stored.name


def _readyz(harness: Harness) -> int:
    try:
        with urllib.request.urlopen(f"{harness.http_url}/readyz", timeout=5) as answer:  # noqa: S310 - loopback
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_a_rejected_token_turns_readyz_503_pauses_the_outbox_and_both_recover_without_a_restart(
    emulator: Emulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/token.db"
    with running(emulator, url, http=True, env={"SUPPORTBOT_AUTH_CHECK_SECONDS": "5"}) as slack:
        assert _readyz(slack) == 200
        owner = emulator.workspace.forget_token(emulator.bot_token)
        began = time.monotonic()
        emulator.wait_until(lambda: _readyz(slack) == 503, timeout=60)
        assert time.monotonic() - began < 60, "503 within a minute"
        sent = slack.driver.post("alice", "#support", f"key {make_key('deepseek', RNG)} here")
        assert sent.status == 200
        emulator.wait_until(lambda: bool(emulator.calls_for("chat.delete", ok=True)), timeout=10)
        time.sleep(1.0)
        assert _reposts(slack) == [], "paused while Slack rejects the bot token"
        emulator.workspace.register_token(emulator.bot_token, owner)
        restored = time.monotonic()
        emulator.wait_until(lambda: _readyz(slack) == 200, timeout=120)
        assert time.monotonic() - restored < 120, "200 again within two minutes, no restart"
        emulator.wait_until(lambda: len(_reposts(slack)) == 1, timeout=60)
        slack.settle(timeout=30)
        assert len(emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")) == 1
        with slack.store.session() as session:
            counts = outbox.counts_by_status(session)
        assert counts.get("dead", 0) == 0 and counts.get("failed", 0) == 0, counts


def test_an_action_that_keeps_failing_past_its_budget_is_dead_and_the_agents_are_told(
    emulator: Emulator, tmp_path: Path
) -> None:
    clock = FakeClock()
    emulator.faults.inject("chat.postEphemeral", status=503)
    with running(emulator, f"sqlite:///{tmp_path}/dead.db", clock=clock) as slack:
        slack.driver.post("alice", "#support", f"key {make_key('groq', RNG)} oops")
        emulator.wait_until(lambda: len(_reposts(slack)) == 1, timeout=10)
        for _ in range(30):  # two and a half hours in ten-minute steps: past the warning's two-hour budget
            clock.advance(600)
            slack.runtime.worker.wake()
            time.sleep(0.15)
        emulator.wait_until(
            lambda: any("gave up" in str(call.params.get("text")) for call in emulator.calls_for("chat.postMessage")),
            timeout=10,
        )
        (alert,) = [
            call for call in emulator.calls_for("chat.postMessage", ok=True) if "gave up" in str(call.params["text"])
        ]
        assert alert.params["channel"] == "G0AGENTS1" and "leak.warn" in alert.params["text"]
        with slack.store.session() as session:
            dead = outbox.dead_letters(session)
        assert [(kind, error) for _, kind, error, _ in dead] == [("leak.warn", "http_503")]
        assert 'supportbot_dead_letters_total{kind="leak.warn"} 1.0' in slack.runtime.metrics.exposition().decode()


def test_handled_events_and_finished_actions_are_pruned_on_schedule(emulator: Emulator, tmp_path: Path) -> None:
    clock = FakeClock()

    def leak_actions() -> list[str]:
        with slack.store.session() as session:
            return list(
                session.execute(
                    select(col(OutboxAction.status)).where(col(OutboxAction.kind).startswith("leak."))
                ).scalars()
            )

    with running(emulator, f"sqlite:///{tmp_path}/prune.db", clock=clock) as slack:
        slack.driver.post("alice", "#support", f"key {make_key('openai', RNG)} here")
        slack.settle()
        with slack.store.session() as session:
            assert session.execute(select(col(ProcessedEvent.event_id))).all()
        assert leak_actions().count("done") >= 3
        clock.advance(4 * 86400)
        slack.runtime.scheduler.run_pending()
        slack.settle()  # whatever the jobs started (the weekly digest) finishes before the clock moves on
        with slack.store.session() as session:
            assert session.execute(select(col(ProcessedEvent.event_id))).all() == [], "events kept 3 days"
        assert leak_actions().count("done") >= 3, "actions kept 14 days"
        clock.advance(11 * 86400)
        slack.runtime.scheduler.run_pending()
        assert leak_actions() == []


def test_two_replicas_share_a_burst_under_slack_limits_and_do_everything_once(
    emulator: Emulator, database_url: str
) -> None:
    with running(emulator, database_url, instance="one") as one, running(emulator, database_url, instance="two") as two:
        secrets = [make_key("anthropic", RNG) for _ in range(20)]
        sent = [
            (one if n % 2 else two).driver.post("alice", "#support", f"replica test {n}: {secret}")
            for n, secret in enumerate(secrets)
        ]
        retried = one.driver.redeliver(sent[0], retry_num=1)
        assert retried.status in {200, 503}, "a retry is either dropped (done) or refused (still processing)"
        emulator.wait_until(lambda: len(_reposts(one)) >= 20, timeout=60)
        one.settle(timeout=30)
        two.settle(timeout=30)
        deleted = [call.params["ts"] for call in emulator.calls_for("chat.delete", ok=True)]
        assert sorted(deleted) == sorted(str(item.ts) for item in sent)
        assert len(_reposts(one)) == 20
        assert len(emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")) == 20
