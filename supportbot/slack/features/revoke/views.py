"""The "Disable this key now" button (``leak_disable_key``): the author or an agent asks for a revocation."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from sqlalchemy.exc import IntegrityError

from supportbot.render.templates import RenderedMessage
from supportbot.revoke import LeakToRevoke, RevocableKey
from supportbot.slack.errors import SlackError
from supportbot.slack.features.leaks.shared import tell_privately, update_card
from supportbot.slack.features.revoke.shared import enqueue_order
from supportbot.slack.interaction import Interaction
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import revoke as revoke_store

_log = logging.getLogger(__name__)


class RevokeButton:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def on_click(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        interaction = Interaction.parse(body)
        user, channel = interaction.user, interaction.where
        incident_id = interaction.value_number("incident")
        if incident_id is None:
            return
        with runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
        if incident is None or not user or not channel:
            return
        language = runtime.language_for(user)
        if user != incident.author and not runtime.roles.is_agent(user):
            _log.info("leak %s: disable refused for someone who is neither the author nor an agent", incident_id)
            self._answer(channel, user, language, "refused", interaction.container_thread_ts)
            return
        now = runtime.clock.now()
        keys: list[RevocableKey] = []
        try:
            with runtime.transaction() as session:
                keys = revoke_store.take_offers(session, incident_id)
                leak = LeakToRevoke(
                    incident=incident_id,
                    channel=incident.channel,
                    thread_ts=incident.thread_ts,
                    author=incident.author,
                    leaked_at=incident.created_at,
                    keys=tuple(keys),
                )
                for key in keys:
                    enqueue_order(
                        session, incident_id, key, leak=leak, requested_by=user, now=now, reply_channel=channel
                    )
                if keys:
                    revoke_store.record(session, incident_id, "pending", now=now, requested_by=user)
                    if incident.alert_ts:
                        update_card(session, incident_id, now=now)
        except IntegrityError:
            keys = []  # a second click, at the same moment, elsewhere: that one asked
        if keys:
            state = "started"
        elif incident.revocation == "expired":
            state = "expired"
        else:
            state = "already"
        self._answer(
            channel,
            user,
            language,
            state,
            interaction.container_thread_ts,
            masked=", ".join(key.masked for key in keys),
        )

    def _answer(self, channel: str, user: str, language: str, state: str, thread_ts: str, *, masked: str = "") -> None:
        text = self.runtime.renderer.text("leak/revoke_click", language, state=state, masked=masked)  # type: ignore[arg-type]
        try:
            tell_privately(
                self.runtime, channel, user, RenderedMessage(text=text, blocks=[]), thread_ts=thread_ts or None
            )
        except SlackError as error:
            # Only the answer to a click is lost; what the click asked for is already in the outbox.
            _log.warning("could not answer a leak_disable_key click (%s)", error.code)
