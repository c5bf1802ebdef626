"""``/support triage [pasted text]``: start a walk in a new thread of this channel."""

from __future__ import annotations

import uuid

from supportbot.render.templates import RenderedMessage
from supportbot.slack.features.triage.shared import (
    Report,
)
from supportbot.slack.features.triage.walks import Walks
from supportbot.slack.router import CommandRequest
from supportbot.slack.runtime import Runtime


class TriageCommands:
    """The ``/support triage`` subcommand."""

    def __init__(self, runtime: Runtime, walks: Walks) -> None:
        self.runtime = runtime
        self.walks = walks

    def command_triage(self, request: CommandRequest) -> RenderedMessage:
        runtime = self.runtime
        raw = request.rest
        findings = runtime.scanner.find(raw) if raw else []
        text = runtime.scanner.mask(raw, findings) if findings else raw
        language = runtime.language_for(request.user_id, text)
        if not runtime.is_support_channel(request.channel_id):
            return RenderedMessage(text=runtime.renderer.text("triage/command_elsewhere", language), blocks=[])
        report = Report(
            channel=request.channel_id,
            origin=f"cmd:{request.trigger_id or uuid.uuid4().hex}"[:64],
            thread_ts=None,
            requester=request.user_id,
            started_by=request.user_id,
            trigger="command",
            text=text,
            language=language,
            masked_key=findings[0].masked if findings else "",
        )
        self.walks.start(report)
        return RenderedMessage(
            text=runtime.renderer.text("triage/command_started", language, pasted=bool(text.strip())), blocks=[]
        )
