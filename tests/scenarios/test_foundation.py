"""The request path end to end: signatures, malformed bodies, dedupe, outbox retries, restarts."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_bolt import App

from supportbot.emulator import Emulator
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.messages import Message
from tests.scenarios.harness import Harness, running, start_harness

SEEN: list[tuple[str, str]] = []


def echo_feature(app: App, runtime: Runtime) -> None:
    """A minimal feature: every message is answered in its thread, through the outbox."""

    def on_message(message: Message, context: EventContext) -> None:
        SEEN.append((runtime.instance, message.ts))
        with runtime.transaction() as session:
            outbox.enqueue(
                session, "test.echo", {"channel": message.channel, "thread_ts": message.ts}, now=runtime.clock.now()
            )

    def echo(action: ClaimedAction) -> Done:
        runtime.port.call(
            "chat.postMessage", channel=action.payload["channel"], thread_ts=action.payload["thread_ts"], text="echo"
        )
        return Done()

    runtime.events.on_message("echo", on_message, order=99)
    runtime.worker.register("test.echo", echo)


@pytest.fixture(autouse=True)
def _clear_seen() -> Iterator[None]:
    SEEN.clear()
    yield
    SEEN.clear()


@pytest.fixture
def echo_bot(emulator: Emulator, database_url: str) -> Iterator[Harness]:
    with running(emulator, database_url, features=[echo_feature]) as harness:
        yield harness


def _event_body(emulator: Emulator, text: str = "hello") -> bytes:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0HOME001",
            "api_app_id": "A0APP0001",
            "event_id": "EvRAW1",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel": "C0SUPPORT",
                "user": "U0CUST001",
                "text": text,
                "ts": "1700000000.000100",
                "channel_type": "channel",
            },
        }
    ).encode()


def test_bad_and_stale_signatures_get_401_and_their_bodies_are_never_logged(
    slack_http: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "planted-body-marker-7f3a"
    body = _event_body(slack_http.emulator, text=marker)
    with caplog.at_level(logging.DEBUG):
        forged = slack_http.driver.send_raw(
            body,
            {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": str(int(time.time())),
                "X-Slack-Signature": "v0=" + "0" * 64,
            },
        )
        stale = slack_http.driver.send_raw(
            body, {"Content-Type": "application/json", **slack_http.driver.sign(body, int(time.time()) - 301)}
        )
        unsigned = slack_http.driver.send_raw(body, {"Content-Type": "application/json"})
    assert (forged.status, stale.status, unsigned.status) == (401, 401, 401)
    assert marker not in caplog.text
    assert "refused a request" in caplog.text
    assert slack_http.calls("chat.postMessage") == []


def test_malformed_bodies_get_400_when_signed_and_401_when_not(slack_http: Harness) -> None:
    for junk in (b"{not json", b"payload=%7Bbroken", "\udcff".encode("utf-8", "surrogatepass"), b"[1, 2]"):
        signed = slack_http.driver.send_raw(junk, {"Content-Type": "application/json", **slack_http.driver.sign(junk)})
        assert signed.status == 400, junk
        unsigned = slack_http.driver.send_raw(junk, {"Content-Type": "application/json"})
        assert unsigned.status == 401, junk


def test_oversized_body_is_refused(slack_http: Harness) -> None:
    huge = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    response = slack_http.driver.send_raw(huge, {"Content-Type": "application/json", **slack_http.driver.sign(huge)})
    assert response.status == 413


def test_health_and_metrics_over_http(slack_http: Harness) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{slack_http.http_url}/healthz", timeout=5) as response:  # noqa: S310
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": "ok"}
    slack_http.driver.post("alice", "#support", "hello there")
    with urllib.request.urlopen(f"{slack_http.http_url}/metrics", timeout=5) as response:  # noqa: S310
        text = response.read().decode()
    assert 'supportbot_events_total{type="message"} 1.0' in text


def test_url_verification_challenge(slack_http: Harness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}).encode()
    response = slack_http.driver.send_raw(body, {"Content-Type": "application/json", **slack_http.driver.sign(body)})
    assert response.status == 200
    assert json.loads(response.body)["challenge"] == "abc123"


def test_a_retried_event_runs_no_listener_twice(echo_bot: Harness) -> None:
    first = echo_bot.driver.post("alice", "#support", "first delivery")
    assert first.status == 200
    again = echo_bot.driver.redeliver(first, retry_num=1)
    third = echo_bot.driver.redeliver(first, retry_num=2, reason="http_error")
    assert (again.status, third.status) == (200, 200)
    echo_bot.settle()
    assert [ts for _, ts in SEEN] == [first.ts]
    assert len(echo_bot.calls("chat.postMessage")) == 1


def test_two_instances_on_one_database_handle_an_event_once(emulator: Emulator, database_url: str) -> None:
    with (
        running(emulator, database_url, features=[echo_feature], instance="replica-a") as a,
        running(emulator, database_url, features=[echo_feature], instance="replica-b") as b,
    ):
        delivery = a.driver.post("alice", "#support", "to both replicas")
        replay = b.driver.redeliver(delivery, retry_num=1)
        assert replay.status == 200
        a.settle()
        b.settle()
    assert len(SEEN) == 1
    assert len(emulator.calls_for("chat.postMessage")) == 1


def test_rate_limited_action_waits_retry_after_then_succeeds(echo_bot: Harness) -> None:
    echo_bot.emulator.faults.inject("chat.postMessage", status=429, retry_after=1, times=1)
    echo_bot.driver.post("alice", "#support", "please answer")
    echo_bot.emulator.wait_until(lambda: len(echo_bot.calls("chat.postMessage")) >= 2, timeout=10)
    calls = echo_bot.calls("chat.postMessage")
    assert [call.status for call in calls] == [429, 200]
    assert calls[1].wall - calls[0].wall >= 0.95


def test_server_errors_are_retried_with_backoff(echo_bot: Harness) -> None:
    echo_bot.emulator.faults.inject("chat.postMessage", status=500, times=2)
    echo_bot.driver.post("alice", "#support", "please answer")
    echo_bot.emulator.wait_until(
        lambda: any(call.status == 200 for call in echo_bot.calls("chat.postMessage")), timeout=15
    )
    assert [call.status for call in echo_bot.calls("chat.postMessage")] == [500, 500, 200]


def test_pending_action_is_carried_out_after_a_restart(emulator: Emulator, database_url: str) -> None:
    with running(emulator, database_url, features=[echo_feature], start_worker=False) as first:
        first.driver.post("alice", "#support", "stopped before answering")
        with first.store.session() as session:
            assert outbox.counts_by_status(session) == {"pending": 1}
    assert emulator.calls_for("chat.postMessage") == []
    with running(emulator, database_url, features=[echo_feature]) as second:
        second.emulator.wait_for_call("chat.postMessage", timeout=5)
        second.settle()
    assert len(emulator.calls_for("chat.postMessage")) == 1


def test_an_action_claimed_by_a_crashed_process_is_resumed(emulator: Emulator, database_url: str) -> None:
    with running(emulator, database_url, features=[echo_feature], start_worker=False) as crashed:
        crashed.driver.post("alice", "#support", "the worker died mid-action")
        with crashed.store.session() as session:
            claimed = outbox.claim_ready(
                session, instance="dead", now=crashed.runtime.clock.now(), lease=timedelta(seconds=-1)
            )
        assert len(claimed) == 1
    with running(emulator, database_url, features=[echo_feature]) as survivor:
        survivor.emulator.wait_for_call("chat.postMessage", timeout=5)
    assert len(emulator.calls_for("chat.postMessage")) == 1


def test_unclaimed_requests_are_acknowledged_not_404(slack: Harness) -> None:
    payloads: list[dict[str, Any]] = [
        {
            "type": "event_callback",
            "event_id": "EvX1",
            "team_id": "T0HOME001",
            "event": {"type": "team_rename", "name": "x"},
        },
        {
            "type": "event_callback",
            "event_id": "EvX2",
            "team_id": "T0HOME001",
            "event": {"type": "message", "subtype": "channel_join", "channel": "C0SUPPORT", "ts": "1.1"},
        },
    ]
    for payload in payloads:
        body = json.dumps(payload).encode()
        response = slack.driver.send_raw(body, {"Content-Type": "application/json", **slack.driver.sign(body)})
        assert response.status == 200
    other = slack.driver.slash("alice", "#support", "/othercommand", "hi")
    assert other.status == 200


def test_support_help_and_unknown_subcommand(slack: Harness) -> None:
    reply = slack.driver.slash("alice", "#support", "/support", "help")
    assert reply.status == 200
    assert "/support help" in json.loads(reply.body)["text"]
    unknown = slack.driver.slash("sam", "#support", "/support", "frobnicate")
    text = json.loads(unknown.body)["text"]
    assert "frobnicate" in text and "/support help" in text


def test_a_bot_token_slack_rejects_stops_start_up(emulator: Emulator, tmp_path: Any) -> None:
    from supportbot.slack.app import AppStartError

    with pytest.raises(AppStartError, match="invalid_auth"):
        start_harness(emulator, f"sqlite:///{tmp_path}/x.db", env={"SLACK_BOT_TOKEN": "xoxb-not-a-real-one"})
