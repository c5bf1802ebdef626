"""The 401 checklist in Slack: diagnose what the customer pasted, then walk them through it with buttons.

Starting points, all ending in one walk row and one bot message in the report's thread:

* a 401 report in a support channel (not from an agent: agents use the shortcut);
* a direct message to the bot that reads as a 401 report *or* in which the diagnosis names a cause
  (someone who writes to the bot directly with a curl command or an error body wants help with it);
* the agents' message shortcut "Start 401 checklist" (walks the message's author, in its thread);
* ``/support triage [pasted text]``: slash commands carry no thread, so the bot starts a new thread
  in that channel (its own message) and the walk lives there.

The bot's checklist message is posted once and then edited in place (``chat.update`` through the
outbox) as the customer clicks, so it always shows the diagnosis, which check is on screen, and
which are done. Clicks are applied to the stored state machine with an optimistic write: of two
clicks at once one wins, and the loser is re-applied to the winner's state (a double click on
"next" then reads as a click on a step that is no longer shown, and is ignored).

The parts: ``walks`` (starting a walk, notes, the checklist message), ``listeners`` (messages),
``actions`` (outbox), ``views`` (buttons and the shortcut), ``commands`` (``/support triage``);
the pure values (button values, stored diagnosis, gap line) live in :mod:`supportbot.triage.walk`.
This module registers them all.
"""

from __future__ import annotations

from slack_bolt import App

from supportbot.slack.features.triage.actions import TriageActions
from supportbot.slack.features.triage.commands import TriageCommands
from supportbot.slack.features.triage.listeners import TriageListeners
from supportbot.slack.features.triage.shared import BUTTONS, NOTE, PROBE, RENDER, SHORTCUT, START, Probe
from supportbot.slack.features.triage.views import TriageInteractions
from supportbot.slack.features.triage.walks import Walks
from supportbot.slack.runtime import Runtime


def register(app: App, runtime: Runtime, *, probe: Probe | None = None) -> None:
    walks = Walks(runtime, probe=probe)
    runtime.events.on_message("triage", TriageListeners(runtime, walks).on_message, order=30)
    actions = TriageActions(runtime, walks)
    runtime.worker.register(START, actions.do_start)
    runtime.worker.register(RENDER, actions.do_render)
    runtime.worker.register(NOTE, actions.do_note)
    runtime.worker.register(PROBE, actions.do_probe)
    interactions = TriageInteractions(runtime, walks)
    for action_id in BUTTONS:
        app.action(action_id)(interactions.on_click)
    app.shortcut(SHORTCUT)(interactions.on_shortcut)
    runtime.commands.add("triage", TriageCommands(runtime, walks).command_triage, role="anyone")
