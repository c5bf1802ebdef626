"""What the FAQ feature's two halves share: storing gap signals, and the small outbox posts both make.

Scrubbing. Every text this feature keeps passes :meth:`FaqServices.storable`: Slack markup
flattened and mentions dropped, the key scanner's ``scrub`` (keys masked, credential header values
removed), then every long random-looking token hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlmodel import Session

from supportbot.gaps.grouping import GapMatcher, GapSignal
from supportbot.knowledge.base import KnowledgeBase
from supportbot.slack.features.faq.payloads import Blocks, FaqEphemeral, FaqPost, GapRecord, present
from supportbot.slack.replies import ReplyTarget
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, received_at
from supportbot.store import gaps as gap_store
from supportbot.store import outbox
from supportbot.store.gap_tables import Recorded
from supportbot.store.outbox import ClaimedAction
from supportbot.text import chat as chat_text
from supportbot.text.chat import Scrub

_log = logging.getLogger(__name__)


GAP_RECORD = GapRecord.KIND


@dataclass
class FaqServices:
    runtime: Runtime
    kb: KnowledgeBase
    matcher: GapMatcher
    scrub: Scrub

    def storable(self, slack_text: str) -> str:
        """``slack_text`` as it may be stored: flattened, scrubbed, token-free, clipped."""
        return chat_text.storable(slack_text, self.scrub)

    def queue_signal(self, session: Session, signal: GapSignal, *, source_ref: str | None = None) -> None:
        """Record ``signal`` soon, from the outbox, rather than now: grouping compares it with many gaps
        and must not slow the handling of the message that raised it (it runs before Slack's ack)."""
        clean = replace(signal, text=self.storable(signal.text))
        payload = GapRecord(clean, source_ref=source_ref).to_payload()
        outbox.enqueue(session, GAP_RECORD, payload, now=self.runtime.clock.now(), group_key="gaps")

    def record_queued(self, action: ClaimedAction) -> Done:
        queued = GapRecord.from_payload(action.payload)
        signal, source_ref = queued.signal, queued.source_ref

        def record(session: Session) -> None:
            self.record_signal(session, signal, source_ref=source_ref)

        return Done(apply=record)

    def record_signal(self, session: Session, signal: GapSignal, *, source_ref: str | None = None) -> Recorded | None:
        """Store a gap signal in ``session``'s transaction; announce a reopened gap to the leads."""
        # Emitters pass scrubbed text; scrubbing again costs little and covers a careless emitter.
        clean = replace(signal, text=self.storable(signal.text))
        recorded = gap_store.record_signal(session, clean, matcher=self.matcher, source_ref=source_ref)
        if recorded is not None and recorded.reopened:
            self._announce_reopened(session, recorded, clean)
        return recorded

    def _announce_reopened(self, session: Session, recorded: Recorded, signal: GapSignal) -> None:
        channel = self.runtime.settings.leads_channel
        gap = gap_store.gap_by_key(session, recorded.gap_key)
        if channel is None or gap is None or gap.answered_at is None:
            return
        language = self.runtime.settings.default_language
        since = gap_store.signals_since(session, gap)
        text = self.runtime.renderer.text(
            "gaps/reopened",
            language,
            key=gap.key,
            title=gap.title or signal.text or gap.key,
            entry_id=gap.answered_entry_id or "?",
            answered_at=gap.answered_at,
            since_answer=since,
            example=signal.text or "…",
        )
        enqueue_post(session, self.runtime, channel=channel, text=str(text))


def register_outbox(runtime: Runtime) -> None:
    port = runtime.port

    def post(action: ClaimedAction) -> Done:
        message = FaqPost.from_payload(action.payload)
        channel, thread_ts = message.target.resolve_optional(action)
        found = present(channel=channel, text=message.text, blocks=message.blocks, thread_ts=thread_ts)
        data = port.call("chat.postMessage", unfurl_links=False, **found)
        return Done(result={"ts": data.get("ts")})

    def ephemeral(action: ClaimedAction) -> Done:
        note = FaqEphemeral.from_payload(action.payload)
        found = present(
            channel=note.channel, text=note.text, user=note.user, blocks=note.blocks, thread_ts=note.thread_ts
        )
        port.call("chat.postEphemeral", **found)
        return Done()

    runtime.worker.register(FaqPost.KIND, post)
    runtime.worker.register(FaqEphemeral.KIND, ephemeral)


def enqueue_ephemeral(
    session: Session,
    runtime: Runtime,
    *,
    channel: str,
    user: str,
    text: str,
    blocks: Blocks | None = None,
    thread_ts: str | None = None,
) -> None:
    """A private reply to ``user`` in ``channel`` (and thread), carried out by the outbox."""
    now = runtime.clock.now()
    payload = FaqEphemeral(channel, user, text, blocks=blocks, thread_ts=thread_ts, received_at=received_at(now))
    outbox.enqueue(session, FaqEphemeral.KIND, payload.to_payload(), now=now)


def enqueue_post(
    session: Session,
    runtime: Runtime,
    *,
    channel: str,
    text: str,
    blocks: Blocks | None = None,
    thread_ts: str | None = None,
) -> None:
    """A message from the bot (in ``thread_ts``'s thread if given), carried out by the outbox."""
    now = runtime.clock.now()
    payload = FaqPost(ReplyTarget(channel, thread_ts or ""), text, blocks=blocks, received_at=received_at(now))
    outbox.enqueue(session, FaqPost.KIND, payload.to_payload(), now=now)
