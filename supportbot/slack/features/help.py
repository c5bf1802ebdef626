"""``/support help``: what this person may do, each line from its own template."""

from __future__ import annotations

from slack_bolt import App

from supportbot.render.templates import RenderedMessage
from supportbot.slack.router import CommandRequest
from supportbot.slack.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    def show_help(request: CommandRequest) -> RenderedMessage:
        language = runtime.language_for(request.user_id)
        is_agent = runtime.roles.is_agent(request.user_id)
        is_lead = runtime.roles.is_lead(request.user_id)
        lines = [
            runtime.renderer.text(f"help/{spec.name}", language)
            for spec in runtime.commands.specs()
            if spec.role == "anyone" or (spec.role == "agent" and is_agent) or (spec.role == "lead" and is_lead)
        ]
        text = runtime.renderer.text(
            "support/help", language, lines=lines, is_agent=is_agent, configured=bool(runtime.settings.agents)
        )
        return RenderedMessage(text=text, blocks=[])

    runtime.commands.add("help", show_help, role="anyone", aliases=("?",))
