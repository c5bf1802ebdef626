"""What agents see of a leak: the alert card in the agents' channel and its "handled" button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from supportbot.keys import provider_info
from supportbot.leaks.payloads import RECHECK
from supportbot.leaks.plan import incident_group
from supportbot.render.templates import Mrkdwn, RenderedMessage
from supportbot.slack.errors import SlackError
from supportbot.slack.features.leaks.shared import someone, update_card
from supportbot.slack.interaction import Interaction
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import outbox


class AlertCards:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def alert_card(
        self, incident_id: int, *, state: str, reason: str, handled_by: str | None = None
    ) -> RenderedMessage:
        with self.runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
            keys = leak_store.keys_of(session, incident_id)
            history = leak_store.history(session, [key.key_id for key in keys])
        assert incident is not None
        permalink = ""
        try:
            permalink = str(
                self.runtime.port.call(
                    "chat.getPermalink", channel=incident.channel, message_ts=incident.message_ts
                ).get("permalink")
                or ""
            )
        except SlackError:
            permalink = ""
        seen = {key_id: item.times_seen_before for key_id, item in history.items() if item.times_seen_before > 1}
        first_seen = min((item.first_seen_at for item in history.values() if item.first_seen_at), default=None)
        return self.runtime.renderer.message(
            "leak/alert",
            self.runtime.settings.default_language,
            incident=incident_id,
            state=state,
            reason=reason,
            author=someone(incident.author),
            channel=Mrkdwn(f"<#{incident.channel}>") if not incident.channel.startswith("D") else Mrkdwn("a DM"),
            keys=[{"masked": key.masked, "provider": provider_info(key.provider).name} for key in keys],
            times_seen=max(seen.values(), default=1),
            first_seen=first_seen.strftime("%Y-%m-%d %H:%M UTC") if first_seen else "",
            permalink=permalink,
            is_file=incident.source.startswith("file:"),
            handled_by=someone(handled_by) if handled_by else Mrkdwn(""),
            revocation=incident.revocation or "",
            revoked_by=incident.revoked_by or "",
        )

    def on_handled_click(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        interaction = Interaction.parse(body)
        user = interaction.user
        incident_id = interaction.value_number("incident")
        if incident_id is None:
            return
        if not self.runtime.roles.is_agent(user):
            channel = interaction.channel
            language = self.runtime.language_for(user)
            if channel:
                self.runtime.port.call(
                    "chat.postEphemeral",
                    channel=channel,
                    user=user,
                    text=self.runtime.renderer.text("support/not_allowed", language, role="agent", subcommand="leaks"),
                )
            return
        now = self.runtime.clock.now()
        with self.runtime.transaction() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
            if incident is None or incident.handled_at is not None:
                return
            leak_store.update_incident(session, incident_id, now=now, handled_by=user, handled_at=now)
            outbox.cancel_group(session, incident_group(incident_id), kinds=[RECHECK], now=now)
            update_card(session, incident_id, now=now)
