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
from supportbot.leaks.decision import (
    deletion_decision,
    masked_copy,
    summarise_providers,
)
from supportbot.leaks.payloads import ALERT, DELETE, REPOST, SCAN_FILE, WARN
from supportbot.revoke import LeakToRevoke, RevocableKey, key_digests
from supportbot.slack.features.leaks.shared import (
    DELETE_BUDGET,
    FileLeak,
    Interception,
    distinct_keys,
    incident_group,
    repeat_summary,
)
from supportbot.slack.hooks import GAP_SIGNAL, LEAK_REVOCABLE
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.lang import detect_language
from supportbot.text.messages import Message, TextPart
from supportbot.text.scrub import scrub

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
        base: dict[str, Any] = {
            "incident": incident_id,
            "channel": message.channel,
            "ts": message.ts,
            "thread_ts": message.thread_ts,
            "author": message.user,
            "received_at": received_at.timestamp(),
        }
        if file is not None:
            base.update(file_id=file.file_id, file_name=file.name)
        warn = {
            **base,
            "keys": [key.masked for key in keys],
            "providers": summarise_providers([key.provider for key in keys]),
            "seen": repeat_summary(history),
            "lang": "zh" if detect_language(masked_text) == "zh" else None,
            "revoke": runtime.settings.revoke_mode if revocable else None,
        }
        group = incident_group(incident_id)
        repost_id: int | None = None
        hand_over: ClaimedAction | None = None
        if decision.possible:
            # Outside a caller's transaction only: the hand-over must wait for this one to commit.
            prompted = own_transaction and file is None and runtime.prompt_deleter.started(message.channel, message.ts)
            delete = outbox.enqueue(
                session,
                DELETE,
                {**base, "prompted": True} if prompted else base,
                now=now,
                group_key=group,
                max_attempts=500,
                budget=DELETE_BUDGET,
                priority=outbox.URGENT,
                claimed_by=runtime.instance if prompted else None,
                lease=runtime.worker.lease if prompted else None,
                lease_now=runtime.worker.lease_now() if prompted else None,
            )
            hand_over = delete.claimed
            repost = outbox.enqueue(
                session,
                REPOST,
                {**base, "text": masked_copy(scrub(masked_text, runtime.scanner)), "lang": warn["lang"]},
                now=now,
                after=delete,
                run_if="succeeded",
                group_key=group,
            )
            outbox.enqueue(session, WARN, warn, now=now, after=delete, run_if="always", group_key=group)
            outbox.enqueue(
                session, ALERT, {**warn, "reason": None}, now=now, after=delete, run_if="failed", group_key=group
            )
            repost_id = repost.id
        else:
            outbox.enqueue(
                session, WARN, {**warn, "deleted": False, "reason": decision.reason}, now=now, group_key=group
            )
            outbox.enqueue(session, ALERT, {**warn, "reason": decision.reason}, now=now, group_key=group)
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
                    lang=warn["lang"],
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
        if incident is None or incident.deletion in {"pending", "deleted", "removed_by_author"}:
            return
        leak_store.update_incident(session, incident_id, now=now, handled_at=None, handled_by=None)
        warn = {
            "incident": incident_id,
            "channel": message.channel,
            "ts": message.ts,
            "thread_ts": message.thread_ts,
            "author": message.user,
            "received_at": now.timestamp(),
            "keys": [key.masked for key in added],
            "providers": summarise_providers([key.provider for key in added]),
            "seen": repeat_summary(leak_store.history(session, [key.key_id for key in added])),
            "lang": "zh" if detect_language(masked_text) == "zh" else None,
            "deleted": False,
            "reason": incident.deletion_reason,
        }
        group = incident_group(incident_id)
        outbox.enqueue(session, WARN, warn, now=now, group_key=group)
        outbox.enqueue(session, ALERT, warn, now=now, group_key=group)
        self.runtime.metrics.leaks.labels(added[0].provider).inc()
        _log.info("leak incident %s: an edit added %d key(s)", incident_id, len(added))

    def queue_file_scans(self, message: Message, files: Sequence[Any], received_at: datetime) -> None:
        now = self.runtime.clock.now()
        for file in files:
            payload = {
                "channel": message.channel,
                "ts": message.ts,
                "thread_ts": message.thread_ts,
                "channel_type": message.channel_type,
                "author": message.user,
                "team": message.team,
                "file_id": file.id,
                "received_at": received_at.timestamp(),
            }
            try:
                with self.runtime.transaction() as session:
                    outbox.enqueue(
                        session,
                        SCAN_FILE,
                        payload,
                        now=now,
                        dedupe_key=f"scanfile:{message.channel}:{message.ts}:{file.id}",
                    )
            except IntegrityError:
                continue  # already queued by an earlier delivery or an edit

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
