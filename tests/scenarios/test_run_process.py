"""`supportbot run --http` as a real process: serves signed events, stops cleanly on SIGTERM, keeps pending work."""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from supportbot.emulator import Emulator, SlackDriver
from supportbot.store import outbox
from supportbot.store.db import Store
from tests.keygen import make_key
from tests.scenarios.harness import SIGNING_SECRET, bot_environment


@contextmanager
def bot_process(
    emulator: Emulator, database: Path, *extra: str, env_extra: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(database.parent),
        **bot_environment(emulator, f"sqlite:///{database}"),
        **(env_extra or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "supportbot", "run", "--http", "--port", "0", *extra],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so the whole group (pre-forked children too) can be killed at the end
    )
    assert process.stderr is not None
    url = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not url:
        line = process.stderr.readline()
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            url = found.group(1)
        elif process.poll() is not None:
            raise AssertionError(f"bot exited: {line}{process.stderr.read()}")
    assert url, "the bot never said where it listens"
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True)
    reader.start()
    try:
        yield process, url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a child that outlived its parent holds stderr open
        process.wait(30)
        reader.join(5)
        process.stderr.close()


def test_sigterm_finishes_in_hand_work_and_keeps_the_rest(emulator: Emulator, tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    secret = make_key("openai", random.Random(5))
    emulator.faults.inject("chat.delete", delay=1.5, times=1)
    with bot_process(emulator, database) as (process, url):
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as health:  # noqa: S310
            assert health.status == 200
        driver = SlackDriver(emulator, SIGNING_SECRET, url)
        sent = driver.post("alice", "#support", f"my key {secret} fails")
        assert sent.status == 200
        # The deletion is now in the worker's hands (Slack answers it slowly): stop the process mid-way.
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, "a clean stop"
    deleted = emulator.calls_for("chat.delete")
    assert [call.params["ts"] for call in deleted] == [sent.ts], "the deletion in hand was finished"
    store = Store(f"sqlite:///{database}")
    with store.session() as session:
        left = outbox.counts_by_status(session)
    store.close()
    assert left.get("claimed", 0) == 0, "nothing left claimed by the stopped process"
    assert left.get("pending", 0) + left.get("waiting", 0) >= 1, f"the rest stays queued: {left}"

    with bot_process(emulator, database):
        emulator.wait_until(
            lambda: any(call.params.get("channel") == "C0SUPPORT" for call in emulator.calls_for("chat.postMessage")),
            timeout=10,
        )
    assert secret not in emulator.recorded_text()


@pytest.mark.slow
def test_several_processes_share_the_work(emulator: Emulator, tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    rng = random.Random(9)
    with bot_process(emulator, database, "--processes", "2") as (process, url):
        driver = SlackDriver(emulator, SIGNING_SECRET, url)
        sent = [driver.post("alice", "#support", f"key {make_key('gateway', rng)} please") for _ in range(10)]
        assert all(item.status == 200 for item in sent)
        emulator.wait_until(lambda: len(emulator.calls_for("chat.delete", ok=True)) == 10, timeout=20)
        retried = driver.redeliver(sent[0], retry_num=1)
        assert retried.status == 200
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    assert sorted(call.params["ts"] for call in emulator.calls_for("chat.delete")) == sorted(
        str(item.ts) for item in sent
    ), "each leaked message deleted exactly once across both processes"


def test_sigkill_with_posts_in_flight_then_restart_does_everything_and_posts_nothing_twice(
    emulator: Emulator, tmp_path: Path
) -> None:
    database = tmp_path / "killed.db"
    rng = random.Random(77)
    short_lease = {"SUPPORTBOT_OUTBOX_LEASE_SECONDS": "3"}
    # Slack answers the masked reposts slowly: they are in flight when the process is killed, and
    # Slack still posts them (the answer just never arrives).
    emulator.faults.inject("chat.postMessage", delay=2.0, times=3)
    with bot_process(emulator, database, env_extra=short_lease) as (process, url):
        driver = SlackDriver(emulator, SIGNING_SECRET, url)
        sent = [driver.post("alice", "#support", f"config {n}: {make_key('openai', rng)}") for n in range(3)]
        assert all(item.status == 200 for item in sent)
        emulator.wait_until(lambda: len(emulator.calls_for("chat.delete", ok=True)) == 3, timeout=20)
        time.sleep(0.7)
        process.kill()
        process.wait(10)
    # Slack finishes what was in flight although nobody hears the answer.
    emulator.wait_until(lambda: len(_reposts(emulator)) >= 1, timeout=10)

    with bot_process(emulator, database, env_extra=short_lease):
        emulator.wait_until(lambda: len(emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")) >= 3, timeout=30)
        emulator.wait_until(lambda: _outbox_idle(database), timeout=30)
    assert len(_reposts(emulator)) == 3, "the metadata check found each repost: none posted twice"
    assert sorted(call.params["ts"] for call in emulator.calls_for("chat.delete", ok=True)) == sorted(
        str(item.ts) for item in sent
    )
    assert len(emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")) == 3
    looked = [call for call in emulator.calls_for("conversations.history") if call.params.get("include_all_metadata")]
    assert looked, "the restarted bot looked for its tags before posting again"


def _reposts(emulator: Emulator) -> list[object]:
    return [
        message
        for message in emulator.workspace.history("C0SUPPORT")
        if message.user == "U0BOT0001" and message.metadata
    ]


def _outbox_idle(database: Path) -> bool:
    store = Store(f"sqlite:///{database}")
    try:
        with store.session() as session:
            counts = outbox.counts_by_status(session)
    finally:
        store.close()
    return not any(counts.get(status, 0) for status in ("pending", "claimed", "waiting"))
