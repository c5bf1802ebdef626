"""Starting a checklist walk, noting what happened in its thread, and drawing its message."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.features.triage.payloads import ProbeRequest, RenderWalk, TriageNote
from supportbot.slack.features.triage.shared import (
    MAX_PROBES,
    NOTE,
    PROBE,
    RENDER,
    Probe,
    Report,
    Started,
    walk_group,
)
from supportbot.slack.hooks import GAP_SIGNAL
from supportbot.slack.replies import ReplyTarget
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.store import triage as walk_store
from supportbot.text.lang import Language, as_language
from supportbot.triage import checklist as machine
from supportbot.triage import diagnose, pasted_base_urls
from supportbot.triage.checklist import ChecklistState
from supportbot.triage.facts import error_facts
from supportbot.triage.probe import probe_base_url
from supportbot.triage.steps import StepBook, load_steps
from supportbot.triage.walk import (
    MAX_FINDINGS,
    button_value,
    check_json,
    finding_summary,
    gap_summary,
)

_log = logging.getLogger(__name__)


class Walks:
    """The checklist's steps and probe, and what every way into a walk shares."""

    def __init__(self, runtime: Runtime, *, probe: Probe | None = None) -> None:
        self.runtime = runtime
        self.book: StepBook = load_steps(runtime.settings.knowledge_dir)
        self.probe: Probe = probe or probe_base_url
        bases = runtime.settings.api_base_urls
        self.official_base: str | None = bases[0] if bases else None

    def start(
        self,
        report: Report,
        *,
        display: tuple[str, str] | None = None,
    ) -> Started:
        """Record a walk and queue its first message; idempotent per starting point.

        ``display``: (channel, thread) where the walk's message goes when not in the report's own thread.

        A thread with an unfinished walk gets no second one (the buttons are already there); after
        a walk ended, a new report in the thread starts the next walk.
        """
        runtime = self.runtime
        now = runtime.clock.now()
        with runtime.store.session() as session:
            if walk_store.find_by_origin(session, channel=report.channel, origin=report.origin) is not None:
                return Started(None, is_new=False)
            latest = (
                walk_store.latest_in_thread(session, channel=report.channel, thread_ts=report.thread_ts)
                if report.thread_ts
                else None
            )
        if latest is not None and latest.outcome == "open":
            return Started(latest.id, is_new=False)
        scrub = runtime.scrub
        checks = diagnose(report.text, runtime.settings, scrub=scrub)
        facts = error_facts(report.text, scrub=scrub)
        state = machine.start(
            checks, at=now.timestamp(), language=report.language, walk=latest.walk + 1 if latest else 1
        )
        new = walk_store.NewWalk(
            channel=report.channel,
            origin=report.origin,
            thread_ts=report.thread_ts,
            requester=report.requester,
            started_by=report.started_by,
            trigger=report.trigger,
            state=state,
            diagnosis=[check_json(check) for check in checks],
            error_status=facts.status,
            error_model=facts.model,
            error_text=facts.error_text,
            masked_key=report.masked_key,
        )
        bases = self._probe_targets(report.text) if runtime.settings.probe_enabled else []
        try:
            with runtime.transaction() as session:
                row = walk_store.create_walk(session, new, now=now)
                assert row.id is not None
                target = (
                    ReplyTarget(*display)
                    if display is not None
                    else ReplyTarget(report.channel, report.thread_ts or "")
                )
                first = outbox.enqueue(
                    session,
                    RENDER,
                    RenderWalk(row.id, target, received_at=now.timestamp()).to_payload(),
                    now=now,
                    group_key=walk_group(row.id),
                )
                if bases:
                    outbox.enqueue(
                        session,
                        PROBE,
                        ProbeRequest(row.id, tuple(bases)).to_payload(),
                        now=now,
                        after=first,
                        run_if="succeeded",
                        group_key=walk_group(row.id),
                    )
                walk_id = row.id
        except IntegrityError:
            # Another delivery of the same event, or another report in this thread, got there first.
            return Started(None, is_new=False)
        _log.info(
            "401 checklist walk %s started in %s (%s; first check %s)",
            walk_id,
            report.channel,
            report.trigger,
            state.steps[0],
        )
        return Started(walk_id, is_new=True)

    def _probe_targets(self, text: str) -> list[str]:
        official = {base.rstrip("/").lower() for base in self.runtime.settings.api_base_urls}
        targets: list[str] = []
        for base in pasted_base_urls(text):
            clean = base.split("?", 1)[0].split("#", 1)[0].rstrip("/")
            # A URL the key scanner would change carries a credential: it is neither stored nor called.
            if not clean or self.runtime.scanner.scrub(clean) != clean or clean.lower() in official:
                continue
            if clean not in targets:
                targets.append(clean)
        return targets[:MAX_PROBES]

    def intercepted_key(self, incident: int | None) -> str:
        if incident is None:
            return ""
        with self.runtime.store.session() as session:
            keys = leak_store.keys_of(session, incident)
        return keys[0].masked if keys else ""

    def note(
        self, channel: str, user: str, thread_ts: str | None, kind: str, *, language: Language, requester: str = ""
    ) -> None:
        with self.runtime.transaction() as session:
            outbox.enqueue(
                session,
                NOTE,
                TriageNote(channel, user, thread_ts, kind, language, requester).to_payload(),
                now=self.runtime.clock.now(),
            )

    def signal_gap(self, session: Session, row: walk_store.TriageWalk, state: ChecklistState, *, now: datetime) -> None:
        assert row.id is not None
        if not walk_store.claim_gap_signal(session, row.id):
            return
        self.runtime.hooks.emit(
            GAP_SIGNAL,
            session,
            GapSignal(
                kind="checklist_unresolved",
                text=gap_summary(row.diagnosis_items(), ticket=state.outcome == "ticket"),
                at=now,
                channel_id=row.channel,
                user_id=row.requester,
                checklist_step=str(state.last_step),
            ),
        )

    def render_walk(self, row: walk_store.TriageWalk) -> RenderedMessage:
        """The checklist message for the walk as it stands now."""
        assert row.id is not None
        state = row.checklist()
        language = as_language(state.language)
        renderer = self.runtime.renderer
        findings = [
            renderer.text(
                "triage/finding",
                language,
                check=str(item.get("check") or ""),
                reason=str(item.get("reason") or ""),
                summary=finding_summary(item),
                excerpt=str(item.get("excerpt") or "").replace("`", "'"),
            )
            for item in row.diagnosis_items()[:MAX_FINDINGS]
        ]
        current = state.current
        step = self.book.get(current, language).for_base(self.official_base) if current is not None else None
        shown = current or state.last_step
        fixed_by = self.book.get(state.fixed_by, language).title if state.fixed_by is not None else ""
        progress = [
            {
                "check": str(check),
                "status": "fixed"
                if check == state.fixed_by
                else "current"
                if check == current
                else "done"
                if check in state.done
                else "todo",
            }
            for check in state.steps
        ]
        return renderer.message(
            "triage/walk",
            language,
            requester=mention(row.requester) if row.requester else Mrkdwn(""),
            findings=findings,
            outcome=state.outcome,
            number=min(state.position + 1, len(state.steps)),
            total=len(state.steps),
            step={"title": step.title, "what": step.what, "how": step.how, "fine": step.fine} if step else {},
            fixed_by=fixed_by,
            progress=progress,
            value=button_value(row.id, state, shown),
        )
