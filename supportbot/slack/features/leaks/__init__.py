"""Leak interception: a full key pasted into Slack is deleted, masked, warned about and recorded.

Flow for a message holding a key, all decided in one transaction and carried out by the outbox:

    deletion possible            delete ──ok──> repost masked copy      (replies chain after it)
                                   │ └─────────> warn author (knows whether it worked)
                                   └─refused──> alert agents ──> re-check later ──> alert again
    deletion impossible          warn author, alert agents ──> re-check later ──> alert again

Files (snippets, ``.env``…) are fetched and scanned by an outbox action, then handled the same way
with ``files.delete``. The incident row never holds the key or the message text.

The parts: ``interception`` (the incident recorded, the core's plan written: ``supportbot/leaks/plan.py``,
payloads in ``supportbot/leaks/payloads.py``), ``listeners`` (events), ``actions`` (outbox),
``views`` (the agents' alert card and its button), ``commands`` (``/support leaks``); this module
registers them all.
"""

from __future__ import annotations

from slack_bolt import App

from supportbot.leaks.payloads import (
    ALERT,
    DELETE,
    RECHECK,
    REPOST,
    SCAN_FILE,
    UPDATE_CARD,
    WARN,
)
from supportbot.slack.features.leaks.actions import LeakActions
from supportbot.slack.features.leaks.commands import LeakCommands
from supportbot.slack.features.leaks.interception import Interceptor
from supportbot.slack.features.leaks.listeners import LeakListeners
from supportbot.slack.features.leaks.shared import HANDLED_ACTION
from supportbot.slack.features.leaks.views import AlertCards
from supportbot.slack.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    interceptor = register_actions(runtime)
    listeners = LeakListeners(runtime, interceptor)
    runtime.events.on_arrival("leaks.prompt_delete", listeners.on_arrival)
    # Fail closed: if this step fails, no later handler may see (or store) a message that holds a key.
    runtime.events.on_message("leaks", listeners.on_message, order=10, fail_closed=True)
    runtime.events.on_event("message", "leaks.deleted", listeners.on_message_deleted)
    app.action(HANDLED_ACTION)(AlertCards(runtime).on_handled_click)
    runtime.commands.add("leaks", LeakCommands(runtime).command_leaks, role="agent")


def register_actions(runtime: Runtime) -> Interceptor:
    """The outbox side alone (``supportbot sweep`` carries out actions without serving Slack)."""
    interceptor = Interceptor(runtime)
    actions = LeakActions(runtime, interceptor, AlertCards(runtime))
    for kind, handler in (
        (DELETE, actions.do_delete),
        (REPOST, actions.do_repost),
        (WARN, actions.do_warn),
        (ALERT, actions.do_alert),
        (RECHECK, actions.do_recheck),
        (SCAN_FILE, actions.do_scan_file),
        (UPDATE_CARD, actions.do_update_card),
    ):
        runtime.worker.register(kind, handler)
    return interceptor
