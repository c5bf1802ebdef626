"""The leak feature's event listeners: a message that holds a key, its arrival, its deletion by the author."""

from __future__ import annotations

from dataclasses import replace

from supportbot.keys import mask_text
from supportbot.leaks.decision import (
    deletion_decision,
    is_scannable_file,
)
from supportbot.leaks.payloads import RECHECK
from supportbot.leaks.plan import incident_group
from supportbot.slack.features.leaks.interception import Interceptor
from supportbot.slack.features.leaks.shared import update_card
from supportbot.slack.router import ArrivalScan, EventContext
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.text.messages import Message, TextPart


class LeakListeners:
    def __init__(self, runtime: Runtime, interceptor: Interceptor) -> None:
        self.runtime = runtime
        self.interceptor = interceptor

    def on_message(self, message: Message, context: EventContext) -> Message | None:
        scanned, context.arrival_scan = context.arrival_scan, None
        if scanned is not None and scanned.message is message:
            findings, extra = scanned.findings, scanned.extra
        else:
            findings, extra = self.interceptor.scan(message)
        files = [
            file
            for file in message.files
            if is_scannable_file(file.filetype, file.mimetype, file.name, file.mode, file.size)
        ]
        if files:
            self.interceptor.queue_file_scans(message, files, context.received_at)
        found = findings + [finding for _, part_findings in extra for finding in part_findings]
        if not found:
            return None
        masked_text = mask_text(message.text, findings) if findings else message.text
        revocable = self.interceptor.revocable([(message.text, findings), *((part.text, hits) for part, hits in extra)])
        result = self.interceptor.intercept(
            message,
            found,
            masked_text=masked_text,
            received_at=context.received_at,
            source="message",
            revocable=revocable,
        )
        context.leak_incident = result.incident_id
        if result.repost_action is not None:
            context.reply_after = result.repost_action
        masked_parts = tuple(
            TextPart(part.source, mask_text(part.text, part_findings)) if part_findings else part
            for part, part_findings in extra
        )
        return replace(message, text=masked_text, extra_texts=masked_parts)

    def on_arrival(self, message: Message, context: EventContext) -> None:
        """Start deleting a message that holds a key at once; :meth:`on_message` records it and does the rest."""
        runtime = self.runtime
        findings, extra = self.interceptor.scan(message)
        context.arrival_scan = ArrivalScan(message, findings, extra)  # scanned once: on_message takes these
        if not findings and not any(part_findings for _, part_findings in extra):
            return
        if deletion_decision(message, has_admin_token=runtime.port.has_admin, home_team=runtime.team_id).possible:
            runtime.prompt_deleter.submit(message.channel, message.ts)

    def on_message_deleted(self, context: EventContext) -> None:
        """The author (or an admin) removed a leaking message themselves: stop re-checking it."""
        event = context.event
        if event.get("subtype") != "message_deleted":
            return
        channel, ts = event.get("channel"), event.get("deleted_ts")
        if not isinstance(channel, str) or not isinstance(ts, str):
            return
        now = self.runtime.clock.now()
        with self.runtime.transaction() as session:
            incident = leak_store.find_incident(session, channel=channel, message_ts=ts, source="message")
            if incident is None or incident.id is None or incident.deletion == "deleted":
                return
            leak_store.update_incident(session, incident.id, now=now, deletion="removed_by_author")
            outbox.cancel_group(session, incident_group(incident.id), kinds=[RECHECK], now=now)
            if incident.alert_ts:
                update_card(session, incident.id, now=now)
