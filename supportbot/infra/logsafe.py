"""Logging that cannot leak a key.

Every log record in the process, whoever creates it (our code, Bolt, slack_sdk, SQLAlchemy,
waitress), passes through a record factory that formats the message and redacts it before any
handler or test-capture sees it. Redaction is two layers: the key scanner's ``scrub`` (precise,
masks known key formats) once it is registered, and a generic pass (Authorization and api-key
values, Slack tokens, long opaque tokens) that needs no configuration and is always on.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

import regex

Scrubber = Callable[[str], str]

_REDACTED = "[redacted]"

# Credentials written as header or parameter values.
_HEADER_VALUE = regex.compile(
    r"""(?ix)
    (?P<name>\b(?:proxy-)?authorization|x-api-key|x-goog-api-key|api[-_]?key|access[-_]?token|
        client[-_]?secret|signing[-_]?secret|password|passwd|secret|token)
    (?P<sep>["']?\s*[:=]\s*["']?)
    (?P<scheme>(?:bearer|basic|token)\s+)?
    (?P<value>[^\s"',;&)}\]]+)
    """,
)
_TOKENS = regex.compile(
    r"""(?x)
    \b(?:xox[abposr]|xapp)-[A-Za-z0-9-]{6,}
    | \b(?:sk|rk|pk)[-_][A-Za-z0-9_-]{16,}
    | \bAIza[0-9A-Za-z_-]{20,}
    | \bgh[pousr]_[A-Za-z0-9]{20,}
    | \bgithub_pat_[A-Za-z0-9_]{20,}
    | \b(?:AKIA|ASIA)[A-Z0-9]{12,}
    | \b(?:hf|gsk|r8|pplx|tgp_v1)_[A-Za-z0-9]{16,}
    | \bxai-[A-Za-z0-9]{20,}
    | hooks\.slack\.com/services/[A-Za-z0-9/]+
    | -----BEGIN[ A-Z]*PRIVATE\ KEY-----[\s\S]*?(?:-----END[ A-Z]*PRIVATE\ KEY-----|$)
    """,
)
# Long opaque runs with letters and digits: unknown key formats, secrets in URLs, signatures.
# "/" is left out of the run so file paths in tracebacks stay readable.
_OPAQUE = regex.compile(
    r"(?<![A-Za-z0-9_+=-])(?=[A-Za-z0-9_+=-]*\d)(?=[A-Za-z0-9_+=-]*[A-Za-z])"
    r"[A-Za-z0-9_+=-]{32,}"
)


def generic_redact(text: str) -> str:
    """Redact credential-shaped substrings without any knowledge of key formats."""

    def header(match: regex.Match[str]) -> str:
        if match.group("value") == _REDACTED:
            return match.group(0)
        return f"{match.group('name')}{match.group('sep')}{match.group('scheme') or ''}{_REDACTED}"

    text = _HEADER_VALUE.sub(header, text, timeout=1.0)
    text = _TOKENS.sub(_REDACTED, text, timeout=1.0)
    return _OPAQUE.sub(_REDACTED, text, timeout=1.0)


class _Redactor:
    def __init__(self) -> None:
        self._scrubbers: list[Scrubber] = []
        self._lock = threading.Lock()

    def register(self, scrubber: Scrubber) -> None:
        with self._lock:
            if scrubber not in self._scrubbers:
                self._scrubbers = [*self._scrubbers, scrubber]

    def __call__(self, text: str) -> str:
        for scrubber in self._scrubbers:
            try:
                text = scrubber(text)
            except Exception:  # a broken scrubber must not break logging; the generic pass still runs
                text = _REDACTED
        try:
            return generic_redact(text)
        except Exception:  # regex timeout on a pathological line: drop the line rather than risk it
            return "[log line withheld: could not be checked for secrets]"


redact = _Redactor()
# What a log line is about, for machines: Slack's event id, the outbox action's id.
_event_id: ContextVar[str | None] = ContextVar("supportbot_event_id", default=None)
_action_id: ContextVar[int | None] = ContextVar("supportbot_action_id", default=None)


@contextmanager
def log_context(*, event_id: str | None = None, action_id: int | None = None) -> Iterator[None]:
    """Tag every log record made inside the block (in this thread) with an event or action id."""
    event_token = _event_id.set(event_id[:64]) if event_id is not None else None
    action_token = _action_id.set(action_id) if action_id is not None else None
    try:
        yield
    finally:
        if action_token is not None:
            _action_id.reset(action_token)
        if event_token is not None:
            _event_id.reset(event_token)


_install_lock = threading.Lock()
_state: dict[str, object] = {"installed": False, "format": "text"}


def _redacting_factory(base: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the template only
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        record.event_id = _event_id.get()
        record.action_id = _action_id.get()
        if record.exc_info and record.exc_info[0] is not None:
            formatted = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = redact(formatted.rstrip("\n"))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    return factory


def install_redaction(scrubber: Scrubber | None = None) -> None:
    """Make every log record in this process pass through redaction (idempotent)."""
    with _install_lock:
        if not _state["installed"]:
            logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
            _state["installed"] = True
    if scrubber is not None:
        redact.register(scrubber)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the event and action ids.

    Records reach it already redacted (message, traceback, stack) by the record factory above.
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("event_id", "action_id"):
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


LogFormat = Literal["text", "json"]


def configure_logging(level: str = "INFO", log_format: LogFormat = "text") -> None:
    """Send logs to stderr with redaction on; quieten libraries that log request bodies."""
    install_redaction()
    _state["format"] = log_format
    root = logging.getLogger()
    if not any(getattr(handler, "_supportbot", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            JsonFormatter()
            if log_format == "json"
            else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        handler._supportbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    # slack_sdk logs whole request and response bodies at DEBUG; even redacted they are noise.
    for noisy in ("slack_sdk", "slack_bolt", "urllib3", "waitress.queue", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))


def announce(message: str, logger: str = "supportbot.run") -> None:
    """A line for whoever started the bot (where it listens), at any log level, in the log's format."""
    if _state["format"] == "json":
        record = logging.getLogger(logger).makeRecord(logger, logging.INFO, __file__, 0, message, (), None)
        message = JsonFormatter().format(record)
    print(message, file=sys.stderr, flush=True)
