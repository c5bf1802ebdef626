"""How fast leaked keys disappear, and whether every follow-up gets out, with Slack's rate limits on.

Starts the local Slack emulator in this process (Slack's published per-method limits on: chat.delete
Tier 3, about 50 a minute; chat.postMessage about one a second per channel) and `supportbot run
--http` as a separate process pointed at it, then posts signed message events, each holding a
synthetic key, over HTTP on a fixed schedule (open loop: event n is due at start + n/rate whether
or not earlier ones were answered, and every latency is measured from that scheduled time, so a
slow bot cannot hide its queue). Reported per run:

  sent       the rate actually achieved, and how late the latest send left (the sender's backlog)
  backlog    outbox actions not finished when the last event had been sent
  delete     scheduled send → chat.delete received by Slack (median, p99)
  all out    scheduled first send → the last masked copy, and the last warning, posted
  lost       leaks without a deletion, a masked copy or a warning once everything settled
  doubled    deletions, masked copies or warnings made more than once
  ack        HTTP answer time of the event request (Slack wants ≤ 3 s)

The default run is the burst of issue 11: 20 leaks in one channel within a second.

Run:  .venv/bin/python benchmarks/leak_latency.py [--rate 20] [--seconds 1] [--processes 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from supportbot.store import migrate, outbox
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
MARKER = re.compile(r"benchmark (\d+):")


@dataclass
class Sent:
    index: int
    ts: str
    scheduled: float  # wall time the event was due
    sent_at: float  # wall time it left
    ack_seconds: float
    status: int


@dataclass
class Outcome:
    rate: float
    sent: list[Sent]
    achieved_rate: float
    send_lag_max: float
    backlog: int
    delete_ms: list[float]
    reposts_out: float | None
    warnings_out: float | None
    lost: dict[str, int]
    doubled: dict[str, int]
    limited: dict[str, int]


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
    """Send ``rate`` events a second for ``seconds`` on a fixed schedule (open loop).

    Every message is created in the emulator and its event signed before the clock starts; during
    the run, a few threads only POST the prepared bodies over keep-alive connections, so the
    numbers measure the bot rather than the load generator.
    """
    driver = SlackDriver(emulator, SECRET, url)
    total = max(1, int(rate * seconds))
    prepared = []
    for index in range(total):
        key = fake_key(PROVIDERS[index % len(PROVIDERS)], rng)
        text = TEMPLATES[index % len(TEMPLATES)].format(n=index, key=key)
        prepared.append(driver.prepare_post(AUTHORS[index % len(AUTHORS)], "#support", text))
    target = urlsplit(url)
    sent: list[Sent] = []
    lock = threading.Lock()
    begin = time.perf_counter() + 0.2
    begin_wall = time.time() + (begin - time.perf_counter())
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
                    sent.append(Sent(index, ts, begin_wall + index / rate, started, time.time() - started, status))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(sent, key=lambda item: item.index)


def outbox_backlog(database_url: str) -> int:
    """Outbox actions not yet finished (pending, waiting or claimed)."""
    store = Store(database_url)
    try:
        with store.session() as session:
            counts = outbox.counts_by_status(session)
    finally:
        store.close()
    return sum(counts.get(status, 0) for status in ("pending", "waiting", "claimed"))


def _posts_for(emulator: Emulator, sent: list[Sent]) -> dict[int, int]:
    """How many masked copies were posted for each event (matched by the "benchmark <n>:" marker)."""
    found: dict[int, int] = {}
    for call in emulator.calls_for("chat.postMessage", ok=True):
        if call.params.get("channel") != "C0SUPPORT":
            continue
        shown = json.dumps(call.params.get("blocks") or call.params.get("text") or "")
        for match in MARKER.finditer(shown):
            index = int(match.group(1))
            found[index] = found.get(index, 0) + 1
    return {item.index: found.get(item.index, 0) for item in sent}


def settle(emulator: Emulator, sent: list[Sent], database_url: str, timeout: float) -> None:
    """Wait until every leak was deleted, reposted and warned about, and the outbox is idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deleted = {call.params.get("ts") for call in emulator.calls_for("chat.delete", ok=True)}
        posts = _posts_for(emulator, sent)
        warnings = len(emulator.calls_for("chat.postEphemeral", ok=True))
        done = all(item.ts in deleted for item in sent) and all(posts.values()) and warnings >= len(sent)
        if done and outbox_backlog(database_url) == 0:
            return
        time.sleep(0.25)


def measure(emulator: Emulator, rate: float, sent: list[Sent], backlog: int) -> Outcome:
    first_delete: dict[str, float] = {}
    deletes_per_ts: dict[str, int] = {}
    for call in emulator.calls_for("chat.delete", ok=True):
        ts = str(call.params.get("ts"))
        deletes_per_ts[ts] = deletes_per_ts.get(ts, 0) + 1
        first_delete.setdefault(ts, call.wall)
    by_ts = {item.ts: item for item in sent}
    delete_ms = [(first_delete[ts] - item.scheduled) * 1000 for ts, item in by_ts.items() if ts in first_delete]
    posts = _posts_for(emulator, sent)
    repost_calls = [
        call.wall
        for call in emulator.calls_for("chat.postMessage", ok=True)
        if call.params.get("channel") == "C0SUPPORT" and MARKER.search(json.dumps(call.params.get("blocks") or ""))
    ]
    warning_calls = [call.wall for call in emulator.calls_for("chat.postEphemeral", ok=True)]
    start = sent[0].scheduled
    actual = [item.sent_at for item in sent]
    span = max(actual) - min(actual)
    limited = {
        method: sum(1 for call in emulator.calls_for(method) if call.status == 429)
        for method in ("chat.delete", "chat.postMessage", "chat.postEphemeral")
    }
    return Outcome(
        rate=rate,
        sent=sent,
        achieved_rate=(len(sent) - 1) / span if span > 0 else float(len(sent)),
        send_lag_max=max(item.sent_at - item.scheduled for item in sent),
        backlog=backlog,
        delete_ms=delete_ms,
        reposts_out=max(repost_calls) - start if len(repost_calls) >= len(sent) else None,
        warnings_out=max(warning_calls) - start if len(warning_calls) >= len(sent) else None,
        lost={
            "deletions": sum(1 for item in sent if item.ts not in first_delete),
            "masked copies": sum(1 for count in posts.values() if count == 0),
            "warnings": max(0, len(sent) - len(warning_calls)),
        },
        doubled={
            "deletions": sum(count - 1 for ts, count in deletes_per_ts.items() if ts in by_ts and count > 1),
            "masked copies": sum(count - 1 for count in posts.values() if count > 1),
            "warnings": max(0, len(warning_calls) - len(sent)),
        },
        limited=limited,
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def show(outcome: Outcome, processes: int) -> None:
    sent = outcome.sent
    print(
        f"\n{len(sent)} leaks scheduled at {outcome.rate:g}/s in one channel, Slack's limits on, "
        f"{os.cpu_count()} CPUs, supportbot run --http --processes {processes}"
    )
    print(
        f"  sent      achieved {outcome.achieved_rate:.1f}/s; latest send {outcome.send_lag_max * 1000:.1f} ms "
        f"after its schedule; {sum(1 for item in sent if item.status != 200)} non-200 answers"
    )
    print(f"  backlog   {outcome.backlog} outbox actions unfinished when the last event had been sent")
    if outcome.delete_ms:
        print(
            f"  delete    median {statistics.median(outcome.delete_ms):.1f} ms, "
            f"p99 {percentile(outcome.delete_ms, 0.99):.1f} ms (from the scheduled send)"
        )
    reposts = f"{outcome.reposts_out:.1f} s" if outcome.reposts_out is not None else "not all"
    warnings = f"{outcome.warnings_out:.1f} s" if outcome.warnings_out is not None else "not all"
    print(f"  all out   every masked copy {reposts}, every warning {warnings} after the first scheduled send")
    print("  lost      " + ", ".join(f"{name} {count}" for name, count in outcome.lost.items()))
    print("  doubled   " + ", ".join(f"{name} {count}" for name, count in outcome.doubled.items()))
    print("  429s      " + ", ".join(f"{name} {count}" for name, count in outcome.limited.items()))
    acks = [item.ack_seconds * 1000 for item in sent]
    print(f"  ack       median {statistics.median(acks):.1f} ms, p99 {percentile(acks, 0.99):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20.0, help="events a second, on a fixed schedule")
    parser.add_argument("--seconds", type=float, default=1.0, help="how long to send")
    parser.add_argument("--processes", type=int, default=2, help="supportbot run --processes (one per core)")
    parser.add_argument("--timeout", type=float, default=600.0, help="how long to wait for everything to get out")
    parser.add_argument(
        "--database-url", help="run against this database (migrated first) instead of a new SQLite file"
    )
    args = parser.parse_args()
    rng = random.Random(20261123)
    with Emulator() as emulator, tempfile.TemporaryDirectory() as folder:
        database_url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = Store(database_url)
        migrate.upgrade(store)
        store.close()
        process, url = start_bot(emulator, Path(folder) / "bench.db", args.processes, database_url)
        try:
            sent = run_rate(emulator, url, args.rate, args.seconds, rng)
            backlog = outbox_backlog(database_url)
            settle(emulator, sent, database_url, timeout=args.timeout)
            outcome = measure(emulator, args.rate, sent, backlog)
        finally:
            process.terminate()
            process.wait(30)
    show(outcome, args.processes)
    lost, doubled = sum(outcome.lost.values()), sum(outcome.doubled.values())
    print(f"\ntargets: nothing lost ({lost}), nothing doubled ({doubled}); everything out within Slack's limits")


if __name__ == "__main__":
    main()
