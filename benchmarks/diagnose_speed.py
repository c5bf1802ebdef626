"""How long diagnose() takes on 40,000-character pastes of several kinds.

Run:  .venv/bin/python benchmarks/diagnose_speed.py [--runs N]
Prints best, median and p99 milliseconds per kind (p99 wanders on a busy machine; best shows
what the code costs when nothing else runs). Keys in the pastes are random, made at run time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import time
from collections.abc import Callable

from supportbot.config import Settings
from supportbot.triage import diagnose

SIZE = 40_000
rng = random.Random(7)
ALNUM = string.ascii_letters + string.digits


def key() -> str:
    return "sk-" + "".join(rng.choice(ALNUM) for _ in range(48))


def fill(piece: Callable[[], str]) -> str:
    parts: list[str] = []
    total = 0
    while total < SIZE:
        part = piece()
        parts.append(part)
        total += len(part)
    return "".join(parts)[:SIZE]


KINDS: dict[str, Callable[[], str]] = {
    "curl commands": lambda: (
        f'curl https://api.llmrelay.com/v1/chat/completions \\\n  -H "Authorization: Bearer {key()}" \\\n'
        '  -H "Content-Type: application/json" \\\n  -d \'{"model":"gpt-4o","messages":[{"role":"user",'
        '"content":"hi"}]}\'\n'
    ),
    "access log": lambda: (
        f"203.0.113.{rng.randint(1, 254)} - - [01/Nov/2026:12:00:{rng.randint(10, 59)} +0800] "
        f'"POST /v1/chat/completions HTTP/1.1" {rng.choice([200, 401, 429])} 153 "-" "OpenAI/Python 1.52.0"\n'
    ),
    "python traceback + error json": lambda: (
        'Traceback (most recent call last):\n  File "app.py"'
        ", line 12, in <module>\n    client.chat.completions"
        ".create(model=\"gpt-4o\", messages=msgs)\nopenai.AuthenticationError: Error code: 401 - {'error': "
        "{'message': 'Incorrect API key provided: sk-abc***...wxyz. You can find your API key at "
        "https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'code': "
        "'invalid_api_key'}}\n"
    ),
    ".env and yaml": lambda: (
        f"OPENAI_API_KEY={key()}\nOPENAI_BASE_URL=https://api.llmrelay.com/v1\nmodel_list:\n  - model_name: "
        f'gpt-4o\n    litellm_params:\n      api_key: "{key()}"\n      api_base: https://api.llmrelay.com/v1\n'
    ),
    "chinese prose": lambda: (
        "调用接口一直返回 401，base_url 填的是官网地址，请帮忙看看是不是令牌被禁用了。换了新 key 也不行。\n"
    ),
    "base64 blob (one line)": lambda: "".join(rng.choice(ALNUM + "+/") for _ in range(1000)),
    "single long token": lambda: "a" * 1000,
    "quotes and braces": lambda: "{\"'`" * 50 + "Authorization: " * 20 + "\n",
    "many urls": lambda: f"https://api{rng.randint(0, 9)}.llmrelay.com/v1/x{rng.randint(0, 99)} ",
    "many assignments": lambda: "api_key= base_url: token= endpoint( ",
    "unclosed quotes": lambda: "curl 'https://api.llmrelay.com/v1/models -H \"Authorization: Bearer ",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    settings = Settings(api_base_urls=("https://api.llmrelay.com/v1",))

    def scrub(text: str) -> str:
        return text

    print(f"diagnose() on {SIZE:,}-character pastes, {args.runs} runs each")
    print(f"{'kind':32} {'best ms':>9} {'median ms':>10} {'p99 ms':>9} {'checks':>7}")
    worst = 0.0
    for name, piece in KINDS.items():
        text = fill(piece)
        diagnose(text, settings, scrub=scrub)  # warm up
        times = []
        found = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            found = len(diagnose(text, settings, scrub=scrub))
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        worst = max(worst, p99)
        print(f"{name:32} {times[0]:9.2f} {statistics.median(times):10.2f} {p99:9.2f} {found:7d}")
    print(f"worst p99: {worst:.2f} ms (target: well under 50 ms)")


if __name__ == "__main__":
    main()
