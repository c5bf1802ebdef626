"""``supportbot scan``: find API keys in text, files, folders or a Slack export. Never prints a key."""

from __future__ import annotations

import io
import json
import os
import secrets
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any, TextIO

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings
from supportbot.formats.slack_export import ExportMessage, ExportProblem, is_slack_export, read_export
from supportbot.keys import Finding, RulesError, Scanner, load_rules

EXIT_CLEAN = 0
EXIT_FOUND = 1
EXIT_ERROR = 2
# Files are scanned in pieces of about this many characters, cut at line ends.
CHUNK_CHARS = 64_000
# Show a progress bar (on a terminal) when the inputs add up to more than this.
PROGRESS_BYTES = 5_000_000
_SNIFF_BYTES = 8192
_JSONL_BATCH = 512
_SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__"}


@dataclass
class Hit:
    """One key found, with where it was; holds the masked form and key id only."""

    source: str
    rule: str
    provider: str
    masked: str
    key_id: str
    line: int | None = None
    column: int | None = None
    channel: str | None = None
    date: str | None = None
    author: str | None = None
    ts: str | None = None

    @property
    def location(self) -> str:
        if self.channel is not None:
            return f"{self.channel} {self.date}"
        if self.line is not None:
            return f"{self.source}:{self.line}:{self.column}"
        return self.source


@dataclass
class Report:
    hits: list[Hit]
    errors: list[tuple[str, str]]
    scanned: int = 0
    skipped: int = 0


@click.command(name="scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document with every finding.")
@click.option(
    "--jsonl",
    is_flag=True,
    help='Read lines {"id": ..., "text": ...} (stdin or the given files); write one line '
    '{"id": ..., "findings": [...]} per input line, in order.',
)
@click.option(
    "--rules",
    "rule_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extra rule file (TOML, same form as the built-in rules); may be repeated. Adds to SUPPORTBOT_RULES_FILE.",
)
def command(paths: tuple[str, ...], as_json: bool, jsonl: bool, rule_files: tuple[Path, ...]) -> None:
    """Find API keys in PATHs (files, folders, Slack export zips or folders) or in stdin ('-').

    With no PATH, reads stdin. Prints each key's location, rule, masked form and key_id; never the key.
    key_ids are keyed with SUPPORTBOT_FINGERPRINT_SECRET, so they match the ones the bot records.

    Exit status: 0 no keys, 1 keys found, 2 usage, configuration or input error (an unreadable file,
    a malformed JSONL line; the other inputs are still scanned and reported).
    """
    if as_json and jsonl:
        raise click.UsageError("choose one of --json and --jsonl")
    if not paths and sys.stdin.isatty():
        raise click.UsageError("give a PATH, or pipe text in (use '-' to type it in the terminal)")
    settings = load_settings()
    extra = [settings.rules_file] if settings.rules_file is not None else []
    try:
        rules = load_rules(*extra, *rule_files)
    except RulesError as error:
        click.echo(f"supportbot scan: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    secret = settings.fingerprint_secret
    if not secret:
        secret = secrets.token_hex(32)
        click.echo(
            "supportbot scan: SUPPORTBOT_FINGERPRINT_SECRET is not set, so key_ids are only comparable "
            "within this run (set it to link them across runs and with the bot).",
            err=True,
        )
    scanner = Scanner(rules, fingerprint_secret=secret)
    sources = list(paths) or ["-"]
    if jsonl:
        sys.exit(_run_jsonl(scanner, sources))
    report = Report([], [])
    _scan_sources(scanner, sources, report)
    if as_json:
        _print_json(report)
    else:
        _print_table(report)
    sys.exit(EXIT_ERROR if report.errors else EXIT_FOUND if report.hits else EXIT_CLEAN)


# --- JSONL ------------------------------------------------------------------------------------------------


def _run_jsonl(scanner: Scanner, sources: list[str]) -> int:
    found = failed = False
    out = sys.stdout
    for source in sources:
        try:
            stream = (
                _stdin_text()
                if source == "-"
                else open(  # noqa: SIM115
                    source, encoding="utf-8", errors="surrogateescape"
                )
            )
        except OSError as error:
            click.echo(f"supportbot scan: {source}: cannot read ({error.strerror})", err=True)
            failed = True
            continue
        # A co-process feeding stdin waits for each answer; a file's answers leave in batches (one write
        # per line cost a sixth of the run).
        interactive = source == "-"
        pending: list[str] = []
        try:
            for number, line in enumerate(stream, start=1):
                record, problem = _jsonl_line(scanner, line, number)
                found = found or bool(record.get("findings"))
                failed = failed or problem
                pending.append(_encode(record))
                if interactive or len(pending) >= _JSONL_BATCH:
                    out.write("".join(pending))
                    out.flush()
                    pending.clear()
        finally:
            out.write("".join(pending))
            out.flush()
            if source == "-":
                stream.detach()  # leave the process's stdin open
            else:
                stream.close()
    return EXIT_ERROR if failed else EXIT_FOUND if found else EXIT_CLEAN


def _encode(record: dict[str, Any]) -> str:
    """One output line. Most lines have no findings: those are spelled out without the general encoder,
    byte for byte what ``json.dumps`` writes (the encoder was a fifth of a long run)."""
    identifier = record.get("id")
    if record.get("findings") == [] and len(record) == 2 and isinstance(identifier, str):
        return '{"id": ' + encode_basestring_ascii(identifier) + ', "findings": []}\n'
    return json.dumps(record, ensure_ascii=True) + "\n"


def _stdin_text() -> io.TextIOWrapper:
    """stdin as UTF-8 text; undecodable bytes survive as lone surrogates, which the scanner accepts."""
    return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape", newline=None)


def _jsonl_line(scanner: Scanner, line: str, number: int) -> tuple[dict[str, Any], bool]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        problem = f"line {number}: not valid JSON ({error.msg} at column {error.colno})"
        return {"id": None, "error": problem}, True
    if not isinstance(data, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object"}, True
    identifier = data.get("id")
    if not isinstance(identifier, str | int) or isinstance(identifier, bool):
        return {"id": None, "error": f"line {number}: 'id' must be a string"}, True
    text = data.get("text")
    if not isinstance(text, str):
        return {"id": identifier, "error": f"line {number}: 'text' must be a string"}, True
    findings = [
        {
            "start": item.start,
            "end": item.end,
            "rule": item.rule,
            "masked": item.masked,
            "key_id": item.key_id,
        }
        for item in scanner.find(text)
    ]
    return {"id": identifier, "findings": findings}, False


# --- files, folders, exports, stdin ------------------------------------------------------------------------


def _scan_sources(scanner: Scanner, sources: list[str], report: Report) -> None:
    plan: list[tuple[str, Path, int]] = []
    for source in sources:
        if source == "-":
            plan.append(("stdin", Path("-"), 0))
            continue
        path = Path(source)
        if not path.exists():
            report.errors.append((source, "no such file or folder"))
        elif is_slack_export(path):
            plan.append(("export", path, _size(path)))
        elif path.is_dir():
            plan.extend(("file", item, _size(item)) for item in _walk(path))
        else:
            plan.append(("file", path, _size(path)))
    total = sum(size for _, _, size in plan)
    show = total > PROGRESS_BYTES and sys.stderr.isatty()
    bar = click.progressbar(length=total, label="scanning", file=sys.stderr) if show else None
    with bar if bar is not None else nullcontext():
        for kind, path, size in plan:
            if kind == "stdin":
                text = sys.stdin.buffer.read().decode("utf-8", "replace")
                _scan_text(scanner, text, "<stdin>", report)
                report.scanned += 1
            elif kind == "export":
                _scan_export(scanner, path, report)
            else:
                _scan_file(scanner, path, report)
            if bar is not None:
                bar.update(size)


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())
        return path.stat().st_size
    except OSError:
        return 0


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if name not in _SKIP_DIRS)
        for name in sorted(files):
            yield Path(root) / name


def _scan_file(scanner: Scanner, path: Path, report: Report) -> None:
    try:
        data = path.read_bytes()
    except OSError as error:
        report.errors.append((str(path), f"cannot read ({error.strerror or type(error).__name__})"))
        return
    if b"\x00" in data[:_SNIFF_BYTES]:
        report.skipped += 1
        return
    report.scanned += 1
    _scan_text(scanner, data.decode("utf-8", "replace"), str(path), report)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(line number of the chunk's first line, chunk) pieces of about CHUNK_CHARS, cut after newlines."""
    position = 0
    line = 1
    while position < len(text):
        end = min(len(text), position + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", position, end)
            end = cut + 1 if cut > position else end
        chunk = text[position:end]
        yield line, chunk
        line += chunk.count("\n")
        position = end


def _scan_text(scanner: Scanner, text: str, source: str, report: Report) -> None:
    for first_line, chunk in _chunks(text):
        for finding in scanner.find(chunk):
            line = first_line + chunk.count("\n", 0, finding.start)
            column = finding.start - (chunk.rfind("\n", 0, finding.start) + 1) + 1
            report.hits.append(_hit(source, finding, line=line, column=column))


def _scan_export(scanner: Scanner, path: Path, report: Report) -> None:
    for item in read_export(path):
        if isinstance(item, ExportProblem):
            report.errors.append((item.source, item.problem))
            continue
        report.scanned += 1
        for finding in scanner.find(item.text):
            report.hits.append(_export_hit(path, item, finding))


def _hit(source: str, finding: Finding, **where: Any) -> Hit:
    return Hit(source, finding.rule, finding.provider, finding.masked, finding.key_id, **where)


def _export_hit(path: Path, item: ExportMessage, finding: Finding) -> Hit:
    return _hit(str(path), finding, channel=item.channel, date=item.date, author=item.author, ts=item.ts)


# --- output ------------------------------------------------------------------------------------------------


def _print_json(report: Report) -> None:
    document = {
        "findings": [{key: value for key, value in asdict(hit).items() if value is not None} for hit in report.hits],
        "summary": {
            "keys": len(report.hits),
            "distinct_keys": len({hit.key_id for hit in report.hits}),
            "scanned": report.scanned,
            "skipped_binary": report.skipped,
            "errors": len(report.errors),
        },
        "errors": [{"source": source, "error": problem} for source, problem in report.errors],
    }
    click.echo(json.dumps(document, ensure_ascii=True, indent=2))


def _print_table(report: Report) -> None:
    out = sys.stdout
    for source, problem in report.errors:
        click.echo(f"supportbot scan: {source}: {problem}", err=True)
    if report.hits:
        with_author = any(hit.author for hit in report.hits)
        header = ["LOCATION", *(["AUTHOR"] if with_author else []), "RULE", "MASKED", "KEY ID"]
        rows = [
            [hit.location, *([hit.author or ""] if with_author else []), hit.rule, hit.masked, hit.key_id]
            for hit in report.hits
        ]
        _table(out, header, rows)
    distinct = len({hit.key_id for hit in report.hits})
    summary = (
        f"{len(report.hits)} key(s) found ({distinct} distinct)" if report.hits else "No keys found"
    ) + f" in {report.scanned} input(s)"
    if report.skipped:
        summary += f"; {report.skipped} binary file(s) skipped"
    if report.errors:
        summary += f"; {len(report.errors)} error(s)"
    out.write(summary + ".\n")


def _table(out: TextIO, header: list[str], rows: Iterable[list[str]]) -> None:
    rows = list(rows)
    widths = [max(len(str(row[index])) for row in [header, *rows]) for index in range(len(header))]
    for row in [header, *rows]:
        cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        out.write("  ".join(cells).rstrip() + "\n")
