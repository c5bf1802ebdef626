"""Two replicas on one PostgreSQL, against the emulator with Slack's rate limits on, then one is killed.

Starts the local Slack emulator in this process (with Slack's rate limits switched on explicitly:
chat.postMessage about 1/s per channel, chat.delete tier 3, chat.postEphemeral and lookups tier 4)
and two `supportbot run --http` processes on one PostgreSQL database, behind a round-robin "load
balancer" in the load generator. Support chatter, one message in 50 holding a synthetic key, is
sent open loop (on schedule whether or not earlier events were answered) at rising rates. In the
last phase replica A is SIGKILLed mid-load: a second later the balancer stops sending it events,
and every delivery A did not answer with 200 is redelivered to B as Slack does (X-Slack-Retry-Num 1
at once, 2 after a minute). Printed:

  acked ≤ 3 s     deliveries answered 200 within Slack's 3 seconds
  achieved        the rate the sender really kept (open loop: a slow bot does not slow the schedule)
  deletion        event's scheduled send time → chat.delete answered ok (the key is gone): median, p99
  all done        from the last event until no outbox action is due or in hand, and every leak is
                  deleted, reposted masked and its author warned
  lost, doubled   leaks never deleted / reposted / warned, events never handled; identical Slack
                  writes made twice (both must be 0)
  RSS             peak resident memory of each replica

Run:  .venv/bin/python benchmarks/replicas.py [--rates 10 20 40] [--seconds 15] [--kill-rate 30]
      (needs PostgreSQL; --admin-url names the server, a scratch database is created and dropped)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from sqlalchemy import text

from benchmarks.leak_latency import SECRET, percentile, start_bot
from supportbot.emulator import Emulator, SlackDriver
from supportbot.emulator.fakekeys import fake_key
from supportbot.store import migrate
from supportbot.store.db import Store

PROVIDERS = ("openai", "anthropic", "deepseek", "gateway", "openrouter", "groq", "github", "google")
CHANNELS = ("#support", "#general")
AUTHORS = ("alice", "li.wei", "sam", "wang", "lee", "admin")
CHATTER = (
    "thanks, that worked",
    "ok I will try again after lunch",
    "deploying the new build now",
    "the dashboard looks fine on my side",
    "we moved the job to the new region yesterday",
    "好的，我再试一下",
    "谢谢，已经可以了",
    "I restarted the worker and it is green again",
    "latency is back to normal",
    "how do I rotate my API key without downtime?",
)
LEAK_EVERY = 50
DETECT_SECONDS = 1.0
WRITES = ("chat.delete", "chat.postMessage", "chat.postEphemeral", "chat.update")


@dataclass
class Event:
    index: int
    body: bytes
    headers: dict[str, str]
    ts: str
    channel: str
    leak: bool
    scheduled_at: float = 0.0  # wall time the open-loop schedule says it is due: latency counts from here
    sent_at: float = 0.0
    answers: list[tuple[str, int, float]] = field(default_factory=list)  # (replica, status, seconds)


def slack_limits(emulator: Emulator) -> None:
    """Slack's published limits, as the emulator can apply them."""
    limits = emulator.rate_limits
    limits.enable("chat.postMessage", per_second=1.0, burst=3, per_channel=True)
    limits.enable("chat.update", per_second=1.0, burst=3, per_channel=True)
    limits.enable("chat.delete", per_second=50 / 60, burst=20, per_channel=False)  # tier 3
    for method in ("chat.postEphemeral", "users.info", "conversations.info", "conversations.open"):
        limits.enable(method, per_second=100 / 60, burst=50, per_channel=False)  # tier 4


def reset_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql:", "postgresql+psycopg:", 1)
    return f"{base}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Balancer:
    """Round-robin over the live replicas, one keep-alive connection per sender thread and replica."""

    def __init__(self, replicas: dict[str, str]) -> None:
        self.live = list(replicas)
        self.urls = replicas
        self._turn = 0
        self._lock = threading.Lock()

    def pick(self) -> str:
        with self._lock:
            self._turn += 1
            return self.live[self._turn % len(self.live)]

    def remove(self, name: str) -> None:
        with self._lock:
            self.live = [other for other in self.live if other != name]


def post(
    connections: dict[str, http.client.HTTPConnection],
    balancer: Balancer,
    name: str,
    event: Event,
    headers: dict[str, str],
) -> tuple[int, float]:
    target = urlsplit(balancer.urls[name])
    started = time.perf_counter()
    for attempt in range(2):  # a keep-alive connection the server closed is reopened once
        connection = connections.get(name)
        if connection is None:
            connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=10)
            connections[name] = connection
        try:
            connection.request("POST", "/slack/events", body=event.body, headers=headers)
            reply = connection.getresponse()
            reply.read()
            return reply.status, time.perf_counter() - started
        except (OSError, http.client.HTTPException):
            connection.close()
            connections.pop(name, None)
            if attempt == 1 or name not in balancer.live:
                break
    return 0, time.perf_counter() - started


def prepare(driver: SlackDriver, rng: random.Random, count: int, start: int) -> list[Event]:
    events = []
    for offset in range(count):
        index = start + offset
        channel = CHANNELS[index % len(CHANNELS)]
        leak = index % LEAK_EVERY == LEAK_EVERY // 2
        if leak:
            key = fake_key(PROVIDERS[index % len(PROVIDERS)], rng)
            words = f"bench {index}: my key {key} gives 401 since this morning"
        else:
            words = f"bench {index}: {CHATTER[rng.randrange(len(CHATTER))]}"
        body, headers, ts = driver.prepare_post(AUTHORS[index % len(AUTHORS)], channel, words)
        events.append(Event(index, body, headers, ts, channel, leak))
    return events


def send(
    events: list[Event],
    rate: float,
    balancer: Balancer,
    driver: SlackDriver,
    kill: tuple[float, subprocess.Popen[str], str] | None = None,
) -> list[Event]:
    """Send ``events`` at ``rate``/s over 16 connections. A delivery not answered 200 is retried at
    once, as Slack does; returns the events whose retry failed too (Slack's next try is a minute later).
    """
    lock = threading.Lock()
    order = iter(events)
    begin = time.perf_counter() + 0.2
    wall_begin = time.time() + (begin - time.perf_counter())
    failed_twice: list[Event] = []

    def sender() -> None:
        connections: dict[str, http.client.HTTPConnection] = {}
        while True:
            with lock:
                event = next(order, None)
            if event is None:
                break
            position = event.index - events[0].index
            delay = begin + position / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            replica = balancer.pick()
            event.scheduled_at = wall_begin + position / rate
            event.sent_at = time.time()
            status, seconds = post(connections, balancer, replica, event, event.headers)
            with lock:
                event.answers.append((replica, status, seconds))
            if status != 200 and redeliver(balancer, driver, event, 1) != 200:
                with lock:
                    failed_twice.append(event)
        for connection in connections.values():
            connection.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(16)]
    for thread in threads:
        thread.start()
    if kill is not None:
        after, process, name = kill
        time.sleep(max(0.0, begin + after - time.perf_counter()))
        process.kill()  # SIGKILL: no goodbye, claims and leases stay behind
        time.sleep(DETECT_SECONDS)  # until the balancer's health check notices, events still go there
        balancer.remove(name)
    for thread in threads:
        thread.join()
    return failed_twice


def redeliver(balancer: Balancer, driver: SlackDriver, event: Event, retry_num: int) -> int:
    headers = {
        **event.headers,
        "X-Slack-Retry-Num": str(retry_num),
        "X-Slack-Retry-Reason": "http_error",
        **driver.sign(event.body),
    }
    replica = balancer.pick()
    status, seconds = post({}, balancer, replica, event, headers)
    event.answers.append((replica, status, seconds))
    return status


def work_left(store: Store) -> tuple[int, int]:
    """(actions still to do: in hand, due, retrying or waiting on those; actions deliberately scheduled
    for later, such as re-checks)."""
    with store.session() as session:
        row = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE status IN ('claimed', 'waiting')"
                "   OR (status = 'pending' AND (not_before <= now() OR attempts > 0))),"
                " count(*) FILTER (WHERE status = 'pending' AND attempts = 0 AND not_before > now())"
                " FROM outbox"
            )
        ).one()
    return int(row[0]), int(row[1])


def leak_outcomes(emulator: Emulator, leaks: list[Event]) -> tuple[set[str], set[str], int]:
    """(leaks deleted, leaks reposted masked, warnings sent)."""
    deleted = {str(call.params.get("ts")) for call in emulator.calls_for("chat.delete", ok=True)}
    reposted = set()
    markers = {f"bench {event.index}:": event.ts for event in leaks}
    for call in emulator.calls_for("chat.postMessage", ok=True):
        body = json.dumps(call.params, ensure_ascii=False)
        for marker, ts in markers.items():
            if marker in body:
                reposted.add(ts)
    warnings = len(emulator.calls_for("chat.postEphemeral", ok=True))
    return deleted & {event.ts for event in leaks}, reposted, warnings


def doubled_writes(emulator: Emulator) -> int:
    seen: Counter[str] = Counter()
    for method in WRITES:
        for call in emulator.calls_for(method, ok=True):
            seen[method + json.dumps(call.params, sort_keys=True, ensure_ascii=False)] += 1
    return sum(count - 1 for count in seen.values() if count > 1)


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=float, nargs="+", default=[10.0, 20.0, 40.0])
    parser.add_argument("--seconds", type=float, default=15.0, help="per rate")
    parser.add_argument("--kill-rate", type=float, default=30.0)
    parser.add_argument("--kill-seconds", type=float, default=20.0)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="supportbot_bench_replicas")
    parser.add_argument("--wait", type=float, default=90.0, help="longest wait for the work to finish")
    args = parser.parse_args()
    rng = random.Random(20261204)
    database_url = reset_database(args.admin_url, args.database)
    store = Store(database_url)
    migrate.upgrade(store)
    peaks: dict[str, float] = {"A": 0.0, "B": 0.0}
    rows: list[tuple[str, list[Event]]] = []
    with Emulator() as emulator:
        slack_limits(emulator)
        # Each replica is `supportbot run --http --processes 1` on the shared database.
        replica_a, url_a = start_bot(emulator, Path("unused.db"), 1, database_url)
        replica_b, url_b = start_bot(emulator, Path("unused.db"), 1, database_url)
        processes = {"A": replica_a, "B": replica_b}
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(0.5):
                for name, process in processes.items():
                    peaks[name] = max(peaks[name], rss_mb(process.pid))

        threading.Thread(target=sample, daemon=True).start()
        balancer = Balancer({"A": url_a, "B": url_b})
        driver = SlackDriver(emulator, SECRET, url_a)
        try:
            warm = prepare(driver, rng, 20, 0)
            send(warm, 10, balancer, driver)
            time.sleep(2)
            emulator.clear_calls()
            start = 100
            for rate in args.rates:
                events = prepare(driver, rng, int(rate * args.seconds), start)
                start += len(events) + 100
                send(events, rate, balancer, driver)
                rows.append((f"{rate:g}/s", events))
            events = prepare(driver, rng, int(args.kill_rate * args.kill_seconds), start)
            kill_after = args.kill_seconds * 0.4
            again = send(events, args.kill_rate, balancer, driver, kill=(kill_after, replica_a, "A"))
            last_sent = max(event.sent_at for event in events)
            rows.append((f"{args.kill_rate:g}/s, A killed", events))
            redelivered = sum(1 for event in events if len(event.answers) > 1)
            all_events = [event for _, phase in rows for event in phase]
            leaks = [event for event in all_events if event.leak]
            deadline = time.monotonic() + args.wait
            second_retry_at = time.monotonic() + 60
            done_at: float | None = None
            while time.monotonic() < deadline:
                if again and time.monotonic() >= second_retry_at:
                    again = [event for event in again if redeliver(balancer, driver, event, 2) != 200]
                due, _later = work_left(store)
                deleted, reposted, warnings = leak_outcomes(emulator, leaks)
                # Done: nothing due or in hand, every key deleted and every author warned (what could
                # not be done is counted below as lost, not waited for).
                if due == 0 and not again and len(deleted) == len(leaks) and warnings >= len(leaks):
                    done_at = time.time()
                    break
                time.sleep(0.5)
            due, later = work_left(store)
            deleted, reposted, warnings = leak_outcomes(emulator, leaks)
            doubled = doubled_writes(emulator)
            delete_at = {
                str(call.params.get("ts")): call.wall + call.duration
                for call in emulator.calls_for("chat.delete", ok=True)
            }
            with store.session() as session:
                unfinished = session.execute(
                    text(
                        "SELECT kind, status, coalesce(last_error, ''), count(*) FROM outbox"
                        " WHERE status NOT IN ('done') GROUP BY 1, 2, 3 ORDER BY 4 DESC"
                    )
                ).all()
                gave_up = session.execute(
                    text(
                        "SELECT count(*) FROM outbox WHERE status IN ('failed', 'dead') AND last_error = 'ratelimited'"
                    )
                ).scalar_one()
                handled = {
                    str(row[0])
                    for row in session.execute(text("SELECT event_id FROM processed_events WHERE status = 'done'"))
                }
        finally:
            sampling.set()
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
                    process.wait(30)
    store.close()
    drop_database(args.admin_url, args.database)

    print(
        f"\nreplicas: 2 x supportbot run --http on PostgreSQL, {os.cpu_count()} CPUs, Slack's rate limits on, "
        f"1 message in {LEAK_EVERY} holds a key, open loop, {args.seconds:g} s per rate"
    )
    print(
        f"{'phase':>18} {'events':>7} {'leaks':>6} {'achieved':>10} | {'acked <= 3 s':>12} | "
        f"{'deletion p50':>12} {'p99':>9}"
    )
    for name, events in rows:
        first = [event.answers[0] for event in events if event.answers]
        acked = sum(1 for _, status, seconds in first if status == 200 and seconds <= 3)
        times = [
            (delete_at[event.ts] - event.scheduled_at) * 1000
            for event in events
            if event.leak and event.ts in delete_at
        ]
        deletion = (
            f"{statistics.median(times):10.0f}ms {percentile(times, 0.99):7.0f}ms" if times else f"{'-':>12} {'-':>9}"
        )
        share = 100 * acked / max(1, len(events))
        sent = sorted(event.sent_at for event in events if event.sent_at)
        achieved = (len(sent) - 1) / (sent[-1] - sent[0]) if len(sent) > 1 and sent[-1] > sent[0] else 0.0
        print(
            f"{name:>18} {len(events):7d} {sum(e.leak for e in events):6d} {achieved:8.1f}/s | {share:11.1f}% | "
            f"{deletion}"
        )
    event_ids = {json.loads(event.body)["event_id"] for _, events in rows for event in events}
    unhandled = len(event_ids - handled)
    print(
        "all work done after the last event: "
        + (f"{done_at - last_sent:.1f} s" if done_at else f"not within {args.wait:g} s ({due} actions left)")
        + f"; {later} action(s) scheduled for later (re-checks)"
    )
    print(
        f"lost: {len(leaks) - len(deleted)} leaks not deleted, {len(leaks) - len(reposted)} not reposted masked, "
        f"{max(0, len(leaks) - warnings)} authors not warned, {unhandled} events never handled, "
        f"{gave_up} actions given up on Slack's rate limit; "
        f"doubled: {doubled} identical Slack writes"
    )
    for kind, status, error, count in unfinished:
        print(f"  outbox: {count} {kind} {status} {error}".rstrip())
    print(
        f"redelivered after the kill: {redelivered} deliveries, {len(again)} still unanswered; "
        f"RSS peak: A {peaks['A']:.0f} MB, B {peaks['B']:.0f} MB"
    )


if __name__ == "__main__":
    main()
