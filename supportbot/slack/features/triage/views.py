"""The checklist's interactive side: its buttons, and the agents' "Start 401 checklist" shortcut."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack

from supportbot.slack.features.triage.shared import (
    MAX_WRITE_ATTEMPTS,
    Report,
    enqueue_redraw,
)
from supportbot.slack.features.triage.walks import Walks
from supportbot.slack.hooks import OPEN_TICKET_FORM
from supportbot.slack.interaction import Interaction
from supportbot.slack.runtime import Runtime
from supportbot.store import triage as walk_store
from supportbot.tickets.model import TicketDraft, TicketModalRequest
from supportbot.triage import checklist as machine
from supportbot.triage.checklist import ChecklistError, ChecklistState, Transition
from supportbot.triage.walk import (
    parse_value,
)

_log = logging.getLogger(__name__)


class TriageInteractions:
    """Clicks on the checklist's buttons and the shortcut that starts a walk."""

    def __init__(self, runtime: Runtime, walks: Walks) -> None:
        self.runtime = runtime
        self.walks = walks

    def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        interaction = Interaction.parse(body)
        agent, channel, message = interaction.user, interaction.channel, interaction.message
        ts = interaction.message_ts
        if not agent or not channel or not ts:
            return
        thread_ts = str(message.get("thread_ts") or ts)
        if not runtime.roles.is_agent(agent):
            self.walks.note(channel, agent, thread_ts, "shortcut_not_allowed", language=runtime.language_for(agent))
            return
        author = message.get("user") if isinstance(message.get("user"), str) else None
        if message.get("bot_id") or author == runtime.bot_user_id:
            author = None  # the bot's own message (e.g. a masked repost): no one to address
        raw = str(message.get("text") or "")
        findings = runtime.scanner.find(raw)
        text = runtime.scanner.mask(raw, findings) if findings else raw
        language = runtime.language_for(author, text) if author else runtime.language_for(agent, text)
        report = Report(
            channel=channel,
            origin=ts,
            thread_ts=thread_ts,
            requester=author,
            started_by=agent,
            trigger="shortcut",
            text=text,
            language=language,
            masked_key=findings[0].masked if findings else "",
        )
        started = self.walks.start(report)
        if not started.is_new:
            self.walks.note(channel, agent, thread_ts, "already_running", language=runtime.language_for(agent))

    def on_click(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        interaction = Interaction.parse(body)
        user, action_id, channel = interaction.user, interaction.action_id, interaction.where
        message_ts = interaction.message_ts
        try:
            walk_id, walk_number, step = parse_value(interaction.action_value)
        except ChecklistError:
            return
        with runtime.store.session() as session:
            row = walk_store.get_walk(session, walk_id)
        if row is None or row.channel != channel or (row.step_ts is not None and row.step_ts != message_ts):
            return  # not a button of ours (or a forged value pointing at another thread's walk)
        thread = row.posted_thread_ts or row.thread_ts
        if row.requester and user != row.requester and not runtime.roles.is_agent(user):
            self.walks.note(
                channel, user, thread, "not_yours", language=runtime.language_for(user), requester=row.requester
            )
            return
        now = runtime.clock.now()
        transition: Transition | None = None
        previous: ChecklistState | None = None
        for _ in range(MAX_WRITE_ATTEMPTS):
            previous = row.checklist()
            transition = machine.apply(previous, action_id, step=step, at=now.timestamp(), walk=walk_number)
            if not transition.changed:
                break
            with runtime.transaction() as session:
                won = walk_store.save_state(
                    session, walk_id, expected_version=row.version, state=transition.state, now=now
                )
                if won:
                    enqueue_redraw(session, walk_id, now=now)
                    if transition.effect == "exhausted":
                        self.walks.signal_gap(session, row, transition.state, now=now)
            if won:
                break
            with runtime.store.session() as session:
                reloaded = walk_store.get_walk(session, walk_id)
            assert reloaded is not None
            row = reloaded
        else:
            _log.warning("walk %s: gave up applying a click after %d conflicts", walk_id, MAX_WRITE_ATTEMPTS)
            return
        assert transition is not None
        assert previous is not None
        if not transition.changed:
            if transition.note in {"finished", "other_walk"}:
                self.walks.note(channel, user, thread, "walk_over", language=runtime.language_for(user))
            return
        _log.info("walk %s: %s on %s -> %s", walk_id, action_id, step, transition.effect)
        if transition.effect == "open_ticket":
            self._open_ticket(row, transition.state, previous, user=user, trigger_id=interaction.trigger_id)

    def _open_ticket(
        self,
        row: walk_store.TriageWalk,
        state: ChecklistState,
        previous: ChecklistState,
        *,
        user: str,
        trigger_id: str,
    ) -> None:
        runtime = self.runtime
        assert row.id is not None
        thread = row.posted_thread_ts or row.thread_ts
        draft = TicketDraft(
            time=row.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            model=row.error_model,
            status=row.error_status,
            error_text=row.error_text,
            masked_key_id=row.masked_key,
            channel=row.channel,
            thread_ts=thread,
            requester=row.requester,
            source="triage",
        )
        answered = runtime.hooks.request(
            OPEN_TICKET_FORM, TicketModalRequest(trigger_id=trigger_id, user_id=user, draft=draft)
        )
        now = runtime.clock.now()
        with runtime.transaction() as session:
            if answered:
                self.walks.signal_gap(session, row, state, now=now)
                return
            # No tickets feature here: the walk goes on as if the button had not been pressed.
            restored = replace(previous, version=state.version + 1)
            if walk_store.save_state(session, row.id, expected_version=state.version, state=restored, now=now):
                enqueue_redraw(session, row.id, now=now)
        self.walks.note(row.channel, user, thread, "no_tickets", language=runtime.language_for(user))
