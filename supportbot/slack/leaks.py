"""Leak interception: a full key pasted into Slack is deleted, masked, warned about and recorded.

Flow for a message holding a key, all decided in one transaction and carried out by the outbox:

    deletion possible            delete ──ok──> repost masked copy      (replies chain after it)
                                   │ └─────────> warn author (knows whether it worked)
                                   └─refused──> alert agents ──> re-check later ──> alert again
    deletion impossible          warn author, alert agents ──> re-check later ──> alert again

Files (snippets, ``.env``…) are fetched and scanned by an outbox action, then handled the same way
with ``files.delete``. The incident row never holds the key or the message text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.keys import Finding, mask_text, provider_info
from supportbot.leaks.decision import (
    PERMANENT_DELETE_ERRORS,
    chunk_mrkdwn,
    deletion_decision,
    is_scannable_file,
    masked_copy,
    summarise_providers,
)
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.revoke import LeakToRevoke, RevocableKey, key_digests
from supportbot.slack.errors import SlackApiError, SlackError, SlackTokenRejected
from supportbot.slack.replies import REPLY_AFTER
from supportbot.slack.router import CommandRequest, EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, Failed, FollowUp, Outcome
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.lang import Language, detect_language
from supportbot.text.messages import Message, TextPart
from supportbot.text.periods import parse_period
from supportbot.text.scrub import echo, scrub

_log = logging.getLogger(__name__)

DELETE = "leak.delete"
REPOST = "leak.repost"
WARN = "leak.warn"
ALERT = "leak.alert"
RECHECK = "leak.recheck"
SCAN_FILE = "leak.scan_file"
UPDATE_CARD = "leak.update_card"
HANDLED_ACTION = "leak_handled"
# Announced (in the incident's transaction) when a leak holds API keys that may be disabled at their source.
REVOCABLE_HOOK = "leak_revocable"
SCANNED = "leak.scanned"  # context note: the arrival scan's findings
SECTION_LIMIT = 2900
MAX_RECHECKS = 2
# A leaked key stays visible until its deletion works: keep trying through Slack outages for hours.
DELETE_BUDGET = timedelta(hours=12)


@dataclass(frozen=True)
class FileLeak:
    file_id: str
    name: str


@dataclass(frozen=True)
class Interception:
    incident_id: int
    repost_action: int | None
    is_new: bool
    # The deletion, written claimed by this instance because its Slack call is already under way
    # (``PromptDeleter``): the worker takes it straight from memory once the transaction commits.
    hand_over: ClaimedAction | None = None


def register(app: App, runtime: Runtime) -> None:
    feature = register_actions(runtime)
    runtime.events.on_arrival("leaks.prompt_delete", feature.on_arrival)
    # Fail closed: if this step fails, no later handler may see (or store) a message that holds a key.
    runtime.events.on_message("leaks", feature.on_message, order=10, fail_closed=True)
    runtime.events.on_event("message", "leaks.deleted", feature.on_message_deleted)
    app.action(HANDLED_ACTION)(feature.on_handled_click)
    runtime.commands.add("leaks", feature.command_leaks, role="agent")


def register_actions(runtime: Runtime) -> LeakFeature:
    """The outbox side alone (``supportbot sweep`` carries out actions without serving Slack)."""
    feature = LeakFeature(runtime)
    for kind, handler in (
        (DELETE, feature.do_delete),
        (REPOST, feature.do_repost),
        (WARN, feature.do_warn),
        (ALERT, feature.do_alert),
        (RECHECK, feature.do_recheck),
        (SCAN_FILE, feature.do_scan_file),
        (UPDATE_CARD, feature.do_update_card),
    ):
        runtime.worker.register(kind, handler)
    return feature


class LeakFeature:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # ------------------------------------------------------------------ events

    def on_message(self, message: Message, context: EventContext) -> Message | None:
        scanned = context.notes.pop(SCANNED, None)
        findings, extra = scanned[1:] if scanned is not None and scanned[0] is message else self._scan(message)
        files = [
            file
            for file in message.files
            if is_scannable_file(file.filetype, file.mimetype, file.name, file.mode, file.size)
        ]
        if files:
            self.queue_file_scans(message, files, context.received_at)
        found = findings + [finding for _, part_findings in extra for finding in part_findings]
        if not found:
            return None
        masked_text = mask_text(message.text, findings) if findings else message.text
        revocable = self._revocable([(message.text, findings), *((part.text, hits) for part, hits in extra)])
        result = self.intercept(
            message,
            found,
            masked_text=masked_text,
            received_at=context.received_at,
            source="message",
            revocable=revocable,
        )
        context.notes["leak"] = result.incident_id
        if result.repost_action is not None:
            context.notes[REPLY_AFTER] = result.repost_action
        masked_parts = tuple(
            TextPart(part.source, mask_text(part.text, part_findings)) if part_findings else part
            for part, part_findings in extra
        )
        return replace(message, text=masked_text, extra_texts=masked_parts)

    def on_arrival(self, message: Message, context: EventContext) -> None:
        """Start deleting a message that holds a key at once; :meth:`on_message` records it and does the rest."""
        runtime = self.runtime
        findings, extra = self._scan(message)
        context.notes[SCANNED] = (message, findings, extra)  # scanned once: on_message takes these
        if not findings and not any(part_findings for _, part_findings in extra):
            return
        if deletion_decision(message, has_admin_token=runtime.port.has_admin, home_team=runtime.team_id).possible:
            runtime.prompt_deleter.submit(message.channel, message.ts)

    def _revocable(self, texts: Sequence[tuple[str, Sequence[Finding]]]) -> dict[str, RevocableKey]:
        """The SHA-256 of each API key, taken here, the only place the key exists (only when revoking is on)."""
        if self.runtime.settings.revoke_mode == "off":
            return {}
        revocable: dict[str, RevocableKey] = {}
        for text, findings in texts:
            if findings:
                revocable.update(key_digests(self.runtime.scanner, text, findings))
        return revocable

    def _scan(self, message: Message) -> tuple[list[Finding], list[tuple[TextPart, list[Finding]]]]:
        scanner = self.runtime.scanner
        findings = scanner.find(message.text) if message.text else []
        return findings, [(part, scanner.find(part.text)) for part in message.extra_texts]

    def on_message_deleted(self, context: EventContext) -> None:
        """The author (or an admin) removed a leaking message themselves: stop re-checking it."""
        event = context.event
        if event.get("subtype") != "message_deleted":
            return
        channel, ts = event.get("channel"), event.get("deleted_ts")
        if not isinstance(channel, str) or not isinstance(ts, str):
            return
        now = self.runtime.clock.now()
        with self.runtime.transaction() as session:
            incident = leak_store.find_incident(session, channel=channel, message_ts=ts, source="message")
            if incident is None or incident.id is None or incident.deletion == "deleted":
                return
            leak_store.update_incident(session, incident.id, now=now, deletion="removed_by_author")
            outbox.cancel_group(session, _group(incident.id), kinds=[RECHECK], now=now)
            if incident.alert_ts:
                outbox.enqueue(session, UPDATE_CARD, {"incident": incident.id}, now=now, group_key=_group(incident.id))

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
        keys = _distinct_keys(findings)
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
            "seen": _repeat_summary(history),
            "lang": "zh" if detect_language(masked_text) == "zh" else None,
            "revoke": runtime.settings.revoke_mode if revocable else None,
        }
        group = _group(incident_id)
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
                REVOCABLE_HOOK,
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
                "gap_signal",
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
        added = leak_store.add_keys(session, incident_id, _distinct_keys(findings), author=message.user, now=now)
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
            "seen": _repeat_summary(leak_store.history(session, [key.key_id for key in added])),
            "lang": "zh" if detect_language(masked_text) == "zh" else None,
            "deleted": False,
            "reason": incident.deletion_reason,
        }
        group = _group(incident_id)
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

    # ------------------------------------------------------------------ outbox handlers

    def do_delete(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        incident = int(payload["incident"])
        file_id = payload.get("file_id")
        method = "files.delete" if file_id else "chat.delete"
        params = {"file": file_id} if file_id else {"channel": payload["channel"], "ts": payload["ts"]}
        attempt = None if file_id else self.runtime.prompt_deleter.take(str(payload["channel"]), str(payload["ts"]))
        now = self.runtime.clock.now()
        try:
            if attempt is None:
                self.runtime.port.call(method, token="admin", **params)  # noqa: S106 - selects the admin token
            elif attempt.error is not None:
                raise attempt.error
        except SlackTokenRejected:
            raise  # the admin token stopped working: wait for it (the worker pauses), do not give up
        except SlackApiError as error:
            code = error.code  # the except variable is gone once the block ends; the lambda runs later
            if code in {"message_not_found", "file_not_found", "file_deleted"}:
                # After a first attempt of ours (by a process that stopped before recording it), the
                # deletion was ours; otherwise the author removed the message first.
                gone = "deleted" if payload.get("prompted") else "removed_by_author"
                return Done(
                    result={"deleted": True, "already_gone": True},
                    apply=lambda s: leak_store.update_incident(s, incident, now=now, deletion=gone),
                )
            if code in PERMANENT_DELETE_ERRORS or not error.retryable:
                return Failed(
                    error=code,
                    result={"deleted": False, "reason": code},
                    apply=lambda s: leak_store.update_incident(
                        s, incident, now=now, deletion="failed", deletion_reason=code
                    ),
                )
            raise
        return Done(
            result={"deleted": True},
            apply=lambda s: leak_store.update_incident(s, incident, now=now, deletion="deleted"),
        )

    def do_repost(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        incident = int(payload["incident"])
        language = self._language(payload)
        chunks = chunk_mrkdwn(str(payload.get("text") or ""), SECTION_LIMIT)[:40]
        template = "leak/file_repost" if payload.get("file_id") else "leak/repost"
        rendered = self.runtime.renderer.message(
            template,
            language,
            author=_someone(payload.get("author")),
            chunks=chunks,
            file_name=str(payload.get("file_name") or ""),
        )
        thread_ts = payload.get("thread_ts") or None
        data = self.runtime.port.call(
            "chat.postMessage",
            channel=payload["channel"],
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **rendered.as_kwargs(),
        )
        posted = str(data.get("ts") or "")
        now = self.runtime.clock.now()
        return Done(
            result={"ts": posted, "thread_ts": thread_ts or posted},
            apply=lambda s: leak_store.update_incident(s, incident, now=now, reposted=True),
        )

    def do_warn(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        incident = int(payload["incident"])
        author = payload.get("author")
        if not isinstance(author, str):
            return Failed(error="no_author")
        deleted = bool(payload.get("deleted", False))
        reason = payload.get("reason")
        if action.predecessor_result is not None:
            deleted = bool(action.predecessor_result.get("deleted"))
            reason = action.predecessor_result.get("reason", reason)
        language = self._language(payload)
        runbook = self.runtime.knowledge.runbook("key-leak", language)
        rendered = self.runtime.renderer.message(
            "leak/warn",
            language,
            deleted=deleted,
            reason=str(reason or ""),
            keys=list(payload.get("keys") or []),
            providers=list(payload.get("providers") or []),
            rotate=_rotation_pages(payload.get("providers") or []),
            seen=payload.get("seen") or {},
            runbook=Mrkdwn(runbook.body) if runbook else Mrkdwn(""),
            is_file=bool(payload.get("file_id")),
            revoke=str(payload.get("revoke") or ""),
            incident=incident,
        )
        now = self.runtime.clock.now()
        how = tell_privately(
            self.runtime, str(payload["channel"]), author, rendered, thread_ts=payload.get("thread_ts") or None
        )
        return Done(result={"how": how}, apply=lambda s: leak_store.update_incident(s, incident, now=now, warned=how))

    def do_alert(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        incident = int(payload["incident"])
        settings = self.runtime.settings
        now = self.runtime.clock.now()
        reason = payload.get("reason")
        if action.predecessor_result is not None:
            reason = action.predecessor_result.get("reason", reason)
        follow_up = FollowUp(
            RECHECK,
            {"incident": incident, "check": 1},
            delay=timedelta(seconds=settings.leak_recheck_seconds),
            group_key=_group(incident),
        )
        if not settings.agent_channel:
            _log.warning("leak %s could not be deleted and SUPPORTBOT_AGENT_CHANNEL is not set: no alert", incident)
            return Failed(
                error="no_agent_channel",
                follow_ups=[follow_up],
                apply=lambda s: leak_store.update_incident(s, incident, now=now, deletion_reason=reason),
            )
        rendered = self._alert_card(incident, state="open", reason=str(reason or ""))
        data = self.runtime.port.call(
            "chat.postMessage", channel=settings.agent_channel, unfurl_links=False, **rendered.as_kwargs()
        )
        posted = str(data.get("ts") or "")
        return Done(
            result={"ts": posted},
            apply=lambda s: leak_store.update_incident(
                s,
                incident,
                now=now,
                alerted=True,
                alert_channel=settings.agent_channel,
                alert_ts=posted,
                deletion_reason=reason,
            ),
            follow_ups=[follow_up],
        )

    def do_recheck(self, action: ClaimedAction) -> Outcome:
        incident_id = int(action.payload["incident"])
        check = int(action.payload.get("check", 1))
        with self.runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
        if incident is None or incident.handled_at is not None or incident.deletion in {"deleted", "removed_by_author"}:
            return Done(result={"visible": False, "skipped": True})
        visible = self._still_visible(incident)
        now = self.runtime.clock.now()
        if not visible:

            def gone(session: Session) -> None:
                leak_store.update_incident(session, incident_id, now=now, deletion="removed_by_author")
                if incident.alert_ts:
                    outbox.enqueue(
                        session, UPDATE_CARD, {"incident": incident_id}, now=now, group_key=_group(incident_id)
                    )

            return Done(result={"visible": False}, apply=gone)
        if incident.alert_channel and incident.alert_ts:
            language = self.runtime.settings.default_language
            minutes = max(1, int((now - incident.created_at).total_seconds() // 60))
            text = self.runtime.renderer.text(
                "leak/still_visible", language, minutes=minutes, author=_someone(incident.author), check=check
            )
            self.runtime.port.call(
                "chat.postMessage",
                channel=incident.alert_channel,
                thread_ts=incident.alert_ts,
                reply_broadcast=True,
                text=text,
            )
        follow_ups = []
        if check < MAX_RECHECKS:
            delay = timedelta(seconds=self.runtime.settings.leak_recheck_seconds * 6)
            follow_ups.append(
                FollowUp(
                    RECHECK, {"incident": incident_id, "check": check + 1}, delay=delay, group_key=_group(incident_id)
                )
            )
        return Done(
            result={"visible": True},
            apply=lambda s: leak_store.update_incident(s, incident_id, now=now, still_visible_checks=check),
            follow_ups=follow_ups,
        )

    def do_update_card(self, action: ClaimedAction) -> Outcome:
        incident_id = int(action.payload["incident"])
        with self.runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
        if incident is None or not incident.alert_channel or not incident.alert_ts:
            return Done(result={"updated": False})
        state = "handled" if incident.handled_at else "removed" if incident.deletion == "removed_by_author" else "open"
        rendered = self._alert_card(
            incident_id, state=state, reason=incident.deletion_reason or "", handled_by=incident.handled_by
        )
        self.runtime.port.call(
            "chat.update", channel=incident.alert_channel, ts=incident.alert_ts, **rendered.as_kwargs()
        )
        return Done(result={"updated": True})

    def do_scan_file(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        file_id = str(payload["file_id"])
        info = self.runtime.port.call("files.info", file=file_id).get("file") or {}
        name = str(info.get("name") or "")
        if not is_scannable_file(
            str(info.get("filetype") or ""),
            str(info.get("mimetype") or ""),
            name,
            str(info.get("mode") or ""),
            int(info.get("size") or 0),
        ):
            return Done(result={"scanned": False})
        url = info.get("url_private_download") or info.get("url_private")
        if not isinstance(url, str):
            return Failed(error="no_file_url")
        content, truncated = self.runtime.port.download(url, max_bytes=1024 * 1024)
        text = content.decode("utf-8", errors="replace")
        findings = self.runtime.scanner.find(text)
        if not findings:
            return Done(result={"scanned": True, "keys": 0, "truncated": truncated})
        message = Message(
            channel=str(payload["channel"]),
            ts=str(payload["ts"]),
            user=payload.get("author"),
            text="",
            channel_type=str(payload.get("channel_type") or "channel"),
            thread_ts=payload.get("thread_ts"),
            team=payload.get("team"),
        )
        # The file's other secrets (DB_PASSWORD=…, tokens no rule knows) must not be republished either.
        masked_lines = mask_text(text, findings).splitlines()[:40]
        excerpt = "\n".join(scrub(line[:2000], self.runtime.scanner)[:300] for line in masked_lines)

        masked = masked_copy("```\n" + excerpt + "\n```")

        revocable = self._revocable([(text, findings)])

        def record(session: Session) -> None:
            self.intercept(
                message,
                findings,
                masked_text=masked,
                received_at=_moment(payload.get("received_at")),
                source=f"file:{file_id}",
                file=FileLeak(file_id, name),
                session=session,
                revocable=revocable,
            )

        return Done(result={"scanned": True, "keys": len(findings)}, apply=record)

    # ------------------------------------------------------------------ helpers

    def _language(self, payload: dict[str, Any]) -> Language:
        if payload.get("lang") == "zh":
            return "zh"
        author = payload.get("author")
        return self.runtime.directory.language(
            author if isinstance(author, str) else None, self.runtime.settings.default_language
        )

    def _still_visible(self, incident: leak_store.LeakIncident) -> bool:
        try:
            if incident.thread_ts and incident.thread_ts != incident.message_ts:
                data = self.runtime.port.call(
                    "conversations.replies",
                    channel=incident.channel,
                    ts=incident.thread_ts,
                    latest=incident.message_ts,
                    oldest=incident.message_ts,
                    inclusive=True,
                    limit=1,
                )
            else:
                data = self.runtime.port.call(
                    "conversations.history",
                    channel=incident.channel,
                    latest=incident.message_ts,
                    oldest=incident.message_ts,
                    inclusive=True,
                    limit=1,
                )
        except SlackApiError as error:
            if error.code in {"message_not_found", "thread_not_found"}:
                return False
            raise
        return any(item.get("ts") == incident.message_ts for item in data.get("messages") or [])

    def _alert_card(
        self, incident_id: int, *, state: str, reason: str, handled_by: str | None = None
    ) -> RenderedMessage:
        with self.runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
            keys = leak_store.keys_of(session, incident_id)
            history = leak_store.history(session, [key.key_id for key in keys])
        assert incident is not None
        permalink = ""
        try:
            permalink = str(
                self.runtime.port.call(
                    "chat.getPermalink", channel=incident.channel, message_ts=incident.message_ts
                ).get("permalink")
                or ""
            )
        except SlackError:
            permalink = ""
        seen = {key_id: item.times_seen_before for key_id, item in history.items() if item.times_seen_before > 1}
        first_seen = min((item.first_seen_at for item in history.values() if item.first_seen_at), default=None)
        return self.runtime.renderer.message(
            "leak/alert",
            self.runtime.settings.default_language,
            incident=incident_id,
            state=state,
            reason=reason,
            author=_someone(incident.author),
            channel=Mrkdwn(f"<#{incident.channel}>") if not incident.channel.startswith("D") else Mrkdwn("a DM"),
            keys=[{"masked": key.masked, "provider": provider_info(key.provider).name} for key in keys],
            times_seen=max(seen.values(), default=1),
            first_seen=first_seen.strftime("%Y-%m-%d %H:%M UTC") if first_seen else "",
            permalink=permalink,
            is_file=incident.source.startswith("file:"),
            handled_by=_someone(handled_by) if handled_by else Mrkdwn(""),
            revocation=incident.revocation or "",
            revoked_by=incident.revoked_by or "",
        )

    # ------------------------------------------------------------------ interactive

    def on_handled_click(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user = str((body.get("user") or {}).get("id") or "")
        actions = body.get("actions") or [{}]
        try:
            incident_id = int(json.loads(actions[0].get("value") or "{}").get("incident"))
        except (TypeError, ValueError):
            return
        if not self.runtime.roles.is_agent(user):
            channel = str((body.get("channel") or {}).get("id") or "")
            language = self.runtime.language_for(user)
            if channel:
                self.runtime.port.call(
                    "chat.postEphemeral",
                    channel=channel,
                    user=user,
                    text=self.runtime.renderer.text("support/not_allowed", language, role="agent", subcommand="leaks"),
                )
            return
        now = self.runtime.clock.now()
        with self.runtime.transaction() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
            if incident is None or incident.handled_at is not None:
                return
            leak_store.update_incident(session, incident_id, now=now, handled_by=user, handled_at=now)
            outbox.cancel_group(session, _group(incident_id), kinds=[RECHECK], now=now)
            outbox.enqueue(session, UPDATE_CARD, {"incident": incident_id}, now=now, group_key=_group(incident_id))

    def command_leaks(self, request: CommandRequest) -> RenderedMessage:
        language = self.runtime.language_for(request.user_id)
        period_text = request.args[0] if request.args else "7d"
        try:
            period = parse_period(period_text)
        except ValueError:
            return RenderedMessage(
                text=self.runtime.renderer.text(
                    "leak/bad_period", language, value=echo(period_text, self.runtime.scanner)
                ),
                blocks=[],
            )
        since = self.runtime.clock.now() - period
        with self.runtime.store.session() as session:
            rows = leak_store.recent(session, since=since, limit=30)
            repeaters = leak_store.repeat_leakers(session, since=since)
        items = [
            {
                "when": incident.created_at.strftime("%m-%d %H:%M"),
                "channel": Mrkdwn(f"<#{incident.channel}>") if not incident.channel.startswith("D") else Mrkdwn("DM"),
                "author": _someone(incident.author),
                "found": ", ".join(f"{key.provider} {key.masked}" for key in keys),
                "deletion": incident.deletion,
                "handled": bool(incident.handled_at),
                "revocation": incident.revocation or "",
            }
            for incident, keys in rows
        ]
        text = self.runtime.renderer.text(
            "leak/list",
            language,
            period=period_text,
            items=items,
            repeaters=[{"author": _someone(author), "count": count} for author, count in repeaters],
        )
        return RenderedMessage(text=text, blocks=[])


def tell_privately(
    runtime: Runtime, channel: str, user: str, rendered: RenderedMessage, *, thread_ts: str | None = None
) -> str:
    """Show ``rendered`` to ``user`` alone: ephemeral where they are, else in a DM. Returns which."""
    content = {name: value for name, value in rendered.as_kwargs().items() if value}  # a text-only note has no blocks
    try:
        runtime.port.call("chat.postEphemeral", channel=channel, user=user, thread_ts=thread_ts, **content)
    except SlackApiError as error:
        if error.retryable:
            raise
        _log.info("ephemeral note to a user not delivered (%s); trying a DM", error.code)
        opened = runtime.port.call("conversations.open", users=user)
        dm = str((opened.get("channel") or {}).get("id") or "")
        runtime.port.call("chat.postMessage", channel=dm, **content)
        return "dm"
    return "ephemeral"


def _moment(value: object) -> datetime:
    seconds = float(value) if isinstance(value, (int, float)) else 0.0
    return datetime.fromtimestamp(seconds, UTC)


def _someone(user: object) -> Mrkdwn:
    return mention(user, "someone")


def _group(incident_id: int) -> str:
    return f"leak:{incident_id}"


def _distinct_keys(findings: Sequence[Finding]) -> list[leak_store.KeySighting]:
    keys: dict[str, leak_store.KeySighting] = {}
    for finding in findings:
        keys.setdefault(
            finding.key_id, leak_store.KeySighting(finding.rule, finding.provider, finding.masked, finding.key_id)
        )
    return list(keys.values())


def _repeat_summary(history: dict[str, leak_store.KeyHistory]) -> dict[str, Any]:
    repeated = [item for item in history.values() if item.times_seen_before > 0]
    if not repeated:
        return {}
    first = min((item.first_seen_at for item in repeated if item.first_seen_at), default=None)
    return {
        "times": max(item.times_seen_before for item in repeated) + 1,
        "since": first.strftime("%Y-%m-%d") if first else "",
    }


def _rotation_pages(providers: Sequence[str]) -> list[dict[str, str]]:
    """Each provider's name and the page where its keys are disabled (empty when there is none to link)."""
    return [{"name": info.name, "url": info.rotate_url} for info in map(provider_info, providers)]
