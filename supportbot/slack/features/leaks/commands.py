"""``/support leaks [period]``: recent leak incidents and the people who leak keys again and again."""

from __future__ import annotations

from supportbot.render.templates import Mrkdwn, RenderedMessage
from supportbot.slack.features.leaks.shared import (
    someone,
)
from supportbot.slack.router import CommandRequest
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.text.periods import parse_period
from supportbot.text.scrub import echo


class LeakCommands:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def command_leaks(self, request: CommandRequest) -> RenderedMessage:
        language = self.runtime.language_for(request.user_id)
        period_text = request.args[0] if request.args else "7d"
        try:
            period = parse_period(period_text)
        except ValueError:
            return RenderedMessage(
                text=self.runtime.renderer.text(
                    "leak/bad_period", language, value=echo(period_text, self.runtime.scanner)
                ),
                blocks=[],
            )
        since = self.runtime.clock.now() - period
        with self.runtime.store.session() as session:
            rows = leak_store.recent(session, since=since, limit=30)
            repeaters = leak_store.repeat_leakers(session, since=since)
        items = [
            {
                "when": incident.created_at.strftime("%m-%d %H:%M"),
                "channel": Mrkdwn(f"<#{incident.channel}>") if not incident.channel.startswith("D") else Mrkdwn("DM"),
                "author": someone(incident.author),
                "found": ", ".join(f"{key.provider} {key.masked}" for key in keys),
                "deletion": incident.deletion,
                "handled": bool(incident.handled_at),
                "revocation": incident.revocation or "",
            }
            for incident, keys in rows
        ]
        text = self.runtime.renderer.text(
            "leak/list",
            language,
            period=period_text,
            items=items,
            repeaters=[{"author": someone(author), "count": count} for author, count in repeaters],
        )
        return RenderedMessage(text=text, blocks=[])
