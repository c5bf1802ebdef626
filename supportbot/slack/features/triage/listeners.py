"""The checklist's message listener: a 401 report in a support channel or a DM starts a walk."""

from __future__ import annotations

import logging

from supportbot.slack.features.triage.payloads import StartWalk
from supportbot.slack.features.triage.walks import Walks
from supportbot.slack.replies import ReplyTarget, enqueue_reply
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.text.messages import Message
from supportbot.triage import Check, detect_report, diagnose

_log = logging.getLogger(__name__)


class TriageListeners:
    """Decides which messages are 401 reports the checklist takes."""

    def __init__(self, runtime: Runtime, walks: Walks) -> None:
        self.runtime = runtime
        self.walks = walks

    def on_message(self, message: Message, context: EventContext) -> None:
        runtime = self.runtime
        if message.user is None or message.is_bot or not message.text.strip():
            return
        if not runtime.is_support_channel(message.channel):
            return
        detection = detect_report(message.text)
        if not message.is_dm and (not detection.is_401 or runtime.roles.is_agent(message.user)):
            return
        checks: list[Check] | None = None
        if not detection.is_401:
            # A direct message to the bot: a paste in which the diagnosis names a cause counts too.
            checks = diagnose(message.text, runtime.settings, scrub=runtime.scrub)
            if not checks:
                return
        context.triage_took = True
        # Deciding to start is all that happens before Slack's acknowledgement; diagnosing, recording
        # the walk and posting follow from the outbox (chained after a masked repost, if any).
        incident = context.leak_incident
        payload = StartWalk(
            target=ReplyTarget.for_message(message, context),
            origin=message.ts,
            requester=message.user,
            text=message.text,  # the masked copy when a key was intercepted; cleared once started
            trigger="dm" if message.is_dm else "message",
            incident=incident if isinstance(incident, int) else None,
            received_at=context.received_at.timestamp(),
        )
        with runtime.transaction() as session:
            enqueue_reply(session, context, payload, now=runtime.clock.now())
