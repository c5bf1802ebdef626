"""The worker and the port against the emulator: tagged posts not repeated, leases, stop, dead letters."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session

from supportbot.emulator import Emulator
from supportbot.infra.clock import SystemClock
from supportbot.slack.action_tag import acting_for
from supportbot.slack.errors import SlackTokenRejected, SlackUnavailable
from supportbot.slack.metrics import Metrics
from supportbot.slack.port import SlackPort
from supportbot.slack.readiness import TokenHealth
from supportbot.slack.worker import DeadAction, Done, OutboxWorker
from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.store.outbox import ClaimedAction
from supportbot.store.tables import OutboxAction


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


def _port(emulator: Emulator, timeout: float = 10.0) -> SlackPort:
    return SlackPort(
        bot_token=emulator.bot_token, admin_token=emulator.admin_token, base_url=emulator.api_url, timeout=timeout
    )


def _bot_posts(emulator: Emulator, channel: str = "C0SUPPORT") -> list[str]:
    return [message.text for message in emulator.workspace.history(channel) if message.user == "U0BOT0001"]


def test_a_post_whose_answer_never_came_is_found_by_its_tag_and_not_posted_twice(emulator: Emulator) -> None:
    port = _port(emulator, timeout=0.3)
    emulator.faults.inject("chat.postMessage", delay=1.0, times=1)
    with acting_for(41, look_first=False), pytest.raises(SlackUnavailable):
        port.call("chat.postMessage", channel="C0SUPPORT", text="masked copy")
    emulator.wait_until(lambda: len(_bot_posts(emulator)) == 1, timeout=5)  # Slack did post it, late
    with acting_for(41, look_first=True):
        again = port.call("chat.postMessage", channel="C0SUPPORT", text="masked copy")
    assert _bot_posts(emulator) == ["masked copy"], "found by its tag: not posted a second time"
    (message,) = [m for m in emulator.workspace.history("C0SUPPORT") if m.user == "U0BOT0001"]
    assert again["ts"] == message.ts
    assert message.metadata == {"event_type": "supportbot_action", "event_payload": {"action": 41, "n": 0}}
    with acting_for(42, look_first=True):
        port.call("chat.postMessage", channel="C0SUPPORT", text="another action's post")
    assert len(_bot_posts(emulator)) == 2, "another action's tag is not this one's"
    port.close()


def test_a_lease_is_renewed_while_a_slow_handler_runs_and_stop_keeps_its_claim(sqlite_store: Store) -> None:
    clock = SystemClock()
    worker = OutboxWorker(
        sqlite_store,
        clock=clock,
        instance="w1",
        metrics=Metrics(),
        threads=1,
        poll_interval=0.05,
        lease=timedelta(seconds=0.6),
    )
    entered, release = threading.Event(), threading.Event()

    def slow(action: ClaimedAction) -> Done:
        entered.set()
        release.wait(10)
        return Done(result={"ok": True})

    worker.register("slow", slow)
    with sqlite_store.session() as session:
        action = outbox.enqueue(session, "slow", {}, now=clock.now())
    worker.start()
    try:
        assert entered.wait(5)
        time.sleep(1.5)  # more than two leases
        with sqlite_store.session() as session:
            stolen = outbox.claim_ready(session, instance="w2", now=clock.now(), lease=timedelta(seconds=60))
        assert stolen == [], "the running handler's lease was renewed"
        worker.stop(timeout=0.2)
        with sqlite_store.session() as session:
            row = session.get(OutboxAction, action.id)
            assert row is not None and (row.status, row.claimed_by) == ("claimed", "w1"), "still running: kept"
    finally:
        release.set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with sqlite_store.session() as session:
            row = session.get(OutboxAction, action.id)
            assert row is not None
            if row.status == "done":
                break
        time.sleep(0.05)
    assert row.status == "done", "it recorded its outcome when it finished"


def test_an_action_that_gives_up_raises_the_dead_letter_hook_and_metric(sqlite_store: Store) -> None:
    clock = SystemClock()
    metrics = Metrics()
    worker = OutboxWorker(sqlite_store, clock=clock, instance="w1", metrics=metrics, threads=1)
    buried: list[DeadAction] = []

    def hook(session: Session, dead: DeadAction) -> None:
        buried.append(dead)

    def unreachable(action: ClaimedAction) -> Done:
        raise SlackUnavailable("chat.postMessage", "ConnectTimeout")

    worker.on_dead = hook
    worker.register("post", unreachable)
    with sqlite_store.session() as session:
        action = outbox.enqueue(session, "post", {}, now=clock.now(), budget=timedelta(0))
    assert worker.run_once() == 1
    assert [(item.id, item.kind, item.error) for item in buried] == [(action.id, "post", "unavailable")]
    assert metrics.dead_letters.labels("post")._value.get() == 1


def test_a_rejected_token_pauses_nothing_is_counted_and_the_check_sees_it_work_again(
    emulator: Emulator, sqlite_store: Store
) -> None:
    port = _port(emulator)
    health = TokenHealth(port, interval=60)
    clock = SystemClock()
    worker = OutboxWorker(sqlite_store, clock=clock, instance="w1", metrics=Metrics(), threads=1)
    worker.paused = health.bot_rejected

    def post(action: ClaimedAction) -> Done:
        port.call("chat.postMessage", channel="C0SUPPORT", text="hello")
        return Done()

    worker.register("post", post)
    with sqlite_store.session() as session:
        action = outbox.enqueue(session, "post", {}, now=clock.now())
    owner = emulator.workspace.forget_token(emulator.bot_token)
    assert worker.run_once() == 1
    assert health.bot_rejected() and health.rejected() == {"bot": "invalid_auth"}
    with sqlite_store.session() as session:
        row = session.get(OutboxAction, action.id)
        assert row is not None and (row.status, row.attempts) == ("pending", 0), "waiting, no attempt spent"
    with pytest.raises(SlackTokenRejected):
        port.call("auth.test")
    emulator.workspace.register_token(emulator.bot_token, owner)
    health.check()
    assert not health.bot_rejected()
    port.close()
