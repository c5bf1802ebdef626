"""How fast the 401 checklist answers: the work on Slack's ack path, and end to end in the emulator.

Run:  .venv/bin/python benchmarks/triage_latency.py [--runs N] [--reports N]

1. Ack path, per 40,000-character paste kind: what the message handler does before Slack gets its
   answer (detect_report + diagnose + error_facts). Best and median milliseconds.
2. End to end against the emulator (SQLite in a temporary folder): a 401 report's event round trip
   (Slack's ack), report -> checklist message posted, and click -> message updated. Median and p95.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from benchmarks.diagnose_speed import KINDS, fill
from supportbot.config import Settings
from supportbot.emulator import Emulator
from supportbot.triage import detect_report, diagnose
from supportbot.triage.facts import error_facts
from tests.scenarios.harness import running

REPORT = (
    "Since this morning every call fails with 401 Unauthorized:\n"
    '{"error":{"message":"Incorrect API key provided: \\"sk-proj****...vQA\\".","code":"invalid_api_key"}}'
)


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def ack_path(runs: int) -> None:
    settings = Settings(api_base_urls=("https://api.llmrelay.com/v1",))

    def scrub(text: str) -> str:
        return text

    print("ack path (detect + diagnose + facts), 40,000 characters:")
    for name, piece in KINDS.items():
        text = fill(piece)
        times: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            detection = detect_report(text)
            diagnose(text, settings, scrub=scrub)
            error_facts(text, scrub=scrub, detection=detection)
            times.append(time.perf_counter() - started)
        print(f"  {name:32s} best {min(times) * 1000:6.1f} ms   median {statistics.median(times) * 1000:6.1f} ms")


def end_to_end(reports: int) -> None:
    acks: list[float] = []
    posted: list[float] = []
    updated: list[float] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        # The bot's own response time, one report after another in one channel: Slack's post limit
        # (about one a second per channel) would measure Slack instead. leak_latency.py runs with limits on.
        Emulator(rate_limits=False) as emulator,
        running(emulator, f"sqlite:///{folder}/bench.db") as slack,
    ):
        for _ in range(reports):
            before = len(slack.calls("chat.postMessage"))
            started = time.perf_counter()
            delivery = slack.driver.post("alice", "#support", REPORT)
            acks.append(delivery.elapsed)
            emulator.wait_until(lambda n=before: len(slack.calls("chat.postMessage")) > n, timeout=10)
            posted.append(time.perf_counter() - started)
            call = slack.calls("chat.postMessage")[-1]
            ts = str(call.response["ts"])
            before_updates = len(slack.calls("chat.update"))
            started = time.perf_counter()
            slack.driver.click("alice", "triage_next", message=("C0SUPPORT", ts))
            emulator.wait_until(lambda n=before_updates: len(slack.calls("chat.update")) > n, timeout=10)
            updated.append(time.perf_counter() - started)
    print(f"end to end in the emulator, {reports} reports:")
    print(f"  event acknowledged              {_ms(acks)}")
    print(f"  report -> checklist posted      {_ms(posted)}")
    print(f"  click -> checklist updated      {_ms(updated)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reports", type=int, default=30)
    args = parser.parse_args()
    ack_path(args.runs)
    end_to_end(args.reports)


if __name__ == "__main__":
    main()
