"""The ticket modal's ways in and its submission, and the buttons on the agents' ticket card."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from sqlalchemy.exc import OperationalError

from supportbot.slack.errors import SlackError
from supportbot.slack.features.tickets.desk import TicketDesk
from supportbot.slack.features.tickets.shared import (
    Filing,
    form_values,
    initial_draft,
    ts_time,
    view_metadata,
)
from supportbot.slack.interaction import Interaction
from supportbot.slack.parse import message_from_event
from supportbot.slack.runtime import Runtime
from supportbot.store.db import StoreError
from supportbot.tickets.model import (
    TicketModalRequest,
    validate_form,
)
from supportbot.tickets.prefill import prefill_from_text
from supportbot.tickets.when import format_local

_log = logging.getLogger(__name__)


class TicketViews:
    """The modal (hook, shortcut, submission) and the card's assign/close/reopen buttons."""

    def __init__(self, runtime: Runtime, desk: TicketDesk) -> None:
        self.runtime = runtime
        self.desk = desk

    def on_open_request(self, request: TicketModalRequest) -> None:
        """The hook request other features use (the 401 checklist's "File a ticket" button)."""
        try:
            self.desk.open_modal(request.trigger_id, request.user_id, request.draft)
        except SlackError as error:
            _log.warning("ticket form for a %s request not opened: %s", request.draft.source, error.code)

    def on_submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        runtime = self.runtime
        user = Interaction.parse(body).user
        language = runtime.language_for(user)
        tz = runtime.directory.timezone(user)
        values = form_values(view)
        result = validate_form(values, scanner=runtime.scanner, now=runtime.clock.now(), tz=tz)
        if isinstance(result, list):
            errors = {
                problem.field: str(
                    runtime.renderer.text("tickets/field_error", language, code=problem.code, tz_name=str(tz))
                )
                for problem in result
            }
            ack(response_action="errors", errors=errors)
            return
        metadata = view_metadata(view)
        source = metadata.get("source") if metadata.get("source") in {"triage", "command", "shortcut"} else "command"
        filing = Filing(
            submission_key=f"view:{view.get('id') or ''}",
            source=str(source),
            filed_by=user or None,
            requester=metadata.get("requester"),
            channel=metadata.get("channel"),
            thread_ts=metadata.get("thread_ts"),
            note_channel=metadata.get("note_channel"),
        )
        try:
            with runtime.transaction() as session:
                self.desk.file(session, result, filing)
        except (OperationalError, StoreError):
            _log.warning("ticket not saved: the database is busy or unreachable")
            ack(
                response_action="errors",
                errors={
                    "time": str(runtime.renderer.text("tickets/field_error", language, code="save_failed", tz_name=""))
                },
            )
            return
        ack()

    def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        interaction = Interaction.parse(body)
        user, channel, raw_message = interaction.user, interaction.channel, interaction.message
        if not runtime.roles.is_agent(user):
            _log.info("ticket shortcut refused for a non-agent")
            if channel:
                self.desk.note(channel=channel, user=user, text=self.desk.result_text("not_allowed", user))
            return
        message = message_from_event({**raw_message, "type": "message", "channel": channel})
        trigger = interaction.trigger_id
        if message is None or not trigger:
            return
        prefill = prefill_from_text("\n".join(part.text for part in message.texts()), runtime.scanner)
        tz = runtime.directory.timezone(user)
        draft = initial_draft(
            prefill,
            time=format_local(ts_time(message.ts), tz),
            channel=channel,
            thread_ts=message.reply_thread_ts,
            requester=None if message.is_bot else message.user,
            source="shortcut",
        )
        try:
            self.desk.open_modal(trigger, user, draft)
        except SlackError as error:
            _log.warning("ticket form from the shortcut not opened: %s", error.code)
            self.desk.note(channel=channel, user=user, text=self.desk.result_text("cannot_open", user))

    def on_assign_click(self, ack: Ack, body: dict[str, Any]) -> None:
        self._on_card_click(ack, body, "assign")

    def on_close_click(self, ack: Ack, body: dict[str, Any]) -> None:
        self._on_card_click(ack, body, "close")

    def on_reopen_click(self, ack: Ack, body: dict[str, Any]) -> None:
        self._on_card_click(ack, body, "reopen")

    def _on_card_click(self, ack: Ack, body: dict[str, Any], what: str) -> None:
        ack()
        interaction = Interaction.parse(body)
        user, channel = interaction.user, interaction.channel
        ticket_id = interaction.value_number("ticket")
        if ticket_id is None:
            return
        if not self.runtime.roles.is_agent(user):
            _log.info("ticket %s: %s refused for a non-agent", ticket_id, what)
            if channel:
                self.desk.note(channel=channel, user=user, text=self.desk.result_text("not_allowed", user))
            return
        outcome, who = self.desk.change(ticket_id, what, by=user, assignee=user, only_if_unassigned=True)
        if outcome not in {"assigned", "closed", "reopened"} and channel:
            self.desk.note(
                channel=channel, user=user, text=self.desk.result_text(outcome, user, ticket=ticket_id, who=who)
            )
