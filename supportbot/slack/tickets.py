"""Tickets in Slack: the modal, the ways into it, the card agents work from, and the confirmation.

Ways to file a ticket, all ending in :meth:`TicketFeature.file` (one transaction: the row, its
outbox actions and the gap signal):

* the ``ticket_modal`` modal, opened by the 401 checklist's button (hook request
  ``OPEN_TICKET_MODAL`` with a pre-filled draft), by ``/support ticket``, and by the message
  shortcut "File support ticket" (agents; pre-filled from the message's error, never its text);
* a 🎫 reaction by an agent on a message in a support channel. Slack sends no trigger id with a
  reaction, so no form can open: the ticket is filed at once from what the message shows (its time,
  and the status, model, error text and masked key found in it). An agent who wants to review the
  fields first uses the shortcut instead.

``views.open`` is called directly (the trigger id lives three seconds); every message goes through
the outbox: the card in ``SUPPORTBOT_AGENT_CHANNEL``, updated in place as the ticket changes, the
confirmation in the customer's thread, ephemeral notes to agents. Card updates are chained one
after another so the last ``chat.update`` always shows the latest state.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.errors import SlackApiError, SlackError
from supportbot.slack.parse import message_from_event
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, Failed, Outcome
from supportbot.store import outbox
from supportbot.store import tickets as ticket_store
from supportbot.store.db import StoreError
from supportbot.store.outbox import ClaimedAction
from supportbot.tickets import fields as ticket_fields
from supportbot.tickets.model import (
    FIELD_NAMES,
    OPEN_TICKET_MODAL,
    TicketDraft,
    TicketFields,
    TicketModalRequest,
    validate_form,
)
from supportbot.tickets.prefill import Prefill, prefill_from_text
from supportbot.tickets.when import format_local, warm_up

_log = logging.getLogger(__name__)

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


def register(app: App, runtime: Runtime) -> None:
    feature = TicketFeature(runtime)
    runtime.hooks.answer(OPEN_TICKET_MODAL, feature.on_open_request)
    app.view(MODAL)(feature.on_submit)
    app.shortcut(SHORTCUT)(feature.on_shortcut)
    app.action(ASSIGN_ACTION)(feature.on_assign_click)
    app.action(CLOSE_ACTION)(feature.on_close_click)
    app.action(REOPEN_ACTION)(feature.on_reopen_click)
    runtime.events.on_event("reaction_added", "tickets.reaction", feature.on_reaction)
    for kind, handler in (
        (POST_CARD, feature.do_post_card),
        (UPDATE_CARD, feature.do_update_card),
        (CONFIRM, feature.do_confirm),
        (NOTE, feature.do_note),
        (FROM_REACTION, feature.do_from_reaction),
    ):
        runtime.worker.register(kind, handler)
    from supportbot.slack import ticket_commands  # noqa: PLC0415 - the commands module imports this one

    ticket_commands.register(runtime, feature)
    # The first time parse loads dateparser's data; do it now rather than inside a 3-second window.
    warm_up()


class TicketFeature:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # ------------------------------------------------------------------ the modal

    def on_open_request(self, request: TicketModalRequest) -> None:
        """The hook request other features use (the 401 checklist's "File a ticket" button)."""
        try:
            self.open_modal(request.trigger_id, request.user_id, request.draft)
        except SlackError as error:
            _log.warning("ticket form for a %s request not opened: %s", request.draft.source, error.code)

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

    def on_submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        runtime = self.runtime
        user = str((body.get("user") or {}).get("id") or "")
        language = runtime.language_for(user)
        tz = runtime.directory.timezone(user)
        values = _form_values(view)
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
        metadata = _metadata(view)
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
                self.file(session, result, filing)
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

    # ------------------------------------------------------------------ filing

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
            outbox.enqueue(session, POST_CARD, {"ticket": ticket.id}, now=now, group_key=group)
        else:
            _log.warning("ticket %s filed but SUPPORTBOT_AGENT_CHANNEL is not set: no card", ticket.id)
        if filing.channel and filing.thread_ts:
            outbox.enqueue(session, CONFIRM, {"ticket": ticket.id}, now=now)
        if filing.note_channel and filing.filed_by:
            self.enqueue_note(
                session,
                channel=filing.note_channel,
                user=filing.filed_by,
                text=self.result_text("filed", filing.filed_by, ticket=ticket.id),
            )
        runtime.hooks.emit(
            "gap_signal",
            session,
            GapSignal(
                kind="ticket",
                text=_gap_text(fields),
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
        payload = {"channel": channel, "user": user, "text": text, "thread_ts": thread_ts}
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
            {"ticket": ticket_id},
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

    # ------------------------------------------------------------------ shortcut and reaction

    def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        raw = body.get("message")
        raw_message: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if not runtime.roles.is_agent(user):
            _log.info("ticket shortcut refused for a non-agent")
            if channel:
                self.note(channel=channel, user=user, text=self.result_text("not_allowed", user))
            return
        message = message_from_event({**raw_message, "type": "message", "channel": channel})
        trigger = str(body.get("trigger_id") or "")
        if message is None or not trigger:
            return
        prefill = prefill_from_text("\n".join(part.text for part in message.texts()), runtime.scanner)
        tz = runtime.directory.timezone(user)
        draft = _draft(
            prefill,
            time=format_local(_ts_time(message.ts), tz),
            channel=channel,
            thread_ts=message.reply_thread_ts,
            requester=None if message.is_bot else message.user,
            source="shortcut",
        )
        try:
            self.open_modal(trigger, user, draft)
        except SlackError as error:
            _log.warning("ticket form from the shortcut not opened: %s", error.code)
            self.note(channel=channel, user=user, text=self.result_text("cannot_open", user))

    def on_reaction(self, context: EventContext) -> None:
        event = context.event
        raw = event.get("item")
        item: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        reactor = event.get("user")
        channel, ts = item.get("channel"), item.get("ts")
        if event.get("reaction") not in REACTIONS or item.get("type") != "message":
            return
        if not isinstance(reactor, str) or not isinstance(channel, str) or not isinstance(ts, str):
            return
        if not self.runtime.is_support_channel(channel):
            return
        if not self.runtime.roles.is_agent(reactor):
            _log.info("ticket reaction by a non-agent ignored")
            return
        payload = {"channel": channel, "ts": ts, "agent": reactor, "received_at": context.received_at.timestamp()}
        try:
            with self.runtime.transaction() as session:
                outbox.enqueue(
                    session, FROM_REACTION, payload, now=self.runtime.clock.now(), dedupe_key=_reaction_key(channel, ts)
                )
        except IntegrityError:
            _log.info("a ticket from this message is already on its way")

    def do_from_reaction(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        channel, ts, agent = str(payload["channel"]), str(payload["ts"]), str(payload["agent"])
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
            occurred_at=_ts_time(message.ts),
            model=prefill.model,
            status=prefill.status,
            error_text=prefill.error_text,
            masked_key_id=prefill.masked_key_id,
        )
        filing = Filing(
            submission_key=_reaction_key(channel, ts),
            source="reaction",
            filed_by=agent,
            requester=None if message.is_bot else message.user,
            channel=channel,
            thread_ts=message.reply_thread_ts,
        )

        def record(session: Session) -> None:
            self.file(session, fields, filing)

        return Done(result={"filed": True}, apply=record)

    # ------------------------------------------------------------------ card buttons

    def on_assign_click(self, ack: Ack, body: dict[str, Any]) -> None:
        self._on_card_click(ack, body, "assign")

    def on_close_click(self, ack: Ack, body: dict[str, Any]) -> None:
        self._on_card_click(ack, body, "close")

    def on_reopen_click(self, ack: Ack, body: dict[str, Any]) -> None:
        self._on_card_click(ack, body, "reopen")

    def _on_card_click(self, ack: Ack, body: dict[str, Any], what: str) -> None:
        ack()
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        ticket_id = _ticket_of(body)
        if ticket_id is None:
            return
        if not self.runtime.roles.is_agent(user):
            _log.info("ticket %s: %s refused for a non-agent", ticket_id, what)
            if channel:
                self.note(channel=channel, user=user, text=self.result_text("not_allowed", user))
            return
        outcome, who = self.change(ticket_id, what, by=user, assignee=user, only_if_unassigned=True)
        if outcome not in {"assigned", "closed", "reopened"} and channel:
            self.note(channel=channel, user=user, text=self.result_text(outcome, user, ticket=ticket_id, who=who))

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

    # ------------------------------------------------------------------ outbox handlers

    def do_post_card(self, action: ClaimedAction) -> Outcome:
        ticket_id = int(action.payload["ticket"])
        channel = self.runtime.settings.agent_channel
        ticket = self._ticket(ticket_id)
        if ticket is None or not channel:
            return Failed(error="no_ticket_or_channel")
        rendered = self.card(ticket)
        data = self.runtime.port.call("chat.postMessage", channel=channel, unfurl_links=False, **rendered.as_kwargs())
        posted = str(data.get("ts") or "")
        return Done(
            result={"ts": posted},
            apply=lambda session: ticket_store.set_card(session, ticket_id, channel=channel, ts=posted),
        )

    def do_update_card(self, action: ClaimedAction) -> Outcome:
        ticket = self._ticket(int(action.payload["ticket"]))
        if ticket is None or not ticket.card_channel or not ticket.card_ts:
            return Done(result={"updated": False})
        rendered = self.card(ticket)
        self.runtime.port.call("chat.update", channel=ticket.card_channel, ts=ticket.card_ts, **rendered.as_kwargs())
        return Done(result={"updated": True})

    def do_confirm(self, action: ClaimedAction) -> Outcome:
        ticket = self._ticket(int(action.payload["ticket"]))
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
        payload = action.payload
        try:
            self.runtime.port.call(
                "chat.postEphemeral",
                channel=str(payload["channel"]),
                user=str(payload["user"]),
                text=str(payload["text"]),
                thread_ts=payload.get("thread_ts") or None,
            )
        except SlackApiError as error:
            if error.retryable:
                raise
            return Failed(error=error.code)
        return Done()

    # ------------------------------------------------------------------ rendering

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
            "created": _utc(ticket.created_at),
            "closed_at": _utc(ticket.closed_at) if ticket.closed_at else "",
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

    def _ticket(self, ticket_id: int) -> ticket_store.Ticket | None:
        with self.runtime.store.session() as session:
            return ticket_store.get(session, ticket_id)


# ---------------------------------------------------------------------- helpers


def ticket_view(ticket: ticket_store.Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "state": ticket.state,
        "time": _utc(ticket.occurred_at),
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


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _ts_time(ts: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(UTC)


def _reaction_key(channel: str, ts: str) -> str:
    return f"reaction:{channel}:{ts}"


def _gap_text(fields: TicketFields) -> str:
    if fields.error_text:
        return fields.error_text
    parts = [f"HTTP {fields.status}" if fields.status else "", fields.model or ""]
    return " ".join(part for part in parts if part) or "ticket"


def _draft(
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


def _form_values(view: Mapping[str, Any]) -> dict[str, str]:
    state = (view.get("state") or {}).get("values") or {}
    values: dict[str, str] = {}
    for name in FIELD_NAMES:
        element = (state.get(name) or {}).get(INPUT_ACTION) or {}
        value = element.get("value") if isinstance(element, Mapping) else None
        values[name] = value if isinstance(value, str) else ""
    return values


def _metadata(view: Mapping[str, Any]) -> dict[str, str]:
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, str) and len(value) <= 64}


def _ticket_of(body: Mapping[str, Any]) -> int | None:
    actions = body.get("actions") or [{}]
    try:
        value = json.loads(actions[0].get("value") or "{}")
        return int(value.get("ticket"))
    except (TypeError, ValueError, AttributeError):
        return None
