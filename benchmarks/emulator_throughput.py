"""How fast the local Slack answers: Web API calls per second and signed deliveries per second.

Run: .venv/bin/python benchmarks/emulator_throughput.py [--calls N]
The emulator must never be the slow part of a scenario test or of the end-to-end latency benchmark.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient

from supportbot.emulator import Emulator, SlackDriver
from supportbot.emulator import defaults as d


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.0f}/s  ({seconds * 1000 / count:.2f} ms each)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with Emulator(rate_limits=False) as emu:  # the emulator itself, not Slack's limits
        client = WebClient(token=emu.bot_token, base_url=emu.api_url)
        client.auth_test()

        started = time.perf_counter()
        for i in range(args.calls):
            client.chat_postMessage(channel=d.SUPPORT, text=f"message {i}")
        print(f"chat.postMessage, 1 client:   {_rate(args.calls, time.perf_counter() - started)}")

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            texts = [f"m{i}" for i in range(args.calls)]
            list(pool.map(lambda text: client.chat_postMessage(channel=d.GENERAL, text=text), texts))
        print(f"chat.postMessage, 8 threads:  {_rate(args.calls, time.perf_counter() - started)}")

        started = time.perf_counter()
        pages = 0
        cursor = None
        while True:
            answer = client.conversations_history(channel=d.SUPPORT, limit=200, cursor=cursor)
            pages += 1
            cursor = answer["response_metadata"]["next_cursor"]
            if not cursor:
                break
        print(f"conversations.history pages:  {_rate(pages, time.perf_counter() - started)}")

        driver = SlackDriver(emu, "bench-secret", lambda body, headers: (200, {}, b""))
        started = time.perf_counter()
        for i in range(args.calls):
            driver.post(d.ALICE, d.SUPPORT, f"customer message {i} https://api.example.invalid/v1")
        print(f"driver.post (signed, in-process): {_rate(args.calls, time.perf_counter() - started)}")
        print(f"calls recorded: {len(emu.calls)}")


if __name__ == "__main__":
    main()
