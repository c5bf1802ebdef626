"""The leak feature's outbox actions: delete, repost masked, warn, alert, re-check, scan a file, update the card."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from supportbot.keys import mask_text
from supportbot.leaks.decision import (
    PERMANENT_DELETE_ERRORS,
    chunk_mrkdwn,
    is_scannable_file,
    masked_copy,
)
from supportbot.leaks.payloads import Alert, AuthorWarning, CardUpdate, Deletion, FileScan, Recheck, Repost
from supportbot.leaks.plan import incident_group
from supportbot.render.templates import Mrkdwn
from supportbot.slack.errors import SlackApiError, SlackTokenRejected
from supportbot.slack.features.leaks.interception import Interceptor
from supportbot.slack.features.leaks.shared import (
    MAX_RECHECKS,
    SECTION_LIMIT,
    FileLeak,
    moment,
    rotation_pages,
    someone,
    tell_privately,
    update_card,
)
from supportbot.slack.features.leaks.views import AlertCards
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, Failed, FollowUp, Outcome
from supportbot.store import leaks as leak_store
from supportbot.store.outbox import ClaimedAction
from supportbot.text.lang import Language
from supportbot.text.scrub import scrub

_log = logging.getLogger(__name__)


class LeakActions:
    def __init__(self, runtime: Runtime, interceptor: Interceptor, cards: AlertCards) -> None:
        self.runtime = runtime
        self.interceptor = interceptor
        self.cards = cards

    def do_delete(self, action: ClaimedAction) -> Outcome:
        deletion = Deletion.from_payload(action.payload)
        leak = deletion.leak
        incident = leak.incident
        file_id = leak.file_id
        method = "files.delete" if file_id else "chat.delete"
        params: dict[str, Any] = {"file": file_id} if file_id else {"channel": leak.channel, "ts": leak.ts}
        attempt = None if file_id else self.runtime.prompt_deleter.take(leak.channel, leak.ts)
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
                gone = "deleted" if deletion.prompted else "removed_by_author"
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
        repost = Repost.from_payload(action.payload)
        leak = repost.leak
        incident = leak.incident
        language = self._language(repost.lang, leak.author)
        chunks = chunk_mrkdwn(repost.text, SECTION_LIMIT)[:40]
        template = "leak/file_repost" if leak.file_id else "leak/repost"
        rendered = self.runtime.renderer.message(
            template,
            language,
            author=someone(leak.author),
            chunks=chunks,
            file_name=leak.file_name or "",
        )
        thread_ts = leak.thread_ts or None
        data = self.runtime.port.call(
            "chat.postMessage",
            channel=leak.channel,
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
        warning = AuthorWarning.from_payload(action.payload)
        leak = warning.leak
        incident = leak.incident
        author = leak.author
        if author is None:
            return Failed(error="no_author")
        deleted = bool(warning.deleted)
        reason = warning.reason
        if action.predecessor_result is not None:
            deleted = bool(action.predecessor_result.get("deleted"))
            reason = action.predecessor_result.get("reason", reason)
        language = self._language(warning.lang, author)
        runbook = self.runtime.knowledge.runbook("key-leak", language)
        rendered = self.runtime.renderer.message(
            "leak/warn",
            language,
            deleted=deleted,
            reason=str(reason or ""),
            keys=list(warning.keys),
            providers=list(warning.providers),
            rotate=rotation_pages(warning.providers),
            seen=warning.seen_summary(),
            runbook=Mrkdwn(runbook.body) if runbook else Mrkdwn(""),
            is_file=bool(leak.file_id),
            revoke=warning.revoke or "",
            incident=incident,
        )
        now = self.runtime.clock.now()
        how = tell_privately(self.runtime, leak.channel, author, rendered, thread_ts=leak.thread_ts or None)
        return Done(result={"how": how}, apply=lambda s: leak_store.update_incident(s, incident, now=now, warned=how))

    def do_alert(self, action: ClaimedAction) -> Outcome:
        alert = Alert.from_payload(action.payload)
        incident = alert.incident
        settings = self.runtime.settings
        now = self.runtime.clock.now()
        reason = alert.reason
        if action.predecessor_result is not None:
            reason = action.predecessor_result.get("reason", reason)
        follow_up = FollowUp(
            Recheck.KIND,
            Recheck(incident, check=1).to_payload(),
            delay=timedelta(seconds=settings.leak_recheck_seconds),
            group_key=incident_group(incident),
        )
        if not settings.agent_channel:
            _log.warning("leak %s could not be deleted and SUPPORTBOT_AGENT_CHANNEL is not set: no alert", incident)
            return Failed(
                error="no_agent_channel",
                follow_ups=[follow_up],
                apply=lambda s: leak_store.update_incident(s, incident, now=now, deletion_reason=reason),
            )
        rendered = self.cards.alert_card(incident, state="open", reason=str(reason or ""))
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
        recheck = Recheck.from_payload(action.payload)
        incident_id, check = recheck.incident, recheck.check
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
                    update_card(session, incident_id, now=now)

            return Done(result={"visible": False}, apply=gone)
        if incident.alert_channel and incident.alert_ts:
            language = self.runtime.settings.default_language
            minutes = max(1, int((now - incident.created_at).total_seconds() // 60))
            text = self.runtime.renderer.text(
                "leak/still_visible", language, minutes=minutes, author=someone(incident.author), check=check
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
                    Recheck.KIND,
                    Recheck(incident_id, check=check + 1).to_payload(),
                    delay=delay,
                    group_key=incident_group(incident_id),
                )
            )
        return Done(
            result={"visible": True},
            apply=lambda s: leak_store.update_incident(s, incident_id, now=now, still_visible_checks=check),
            follow_ups=follow_ups,
        )

    def do_update_card(self, action: ClaimedAction) -> Outcome:
        incident_id = CardUpdate.from_payload(action.payload).incident
        with self.runtime.store.session() as session:
            incident = session.get(leak_store.LeakIncident, incident_id)
        if incident is None or not incident.alert_channel or not incident.alert_ts:
            return Done(result={"updated": False})
        state = "handled" if incident.handled_at else "removed" if incident.deletion == "removed_by_author" else "open"
        rendered = self.cards.alert_card(
            incident_id, state=state, reason=incident.deletion_reason or "", handled_by=incident.handled_by
        )
        self.runtime.port.call(
            "chat.update", channel=incident.alert_channel, ts=incident.alert_ts, **rendered.as_kwargs()
        )
        return Done(result={"updated": True})

    def do_scan_file(self, action: ClaimedAction) -> Outcome:
        scan = FileScan.from_payload(action.payload)
        file_id = scan.file_id
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
        message = scan.message()
        # The file's other secrets (DB_PASSWORD=…, tokens no rule knows) must not be republished either.
        masked_lines = mask_text(text, findings).splitlines()[:40]
        excerpt = "\n".join(scrub(line[:2000], self.runtime.scanner)[:300] for line in masked_lines)

        masked = masked_copy("```\n" + excerpt + "\n```")

        revocable = self.interceptor.revocable([(text, findings)])

        def record(session: Session) -> None:
            self.interceptor.intercept(
                message,
                findings,
                masked_text=masked,
                received_at=moment(scan.received_at),
                source=f"file:{file_id}",
                file=FileLeak(file_id, name),
                session=session,
                revocable=revocable,
            )

        return Done(result={"scanned": True, "keys": len(findings)}, apply=record)

    def _language(self, lang: str | None, author: str | None) -> Language:
        return "zh" if lang == "zh" else self.runtime.language_for(author)

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
