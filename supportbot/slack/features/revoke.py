"""Disabling a leaked key at its source: the outbox action, the "Disable this key now" button, offers.

    SUPPORTBOT_REVOKE=auto   leak recorded ──> leak.revoke (per key) ──> incident updated, author told
    SUPPORTBOT_REVOKE=ask    leak recorded ──> offer (digest kept ≤ 1 day)
                             author or agent presses leak_disable_key ──> leak.revoke ──> …

The leak interceptor takes each API key's SHA-256 where it found the key and announces the leak on
the ``leak_revocable`` hook; from then on only the digest exists. ``leak.revoke`` asks every
configured revoker (signed webhook, one-api/new-api database); one "disabled" is enough, "not
ours" needs all of them, and a revoker that cannot answer makes the action retry with backoff
until its attempts run out ("failed").
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from supportbot.config import Settings
from supportbot.render.templates import RenderedMessage
from supportbot.revoke import LeakToRevoke, RevocableKey, Revoker, RevokerUnavailable, combine
from supportbot.revoke.oneapi import OneApiRevoker
from supportbot.revoke.webhook import WebhookRevoker
from supportbot.slack.errors import SlackError, SlackUnavailable
from supportbot.slack.features.leaks.shared import UPDATE_CARD, tell_privately
from supportbot.slack.features.revoke_payloads import RevokeNotice, RevokeOrder
from supportbot.slack.hooks import LEAK_REVOCABLE
from supportbot.slack.interaction import Interaction
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, Failed, FollowUp, Outcome
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.store import revoke as revoke_store
from supportbot.store.outbox import ClaimedAction

_log = logging.getLogger(__name__)

REVOKE = "leak.revoke"
NOTIFY = "leak.revoke_notify"
BUTTON = "leak_disable_key"
# How long an unanswered "Disable this key now" stays possible (and the key's digest is kept for it).
OFFER_TTL = timedelta(hours=24)
# A revoker that stays unreachable is asked this many times (backoff doubles: about 8 minutes in all).
ATTEMPTS = 10


def register(app: App, runtime: Runtime) -> None:
    feature = register_actions(runtime)
    app.action(BUTTON)(feature.on_click)
    runtime.scheduler.add("revoke.expire_offers", feature.expire_offers)


def register_actions(runtime: Runtime) -> RevokeFeature:
    feature = RevokeFeature(runtime, build_revokers(runtime.settings))
    runtime.hooks.on(LEAK_REVOCABLE, feature.on_leak)
    runtime.worker.register(REVOKE, feature.do_revoke)
    runtime.worker.register(NOTIFY, feature.do_notify)
    return feature


def build_revokers(settings: Settings) -> list[Revoker]:
    revokers: list[Revoker] = []
    if settings.revoke_oneapi_database_url:
        revokers.append(
            OneApiRevoker(
                settings.revoke_oneapi_database_url,
                redis_url=settings.revoke_oneapi_redis_url,
                cache_secret=settings.revoke_oneapi_cache_secret,
            )
        )
    if settings.revoke_webhook_url and settings.revoke_webhook_secret:
        revokers.append(WebhookRevoker(settings.revoke_webhook_url, settings.revoke_webhook_secret))
    return revokers


class RevokeFeature:
    def __init__(self, runtime: Runtime, revokers: list[Revoker]) -> None:
        self.runtime = runtime
        self.revokers = revokers

    # ------------------------------------------------------------------ leak recorded (in its transaction)

    def on_leak(self, session: Session, leak: LeakToRevoke) -> None:
        mode = self.runtime.settings.revoke_mode
        if mode == "off" or not self.revokers or not leak.keys:
            return
        now = self.runtime.clock.now()
        if mode == "ask":
            revoke_store.offer(session, leak.incident, leak.keys, now=now, expires=now + OFFER_TTL)
            revoke_store.record(session, leak.incident, "offered", now=now)
            return
        for key in leak.keys:
            self._enqueue(session, leak.incident, key, leak=leak, requested_by="auto", now=now)
        revoke_store.record(session, leak.incident, "pending", now=now, requested_by="auto")

    def _enqueue(
        self,
        session: Session,
        incident: int,
        key: RevocableKey,
        *,
        leak: LeakToRevoke | None,
        requested_by: str,
        now: datetime,
        reply_channel: str | None = None,
    ) -> None:
        payload = RevokeOrder.of(incident, key, leak=leak, requested_by=requested_by, reply_channel=reply_channel)
        outbox.enqueue(
            session,
            REVOKE,
            payload.to_payload(),
            now=now,
            group_key=f"leak:{incident}",
            dedupe_key=f"revoke:{incident}:{key.key_id}",
            max_attempts=ATTEMPTS,
        )

    # ------------------------------------------------------------------ outbox

    def do_revoke(self, action: ClaimedAction) -> Outcome:
        order = RevokeOrder.from_payload(action.payload)
        incident = order.incident
        request = order.request()
        answers: dict[str, str | RevokerUnavailable] = {}
        for revoker in self.revokers:
            try:
                answers[revoker.name] = revoker.revoke(request)
            except RevokerUnavailable as error:
                answers[revoker.name] = error
        combined = combine(answers)
        if combined.outcome == "retry" and action.attempts < action.max_attempts:
            _log.info("revocation for leak %s: %s could not answer (%s)", incident, combined.revokers, combined.reason)
            # A SlackUnavailable is what the worker already retries with backoff (and counts as a retry).
            raise SlackUnavailable("revoke", combined.reason)
        outcome = "failed" if combined.outcome == "retry" else combined.outcome
        self.runtime.metrics.revocations.labels(outcome).inc()
        _log.info("revocation for leak %s: %s by %s", incident, outcome, ",".join(combined.revokers) or "-")
        now = self.runtime.clock.now()
        disabled_by = combined.revokers if outcome == "disabled" else ()
        notify = order.notice(outcome)

        def apply(session: Session) -> None:
            revoke_store.record(session, incident, outcome, now=now, revokers=disabled_by)
            found = session.get(leak_store.LeakIncident, incident)
            if found is not None and found.alert_ts:
                outbox.enqueue(session, UPDATE_CARD, {"incident": incident}, now=now, group_key=f"leak:{incident}")

        follow_ups = [FollowUp(NOTIFY, notify.to_payload(), group_key=f"leak:{incident}")] if notify else []
        if outcome == "failed":
            return Failed(
                error=combined.reason or "failed", result={"outcome": outcome}, apply=apply, follow_ups=follow_ups
            )
        return Done(result={"outcome": outcome}, apply=apply, follow_ups=follow_ups)

    def do_notify(self, action: ClaimedAction) -> Outcome:
        notice = RevokeNotice.from_payload(action.payload)
        to = notice.to
        language = "zh" if notice.lang == "zh" else self.runtime.language_for(to)
        rendered = self.runtime.renderer.message("leak/revoked", language, outcome=notice.outcome, masked=notice.masked)
        how = tell_privately(self.runtime, notice.channel, to, rendered, thread_ts=notice.thread_ts)
        return Done(result={"how": how})

    # ------------------------------------------------------------------ the button

    def on_click(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        interaction = Interaction.parse(body)
        user, channel = interaction.user, interaction.where
        incident_id = interaction.value_number("incident")
        if incident_id is None:
            return
        with runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
        if incident is None or not user or not channel:
            return
        language = runtime.language_for(user)
        if user != incident.author and not runtime.roles.is_agent(user):
            _log.info("leak %s: disable refused for someone who is neither the author nor an agent", incident_id)
            self._answer(channel, user, language, "refused", interaction.container_thread_ts)
            return
        now = runtime.clock.now()
        keys: list[RevocableKey] = []
        try:
            with runtime.transaction() as session:
                keys = revoke_store.take_offers(session, incident_id)
                leak = LeakToRevoke(
                    incident=incident_id,
                    channel=incident.channel,
                    thread_ts=incident.thread_ts,
                    author=incident.author,
                    leaked_at=incident.created_at,
                    keys=tuple(keys),
                )
                for key in keys:
                    self._enqueue(
                        session, incident_id, key, leak=leak, requested_by=user, now=now, reply_channel=channel
                    )
                if keys:
                    revoke_store.record(session, incident_id, "pending", now=now, requested_by=user)
                    if incident.alert_ts:
                        outbox.enqueue(
                            session, UPDATE_CARD, {"incident": incident_id}, now=now, group_key=f"leak:{incident_id}"
                        )
        except IntegrityError:
            keys = []  # a second click, at the same moment, elsewhere: that one asked
        if keys:
            state = "started"
        elif incident.revocation == "expired":
            state = "expired"
        else:
            state = "already"
        self._answer(
            channel,
            user,
            language,
            state,
            interaction.container_thread_ts,
            masked=", ".join(key.masked for key in keys),
        )

    def _answer(self, channel: str, user: str, language: str, state: str, thread_ts: str, *, masked: str = "") -> None:
        text = self.runtime.renderer.text("leak/revoke_click", language, state=state, masked=masked)  # type: ignore[arg-type]
        try:
            tell_privately(
                self.runtime, channel, user, RenderedMessage(text=text, blocks=[]), thread_ts=thread_ts or None
            )
        except SlackError as error:
            # Only the answer to a click is lost; what the click asked for is already in the outbox.
            _log.warning("could not answer a leak_disable_key click (%s)", error.code)

    # ------------------------------------------------------------------ periodic

    def expire_offers(self, now: datetime) -> None:
        with self.runtime.transaction() as session:
            for incident_id in revoke_store.expire_offers(session, now=now):
                found = session.get(leak_store.LeakIncident, incident_id)
                if found is not None and found.alert_ts:
                    outbox.enqueue(
                        session, UPDATE_CARD, {"incident": incident_id}, now=now, group_key=f"leak:{incident_id}"
                    )
