"""How long the ticket pre-fill and the time field take: both run inside Slack's 3-second trigger window.

Run:  .venv/bin/python benchmarks/ticket_prefill.py [--runs N]
Prints best, median and p99 milliseconds for pre-filling from messages of several kinds (up to
Slack's 40,000 characters) and for reading typed times. Keys in the messages are random, made at run
time.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import string
import time
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from supportbot.keys import Scanner
from supportbot.tickets.prefill import prefill_from_text
from supportbot.tickets.when import parse_when, warm_up

SIZE = 40_000
rng = random.Random(11)
ALNUM = string.ascii_letters + string.digits
ERROR = (
    "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: "
    "sk-abc***...wxyz.', 'type': 'invalid_request_error', 'code': 'invalid_api_key'}}\n"
)


def key() -> str:
    return "sk-" + "".join(rng.choice(ALNUM) for _ in range(48))


def fill(piece: Callable[[], str], size: int = SIZE) -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        part = piece()
        parts.append(part)
        total += len(part)
    return "".join(parts)[:size]


MESSAGES: dict[str, Callable[[], str]] = {
    "short question + error": lambda: f"Hi, since 9:00 I get this with gpt-4o-mini:\n```\n{ERROR}```\nthanks!",
    "40k traceback paste": lambda: fill(lambda: 'File "app.py", line 12, in <module>\n' + ERROR),
    "40k chat with keys": lambda: fill(lambda: f"我的 key 是 {key()}，调用 deepseek-chat 报错 401 了 "),
    "40k braces, no error": lambda: fill(lambda: "{ not json { still not } " * 3 + "\n"),
}
TIMES = ["2026-11-23 09:14", "10 minutes ago", "yesterday 3pm", "11月23日 9:14", "今天上午9点", "10分钟前"]


def measure(call: Callable[[], object], runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return samples[0], statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    scanner = Scanner(fingerprint_secret=secrets.token_hex(16))  # fingerprints are not measured here
    started = time.perf_counter()
    warm_up()
    print(f"dateparser warm-up (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"{'pre-fill from':<28}{'best':>9}{'median':>9}{'p99':>9}  (ms)")
    for name, make in MESSAGES.items():
        text = make()
        best, median, p99 = measure(lambda text=text: prefill_from_text(text, scanner), args.runs)
        print(f"{name:<28}{best:>9.2f}{median:>9.2f}{p99:>9.2f}")
    now = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    zone = ZoneInfo("Asia/Shanghai")
    print(f"{'time field':<28}{'best':>9}{'median':>9}{'p99':>9}  (ms)")
    for typed in TIMES:
        best, median, p99 = measure(lambda typed=typed: parse_when(typed, now=now, tz=zone), args.runs)
        print(f"{typed:<28}{best:>9.2f}{median:>9.2f}{p99:>9.2f}")


if __name__ == "__main__":
    main()
