"""The leads' weekly digest in ``SUPPORTBOT_LEADS_CHANNEL``, and ``/support digest`` to preview it.

Scheduling. A job on the runtime's scheduler runs every couple of minutes on every replica. Once
the week's due time has passed (``SUPPORTBOT_DIGEST_DAY`` at ``SUPPORTBOT_DIGEST_HOUR`` UTC), it
enqueues a ``digest.post`` outbox action under the unique key ``digest:<ISO week>``: the first
replica's insert wins, every other attempt hits the unique key and is a no-op, so the digest is
posted once per week however many replicas run and however often they restart. A replica that
knows the week's key is taken stops asking the database until the next week.

The action holds only the window; the figures are read and rendered when it runs (a retry after a
rate limit posts the same week's figures). The digest covers the seven days before the due time
and compares them with the seven days before that. With no leads' channel configured nothing is
scheduled.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App
from sqlalchemy.exc import IntegrityError

from supportbot.gaps.grouping import Window
from supportbot.gaps.weekly import Digest, DigestSchedule
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.router import CommandRequest
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done
from supportbot.store import dashboard, outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.chat import for_output
from supportbot.text.lang import Language

_log = logging.getLogger(__name__)

KIND = "digest.post"
GAPS_SHOWN = 5


def register(app: App, runtime: Runtime) -> None:
    digest = WeeklyDigest(runtime)
    runtime.worker.register(KIND, digest.post)
    runtime.scheduler.add("digest", digest.check)
    runtime.commands.add("digest", digest.preview, role="lead")


@dataclass(frozen=True)
class DigestPost:
    """The ``digest.post`` payload: where to post and the week it covers (ISO times in the JSON)."""

    channel: str
    window: Window

    def to_payload(self) -> dict[str, Any]:
        return {"channel": self.channel, "start": self.window.start.isoformat(), "end": self.window.end.isoformat()}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> DigestPost:
        start, end = datetime.fromisoformat(payload["start"]), datetime.fromisoformat(payload["end"])
        return cls(channel=payload["channel"], window=Window(start, end))


class WeeklyDigest:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.schedule = DigestSchedule(runtime.settings.digest_day, runtime.settings.digest_hour)
        self._taken: str | None = None  # the latest week's key known to be enqueued (by anyone)

    # -- scheduling ---------------------------------------------------------------------------------

    def check(self, now: datetime) -> bool:
        """Enqueue this week's digest if it is due and nobody did yet; True if this call did."""
        channel = self.runtime.settings.leads_channel
        if channel is None:
            return False
        due = self.schedule.due(now)
        if due is None or due.key == self._taken:
            return False
        enqueued = self._enqueue(due, channel, now)
        self._taken = due.key
        return enqueued

    def _enqueue(self, due: Digest, channel: str, now: datetime) -> bool:
        payload = DigestPost(channel, due.window).to_payload()
        try:
            with self.runtime.transaction() as session:
                outbox.enqueue(session, KIND, payload, now=now, dedupe_key=due.key)
        except IntegrityError:
            # Another replica (or this one before a restart) got there first: nothing to do.
            return False
        _log.info("weekly digest %s scheduled for %s", due.key, channel)
        return True

    # -- posting ------------------------------------------------------------------------------------

    def post(self, action: ClaimedAction) -> Done:
        digest = DigestPost.from_payload(action.payload)
        message = self.render(digest.window, self.runtime.settings.default_language, preview=False)
        data = self.runtime.port.call(
            "chat.postMessage", channel=digest.channel, unfurl_links=False, **message.as_kwargs()
        )
        return Done(result={"ts": data.get("ts")})

    def render(self, window: Window, language: Language, *, preview: bool) -> RenderedMessage:
        """The digest of ``window`` (the seven days it covers), compared with the seven days before."""
        runtime = self.runtime
        scrub = runtime.scrub
        with runtime.store.session() as session:
            figures = dashboard.overview(session, window, clean=lambda text: for_output(text, scrub), gaps=GAPS_SHOWN)
        context = figures.as_context()
        context["leakers"] = [
            {"user": mention(leaker.user_id, "—"), "count": leaker.count} for leaker in figures.leakers
        ]
        channel = runtime.settings.leads_channel
        return runtime.renderer.message(
            "digest/weekly",
            language,
            preview=preview,
            channel=Mrkdwn(f"<#{channel}>" if channel else ""),
            day=self.schedule.day,
            hour=self.schedule.hour,
            **context,
        )

    # -- /support digest ----------------------------------------------------------------------------

    def preview(self, request: CommandRequest) -> RenderedMessage:
        """The digest as it would read now: the last seven days, for the lead who asked."""
        language = self.runtime.language_for(request.user_id)
        window = Window.ending(self.runtime.clock.now(), timedelta(days=7))
        return self.render(window, language, preview=True)
