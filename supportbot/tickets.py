"""Tickets: the five safe fields a customer's problem is reduced to (pure: no Slack, no database).

A ticket holds exactly: time (when the error happened), model, HTTP status, error text (scrubbed)
and masked key id, plus workflow fields of its own. Never message text, prompts, emails, balances,
a full key or an Authorization header.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_TICKET_MODAL = "tickets.open_modal"
"""Hook request name: ``runtime.hooks.request(OPEN_TICKET_MODAL, TicketModalRequest(...))``."""


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
