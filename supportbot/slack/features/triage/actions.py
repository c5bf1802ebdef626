"""The checklist's outbox actions: start a walk, draw or redraw its message, post a note, probe a base URL."""

from __future__ import annotations

import logging

from sqlmodel import Session

from supportbot.render.templates import RenderedMessage, mention
from supportbot.slack.errors import SlackApiError
from supportbot.slack.features.triage.payloads import ProbeRequest, RenderWalk, StartWalk, TriageNote
from supportbot.slack.features.triage.shared import (
    GONE,
    MAX_PROBES,
    RENDER,
    Report,
    enqueue_redraw,
    walk_group,
)
from supportbot.slack.features.triage.walks import Walks
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, FollowUp, Outcome
from supportbot.store import triage as walk_store
from supportbot.store.outbox import ClaimedAction
from supportbot.text.lang import as_language
from supportbot.triage.probe import ProbeResult, apply_probe
from supportbot.triage.walk import (
    check_from_json,
    check_json,
    signature,
)

_log = logging.getLogger(__name__)


class TriageActions:
    """Carries out the checklist's queued Slack calls."""

    def __init__(self, runtime: Runtime, walks: Walks) -> None:
        self.runtime = runtime
        self.walks = walks

    def do_start(self, action: ClaimedAction) -> Outcome:
        """Start the walk a message asked for (see on_message), where the conversation now lives."""
        start = StartWalk.from_payload(action.payload)
        channel, display_thread = start.target.resolve(action)
        report = Report(
            channel=start.target.channel,
            origin=start.origin,
            thread_ts=start.target.thread_ts,
            requester=start.requester,
            started_by=start.requester,
            trigger=start.trigger,
            text=start.text,
            language=self.runtime.language_for(start.requester, start.text),
            masked_key=self.walks.intercepted_key(start.incident),
        )
        started = self.walks.start(report, display=(channel, display_thread))
        return Done(result={"walk": started.walk_id, "thread_ts": display_thread})

    def do_render(self, action: ClaimedAction) -> Outcome:
        runtime = self.runtime
        render = RenderWalk.from_payload(action.payload)
        walk_id = render.walk
        with runtime.store.session() as session:
            row = walk_store.get_walk(session, walk_id)
        if row is None:
            return Done(result={"skipped": True})
        if row.step_ts is None:
            if render.target is None:
                # A click landed while the first post was on its way; that post's completion draws the
                # message again if the walk moved on meanwhile (see _post), so nothing is lost here.
                return Done(result={"waiting_for_first_post": True})
            # The report's thread (or the masked repost's), or a new thread.
            channel, thread_ts = render.target.resolve_optional(action)
            rendered = self.walks.render_walk(row)
            return self._post(walk_id, channel, thread_ts, rendered, again=False, version=row.version)
        rendered = self.walks.render_walk(row)
        try:
            runtime.port.call("chat.update", channel=row.channel, ts=row.step_ts, **rendered.as_kwargs())
        except SlackApiError as error:
            if error.code not in GONE:
                raise
            # Someone deleted the checklist message: post it again in the thread, so the walk stays visible.
            thread = row.posted_thread_ts or row.thread_ts
            return self._post(walk_id, row.channel, thread, rendered, again=True, version=row.version)
        with runtime.store.session() as session:
            latest = walk_store.get_walk(session, walk_id)
        # Two renders can overtake each other; whichever finishes on an old version shows it again.
        again = latest is not None and latest.version != row.version
        redraw = FollowUp(RENDER, RenderWalk(walk_id).to_payload(), group_key=walk_group(walk_id))
        return Done(result={"version": row.version}, follow_ups=[redraw] if again else ())

    def _post(
        self,
        walk_id: int,
        channel: str,
        thread_ts: str | None,
        rendered: RenderedMessage,
        *,
        again: bool,
        version: int,
    ) -> Outcome:
        """Post the checklist message (``thread_ts`` None: as a new thread) and remember where it is.

        The version check runs in the transaction that records the post, after its row update: a
        click's write waits for that (row lock on PostgreSQL, the write lock on SQLite), so a click
        either is seen here or its own render finds the message already recorded.
        """
        data = self.runtime.port.call(
            "chat.postMessage",
            channel=channel,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            **rendered.as_kwargs(),
        )
        posted = str(data.get("ts") or "")
        thread = thread_ts or posted
        now = self.runtime.clock.now()

        def record(session: Session) -> None:
            walk_store.mark_posted(session, walk_id, step_ts=posted, thread_ts=thread, now=now, again=again)
            latest = walk_store.get_walk(session, walk_id)
            if latest is not None and latest.version != version:
                enqueue_redraw(session, walk_id, now=now)

        return Done(result={"ts": posted, "thread_ts": thread}, apply=record)

    def do_note(self, action: ClaimedAction) -> Outcome:
        note = TriageNote.from_payload(action.payload)
        text = self.runtime.renderer.text("triage/note", note.lang, kind=note.kind, requester=mention(note.requester))
        self.runtime.port.call(
            "chat.postEphemeral", channel=note.channel, user=note.user, thread_ts=note.thread_ts, text=text
        )
        return Done(result={"sent": True})

    def do_probe(self, action: ClaimedAction) -> Outcome:
        runtime = self.runtime
        probe = ProbeRequest.from_payload(action.payload, limit=MAX_PROBES)
        walk_id, bases = probe.walk, list(probe.bases)
        with runtime.store.session() as session:
            row = walk_store.get_walk(session, walk_id)
        if row is None or not bases:
            return Done(result={"changed": False})
        checks = [check_from_json(item) for item in row.diagnosis_items()]
        findings: list[ProbeResult] = []
        for base in bases:
            result = self.walks.probe(base)
            updated = apply_probe(checks, result, scrub=runtime.scrub)
            if signature(updated) != signature(checks):
                findings.append(result)
            checks = updated
        if not findings:
            return Done(result={"changed": False})
        language = as_language(row.language)
        for result in findings:
            text = runtime.renderer.text(
                "triage/probe",
                language,
                base=result.base,
                verdict=result.verdict,
                status=result.status or 0,
                html="HTML" in result.detail,
                official=self.walks.official_base or "",
            )
            runtime.port.call(
                "chat.postMessage",
                channel=row.channel,
                thread_ts=row.posted_thread_ts or row.thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                text=text,
            )
        now = runtime.clock.now()
        diagnosis = [check_json(check) for check in checks]

        def store_and_redraw(session: Session) -> None:
            walk_store.set_diagnosis(session, walk_id, diagnosis, now=now)
            enqueue_redraw(session, walk_id, now=now)

        return Done(result={"changed": True}, apply=store_and_redraw)
