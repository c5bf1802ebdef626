"""Filing and changing tickets, the modal, the agents' card and the notes: what every way in shares."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.errors import SlackError
from supportbot.slack.features.tickets.payloads import Note, TicketRef
from supportbot.slack.features.tickets.shared import (
    CONFIRM,
    NOTE,
    POST_CARD,
    UPDATE_CARD,
    Filing,
    channel_ref,
    gap_text,
    ticket_view,
    utc,
)
from supportbot.slack.hooks import GAP_SIGNAL
from supportbot.slack.runtime import Runtime
from supportbot.store import outbox
from supportbot.store import tickets as ticket_store
from supportbot.tickets import fields as ticket_fields
from supportbot.tickets.model import (
    TicketDraft,
    TicketFields,
)
from supportbot.tickets.when import format_local

_log = logging.getLogger(__name__)


class TicketDesk:
    """Files and changes tickets and tells people about it (through the outbox)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def open_modal(self, trigger_id: str, user_id: str, draft: TicketDraft, *, note_channel: str | None = None) -> None:
        """Open the form now (``views.open`` directly: the trigger is valid for three seconds, once)."""
        runtime = self.runtime
        language = runtime.language_for(user_id)
        tz = runtime.directory.timezone(user_id)
        safe = self._safe_draft(draft)
        metadata = {
            "source": draft.source,
            "channel": draft.channel,
            "thread_ts": draft.thread_ts,
            "requester": draft.requester,
            "note_channel": note_channel,
        }
        view = runtime.renderer.view(
            "tickets/modal",
            language,
            tz_name=str(tz),
            time=safe.time or format_local(runtime.clock.now(), tz),
            model=safe.model,
            status=safe.status,
            error_text=safe.error_text,
            masked_key_id=safe.masked_key_id,
        )
        # Ids only (channel, thread, people): where the ticket links back to. Never shown to anyone.
        view["private_metadata"] = json.dumps(
            {key: value for key, value in metadata.items() if value}, separators=(",", ":")
        )
        runtime.port.call("views.open", trigger_id=trigger_id, view=view)

    def _safe_draft(self, draft: TicketDraft) -> TicketDraft:
        """A draft comes from another feature or a message: check once more that nothing in it is a key."""
        scanner = self.runtime.scanner

        def plain(value: str) -> str:
            return "" if ticket_fields.looks_secret(value, scanner) else value.strip()

        try:
            masked = ticket_fields.masked_key_id(draft.masked_key_id, scanner) or ""
        except ticket_fields.FieldError:
            masked = ""
        return replace(
            draft,
            time=plain(draft.time)[:64],
            model=plain(draft.model)[:80],
            status=plain(draft.status)[:60],
            error_text=ticket_fields.error_text(draft.error_text, scanner) or "",
            masked_key_id=masked,
        )

    def file(self, session: Session, fields: TicketFields, filing: Filing) -> tuple[ticket_store.Ticket, bool]:
        """Record the ticket and everything that follows from it, in the caller's transaction.

        Filing again with the same submission key (a double submit, a second 🎫) returns the
        existing ticket and queues nothing.
        """
        runtime = self.runtime
        now = runtime.clock.now()
        ticket, created = ticket_store.create(
            session,
            ticket_store.NewTicket(
                occurred_at=fields.occurred_at,
                model=fields.model,
                status=fields.status,
                error_text=fields.error_text,
                masked_key_id=fields.masked_key_id,
                submission_key=filing.submission_key,
                source=filing.source,
                requester=filing.requester,
                filed_by=filing.filed_by,
                channel=filing.channel,
                thread_ts=filing.thread_ts,
            ),
            now=now,
        )
        if not created:
            _log.info("ticket %s: repeated submission ignored", ticket.id)
            return ticket, False
        assert ticket.id is not None
        group = ticket_store.group_key(ticket.id)
        if runtime.settings.agent_channel:
            outbox.enqueue(session, POST_CARD, TicketRef(ticket.id).to_payload(), now=now, group_key=group)
        else:
            _log.warning("ticket %s filed but SUPPORTBOT_AGENT_CHANNEL is not set: no card", ticket.id)
        if filing.channel and filing.thread_ts:
            outbox.enqueue(session, CONFIRM, TicketRef(ticket.id).to_payload(), now=now)
        if filing.note_channel and filing.filed_by:
            self.enqueue_note(
                session,
                channel=filing.note_channel,
                user=filing.filed_by,
                text=self.result_text("filed", filing.filed_by, ticket=ticket.id),
            )
        runtime.hooks.emit(
            GAP_SIGNAL,
            session,
            GapSignal(
                kind="ticket",
                text=gap_text(fields),
                at=now,
                channel_id=filing.channel,
                user_id=filing.requester,
            ),
        )
        runtime.metrics.tickets.labels(filing.source).inc()
        _log.info("ticket %s filed (%s)", ticket.id, filing.source)
        return ticket, True

    def enqueue_note(
        self, session: Session, *, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> None:
        """An ephemeral note for one person (an outcome, a refusal); the text is ours, never theirs."""
        payload = Note(channel=channel, user=user, text=text, thread_ts=thread_ts).to_payload()
        outbox.enqueue(session, NOTE, payload, now=self.runtime.clock.now())

    def note(self, *, channel: str, user: str, text: str, thread_ts: str | None = None) -> None:
        with self.runtime.transaction() as session:
            self.enqueue_note(session, channel=channel, user=user, text=text, thread_ts=thread_ts)

    def enqueue_card_update(self, session: Session, ticket_id: int) -> None:
        """Queue a ``chat.update`` of the card after every earlier card action of this ticket.

        The ticket's row was changed in this same transaction, which holds its lock, so two
        changes never chain after the same predecessor: updates run in order, each showing the
        state at the time it runs.
        """
        earlier = ticket_store.card_actions(session, ticket_id)
        if not earlier:
            return  # no card was ever posted (no agent channel)
        outbox.enqueue(
            session,
            UPDATE_CARD,
            TicketRef(ticket_id).to_payload(),
            now=self.runtime.clock.now(),
            after=earlier[-1],
            run_if="always",
            group_key=ticket_store.group_key(ticket_id),
        )

    def result_text(self, outcome: str, user: str | None, *, ticket: int = 0, who: Mrkdwn | None = None) -> str:
        """An outcome of filing or changing a ticket, in ``user``'s language (``tickets/result``)."""
        return str(
            self.runtime.renderer.text(
                "tickets/result",
                self.runtime.language_for(user),
                outcome=outcome,
                ticket=ticket,
                who=who or Mrkdwn(""),
                where=channel_ref(self.runtime.settings.agent_channel),
            )
        )

    def change(
        self,
        ticket_id: int,
        what: str,
        *,
        by: str,
        assignee: str | None = None,
        reason: str | None = None,
        only_if_unassigned: bool = False,
    ) -> tuple[str, Mrkdwn]:
        """Assign, close or reopen in one transaction; the outcome name for ``tickets/result``."""
        now = self.runtime.clock.now()
        with self.runtime.transaction() as session:
            if what == "assign":
                change = ticket_store.assign(
                    session, ticket_id, assignee or by, now=now, only_if_unassigned=only_if_unassigned
                )
            elif what == "close":
                change = ticket_store.close(session, ticket_id, by=by, reason=reason, now=now)
            else:
                change = ticket_store.reopen(session, ticket_id, now=now)
            if change.changed:
                self.enqueue_card_update(session, ticket_id)
        ticket = change.ticket
        who = mention(ticket.assignee, "—") if ticket is not None and ticket.assignee else Mrkdwn("")
        if change.outcome == "changed":
            return {"assign": "assigned", "close": "closed", "reopen": "reopened"}[what], who
        if change.outcome == "closed":
            return "already_closed", who
        if change.outcome == "open":
            return "already_open", who
        return change.outcome, who

    def card(self, ticket: ticket_store.Ticket) -> RenderedMessage:
        return self.runtime.renderer.message(
            "tickets/card", self.runtime.settings.default_language, **self.display(ticket, link=True)
        )

    def display(self, ticket: ticket_store.Ticket, *, link: bool) -> dict[str, Any]:
        """What the card and ``/support ticket N`` show of a ticket (all of it is safe to show)."""
        permalink = self._permalink(ticket) if link else ""
        return {
            "ticket": ticket_view(ticket),
            "source": ticket.source,
            "requester": mention(ticket.requester, "—") if ticket.requester else Mrkdwn("—"),
            "assignee": mention(ticket.assignee, "—") if ticket.assignee else Mrkdwn("—"),
            "filed_by": mention(ticket.filed_by, "—") if ticket.filed_by else Mrkdwn("—"),
            "closed_by": mention(ticket.closed_by, "—") if ticket.closed_by else Mrkdwn("—"),
            "created": utc(ticket.created_at),
            "closed_at": utc(ticket.closed_at) if ticket.closed_at else "",
            "where": channel_ref(ticket.channel),
            "permalink": permalink,
        }

    def _permalink(self, ticket: ticket_store.Ticket) -> str:
        if not ticket.channel or not ticket.thread_ts:
            return ""
        try:
            data = self.runtime.port.call("chat.getPermalink", channel=ticket.channel, message_ts=ticket.thread_ts)
        except SlackError:
            return ""
        return str(data.get("permalink") or "")

    def ticket(self, ticket_id: int) -> ticket_store.Ticket | None:
        with self.runtime.store.session() as session:
            return ticket_store.get(session, ticket_id)
