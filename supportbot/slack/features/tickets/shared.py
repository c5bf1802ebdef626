"""The ticket feature's ids, outbox kinds and small helpers, shared by its parts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from supportbot.render.templates import Mrkdwn
from supportbot.store import tickets as ticket_store
from supportbot.tickets.model import (
    FIELD_NAMES,
    TicketDraft,
    TicketFields,
)
from supportbot.tickets.prefill import Prefill

MODAL = "ticket_modal"
SHORTCUT = "ticket_file"
ASSIGN_ACTION = "ticket_assign"
CLOSE_ACTION = "ticket_close"
REOPEN_ACTION = "ticket_reopen"
REACTIONS = frozenset({"ticket", "tickets", "admission_tickets"})
POST_CARD = "ticket.card"
UPDATE_CARD = "ticket.update_card"
CONFIRM = "ticket.confirm"
NOTE = "ticket.note"
FROM_REACTION = "ticket.from_reaction"
INPUT_ACTION = "value"


@dataclass(frozen=True)
class Filing:
    """Where a new ticket comes from and whom to tell about it."""

    submission_key: str
    source: str
    filed_by: str | None
    requester: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    # An agent who filed from somewhere without a customer thread gets an ephemeral note there.
    note_channel: str | None = None


def ticket_view(ticket: ticket_store.Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "state": ticket.state,
        "time": utc(ticket.occurred_at),
        "model": ticket.model or "",
        "status": ticket.status or "",
        "error_text": (ticket.error_text or "").replace("```", "ʼʼʼ"),
        "masked_key_id": ticket.masked_key_id or "",
        "assignee": ticket.assignee or "",
        "close_reason": ticket.close_reason or "",
    }


def channel_ref(channel: str | None) -> Mrkdwn:
    if not channel:
        return Mrkdwn("")
    if channel.startswith("D"):
        return Mrkdwn("a DM")
    return Mrkdwn(f"<#{channel}>") if channel.isalnum() else Mrkdwn("")


def utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def ts_time(ts: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(UTC)


def reaction_key(channel: str, ts: str) -> str:
    return f"reaction:{channel}:{ts}"


def gap_text(fields: TicketFields) -> str:
    if fields.error_text:
        return fields.error_text
    parts = [f"HTTP {fields.status}" if fields.status else "", fields.model or ""]
    return " ".join(part for part in parts if part) or "ticket"


def initial_draft(
    prefill: Prefill, *, time: str, channel: str, thread_ts: str, requester: str | None, source: str
) -> TicketDraft:
    return TicketDraft(
        time=time,
        model=prefill.model or "",
        status=str(prefill.status) if prefill.status else "",
        error_text=prefill.error_text or "",
        masked_key_id=prefill.masked_key_id or "",
        channel=channel,
        thread_ts=thread_ts,
        requester=requester,
        source=source,
    )


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    state = (view.get("state") or {}).get("values") or {}
    values: dict[str, str] = {}
    for name in FIELD_NAMES:
        element = (state.get(name) or {}).get(INPUT_ACTION) or {}
        value = element.get("value") if isinstance(element, Mapping) else None
        values[name] = value if isinstance(value, str) else ""
    return values


def view_metadata(view: Mapping[str, Any]) -> dict[str, str]:
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, str) and len(value) <= 64}
