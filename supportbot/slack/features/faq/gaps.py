"""FAQ gaps in Slack: signals from other features, the "Log as FAQ gap" shortcut, ``/support gaps``.

* Other features announce gap signals with ``runtime.hooks.emit(GAP_SIGNAL, session, GapSignal(…))``
  (a 401 checklist that ended unresolved, a ticket filed, a key pasted again); they are stored in the
  emitter's transaction, so a signal exists exactly when what caused it was committed.
* Agents log any message as a gap with the message shortcut ``gap_log``; the confirmation is private.
* ``/support gaps [7d] [open|answered|reopened|all]`` lists the top gaps of a period with counts,
  the trend against the period before and example phrasings; ``/support gaps answer <gap> <entry-id>``
  marks a gap answered by a knowledge entry (checked against the knowledge base). Both are for team
  leads only: gap examples are customers' own words from every support channel.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import regex
from slack_bolt import Ack, App
from sqlmodel import Session

from supportbot.gaps.grouping import REOPEN_AFTER, GapSignal, GapSummary, Window
from supportbot.render.templates import Mrkdwn, RenderedMessage
from supportbot.slack.features.faq.services import FaqServices, enqueue_ephemeral
from supportbot.slack.hooks import GAP_SIGNAL
from supportbot.slack.interaction import Interaction
from supportbot.slack.router import CommandRequest
from supportbot.slack.runtime import Runtime
from supportbot.store import gaps as gap_store
from supportbot.store.gap_tables import AmbiguousGap
from supportbot.text.chat import for_output
from supportbot.text.lang import Language
from supportbot.text.periods import parse_period
from supportbot.text.scrub import echo

_log = logging.getLogger(__name__)

DEFAULT_PERIOD = "7d"
#: Gaps shown by /support gaps (two blocks each; a message holds 50).
LISTED = 10
MAX_CHANNELS = 5
_CHANNEL_ID = regex.compile(r"^[CG][A-Z0-9]{2,}$")


def install(app: App, runtime: Runtime, faq: FaqServices) -> None:
    feature = _Gaps(runtime, faq)
    runtime.hooks.on(GAP_SIGNAL, feature.on_gap_signal)
    app.shortcut("gap_log")(feature.on_gap_log)
    runtime.commands.add("gaps", feature.command, role="lead")


class _Gaps:
    def __init__(self, runtime: Runtime, faq: FaqServices) -> None:
        self.runtime = runtime
        self.faq = faq

    # -- signals from other features ----------------------------------------------------------------

    def on_gap_signal(self, session: Session, payload: GapSignal) -> None:
        # Typed for our callers; a plain-named emit (a test, a plug-in) may still hand over something else.
        if not isinstance(payload, GapSignal):
            _log.error("gap_signal hook got a %s, not a GapSignal; ignored", type(payload).__name__)
            return
        self.faq.queue_signal(session, payload)

    # -- the agents' shortcut -----------------------------------------------------------------------

    def on_gap_log(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        runtime = self.runtime
        interaction = Interaction.parse(body)
        user, channel, message = interaction.user, interaction.channel, interaction.message
        ts = message.get("ts")
        if not user or not channel or not isinstance(ts, str):
            return
        language = runtime.language_for(user)
        thread_ts = message.get("thread_ts") if isinstance(message.get("thread_ts"), str) else None
        refusal: str | None = None
        if not runtime.roles.is_agent(user):
            refusal = "not_agent"
        elif message.get("bot_id") or message.get("subtype") == "bot_message":
            refusal = "bot_message"
        raw_text = message.get("text")
        text = raw_text if isinstance(raw_text, str) else ""
        stored = self.faq.storable(text) if refusal is None else ""
        if refusal is None and not stored:
            refusal = "empty"
        now = runtime.clock.now()
        with runtime.transaction() as session:
            if refusal is not None:
                reply = runtime.renderer.text("gaps/log_refused", language, reason=refusal)
            else:
                source_ref = f"shortcut:{channel}:{ts}"
                author = message.get("user") if isinstance(message.get("user"), str) else None
                recorded = self.faq.record_signal(
                    session,
                    GapSignal("agent_logged", stored, now, channel_id=channel, user_id=author),
                    source_ref=source_ref,
                )
                if recorded is None:
                    existing = gap_store.gap_for_source(session, source_ref)
                    key = existing.key if existing else "?"
                    reply = runtime.renderer.text("gaps/logged", language, already=True, is_new=False, key=key, count=0)
                else:
                    reply = runtime.renderer.text(
                        "gaps/logged",
                        language,
                        already=False,
                        is_new=recorded.is_new_gap,
                        key=recorded.gap_key,
                        count=recorded.count,
                    )
            enqueue_ephemeral(session, runtime, channel=channel, user=user, text=str(reply), thread_ts=thread_ts)

    # -- /support gaps ------------------------------------------------------------------------------

    def command(self, request: CommandRequest) -> RenderedMessage:
        language = self.runtime.language_for(request.user_id)
        args = list(request.args)
        if args and args[0].lower() == "answer":
            return self._answer(request, args[1:], language)
        period_text, state = DEFAULT_PERIOD, "open"
        for arg in args:
            lowered = arg.lower()
            if lowered in gap_store.STATE_FILTERS:
                state = lowered
            elif lowered[:1].isdigit():
                period_text = arg
            else:
                return self._problem(language, "usage", arg)
        try:
            period = parse_period(period_text)
        except ValueError:
            return self._problem(language, "period", period_text)
        return self.listing(language, period_text, period, state)  # type: ignore[arg-type]

    def listing(
        self, language: Language, period_text: str, period: timedelta, state: gap_store.StateFilter
    ) -> RenderedMessage:
        window = Window.ending(self.runtime.clock.now(), period)
        with self.runtime.store.session() as session:
            summaries = gap_store.top_gaps(session, window, limit=LISTED, state=state)
            total = gap_store.count_gaps(session, window, state=state)
        items = [self._item(rank, summary) for rank, summary in enumerate(summaries, 1)]
        return self.runtime.renderer.message(
            "gaps/list", language, period=period_text, state=state, total=total, gaps=items
        )

    def _item(self, rank: int, summary: GapSummary) -> dict[str, Any]:
        scrub = self.faq.scrub
        channels = [channel for channel in summary.channels if _CHANNEL_ID.match(channel)][:MAX_CHANNELS]
        title = for_output(summary.title, scrub)
        return {
            "rank": rank,
            "key": summary.key,
            "title": title,
            "count": summary.count,
            "previous": summary.trend.previous,
            "direction": summary.trend.direction,
            "state": summary.status.state,
            "entry_id": summary.status.entry_id,
            "answered_at": summary.status.answered_at,
            "since_answer": summary.status.signals_since_answer,
            "examples": [
                shown for shown in (for_output(example, scrub) for example in summary.examples) if shown != title
            ],
            "channels": Mrkdwn(" ".join(f"<#{channel}>" for channel in channels)),
            "users": summary.users,
            "last_seen": summary.last_seen,
        }

    def _answer(self, request: CommandRequest, args: Sequence[str], language: Language) -> RenderedMessage:
        if len(args) != 2:
            return self._problem(language, "usage", " ".join(args))
        ref, entry_id = args
        kb = self.faq.kb
        entry = kb.entry(entry_id, language)
        if entry is None:
            close = difflib.get_close_matches(entry_id, kb.ids(), n=3, cutoff=0.5)
            return self._problem(language, "entry", entry_id, choices=[f"`{choice}`" for choice in close])
        with self.runtime.store.session() as session:
            try:
                gap = gap_store.find_gap(session, ref)
            except AmbiguousGap as error:
                return self._problem(language, "ambiguous", ref, choices=list(error.keys))
            if gap is None:
                return self._problem(language, "no_gap", ref)
            gap_store.mark_answered(session, gap, entry_id=entry.id, by=request.user_id, now=self.runtime.clock.now())
            latest = gap_store.signals_of(session, gap.id or 0, limit=1)
            title = gap.title or (latest[0].text if latest else gap.key)
            key = gap.key
        text = self.runtime.renderer.text(
            "gaps/answered",
            language,
            key=key,
            title=for_output(title, self.faq.scrub),
            entry_id=entry.id,
            entry_title=entry.title,
            reopen_after=REOPEN_AFTER,
        )
        return RenderedMessage(text=str(text), blocks=[])

    def _problem(self, language: Language, problem: str, value: str, *, choices: Sequence[str] = ()) -> RenderedMessage:
        shown = echo(value, self.runtime.scanner)
        text = self.runtime.renderer.text("gaps/problem", language, problem=problem, value=shown, choices=choices)
        return RenderedMessage(text=str(text), blocks=[])
