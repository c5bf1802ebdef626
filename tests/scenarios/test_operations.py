"""Operating the bot: metrics summed across `run --processes N`, outbox gauges."""

from __future__ import annotations

import re
import signal
import urllib.request
from pathlib import Path

import pytest

from supportbot.emulator import Emulator, SlackDriver
from tests.scenarios.harness import SIGNING_SECRET
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
