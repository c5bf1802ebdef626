"""Intercepting a key: record the incident and enqueue its deletion, repost, warning and alert in one go."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.keys import Finding
from supportbot.leaks.decision import deletion_decision
from supportbot.leaks.payloads import DELETE, REPOST
from supportbot.leaks.plan import PlannedAction, edit_needs_telling, plan_edit, plan_file_scans, plan_interception
from supportbot.revoke import LeakToRevoke, RevocableKey, key_digests
from supportbot.slack.features.leaks.shared import (
    FileLeak,
    Interception,
    distinct_keys,
    repeat_summary,
)
from supportbot.slack.hooks import GAP_SIGNAL, LEAK_REVOCABLE
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.text.messages import Message, TextPart

_log = logging.getLogger(__name__)


class Interceptor:
    """Decides and records what happens to a message or file that holds a key."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def intercept(
        self,
        message: Message,
        findings: Sequence[Finding],
        *,
        masked_text: str,
        received_at: datetime,
        source: str,
        file: FileLeak | None = None,
        session: Session | None = None,
        revocable: dict[str, RevocableKey] | None = None,
    ) -> Interception:
        """Record the incident and queue every action for it in one transaction (idempotent).

        ``session`` lets a caller that is already in a transaction (the file scan's completion)
        add the incident to it; otherwise a transaction of our own is used.
        """

        def record(target: Session, own_transaction: bool) -> Interception:
            return self._intercept_in(
                target,
                message,
                findings,
                masked_text=masked_text,
                received_at=received_at,
                source=source,
                file=file,
                own_transaction=own_transaction,
                revocable=revocable,
            )

        if session is not None:
            return record(session, False)
        try:
            with self.runtime.transaction() as own:
                result = record(own, True)
            if result.hand_over is not None:
                self.runtime.worker.hand_over(result.hand_over)
            return result
        except IntegrityError:
            # Another replica recorded the same message a moment ago.
            with self.runtime.store.session() as own:
                existing = leak_store.find_incident(own, channel=message.channel, message_ts=message.ts, source=source)
            if existing is None or existing.id is None:
                raise
            return Interception(existing.id, None, is_new=False)

    def _intercept_in(
        self,
        session: Session,
        message: Message,
        findings: Sequence[Finding],
        *,
        masked_text: str,
        received_at: datetime,
        source: str,
        file: FileLeak | None,
        own_transaction: bool = True,
        revocable: dict[str, RevocableKey] | None = None,
    ) -> Interception:
        runtime = self.runtime
        now = runtime.clock.now()
        existing = leak_store.find_incident_id(session, channel=message.channel, message_ts=message.ts, source=source)
        if existing is not None:
            # An edit storm or a redelivery: the deletion is already under way, but an edit may add a key.
            self._keys_from_edit(session, existing, message, findings, masked_text=masked_text)
            return Interception(existing, None, is_new=False)
        keys = distinct_keys(findings)
        decision = deletion_decision(message, has_admin_token=runtime.port.has_admin, home_team=runtime.team_id)
        history = leak_store.history(session, [key.key_id for key in keys])
        repeat_author = message.user is not None and leak_store.author_has_incidents(session, message.user)
        incident_id = leak_store.record_incident(
            session,
            now=now,
            channel=message.channel,
            channel_type=message.channel_type,
            message_ts=message.ts,
            thread_ts=message.thread_ts,
            source=source,
            author=message.user,
            author_team=message.team,
            keys=keys,
            deletion="pending" if decision.possible else "not_attempted",
            deletion_reason=decision.reason,
        )
        plan = plan_interception(
            decision,
            message,
            incident=incident_id,
            keys=keys,
            seen=repeat_summary(history),
            masked_text=masked_text,
            scanner=runtime.scanner,
            received_at=received_at.timestamp(),
            file=(file.file_id, file.name) if file is not None else None,
            revoke=runtime.settings.revoke_mode if revocable else None,
            # Outside a caller's transaction only: the hand-over must wait for this one to commit.
            prompted=decision.possible
            and own_transaction
            and file is None
            and runtime.prompt_deleter.started(message.channel, message.ts),
        )
        written = self._enqueue(session, plan.actions, now=now)
        repost_at, delete_at = plan.position(REPOST), plan.position(DELETE)
        repost_id = written[repost_at].id if repost_at is not None else None
        hand_over = written[delete_at].claimed if delete_at is not None else None
        if revocable:
            runtime.hooks.emit(
                LEAK_REVOCABLE,
                session,
                LeakToRevoke(
                    incident=incident_id,
                    channel=message.channel,
                    thread_ts=message.thread_ts,
                    author=message.user,
                    leaked_at=now,
                    keys=tuple(revocable.values()),
                    lang=plan.lang,
                    received_at=received_at.timestamp(),
                ),
            )
        if repeat_author:
            runtime.hooks.emit(
                GAP_SIGNAL,
                session,
                GapSignal(
                    kind="repeat_leak",
                    text="full API key pasted again by the same person",
                    at=now,
                    channel_id=message.channel,
                    user_id=message.user,
                ),
            )
        runtime.metrics.leaks.labels(keys[0].provider if keys else "unknown").inc()
        _log.info(
            "leak incident %s in %s: %d key(s), deletion %s",
            incident_id,
            message.channel,
            len(keys),
            "queued" if decision.possible else f"impossible ({decision.reason})",
        )
        return Interception(incident_id, repost_id, is_new=True, hand_over=hand_over)

    def _keys_from_edit(
        self, session: Session, incident_id: int, message: Message, findings: Sequence[Finding], *, masked_text: str
    ) -> None:
        """Record keys an edit added; where the message stays up, warn the author and alert agents again.

        A message being deleted (or already gone) takes the new key with it; one that cannot be
        deleted now shows a key nobody was told about.
        """
        now = self.runtime.clock.now()
        added = leak_store.add_keys(session, incident_id, distinct_keys(findings), author=message.user, now=now)
        incident = session.get(leak_store.LeakIncident, incident_id) if added else None
        if incident is None or not edit_needs_telling(incident.deletion):
            return
        leak_store.update_incident(session, incident_id, now=now, handled_at=None, handled_by=None)
        plan = plan_edit(
            message,
            incident=incident_id,
            added=added,
            seen=repeat_summary(leak_store.history(session, [key.key_id for key in added])),
            masked_text=masked_text,
            received_at=now.timestamp(),
            reason=incident.deletion_reason,
        )
        self._enqueue(session, plan.actions, now=now)
        self.runtime.metrics.leaks.labels(added[0].provider).inc()
        _log.info("leak incident %s: an edit added %d key(s)", incident_id, len(added))

    def queue_file_scans(self, message: Message, files: Sequence[Any], received_at: datetime) -> None:
        now = self.runtime.clock.now()
        plan = plan_file_scans(message, [file.id for file in files], received_at=received_at.timestamp())
        for planned in plan.actions:
            try:
                with self.runtime.transaction() as session:
                    self._enqueue(session, [planned], now=now)
            except IntegrityError:
                continue  # already queued by an earlier delivery or an edit

    def _enqueue(self, session: Session, actions: Sequence[PlannedAction], *, now: datetime) -> list[outbox.Enqueued]:
        """Write planned actions in order, each chained to the one it waits for (``after``: an index in ``actions``)."""
        worker = self.runtime.worker
        written: list[outbox.Enqueued] = []
        for planned in actions:
            written.append(
                outbox.enqueue(
                    session,
                    planned.kind,
                    planned.payload.to_payload(),
                    now=now,
                    after=written[planned.after] if planned.after is not None else None,
                    run_if=planned.run_if,
                    group_key=planned.group_key,
                    dedupe_key=planned.dedupe_key,
                    priority=outbox.URGENT if planned.urgent else outbox.NORMAL,
                    claimed_by=self.runtime.instance if planned.claimed else None,
                    lease=worker.lease if planned.claimed else None,
                    lease_now=worker.lease_now() if planned.claimed else None,
                    max_attempts=planned.max_attempts or outbox.DEFAULT_MAX_ATTEMPTS,
                    budget=planned.budget or outbox.DEFAULT_BUDGET,
                )
            )
        return written

    def revocable(self, texts: Sequence[tuple[str, Sequence[Finding]]]) -> dict[str, RevocableKey]:
        """The SHA-256 of each API key, taken here, the only place the key exists (only when revoking is on)."""
        if self.runtime.settings.revoke_mode == "off":
            return {}
        revocable: dict[str, RevocableKey] = {}
        for text, findings in texts:
            if findings:
                revocable.update(key_digests(self.runtime.scanner, text, findings))
        return revocable

    def scan(self, message: Message) -> tuple[list[Finding], list[tuple[TextPart, list[Finding]]]]:
        scanner = self.runtime.scanner
        findings = scanner.find(message.text) if message.text else []
        return findings, [(part, scanner.find(part.text)) for part in message.extra_texts]
