"""The ticket reaction: an agent's :ticket: on a message files a ticket from it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from supportbot.slack.features.tickets.desk import TicketDesk
from supportbot.slack.features.tickets.payloads import FromReaction
from supportbot.slack.features.tickets.shared import (
    FROM_REACTION,
    REACTIONS,
    reaction_key,
)
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.store import outbox

_log = logging.getLogger(__name__)


class TicketListeners:
    """Reactions that file tickets."""

    def __init__(self, runtime: Runtime, desk: TicketDesk) -> None:
        self.runtime = runtime
        self.desk = desk

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
        payload = FromReaction(channel, ts, reactor, received_at=context.received_at.timestamp()).to_payload()
        try:
            with self.runtime.transaction() as session:
                outbox.enqueue(
                    session, FROM_REACTION, payload, now=self.runtime.clock.now(), dedupe_key=reaction_key(channel, ts)
                )
        except IntegrityError:
            _log.info("a ticket from this message is already on its way")
