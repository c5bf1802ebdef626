"""The revoke feature's outbox actions: ``leak.revoke`` (ask every revoker) and ``leak.revoke_notify``."""

from __future__ import annotations

import logging

from sqlmodel import Session

from supportbot.leaks.plan import incident_group
from supportbot.revoke import Revoker, RevokerUnavailable, combine
from supportbot.slack.errors import SlackUnavailable
from supportbot.slack.features.leaks.shared import tell_privately, update_card
from supportbot.slack.features.revoke.payloads import RevokeNotice, RevokeOrder
from supportbot.slack.features.revoke.shared import NOTIFY
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, Failed, FollowUp, Outcome
from supportbot.store import leaks as leak_store
from supportbot.store import revoke as revoke_store
from supportbot.store.outbox import ClaimedAction

_log = logging.getLogger(__name__)


class RevokeActions:
    def __init__(self, runtime: Runtime, revokers: list[Revoker]) -> None:
        self.runtime = runtime
        self.revokers = revokers

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
                update_card(session, incident, now=now)

        follow_ups = [FollowUp(NOTIFY, notify.to_payload(), group_key=incident_group(incident))] if notify else []
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
