"""How fast a leaked key disappears: event reaching the app → chat.delete reaching Slack.

Starts the local Slack emulator in this process and `supportbot run --http` as a separate process
pointed at it, then posts signed message events, each holding a synthetic key, over HTTP at a fixed
rate (open loop: events are sent on schedule whether or not earlier ones were answered). The
emulator timestamps its receipt of each chat.delete. Reported per rate:

  delete     event sent → chat.delete received by Slack (the issue's target: median ≤ 50 ms, p99 ≤ 250 ms)
  exposure   event sent → chat.delete answered (the message is gone)
  ack        HTTP answer time of the event request (Slack wants ≤ 3 s)
  warned     from the last event sent until every author had been warned: the rest of the work
             (masked copy, warning, incident) waits while deletions are coming in, then catches up

Run:  .venv/bin/python benchmarks/leak_latency.py [--rates 20 100] [--seconds 15]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from supportbot.emulator import Emulator, SlackDriver
from supportbot.emulator.fakekeys import fake_key
from supportbot.store import migrate
from supportbot.store.db import Store

THREADS = 8
SENDERS = 16  # concurrent HTTP connections of the load generator
SECRET = "benchmark-signing-secret-0123456789"  # noqa: S105 - for the local emulator only
PROVIDERS = ("openai", "anthropic", "deepseek", "gateway", "openrouter", "groq", "github", "google")
# What people really paste: config lines, code, questions; one in four is also a 401 report, which starts the
# checklist too. Several authors, so most pastes are first leaks (a repeat also records an FAQ-gap signal).
TEMPLATES = (
    "benchmark {n}: my key {key} gives 401, why?",
    "benchmark {n}: here is my .env\nOPENAI_BASE_URL=https://api.gateway.example/v1\nOPENAI_API_KEY={key}",
    'benchmark {n}: client = OpenAI(api_key="{key}", base_url="https://api.gateway.example/v1")',
    "benchmark {n}: use {key} for the staging job please",
)
AUTHORS = ("alice", "li.wei", "sam", "wang", "lee", "admin")


@dataclass
class Sent:
    ts: str
    sent_at: float
    ack_seconds: float
    status: int


def start_bot(
    emulator: Emulator, database: Path, processes: int = 1, database_url: str | None = None
) -> tuple[subprocess.Popen[str], str]:
    env = {
        **{key: value for key, value in os.environ.items() if key.startswith(("PATH", "HOME", "LANG", "PYTHON"))},
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_ADMIN_USER_TOKEN": emulator.admin_token,
        "SUPPORTBOT_SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": database_url or f"sqlite:///{database}",
        "SUPPORTBOT_AGENT_CHANNEL": "G0AGENTS1",
        "SUPPORTBOT_FINGERPRINT_SECRET": "benchmark-fingerprint-secret-0123",
        "SUPPORTBOT_LOG_LEVEL": "WARNING",
        "SUPPORTBOT_OUTBOX_THREADS": os.environ.get("SUPPORTBOT_OUTBOX_THREADS", "4"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "supportbot",
            "run",
            "--http",
            "--port",
            "0",
            "--processes",
            str(processes),
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            threading.Thread(target=lambda: [None for _ in process.stderr or []], daemon=True).start()
            return process, match.group(1)
        if process.poll() is not None:
            raise SystemExit(f"the bot did not start: {line.strip()}")
    raise SystemExit("the bot did not say where it listens within 60 s")


def run_rate(emulator: Emulator, url: str, rate: float, seconds: float, rng: random.Random) -> list[Sent]:
    """Send ``rate`` events a second for ``seconds``, on schedule (open loop).

    Every message is created in the emulator and its event signed before the clock starts; during
    the run, a few threads only POST the prepared bodies over keep-alive connections, so the
    numbers measure the bot rather than the load generator.
    """
    driver = SlackDriver(emulator, SECRET, url)
    total = int(rate * seconds)
    prepared = []
    for index in range(total):
        key = fake_key(PROVIDERS[index % len(PROVIDERS)], rng)
        text = TEMPLATES[index % len(TEMPLATES)].format(n=index, key=key)
        prepared.append(driver.prepare_post(AUTHORS[index % len(AUTHORS)], "#support", text))
    target = urlsplit(url)
    sent: list[Sent] = []
    lock = threading.Lock()
    begin = time.perf_counter() + 0.2
    next_index = iter(range(total))

    def sender() -> None:
        connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
        try:
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                delay = begin + index / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                body, headers, ts = prepared[index]
                started = time.time()
                try:
                    connection.request("POST", "/slack/events", body=body, headers=headers)
                    reply = connection.getresponse()
                    reply.read()
                    status = reply.status
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
                    status = 0
                with lock:
                    sent.append(Sent(ts, started, time.time() - started, status))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent


def measure(emulator: Emulator, sent: list[Sent], timeout: float) -> tuple[list[float], list[float], int, int]:
    wanted = {item.ts: item for item in sent}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deleted = {call.params.get("ts") for call in emulator.calls_for("chat.delete", ok=True)}
        if wanted.keys() <= deleted:
            break
        time.sleep(0.2)
    delete_ms: list[float] = []
    exposure_ms: list[float] = []
    for call in emulator.calls_for("chat.delete", ok=True):
        item = wanted.get(str(call.params.get("ts")))
        if item is None:
            continue
        delete_ms.append((call.wall - item.sent_at) * 1000)
        exposure_ms.append((call.wall + call.duration - item.sent_at) * 1000)
    # One chat.delete per leak: a second one would answer message_not_found and blur who deleted it.
    calls = sum(1 for call in emulator.calls_for("chat.delete") if str(call.params.get("ts")) in wanted)
    return delete_ms, exposure_ms, len(wanted) - len(delete_ms), calls


def follow_ups_done(emulator: Emulator, sent: list[Sent], timeout: float) -> float | None:
    """Seconds from the last event sent until every author was warned (the outbox's backlog drained)."""
    last_sent = max(item.sent_at for item in sent)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        warnings = [call for call in emulator.calls_for("chat.postEphemeral", ok=True) if call.wall >= sent[0].sent_at]
        if len(warnings) >= len(sent):
            return max(call.wall for call in warnings) - last_sent
        time.sleep(0.2)
    return None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=float, nargs="+", default=[20.0, 100.0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--processes", type=int, default=2, help="supportbot run --processes (one per core)")
    parser.add_argument(
        "--database-url", help="run against this database (migrated first) instead of a new SQLite file"
    )
    args = parser.parse_args()
    rng = random.Random(20261123)
    rows = []
    with Emulator() as emulator, tempfile.TemporaryDirectory() as folder:
        if args.database_url:
            store = Store(args.database_url)
            migrate.upgrade(store)
            store.close()
        process, url = start_bot(emulator, Path(folder) / "bench.db", args.processes, args.database_url)
        try:
            run_rate(emulator, url, 10, 1, rng)  # warm-up: imports, connections, caches
            time.sleep(1)
            for rate in args.rates:
                emulator.clear_calls()
                sent = run_rate(emulator, url, rate, args.seconds, rng)
                delete_ms, exposure_ms, missing, calls = measure(emulator, sent, timeout=60)
                drained = follow_ups_done(emulator, sent, timeout=300)
                acks = [item.ack_seconds * 1000 for item in sent]
                failed = sum(1 for item in sent if item.status != 200)
                rows.append((rate, len(sent), failed, missing, calls, delete_ms, exposure_ms, acks, drained))
                time.sleep(1)
        finally:
            process.terminate()
            process.wait(30)
    print(
        f"\nleak interception latency, {os.cpu_count()} CPUs, supportbot run --http --processes {args.processes}, "
        f"{args.seconds:g} s per rate, every event holds a key"
    )
    print(
        f"{'rate/s':>7} {'events':>7} {'non-200':>7} {'not deleted':>11} {'delete calls':>12} | "
        f"{'delete p50':>10} {'p99':>8} | {'exposure p50':>12} {'p99':>8} | {'ack p50':>8} {'p99':>8} | "
        f"{'all warned':>10}"
    )
    for rate, count, failed, missing, calls, delete_ms, exposure_ms, acks, drained in rows:
        if not delete_ms:
            print(f"{rate:7g} {count:7d} {failed:7d} {missing:11d} {calls:12d} | no deletions measured")
            continue
        print(
            f"{rate:7g} {count:7d} {failed:7d} {missing:11d} {calls:12d} | "
            f"{statistics.median(delete_ms):8.1f}ms {percentile(delete_ms, 0.99):6.1f}ms | "
            f"{statistics.median(exposure_ms):10.1f}ms {percentile(exposure_ms, 0.99):6.1f}ms | "
            f"{statistics.median(acks):6.1f}ms {percentile(acks, 0.99):6.1f}ms | "
            + (f"{drained:+8.1f} s" if drained is not None else "  not all")
        )
    print("targets: delete median <= 50 ms and p99 <= 250 ms at 100 events/s; every event acked within 3 s")
    print("all warned: after the last event, until every author had the private warning (masked copies come first)")


if __name__ == "__main__":
    main()
