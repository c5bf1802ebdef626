"""Disabling a leaked key at its source: the outbox action, the "Disable this key now" button, offers.

    SUPPORTBOT_REVOKE=auto   leak recorded ──> leak.revoke (per key) ──> incident updated, author told
    SUPPORTBOT_REVOKE=ask    leak recorded ──> offer (digest kept ≤ 1 day)
                             author or agent presses leak_disable_key ──> leak.revoke ──> …

The leak interceptor takes each API key's SHA-256 where it found the key and announces the leak on
the ``leak_revocable`` hook; from then on only the digest exists. ``leak.revoke`` asks every
configured revoker (signed webhook, one-api/new-api database); one "disabled" is enough, "not
ours" needs all of them, and a revoker that cannot answer makes the action retry with backoff
until its attempts run out ("failed").

The parts: ``listeners`` (the leak hook, offers running out), ``actions`` (outbox), ``views`` (the
button), ``payloads`` (the outbox kinds' dataclasses), ``shared`` (kinds, limits, enqueueing); this
module registers them all.
"""

from __future__ import annotations

from slack_bolt import App

from supportbot.slack.features.revoke.actions import RevokeActions
from supportbot.slack.features.revoke.listeners import RevokeListeners
from supportbot.slack.features.revoke.shared import BUTTON, NOTIFY, REVOKE, build_revokers
from supportbot.slack.features.revoke.views import RevokeButton
from supportbot.slack.hooks import LEAK_REVOCABLE
from supportbot.slack.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    listeners = register_actions(runtime)
    app.action(BUTTON)(RevokeButton(runtime).on_click)
    runtime.scheduler.add("revoke.expire_offers", listeners.expire_offers)


def register_actions(runtime: Runtime) -> RevokeListeners:
    """The leak hook and the outbox side; the button and the offers' expiry are added by :func:`register`."""
    revokers = build_revokers(runtime.settings)
    listeners = RevokeListeners(runtime, revokers)
    actions = RevokeActions(runtime, revokers)
    runtime.hooks.on(LEAK_REVOCABLE, listeners.on_leak)
    runtime.worker.register(REVOKE, actions.do_revoke)
    runtime.worker.register(NOTIFY, actions.do_notify)
    return listeners
