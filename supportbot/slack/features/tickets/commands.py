"""``/support`` subcommands for agents: tickets, ticket, assign, close, reopen, scan.

All are registered with ``role="agent"`` (leads are agents too), so the router refuses anyone else
before a handler runs. Replies are ephemeral and rendered from ``templates/*/tickets/``.
"""

from __future__ import annotations

from typing import Any

import regex

from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.errors import SlackError
from supportbot.slack.features.tickets.desk import TicketDesk
from supportbot.slack.features.tickets.shared import ticket_view
from supportbot.slack.router import CommandRequest
from supportbot.slack.runtime import Runtime
from supportbot.store import tickets as ticket_store
from supportbot.text.lang import Language
from supportbot.tickets import fields as ticket_fields
from supportbot.tickets.model import TicketDraft

LIST_LIMIT = 25
_FILTERS = {"open", "mine", "closed", "all"}
_NUMBER = regex.compile(r"^#?(\d{1,9})$")
_MENTION = regex.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
_USER_ID = regex.compile(r"^[UW][A-Z0-9]{2,}$")


def register(runtime: Runtime, desk: TicketDesk) -> None:
    commands = TicketCommands(runtime, desk)
    runtime.commands.add("tickets", commands.tickets, role="agent")
    runtime.commands.add("ticket", commands.ticket, role="agent")
    runtime.commands.add("assign", commands.assign, role="agent")
    runtime.commands.add("close", commands.close, role="agent")
    runtime.commands.add("reopen", commands.reopen, role="agent")
    runtime.commands.add("scan", commands.scan, role="agent")


class TicketCommands:
    def __init__(self, runtime: Runtime, desk: TicketDesk) -> None:
        self.runtime = runtime
        self.desk = desk

    def tickets(self, request: CommandRequest) -> RenderedMessage:
        which = request.args[0].lower() if request.args else "open"
        if which not in _FILTERS:
            return self._result(request, "usage_tickets")
        state: ticket_store.StateFilter = "open" if which == "mine" else which  # type: ignore[assignment]
        assignee = request.user_id if which == "mine" else None
        with self.runtime.store.session() as session:
            rows = ticket_store.listing(session, state=state, assignee=assignee, limit=LIST_LIMIT)
            total = len(rows) if len(rows) < LIST_LIMIT else ticket_store.count(session, state=state, assignee=assignee)
            counts = ticket_store.counts_by_state(session)
        items = [
            {
                "id": row.id,
                "state": row.state if row.state == "closed" or not row.assignee else "in progress",
                "status": row.status or "",
                "model": row.model or "",
                "key": row.masked_key_id or "",
                "assignee": mention(row.assignee, "—") if row.assignee else Mrkdwn("unassigned"),
                "time": ticket_view(row)["time"],
            }
            for row in rows
        ]
        text = self.runtime.renderer.text(
            "tickets/list", self._language(request), which=which, items=items, total=total, counts=counts
        )
        return RenderedMessage(text=text, blocks=[])

    def ticket(self, request: CommandRequest) -> RenderedMessage | None:
        if not request.args:
            return self._open_form(request)
        number = _number(request.args[0])
        if number is None or len(request.args) > 1:
            return self._result(request, "usage_ticket")
        with self.runtime.store.session() as session:
            found = ticket_store.get(session, number)
        if found is None:
            return self._result(request, "not_found", ticket=number)
        text = self.runtime.renderer.text(
            "tickets/detail", self._language(request), **self.desk.display(found, link=True)
        )
        return RenderedMessage(text=text, blocks=[])

    def _open_form(self, request: CommandRequest) -> RenderedMessage | None:
        if not request.trigger_id:
            return self._result(request, "cannot_open")
        try:
            self.desk.open_modal(
                request.trigger_id, request.user_id, TicketDraft(source="command"), note_channel=request.channel_id
            )
        except SlackError:
            return self._result(request, "cannot_open")
        return None

    def assign(self, request: CommandRequest) -> RenderedMessage:
        number = _number(request.args[0]) if request.args else None
        if number is None or len(request.args) > 2:
            return self._result(request, "usage_assign")
        target = request.user_id
        if len(request.args) == 2 and request.args[1].lower() not in {"me", "@me"}:
            resolved = self._user(request.args[1])
            if resolved is None:
                return self._result(request, "unknown_user")
            target = resolved
        if not self.runtime.roles.is_agent(target):
            return self._result(request, "not_agent", who=mention(target, "—"))
        outcome, who = self.desk.change(number, "assign", by=request.user_id, assignee=target)
        return self._result(request, outcome, ticket=number, who=who)

    def close(self, request: CommandRequest) -> RenderedMessage:
        number = _number(request.args[0]) if request.args else None
        if number is None:
            return self._result(request, "usage_close")
        typed = request.rest.split(None, 1)
        reason = ticket_fields.close_reason(typed[1], self.runtime.scanner) if len(typed) > 1 else None
        outcome, who = self.desk.change(number, "close", by=request.user_id, reason=reason)
        return self._result(request, outcome, ticket=number, who=who)

    def reopen(self, request: CommandRequest) -> RenderedMessage:
        number = _number(request.args[0]) if len(request.args) == 1 else None
        if number is None:
            return self._result(request, "usage_reopen")
        outcome, who = self.desk.change(number, "reopen", by=request.user_id)
        return self._result(request, outcome, ticket=number, who=who)

    def scan(self, request: CommandRequest) -> RenderedMessage:
        """Check some text before posting it: masked findings only, never the key; nothing stored."""
        text = request.rest
        scanner = self.runtime.scanner
        findings = scanner.find(text) if text else []
        masked = scanner.mask(text, findings)
        headers = bool(text) and scanner.scrub(text) != masked
        distinct: dict[str, dict[str, Any]] = {}
        for finding in findings:
            distinct.setdefault(finding.key_id, {"provider": finding.provider, "masked": finding.masked})
        rendered = self.runtime.renderer.text(
            "tickets/scan",
            self._language(request),
            empty=not text.strip(),
            safe=not findings and not headers,
            findings=list(distinct.values()),
            headers=headers,
        )
        return RenderedMessage(text=rendered, blocks=[])

    # ------------------------------------------------------------------ helpers

    def _user(self, typed: str) -> str | None:
        escaped = _MENTION.match(typed)
        if escaped:
            return escaped.group(1)
        if _USER_ID.match(typed):
            return typed
        return self.runtime.directory.user_id_for_name(typed)

    def _language(self, request: CommandRequest) -> Language:
        return self.runtime.language_for(request.user_id)

    def _result(
        self, request: CommandRequest, outcome: str, *, ticket: int = 0, who: Mrkdwn | None = None
    ) -> RenderedMessage:
        text = self.desk.result_text(outcome, request.user_id, ticket=ticket, who=who)
        return RenderedMessage(text=text, blocks=[])


def _number(text: str) -> int | None:
    match = _NUMBER.match(text.strip())
    return int(match.group(1)) if match else None
