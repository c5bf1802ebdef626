"""

The parts: ``desk`` (filing and changing tickets, the modal, the card), ``views`` (the modal's
ways in and the card's buttons), ``listeners`` (the :ticket: reaction), ``actions`` (outbox),
``commands`` (``/support tickets|ticket|assign|close|reopen|scan``); this module registers them all.
"""

from __future__ import annotations

from slack_bolt import App

from supportbot.slack.features.tickets import commands
from supportbot.slack.features.tickets.actions import TicketActions
from supportbot.slack.features.tickets.desk import TicketDesk
from supportbot.slack.features.tickets.listeners import TicketListeners
from supportbot.slack.features.tickets.shared import (
    ASSIGN_ACTION,
    CLOSE_ACTION,
    CONFIRM,
    FROM_REACTION,
    MODAL,
    NOTE,
    POST_CARD,
    REOPEN_ACTION,
    SHORTCUT,
    UPDATE_CARD,
)
from supportbot.slack.features.tickets.views import TicketViews
from supportbot.slack.hooks import OPEN_TICKET_FORM
from supportbot.slack.runtime import Runtime
from supportbot.tickets.when import warm_up


def register(app: App, runtime: Runtime) -> None:
    desk = TicketDesk(runtime)
    views = TicketViews(runtime, desk)
    runtime.hooks.answer(OPEN_TICKET_FORM, views.on_open_request)
    app.view(MODAL)(views.on_submit)
    app.shortcut(SHORTCUT)(views.on_shortcut)
    app.action(ASSIGN_ACTION)(views.on_assign_click)
    app.action(CLOSE_ACTION)(views.on_close_click)
    app.action(REOPEN_ACTION)(views.on_reopen_click)
    runtime.events.on_event("reaction_added", "tickets.reaction", TicketListeners(runtime, desk).on_reaction)
    actions = TicketActions(runtime, desk)
    for kind, handler in (
        (POST_CARD, actions.do_post_card),
        (UPDATE_CARD, actions.do_update_card),
        (CONFIRM, actions.do_confirm),
        (NOTE, actions.do_note),
        (FROM_REACTION, actions.do_from_reaction),
    ):
        runtime.worker.register(kind, handler)
    commands.register(runtime, desk)
    # The first time parse loads dateparser's data; do it now rather than inside a 3-second window.
    warm_up()
