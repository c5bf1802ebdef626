"""The App Home tab: an overview for team leads, a smaller desk for agents, a welcome for customers.

Opening the tab sends ``app_home_opened``. The event handler only enqueues a ``home.publish``
outbox action naming the person (one small insert: Slack is answered at once, and the role
lookup, which may ask Slack for a user group's members, happens off the request path). The outbox
worker then reads the figures and calls ``views.publish``; it retries on rate limits like every
other Web API call, but only a few times, since a home that is minutes late is worth little (the
next opening publishes a fresh one anyway).

What each role sees (in the viewer's Slack language):

* leads: the last 7 days against the 7 before: top FAQ gaps with counts and trend, the 401
  checklist's outcomes by the step each walk ended at, key leaks and repeat leakers, tickets open
  and filed. Gap titles and examples were scrubbed when stored and are scrubbed again here.
* agents who are not leads: their open tickets (safe fields only) and the week's leak count.
* everyone else: what the bot does and how to use it; never any figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App

from supportbot.gaps.grouping import Window
from supportbot.render.templates import mention
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done
from supportbot.store import dashboard, outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.chat import for_output

KIND = "home.publish"
WINDOW = timedelta(days=7)
#: Gaps listed on a lead's home (one block each, within the 100 a Home tab may hold).
GAPS_SHOWN = 5
TICKETS_SHOWN = 10
_ATTEMPTS = 3


def register(app: App, runtime: Runtime) -> None:
    home = HomeTab(runtime)
    runtime.events.on_event("app_home_opened", "home", home.on_opened)
    runtime.worker.register(KIND, home.publish)


@dataclass(frozen=True)
class HomePublish:
    """The ``home.publish`` payload: whose Home tab to publish (None when the stored row holds no user)."""

    user: str | None

    def to_payload(self) -> dict[str, Any]:
        return {"user": self.user}

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> HomePublish:
        user = payload.get("user")
        return cls(user if isinstance(user, str) else None)


class HomeTab:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def on_opened(self, context: EventContext) -> None:
        event = context.event
        user = event.get("user")
        # The same event comes for the Messages tab; only the Home tab has a view to publish.
        if not isinstance(user, str) or event.get("tab", "home") != "home":
            return
        with self.runtime.transaction() as session:
            outbox.enqueue(
                session, KIND, HomePublish(user).to_payload(), now=self.runtime.clock.now(), max_attempts=_ATTEMPTS
            )

    def publish(self, action: ClaimedAction) -> Done:
        user = HomePublish.from_payload(action.payload).user
        if user is None:
            return Done()
        self.runtime.port.call("views.publish", user_id=user, view=self.view_for(user))
        return Done()

    def view_for(self, user_id: str) -> dict[str, Any]:
        """The Home view ``user_id`` may see."""
        runtime = self.runtime
        language = runtime.language_for(user_id)
        now = runtime.clock.now()
        window = Window.ending(now, WINDOW)
        if runtime.roles.is_lead(user_id):
            clean = runtime.scrub
            with runtime.store.session() as session:
                figures = dashboard.overview(
                    session, window, clean=lambda text: for_output(text, clean), gaps=GAPS_SHOWN
                )
            context = figures.as_context()
            context["leakers"] = [
                {"user": mention(leaker.user_id, "—"), "count": leaker.count} for leaker in figures.leakers
            ]
            return runtime.renderer.view("home/lead", language, updated=now, **context)
        if runtime.roles.is_agent(user_id):
            with runtime.store.session() as session:
                desk = dashboard.agent_overview(session, user_id, window, limit=TICKETS_SHOWN)
            return runtime.renderer.view(
                "home/agent",
                language,
                updated=now,
                assigned=[
                    {
                        "id": ticket.id,
                        "status": ticket.status,
                        "model": ticket.model,
                        "key": ticket.masked_key_id,
                        "created": ticket.created_at,
                    }
                    for ticket in desk.assigned
                ],
                assigned_total=desk.assigned_total,
                tickets_open=desk.tickets_open,
                unassigned=desk.unassigned,
                leaks=desk.leaks,
                keys_disabled=desk.keys_disabled,
            )
        return runtime.renderer.view("home/customer", language)
