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
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from supportbot.gaps.grouping import GapSignal
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.errors import SlackApiError
from supportbot.slack.replies import enqueue_reply, reply_target
from supportbot.slack.router import CommandRequest, EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, FollowUp, Outcome
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.store import triage as walk_store
from supportbot.store.outbox import ClaimedAction
from supportbot.text.lang import Language
from supportbot.text.messages import Message
from supportbot.tickets.model import OPEN_TICKET_MODAL, TicketDraft, TicketModalRequest
from supportbot.triage import Check, CheckId, detect_report, diagnose, pasted_base_urls
from supportbot.triage import checklist as machine
from supportbot.triage.checklist import ChecklistError, ChecklistState, Transition
from supportbot.triage.detect import Detection
from supportbot.triage.facts import error_facts
from supportbot.triage.probe import ProbeResult, apply_probe, probe_base_url
from supportbot.triage.reasons import REASONS
from supportbot.triage.steps import StepBook, load_steps

_log = logging.getLogger(__name__)

START = "triage.start"
RENDER = "triage.render"
NOTE = "triage.note"
PROBE = "triage.probe"
BUTTONS = ("triage_fixed", "triage_next", "triage_ticket")
SHORTCUT = "triage_start"
MAX_FINDINGS = 3
# chat.update answers these when the checklist message was deleted: it is posted again instead.
GONE = frozenset({"message_not_found", "cant_update_message"})
MAX_PROBES = 2
# Attempts at an optimistic write before a click is given up (each loss means another click won).
MAX_WRITE_ATTEMPTS = 5

Probe = Callable[[str], ProbeResult]


def register(app: App, runtime: Runtime, *, probe: Probe | None = None) -> None:
    feature = TriageFeature(runtime, probe=probe)
    runtime.events.on_message("triage", feature.on_message, order=30)
    runtime.worker.register(START, feature.do_start)
    runtime.worker.register(RENDER, feature.do_render)
    runtime.worker.register(NOTE, feature.do_note)
    runtime.worker.register(PROBE, feature.do_probe)
    for action_id in BUTTONS:
        app.action(action_id)(feature.on_click)
    app.shortcut(SHORTCUT)(feature.on_shortcut)
    runtime.commands.add("triage", feature.command_triage, role="anyone")


@dataclass(frozen=True)
class Report:
    """What a walk starts from: where, for whom, and the (already masked) text to diagnose."""

    channel: str
    origin: str
    thread_ts: str | None
    requester: str | None
    started_by: str | None
    trigger: str
    text: str
    language: Language
    masked_key: str = ""


@dataclass(frozen=True)
class Started:
    walk_id: int | None
    is_new: bool


class TriageFeature:
    def __init__(self, runtime: Runtime, *, probe: Probe | None = None) -> None:
        self.runtime = runtime
        self.book: StepBook = load_steps(runtime.settings.knowledge_dir)
        self.probe: Probe = probe or probe_base_url
        bases = runtime.settings.api_base_urls
        self.official_base: str | None = bases[0] if bases else None

    # ------------------------------------------------------------------ starting a walk

    def on_message(self, message: Message, context: EventContext) -> None:
        runtime = self.runtime
        if message.user is None or message.is_bot or not message.text.strip():
            return
        if not runtime.is_support_channel(message.channel):
            return
        detection = detect_report(message.text)
        if not message.is_dm and (not detection.is_401 or runtime.roles.is_agent(message.user)):
            return
        checks: list[Check] | None = None
        if not detection.is_401:
            # A direct message to the bot: a paste in which the diagnosis names a cause counts too.
            checks = diagnose(message.text, runtime.settings, scrub=runtime.scrub)
            if not checks:
                return
        context.notes["triage"] = True
        # Deciding to start is all that happens before Slack's acknowledgement; diagnosing, recording
        # the walk and posting follow from the outbox (chained after a masked repost, if any).
        incident = context.notes.get("leak")
        payload = {
            "origin": message.ts,
            "text": message.text,  # the masked copy when a key was intercepted; cleared once started
            "requester": message.user,
            "trigger": "dm" if message.is_dm else "message",
            "incident": incident if isinstance(incident, int) else None,
            "received_at": context.received_at.timestamp(),
        }
        with runtime.transaction() as session:
            enqueue_reply(session, context, message, START, payload, now=runtime.clock.now())

    def do_start(self, action: ClaimedAction) -> Outcome:
        """Start the walk a message asked for (see on_message), where the conversation now lives."""
        payload = action.payload
        requester = str(payload["requester"])
        text = str(payload.get("text") or "")
        channel, display_thread = reply_target(action)
        incident = payload.get("incident")
        report = Report(
            channel=str(payload["channel"]),
            origin=str(payload["origin"]),
            thread_ts=str(payload["thread_ts"]),
            requester=requester,
            started_by=requester,
            trigger=str(payload.get("trigger") or "message"),
            text=text,
            language=self.runtime.language_for(requester, text),
            masked_key=self._intercepted_key(incident if isinstance(incident, int) else None),
        )
        started = self.start(report, display=(channel, display_thread))
        return Done(result={"walk": started.walk_id, "thread_ts": display_thread})

    def _intercepted_key(self, incident: int | None) -> str:
        if incident is None:
            return ""
        with self.runtime.store.session() as session:
            keys = leak_store.keys_of(session, incident)
        return keys[0].masked if keys else ""

    def start(
        self,
        report: Report,
        *,
        checks: list[Check] | None = None,
        detection: Detection | None = None,
        context: EventContext | None = None,
        message: Message | None = None,
        display: tuple[str, str] | None = None,
    ) -> Started:
        """Record a walk and queue its first message; idempotent per starting point.

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
        if checks is None:
            checks = diagnose(report.text, runtime.settings, scrub=scrub)
        facts = error_facts(report.text, scrub=scrub, detection=detection)
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
            diagnosis=[_check_json(check) for check in checks],
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
                payload = {"walk": row.id, "received_at": now.timestamp()}
                if context is not None and message is not None:
                    first = enqueue_reply(session, context, message, RENDER, payload, now=now, group_key=_group(row.id))
                elif display is not None:
                    first = outbox.enqueue(
                        session,
                        RENDER,
                        {**payload, "channel": display[0], "thread_ts": display[1]},
                        now=now,
                        group_key=_group(row.id),
                    )
                else:
                    first = outbox.enqueue(
                        session,
                        RENDER,
                        {**payload, "channel": report.channel, "thread_ts": report.thread_ts or ""},
                        now=now,
                        group_key=_group(row.id),
                    )
                if bases:
                    outbox.enqueue(
                        session,
                        PROBE,
                        {"walk": row.id, "bases": bases},
                        now=now,
                        after=first,
                        run_if="succeeded",
                        group_key=_group(row.id),
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

    # ------------------------------------------------------------------ shortcut and command

    def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        agent = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        raw_message = body.get("message")
        message: dict[str, Any] = raw_message if isinstance(raw_message, dict) else {}
        ts = str(message.get("ts") or body.get("message_ts") or "")
        if not agent or not channel or not ts:
            return
        thread_ts = str(message.get("thread_ts") or ts)
        if not runtime.roles.is_agent(agent):
            self._note(channel, agent, thread_ts, "shortcut_not_allowed", language=runtime.language_for(agent))
            return
        author = message.get("user") if isinstance(message.get("user"), str) else None
        if message.get("bot_id") or author == runtime.bot_user_id:
            author = None  # the bot's own message (e.g. a masked repost): no one to address
        raw = str(message.get("text") or "")
        findings = runtime.scanner.find(raw)
        text = runtime.scanner.mask(raw, findings) if findings else raw
        language = runtime.language_for(author, text) if author else runtime.language_for(agent, text)
        report = Report(
            channel=channel,
            origin=ts,
            thread_ts=thread_ts,
            requester=author,
            started_by=agent,
            trigger="shortcut",
            text=text,
            language=language,
            masked_key=findings[0].masked if findings else "",
        )
        started = self.start(report)
        if not started.is_new:
            self._note(channel, agent, thread_ts, "already_running", language=runtime.language_for(agent))

    def command_triage(self, request: CommandRequest) -> RenderedMessage:
        runtime = self.runtime
        raw = request.rest
        findings = runtime.scanner.find(raw) if raw else []
        text = runtime.scanner.mask(raw, findings) if findings else raw
        language = runtime.language_for(request.user_id, text)
        if not runtime.is_support_channel(request.channel_id):
            return RenderedMessage(text=runtime.renderer.text("triage/command_elsewhere", language), blocks=[])
        report = Report(
            channel=request.channel_id,
            origin=f"cmd:{request.trigger_id or uuid.uuid4().hex}"[:64],
            thread_ts=None,
            requester=request.user_id,
            started_by=request.user_id,
            trigger="command",
            text=text,
            language=language,
            masked_key=findings[0].masked if findings else "",
        )
        self.start(report)
        return RenderedMessage(
            text=runtime.renderer.text("triage/command_started", language, pasted=bool(text.strip())), blocks=[]
        )

    # ------------------------------------------------------------------ buttons

    def on_click(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        user = str((body.get("user") or {}).get("id") or "")
        actions = body.get("actions") or [{}]
        action_id = str(actions[0].get("action_id") or "")
        container = body.get("container") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        message_ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
        try:
            walk_id, walk_number, step = parse_value(str(actions[0].get("value") or ""))
        except ChecklistError:
            return
        with runtime.store.session() as session:
            row = walk_store.get_walk(session, walk_id)
        if row is None or row.channel != channel or (row.step_ts is not None and row.step_ts != message_ts):
            return  # not a button of ours (or a forged value pointing at another thread's walk)
        thread = row.posted_thread_ts or row.thread_ts
        if row.requester and user != row.requester and not runtime.roles.is_agent(user):
            self._note(channel, user, thread, "not_yours", language=runtime.language_for(user), requester=row.requester)
            return
        now = runtime.clock.now()
        transition: Transition | None = None
        previous: ChecklistState | None = None
        for _ in range(MAX_WRITE_ATTEMPTS):
            previous = row.checklist()
            transition = machine.apply(previous, action_id, step=step, at=now.timestamp(), walk=walk_number)
            if not transition.changed:
                break
            with runtime.transaction() as session:
                won = walk_store.save_state(
                    session, walk_id, expected_version=row.version, state=transition.state, now=now
                )
                if won:
                    outbox.enqueue(session, RENDER, {"walk": walk_id}, now=now, group_key=_group(walk_id))
                    if transition.effect == "exhausted":
                        self._signal_gap(session, row, transition.state, now=now)
            if won:
                break
            with runtime.store.session() as session:
                reloaded = walk_store.get_walk(session, walk_id)
            assert reloaded is not None
            row = reloaded
        else:
            _log.warning("walk %s: gave up applying a click after %d conflicts", walk_id, MAX_WRITE_ATTEMPTS)
            return
        assert transition is not None
        assert previous is not None
        if not transition.changed:
            if transition.note in {"finished", "other_walk"}:
                self._note(channel, user, thread, "walk_over", language=runtime.language_for(user))
            return
        _log.info("walk %s: %s on %s -> %s", walk_id, action_id, step, transition.effect)
        if transition.effect == "open_ticket":
            self._open_ticket(row, transition.state, previous, user=user, trigger_id=str(body.get("trigger_id") or ""))

    def _open_ticket(
        self,
        row: walk_store.TriageWalk,
        state: ChecklistState,
        previous: ChecklistState,
        *,
        user: str,
        trigger_id: str,
    ) -> None:
        runtime = self.runtime
        assert row.id is not None
        thread = row.posted_thread_ts or row.thread_ts
        draft = TicketDraft(
            time=row.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            model=row.error_model,
            status=row.error_status,
            error_text=row.error_text,
            masked_key_id=row.masked_key,
            channel=row.channel,
            thread_ts=thread,
            requester=row.requester,
            source="triage",
        )
        answered = runtime.hooks.request(
            OPEN_TICKET_MODAL, TicketModalRequest(trigger_id=trigger_id, user_id=user, draft=draft)
        )
        now = runtime.clock.now()
        with runtime.transaction() as session:
            if answered:
                self._signal_gap(session, row, state, now=now)
                return
            # No tickets feature here: the walk goes on as if the button had not been pressed.
            restored = replace(previous, version=state.version + 1)
            if walk_store.save_state(session, row.id, expected_version=state.version, state=restored, now=now):
                outbox.enqueue(session, RENDER, {"walk": row.id}, now=now, group_key=_group(row.id))
        self._note(row.channel, user, thread, "no_tickets", language=runtime.language_for(user))

    def _signal_gap(
        self, session: Session, row: walk_store.TriageWalk, state: ChecklistState, *, now: datetime
    ) -> None:
        assert row.id is not None
        if not walk_store.claim_gap_signal(session, row.id):
            return
        self.runtime.hooks.emit(
            "gap_signal",
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

    # ------------------------------------------------------------------ outbox handlers

    def do_render(self, action: ClaimedAction) -> Outcome:
        runtime = self.runtime
        walk_id = int(action.payload["walk"])
        with runtime.store.session() as session:
            row = walk_store.get_walk(session, walk_id)
        if row is None:
            return Done(result={"skipped": True})
        if row.step_ts is None and "channel" not in action.payload:
            # A click landed while the first post was on its way; that post's completion draws the
            # message again if the walk moved on meanwhile (see _post), so nothing is lost here.
            return Done(result={"waiting_for_first_post": True})
        rendered = self.render_walk(row)
        if row.step_ts is None:
            channel, thread_ts = _first_target(action)
            return self._post(walk_id, channel, thread_ts, rendered, again=False, version=row.version)
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
        return Done(
            result={"version": row.version},
            follow_ups=[FollowUp(RENDER, {"walk": walk_id}, group_key=_group(walk_id))] if again else (),
        )

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
                outbox.enqueue(session, RENDER, {"walk": walk_id}, now=now, group_key=_group(walk_id))

        return Done(result={"ts": posted, "thread_ts": thread}, apply=record)

    def do_note(self, action: ClaimedAction) -> Outcome:
        payload = action.payload
        language: Language = "zh" if payload.get("lang") == "zh" else "en"
        requester = payload.get("requester")
        text = self.runtime.renderer.text(
            "triage/note", language, kind=str(payload.get("kind") or ""), requester=mention(requester)
        )
        self.runtime.port.call(
            "chat.postEphemeral",
            channel=payload["channel"],
            user=payload["user"],
            thread_ts=payload.get("thread_ts") or None,
            text=text,
        )
        return Done(result={"sent": True})

    def do_probe(self, action: ClaimedAction) -> Outcome:
        runtime = self.runtime
        walk_id = int(action.payload["walk"])
        bases = [str(base) for base in action.payload.get("bases") or []][:MAX_PROBES]
        with runtime.store.session() as session:
            row = walk_store.get_walk(session, walk_id)
        if row is None or not bases:
            return Done(result={"changed": False})
        checks = [_check_from_json(item) for item in row.diagnosis_items()]
        findings: list[ProbeResult] = []
        for base in bases:
            result = self.probe(base)
            updated = apply_probe(checks, result, scrub=runtime.scrub)
            if _signature(updated) != _signature(checks):
                findings.append(result)
            checks = updated
        if not findings:
            return Done(result={"changed": False})
        language: Language = "zh" if row.language == "zh" else "en"
        for result in findings:
            text = runtime.renderer.text(
                "triage/probe",
                language,
                base=result.base,
                verdict=result.verdict,
                status=result.status or 0,
                html="HTML" in result.detail,
                official=self.official_base or "",
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
        diagnosis = [_check_json(check) for check in checks]

        def store_and_redraw(session: Session) -> None:
            walk_store.set_diagnosis(session, walk_id, diagnosis, now=now)
            outbox.enqueue(session, RENDER, {"walk": walk_id}, now=now, group_key=_group(walk_id))

        return Done(result={"changed": True}, apply=store_and_redraw)

    # ------------------------------------------------------------------ rendering

    def render_walk(self, row: walk_store.TriageWalk) -> RenderedMessage:
        """The checklist message for the walk as it stands now."""
        assert row.id is not None
        state = row.checklist()
        language: Language = "zh" if state.language == "zh" else "en"
        renderer = self.runtime.renderer
        findings = [
            renderer.text(
                "triage/finding",
                language,
                check=str(item.get("check") or ""),
                reason=str(item.get("reason") or ""),
                summary=_summary(item),
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

    # ------------------------------------------------------------------ helpers

    def _note(
        self, channel: str, user: str, thread_ts: str | None, kind: str, *, language: Language, requester: str = ""
    ) -> None:
        with self.runtime.transaction() as session:
            outbox.enqueue(
                session,
                NOTE,
                {
                    "channel": channel,
                    "user": user,
                    "thread_ts": thread_ts or "",
                    "kind": kind,
                    "lang": language,
                    "requester": requester,
                },
                now=self.runtime.clock.now(),
            )


def button_value(walk_id: int, state: ChecklistState, step: CheckId) -> str:
    """``<walk row id>/<walk>:<step>``: the row to load, then the state machine's own value."""
    return f"{walk_id}/{machine.button_value(state, step)}"


def parse_value(value: str) -> tuple[int, int, CheckId]:
    row, _, rest = value.partition("/")
    try:
        walk_id = int(row)
    except ValueError:
        raise ChecklistError(f"checklist: malformed button value {value[:40]!r}") from None
    walk, step = machine.parse_button_value(rest)
    return walk_id, walk, step


def gap_summary(diagnosis: Sequence[dict[str, Any]], *, ticket: bool) -> str:
    """A short, scrubbed line for the FAQ-gap log: how the walk ended and what the diagnosis named.

    Built from reason codes only (our own wording), never from the customer's text.
    """
    reasons = [REASONS[str(item.get("reason"))].message for item in diagnosis if str(item.get("reason")) in REASONS]
    ending = "401 checklist did not fix it; ticket requested" if ticket else "401 checklist ended unresolved"
    named = "; ".join(reasons[:MAX_FINDINGS]) if reasons else "no cause recognised in the paste"
    return f"{ending}. Diagnosis: {named}"[:300]


def _check_json(check: Check) -> dict[str, Any]:
    return {
        "check": str(check.check),
        "reason": check.reason,
        "score": check.score,
        "evidence": check.evidence,
        "excerpt": check.excerpt,
        "subject": check.subject,
    }


def _check_from_json(item: dict[str, Any]) -> Check:
    subject = item.get("subject")
    return Check(
        CheckId(str(item.get("check"))),
        str(item.get("evidence") or ""),
        float(item.get("score") or 0.0),
        str(item.get("reason") or ""),
        str(item.get("excerpt") or ""),
        subject if isinstance(subject, str) else None,
    )


def _signature(checks: Sequence[Check]) -> list[tuple[str, str]]:
    return [(str(check.check), check.reason) for check in checks]


def _summary(item: dict[str, Any]) -> str:
    """The evidence sentence without its excerpt (the template shows the excerpt as code)."""
    evidence = str(item.get("evidence") or "")
    excerpt = str(item.get("excerpt") or "")
    if excerpt and evidence.endswith(": " + excerpt):
        return evidence[: -len(excerpt) - 2]
    return evidence


def _first_target(action: ClaimedAction) -> tuple[str, str | None]:
    """Where the first message goes: the report's thread (or the masked repost's), or a new thread."""
    if action.payload.get("thread_ts"):
        return reply_target(action)
    return str(action.payload["channel"]), None


def _group(walk_id: int) -> str:
    return f"triage:{walk_id}"
