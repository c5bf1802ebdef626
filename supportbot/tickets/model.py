"""Tickets: the five safe fields a customer's problem is reduced to (pure: no Slack, no database).

A ticket holds exactly: time (when the error happened), model, HTTP status, error text (scrubbed)
and masked key id, plus workflow fields of its own. Never message text, prompts, emails, balances,
a full key or an Authorization header.

The rules for each field live in :mod:`supportbot.tickets.fields` (status, model, masked key id, error
text) and :mod:`supportbot.tickets.when` (when it happened); :func:`validate_form` applies them all to
what was typed into the ticket modal. :mod:`supportbot.tickets.prefill` suggests values from a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from supportbot.keys import Scanner
from supportbot.tickets import fields as ticket_fields
from supportbot.tickets.fields import FieldError, looks_secret
from supportbot.tickets.when import TimeFieldError, parse_when

OPEN_TICKET_MODAL = "tickets.open_modal"
"""Name of the hook request ``supportbot.slack.hooks.OPEN_TICKET_FORM`` (payload: a TicketModalRequest)."""


@dataclass(frozen=True)
class TicketDraft:
    """What is already known when a ticket form opens; every field is safe to show and to store.

    Values are suggestions for the modal's inputs (the person filing can change them); the error
    text is already scrubbed and the key is a masked form. ``channel``/``thread_ts`` link the
    ticket back to the conversation it came from.
    """

    time: str = ""
    model: str = ""
    status: str = ""
    error_text: str = ""
    masked_key_id: str = ""
    channel: str | None = None
    thread_ts: str | None = None
    requester: str | None = None
    source: str = "command"  # triage | command | shortcut | reaction


@dataclass(frozen=True)
class TicketModalRequest:
    """Ask the tickets feature to open its modal for ``user_id`` with ``trigger_id`` (valid 3 s, once)."""

    trigger_id: str
    user_id: str
    draft: TicketDraft


FIELD_NAMES: tuple[str, ...] = ("time", "model", "status", "error_text", "masked_key_id")
"""The modal's input ``block_id``s, which are also the five fields a ticket holds."""


@dataclass(frozen=True)
class TicketFields:
    """The five fields, validated: what a ticket stores from the customer and nothing more."""

    occurred_at: datetime
    model: str | None = None
    status: int | None = None
    error_text: str | None = None
    masked_key_id: str | None = None


@dataclass(frozen=True)
class FieldProblem:
    """Why one input of the form was refused; ``code`` is rendered by ``tickets/field_error``."""

    field: str
    code: str


def validate_form(
    values: Mapping[str, str], *, scanner: Scanner, now: datetime, tz: tzinfo = UTC
) -> TicketFields | list[FieldProblem]:
    """Check the form's inputs (keyed by block_id); the fields to store, or every problem found.

    Time is required; model, status, error text and masked key are optional, but a ticket must say
    what went wrong (a status or an error text). A bare time is read in ``tz``, the time zone of the
    person who filled the form.
    """
    problems: list[FieldProblem] = []
    occurred_at: datetime | None = None
    raw_time = values.get("time") or ""
    if looks_secret(raw_time, scanner):
        problems.append(FieldProblem("time", "key_in_field"))
    else:
        try:
            occurred_at = parse_when(raw_time, now=now, tz=tz)
        except TimeFieldError as error:
            problems.append(FieldProblem("time", f"time_{error.code}"))
    parsed: dict[str, Any] = {}
    for name, rule in (
        ("model", ticket_fields.model),
        ("status", ticket_fields.status),
        ("masked_key_id", ticket_fields.masked_key_id),
    ):
        try:
            parsed[name] = rule(values.get(name) or "", scanner)
        except FieldError as error:
            problems.append(FieldProblem(name, error.code))
    parsed["error_text"] = ticket_fields.error_text(values.get("error_text") or "", scanner)
    if parsed["error_text"] is None and parsed.get("status") is None and "status" not in {p.field for p in problems}:
        problems.append(FieldProblem("status", "status_or_error"))
    if problems or occurred_at is None:
        return problems
    return TicketFields(occurred_at=occurred_at, **parsed)
