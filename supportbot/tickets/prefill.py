"""Pre-fill a ticket from a message: status, model, error text and masked key, never the message itself.

Only what a machine printed is taken as error text: JSON objects with an ``error`` key (or Python's
repr of one), and lines shaped like error output (``Error code: 401 - …``, ``HTTP/1.1 401``,
``openai.AuthenticationError: …``, ``429 Too Many Requests``, gateway messages such as 无效的令牌).
The customer's own sentences around them, their prompts and request bodies are left out. The result
is scrubbed like any error text. The masked key comes from a key found in the message (its masked
form), or from a masked form already shown there (a vendor's echo, our masked repost).

Every pattern is linear and runs under a time budget over at most ``MAX_SCANNED`` characters; error
objects are found in one pass over the braces and at most ``MAX_OBJECTS`` are taken, so no paste
(40,000 ``"error":`` in a row included) keeps a form from opening within Slack's 3 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from supportbot.keys import Scanner
from supportbot.text.messages import unescape_slack
from supportbot.tickets.fields import (
    FieldError,
    error_text,
    find_masked_forms,
    masked_key_id,
    matches,
    model,
    status,
)
from supportbot.triage import detect_report

MAX_SCANNED = 40_000
MAX_BLOCK = 4_000
MAX_OBJECTS = 20
_REASONS = (
    r"Unauthorized|Forbidden|Not Found|Too Many Requests|Bad Request|Payment Required|Internal Server Error|"
    r"Bad Gateway|Service Unavailable|Gateway Timeout|Request Timeout|Unprocessable Entity"
)
_STATUS_PATTERNS = tuple(
    regex.compile(pattern, regex.IGNORECASE)
    for pattern in (
        r"\berror code:?\s*+(\d{3})\b",
        r"\bHTTP/\d(?:\.\d)?\s++(\d{3})\b",
        r"\bstatus(?:[ _]?code)?[\"']?\s*+[:=]\s*+[\"']?(\d{3})\b",
        r"[\"']code[\"']\s*+:\s*+(\d{3})\b",
        r"(?:状态码|错误码|返回码)\s*+[:：]?\s*+(\d{3})(?!\d)",
        rf"(?<![A-Za-z0-9_.])(\d{{3}})\s++(?:{_REASONS})\b",
        r"(?<![A-Za-z0-9_.])(\d{3})\s*+(?:error|错误|报错)",
        r"(?:error|报错|错误|返回|returns?|got|gives?)\s*+[:：]?\s*+(\d{3})(?![A-Za-z0-9_])",
    )
)
# Signals that make a 401 the likely status when none is written out.
_AUTH_SIGNALS = {"status_401", "unauthorized", "invalid_key", "auth_failed", "token_message", "missing_key"}

_ASCII_MODEL = r"[A-Za-z0-9_.:@/+-]"
_MODEL_PATTERNS = (
    regex.compile(r"[\"']model[\"']\s*+:\s*+[\"']([^\"'\n]{1,80})[\"']"),
    regex.compile(rf"\bmodel\s*+[=:]\s*+[\"']?({_ASCII_MODEL}{{1,80}})", regex.IGNORECASE),
    regex.compile(rf"模型\s*+[:：是为]?\s*+({_ASCII_MODEL}{{1,80}})"),
    regex.compile(
        r"(?<![A-Za-z0-9_-])((?:gpt|chatgpt|claude|gemini|deepseek|qwen|qwq|glm|moonshot|kimi|llama|mistral|mixtral|"
        r"codestral|grok|doubao|ernie|yi|text-embedding|dall-e|tts)-[A-Za-z0-9_.@-]*[A-Za-z0-9]|"
        r"o[1345](?:-mini|-pro|-preview)?(?:-\d{4}-\d{2}-\d{2})?|whisper-1)(?![A-Za-z0-9_-])",
        regex.IGNORECASE,
    ),
)

_ERROR_OBJECT = regex.compile(r"[\"']error[\"']\s*+:|[\"']type[\"']\s*+:\s*+[\"']error[\"']", regex.IGNORECASE)
_BRACE = regex.compile(r"[{}]")
# Lines that are machine output from the match to the end of the line (or of the error object on it).
_ERROR_LINE = regex.compile(
    r"""
    \berror[ ]code:?\s*+\d{3}
  | \bHTTP/\d(?:\.\d)?\s++\d{3}\b
  | ^[ \t>]*+(?:[A-Za-z_]\w*+\.)*+[A-Z]\w*?(?:Error|Exception)\b
    """,
    regex.IGNORECASE | regex.VERBOSE | regex.MULTILINE,
)
# Phrases that are error output on their own, often inside a sentence: only the phrase is taken.
_ERROR_PHRASE = regex.compile(
    rf"""
    \b[1-5]\d\d\s+(?:{_REASONS})\b
  | \b(?:invalid_api_key|authentication_error|invalid_request_error|insufficient_quota|rate_limit_exceeded|
       model_not_found|permission_denied)\b
  | 无效的令牌|令牌已(?:过期|失效|被?禁用)|令牌无效|未提供令牌|该令牌状态不可用|该令牌额度已用尽|额度不足|余额不足
    """,
    regex.IGNORECASE | regex.VERBOSE,
)


@dataclass(frozen=True)
class Prefill:
    """Suggested values for the ticket form; each already passed its field's rules."""

    status: int | None = None
    model: str | None = None
    error_text: str | None = None
    masked_key_id: str | None = None


def prefill_from_text(text: str, scanner: Scanner) -> Prefill:
    """What a message (as Slack delivers it: escaped) tells about the five fields."""
    plain = unescape_slack(text or "")[:MAX_SCANNED]
    return Prefill(
        status=_status(plain, scanner),
        model=_model(plain, scanner),
        error_text=_error_text(plain, scanner),
        masked_key_id=_masked_key(plain, scanner),
    )


def _status(text: str, scanner: Scanner) -> int | None:
    for pattern in _STATUS_PATTERNS:
        for match in matches(pattern, text):
            try:
                return status(match.group(1), scanner)
            except FieldError:
                continue
    if _AUTH_SIGNALS & set(detect_report(text).signals):
        return 401
    return None


def _model(text: str, scanner: Scanner) -> str | None:
    for pattern in _MODEL_PATTERNS:
        for match in matches(pattern, text):
            candidate = match.group(1).rstrip(".,:;/-")
            try:
                value = model(candidate, scanner)
            except FieldError:
                continue
            if value:
                return value
    return None


def _error_text(text: str, scanner: Scanner) -> str | None:
    objects = _error_objects(text)
    spans = list(objects)
    for match in matches(_ERROR_LINE, text):
        end = _line_span(text, match.start())[1]
        inside = [obj_end for obj_start, obj_end in objects if match.start() <= obj_start < end]
        spans.append((match.start(), max(inside) if inside else end))
    spans.extend(match.span() for match in matches(_ERROR_PHRASE, text))
    if not spans:
        return None
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    excerpt = "\n".join(text[start:end].strip() for start, end in merged)
    return error_text(excerpt.replace("```", ""), scanner)


def _error_objects(text: str) -> list[tuple[int, int]]:
    """Spans of the ``{…}`` objects that hold an ``error`` key (the innermost object around each key).

    One pass over the braces keeps the unclosed ones on a stack, so each key finds its object at
    once instead of walking back through the text (which made a run of keys quadratic).
    """
    spans: list[tuple[int, int]] = []
    braces = iter(matches(_BRACE, text))
    pending = next(braces, None)
    unclosed: list[int] = []
    for match in matches(_ERROR_OBJECT, text):
        while pending is not None and pending.start() < match.start():
            if pending.group() == "{":
                unclosed.append(pending.start())
            elif unclosed:
                unclosed.pop()
            pending = next(braces, None)
        if spans and match.start() < spans[-1][1]:
            continue  # inside the object already taken
        opening = unclosed[-1] if unclosed and match.start() - unclosed[-1] < MAX_BLOCK else None
        if opening is not None:
            spans.append((opening, _closing_brace(text, opening)))
            if len(spans) >= MAX_OBJECTS:
                break
    return spans


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    limit = min(len(text), start + MAX_BLOCK)
    for index in range(start, limit):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    # Unbalanced (cut off when pasted): up to the end of that line.
    return _line_span(text, start)[1]


def _line_span(text: str, index: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return start, len(text) if end == -1 else end


def _masked_key(text: str, scanner: Scanner) -> str | None:
    for finding in scanner.find(text):
        try:
            value = masked_key_id(finding.masked, scanner)
        except FieldError:
            continue
        if value:
            return value
    shown = find_masked_forms(text, scanner)
    return shown[0] if shown else None
