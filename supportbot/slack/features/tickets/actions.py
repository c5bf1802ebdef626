"""The ticket feature's outbox actions: file from a reaction, post and update the card, confirm, note."""

from __future__ import annotations

import logging

from sqlmodel import Session

from supportbot.render.templates import Mrkdwn, mention
from supportbot.slack.errors import SlackApiError
from supportbot.slack.features.tickets.desk import TicketDesk
from supportbot.slack.features.tickets.payloads import FromReaction, Note, TicketRef
from supportbot.slack.features.tickets.shared import (
    Filing,
    reaction_key,
    ticket_view,
    ts_time,
)
from supportbot.slack.parse import message_from_event
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, Failed, Outcome
from supportbot.store import tickets as ticket_store
from supportbot.store.outbox import ClaimedAction
from supportbot.tickets.model import (
    TicketFields,
)
from supportbot.tickets.prefill import prefill_from_text

_log = logging.getLogger(__name__)


class TicketActions:
    """Carries out the ticket feature's queued Slack calls."""

    def __init__(self, runtime: Runtime, desk: TicketDesk) -> None:
        self.runtime = runtime
        self.desk = desk

    def do_from_reaction(self, action: ClaimedAction) -> Outcome:
        request = FromReaction.from_payload(action.payload)
        channel, ts, agent = request.channel, request.ts, request.agent
        try:
            data = self.runtime.port.call(
                "conversations.replies", channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
            )
        except SlackApiError as error:
            if error.retryable:
                raise
            return Failed(error=error.code)
        found = next((item for item in data.get("messages") or [] if item.get("ts") == ts), None)
        message = message_from_event({**found, "type": "message", "channel": channel}) if found else None
        if message is None:
            return Failed(error="message_not_found")
        # The message text exists only here, in memory: what is kept is what the pre-fill extracted.
        prefill = prefill_from_text("\n".join(part.text for part in message.texts()), self.runtime.scanner)
        fields = TicketFields(
            occurred_at=ts_time(message.ts),
            model=prefill.model,
            status=prefill.status,
            error_text=prefill.error_text,
            masked_key_id=prefill.masked_key_id,
        )
        filing = Filing(
            submission_key=reaction_key(channel, ts),
            source="reaction",
            filed_by=agent,
            requester=None if message.is_bot else message.user,
            channel=channel,
            thread_ts=message.reply_thread_ts,
        )

        def record(session: Session) -> None:
            self.desk.file(session, fields, filing)

        return Done(result={"filed": True}, apply=record)

    def do_post_card(self, action: ClaimedAction) -> Outcome:
        ticket_id = TicketRef.from_payload(action.payload).ticket
        channel = self.runtime.settings.agent_channel
        ticket = self.desk.ticket(ticket_id)
        if ticket is None or not channel:
            return Failed(error="no_ticket_or_channel")
        rendered = self.desk.card(ticket)
        data = self.runtime.port.call("chat.postMessage", channel=channel, unfurl_links=False, **rendered.as_kwargs())
        posted = str(data.get("ts") or "")
        return Done(
            result={"ts": posted},
            apply=lambda session: ticket_store.set_card(session, ticket_id, channel=channel, ts=posted),
        )

    def do_update_card(self, action: ClaimedAction) -> Outcome:
        ticket = self.desk.ticket(TicketRef.from_payload(action.payload).ticket)
        if ticket is None or not ticket.card_channel or not ticket.card_ts:
            return Done(result={"updated": False})
        rendered = self.desk.card(ticket)
        self.runtime.port.call("chat.update", channel=ticket.card_channel, ts=ticket.card_ts, **rendered.as_kwargs())
        return Done(result={"updated": True})

    def do_confirm(self, action: ClaimedAction) -> Outcome:
        ticket = self.desk.ticket(TicketRef.from_payload(action.payload).ticket)
        if ticket is None or not ticket.channel or not ticket.thread_ts:
            return Failed(error="no_thread")
        language = self.runtime.language_for(ticket.requester)
        rendered = self.runtime.renderer.message(
            "tickets/confirmation",
            language,
            ticket=ticket_view(ticket),
            requester=mention(ticket.requester, "—") if ticket.requester else Mrkdwn(""),
        )
        data = self.runtime.port.call(
            "chat.postMessage",
            channel=ticket.channel,
            thread_ts=ticket.thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **rendered.as_kwargs(),
        )
        return Done(result={"ts": str(data.get("ts") or "")})

    def do_note(self, action: ClaimedAction) -> Outcome:
        note = Note.from_payload(action.payload)
        try:
            self.runtime.port.call(
                "chat.postEphemeral", channel=note.channel, user=note.user, text=note.text, thread_ts=note.thread_ts
            )
        except SlackApiError as error:
            if error.retryable:
                raise
            return Failed(error=error.code)
        return Done()
