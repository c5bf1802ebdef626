"""``supportbot diagnose``: name the likely cause of a 401 from pasted text."""

from __future__ import annotations

import json
import secrets
from typing import IO, Any

import click

from supportbot.commands._common import load_settings
from supportbot.config import Settings
from supportbot.triage import Check, detect_report, diagnose, pasted_base_urls
from supportbot.triage.text import Scrub

_HELP = """Diagnose a pasted 401: an error body, a curl command, SDK code, an .env, a log, or the
customer's own words ("we pass the key as ?api_key=", "同事把幾個金鑰刪掉了") in English or Chinese.

Reads FILE (or standard input, "-") and prints the likely causes, most likely first:
whitespace, missing_header, wrong_base_url, duplicated_path, disabled_key. Keys in the
input are never printed: evidence is masked by the key scanner.

With --jsonl, each input line is a JSON object {"id": ..., "text": ...} and each output line
is {"id": ..., "checks": [{"check": ID, "evidence": TEXT}, ...]}, one per input line and in
order; a line that cannot be read gets an "error" field and the run goes on.

The gateway's official base URL(s) come from SUPPORTBOT_API_BASE_URL (comma separated);
without them, hosts cannot be judged. --probe (or SUPPORTBOT_PROBE=1) also calls
GET {base}/models without a key on https base URLs found in the text (plain mode only).
"""


def _scrubber(settings: Settings) -> Scrub:
    from supportbot.keys import Scanner

    # Key ids are not shown here, so a per-run secret is as good as the configured one.
    secret = settings.fingerprint_secret or secrets.token_hex(32)
    return Scanner.from_settings(settings, fingerprint_secret=secret).scrub


def _checks_json(checks: list[Check]) -> list[dict[str, str]]:
    return [{"check": str(check.check), "evidence": check.evidence} for check in checks]


def _run_jsonl(source: IO[str], settings: Settings, scrub: Scrub) -> None:
    for number, line in enumerate(source, 1):
        out: dict[str, Any] = {"id": None, "checks": []}
        try:
            item = json.loads(line)
        except ValueError:
            out["error"] = f"line {number}: not valid JSON"
        else:
            if not isinstance(item, dict):
                out["error"] = f"line {number}: expected a JSON object with 'id' and 'text'"
            else:
                out["id"] = item.get("id")
                text = item.get("text")
                if not isinstance(text, str):
                    out["error"] = f"line {number}: 'text' must be a string"
                else:
                    out["checks"] = _checks_json(diagnose(text, settings, scrub=scrub))
        click.echo(json.dumps(out, ensure_ascii=False))


def _run_plain(text: str, settings: Settings, scrub: Scrub, probe: bool) -> None:
    checks = diagnose(text, settings, scrub=scrub)
    detection = detect_report(text)
    if detection.is_401:
        click.echo(f"Looks like a 401 report ({', '.join(detection.signals)}).")
    if probe:
        from supportbot.triage.probe import apply_probe, probe_base_url

        for base in [b for b in pasted_base_urls(text) if b.startswith("https://")][:2]:
            result = probe_base_url(base)
            click.echo(f"Probe {result.base}/models: {result.verdict} ({scrub(result.detail)})")
            checks = apply_probe(checks, result, scrub=scrub)
    if not checks:
        click.echo("No 401 cause recognised in this text.")
        return
    click.echo("Likely causes, most likely first:")
    for number, check in enumerate(checks, 1):
        click.echo(f"  {number}. {check.check} ({check.score:.2f})")
        click.echo(f"     {check.evidence}")


@click.command(help=_HELP)
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"), default="-", metavar="[FILE|-]")
@click.option("--jsonl", is_flag=True, help='Read {"id","text"} JSON lines, write one result line each.')
@click.option("--probe", is_flag=True, help="Also probe https base URLs in the text (GET {base}/models, no key).")
def command(source: IO[str], jsonl: bool, probe: bool) -> None:
    settings = load_settings()
    try:
        scrub = _scrubber(settings)
    except Exception as error:  # a bad SUPPORTBOT_RULES_FILE, for one
        raise click.ClickException(f"cannot load the key scanner: {error}") from None
    if jsonl:
        _run_jsonl(source, settings, scrub)
    else:
        _run_plain(source.read(), settings, scrub, probe or settings.probe_enabled)
