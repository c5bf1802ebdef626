"""Operating the bot: metrics summed across `run --processes N`, a PostgreSQL pool that fails fast."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App
from sqlalchemy.engine import Connection
from sqlalchemy.exc import TimeoutError as PoolTimeout

from supportbot.emulator import Emulator, SlackDriver
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done
from supportbot.store import outbox
from supportbot.store.db import Store
from supportbot.text.messages import Message
from tests.conftest import PG_URL, _postgres_schema_url
from tests.keygen import make_key
from tests.scenarios.harness import SIGNING_SECRET, bot_environment, running
from tests.scenarios.test_foundation import SEEN, echo_feature
from tests.scenarios.test_run_process import bot_process


def _scrape(url: str) -> str:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:  # noqa: S310
        assert response.status == 200
        return str(response.read().decode())


def _sample(text: str, name: str, labels: str = "") -> float | None:
    found = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


@pytest.mark.slow
def test_every_scrape_of_two_processes_counts_every_event(emulator: Emulator, tmp_path: Path) -> None:
    with bot_process(emulator, tmp_path / "bot.db", "--processes", "2") as (process, url):
        driver = SlackDriver(emulator, SIGNING_SECRET, url)
        sent = [driver.post("alice", "#general", f"hello number {index}") for index in range(40)]
        assert all(item.status == 200 for item in sent)
        scrapes = [_scrape(url) for _ in range(12)]
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    counts = [_sample(text, "supportbot_events_total", '{type="message"}') for text in scrapes]
    assert counts == [40.0] * 12, counts
    # Web API calls are summed too (auth.test: once per process at start, plus lookups).
    auth_ok = '{method="auth.test",outcome="ok"}'
    auth_calls = [_sample(text, "supportbot_slack_calls_total", auth_ok) for text in scrapes]
    assert all((calls or 0) >= 2 for calls in auth_calls), auth_calls
    # The depth gauge is sampled from the database by whichever process answers.
    assert all("supportbot_outbox_pending{" in text for text in scrapes)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("SUPPORTBOT_TEST_DATABASE_URL is not set")
    yield from _postgres_schema_url(PG_URL)


def _take_every_connection(store: Store) -> list[Connection]:
    held: list[Connection] = []
    with contextlib.suppress(PoolTimeout):
        while True:
            held.append(store.engine.connect())
    return held


@pytest.mark.postgres
def test_an_exhausted_pool_answers_5xx_and_slacks_redelivery_runs_the_handlers(
    emulator: Emulator, postgres_url: str
) -> None:
    env = {"SUPPORTBOT_DB_POOL_TIMEOUT": "1"}
    with running(emulator, postgres_url, features=[echo_feature], env=env, start_worker=False) as harness:
        held = _take_every_connection(harness.store)
        first = harness.driver.post("alice", "#support", "is anyone there?")
        assert first.status >= 500, "no connection: Slack must deliver the event again"
        assert SEEN == []
        for connection in held:
            connection.close()
        again = harness.driver.redeliver(first, retry_num=1)
        assert again.status == 200
        assert [ts for _, ts in SEEN] == [first.ts], "the redelivery ran the handlers, once"
        with harness.store.session() as session:
            assert outbox.counts_by_status(session) == {"pending": 1}


def _greedy_feature(app: App, runtime: Runtime) -> None:
    """A handler that meets an exhausted pool the first time it runs (as under a load spike)."""

    def on_message(message: Message, context: EventContext) -> None:
        ATTEMPTS.append(message.ts)
        held = _take_every_connection(runtime.store) if len(ATTEMPTS) == 1 else []
        try:
            with runtime.transaction() as session:
                outbox.enqueue(session, "test.greedy", {"ts": message.ts}, now=runtime.clock.now())
            HANDLED.append(message.ts)
        finally:
            for connection in held:
                connection.close()

    runtime.events.on_message("greedy", on_message, order=99)
    runtime.worker.register("test.greedy", lambda action: Done())


HANDLED: list[str] = []
ATTEMPTS: list[str] = []


@pytest.mark.postgres
def test_a_handler_that_finds_no_connection_leaves_the_event_for_slacks_redelivery(
    emulator: Emulator, postgres_url: str
) -> None:
    HANDLED.clear()
    ATTEMPTS.clear()
    env = {"SUPPORTBOT_DB_POOL_TIMEOUT": "1"}
    with running(emulator, postgres_url, features=[_greedy_feature], env=env, start_worker=False) as harness:
        first = harness.driver.post("alice", "#support", "is anyone there?")
        assert first.status >= 500
        assert HANDLED == []
        again = harness.driver.redeliver(first, retry_num=1)
        assert again.status == 200
        assert [first.ts] == HANDLED, "not marked done the first time: the redelivery ran the handler"


def test_json_logs_are_one_redacted_object_per_line_with_event_and_action_ids(
    emulator: Emulator, tmp_path: Path
) -> None:
    secret = make_key("openai", random.Random(12))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        **bot_environment(emulator, f"sqlite:///{tmp_path}/bot.db"),
        "SUPPORTBOT_LOG_FORMAT": "json",
    }
    log_path = tmp_path / "bot.log"
    # An error answer makes the outbox handler log inside its action.
    emulator.faults.inject("chat.postEphemeral", error="internal_error", times=1)
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "supportbot", "run", "--http", "--port", "0"], env=env, stderr=log_file
        )
        try:
            url = _wait_for_url(log_path, process)
            driver = SlackDriver(emulator, SIGNING_SECRET, url)
            sent = driver.post("alice", "#support", f"my key {secret} fails")
            assert sent.status == 200
            assert driver.redeliver(sent, retry_num=1).status == 200
            emulator.wait_for_call("chat.postEphemeral", timeout=10)
            emulator.wait_until(lambda: len(emulator.calls_for("chat.postEphemeral")) >= 2, timeout=15)
            process.send_signal(signal.SIGTERM)
            assert process.wait(30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    text = log_path.read_text()
    assert secret not in text
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(line.get("event_id") == sent.payload["event_id"] for line in lines), "the repeat is logged with its id"
    assert any(isinstance(line.get("action_id"), int) for line in lines), "an outbox action's log names it"


def _wait_for_url(log_path: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"listening on (http://[0-9.:]+)", log_path.read_text())
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise AssertionError(f"bot exited: {log_path.read_text()}")
        time.sleep(0.05)
    raise AssertionError("the bot never said where it listens")


def _group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == group and fields[0] != "Z":
                    members.append(int(entry.name))
    return members


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_children_stop_when_the_parent_is_killed(emulator: Emulator, tmp_path: Path) -> None:
    with bot_process(emulator, tmp_path / "bot.db", "--processes", "2") as (process, _url):
        deadline = time.monotonic() + 30
        while len(_group_members(process.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        children = [pid for pid in _group_members(process.pid) if pid != process.pid]
        assert len(children) == 2
        process.kill()  # the parent only, as the OOM killer would
        process.wait(10)
        deadline = time.monotonic() + 30
        while _group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _group_members(process.pid) == [], "no child serves on without its parent"
