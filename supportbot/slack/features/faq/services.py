"""What the FAQ feature's two halves share: storing gap signals, and the small outbox posts both make.

Scrubbing. Every text this feature keeps passes :meth:`FaqServices.storable`: Slack markup
flattened and mentions dropped, the key scanner's ``scrub`` (keys masked, credential header values
removed), then every long random-looking token hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from supportbot.gaps.grouping import GapMatcher, GapSignal
from supportbot.knowledge.base import KnowledgeBase
from supportbot.slack.features.faq.payloads import GapRecord
from supportbot.slack.replies import reply_target
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, received_at
from supportbot.store import gaps as gap_store
from supportbot.store import outbox
from supportbot.store.gap_tables import Recorded
from supportbot.store.outbox import ClaimedAction
from supportbot.text import chat as chat_text
from supportbot.text.chat import Scrub

_log = logging.getLogger(__name__)


GAP_RECORD = "gap.record"


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
        now = self.runtime.clock.now()
        outbox.enqueue(
            session,
            "faq.post",
            {"channel": channel, "text": str(text), "received_at": received_at(now)},
            now=now,
        )


def register_outbox(runtime: Runtime) -> None:
    port = runtime.port

    def params(payload: dict[str, Any], *names: str) -> dict[str, Any]:
        return {name: payload[name] for name in ("channel", "text", *names) if payload.get(name)}

    def post(action: ClaimedAction) -> Done:
        found = params(action.payload, "blocks")
        if action.payload.get("thread_ts"):
            found["channel"], found["thread_ts"] = reply_target(action)
        data = port.call("chat.postMessage", unfurl_links=False, **found)
        return Done(result={"ts": data.get("ts")})

    def ephemeral(action: ClaimedAction) -> Done:
        port.call("chat.postEphemeral", **params(action.payload, "user", "blocks", "thread_ts"))
        return Done()

    runtime.worker.register("faq.post", post)
    runtime.worker.register("faq.ephemeral", ephemeral)


def enqueue_ephemeral(
    session: Session,
    runtime: Runtime,
    *,
    channel: str,
    user: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
) -> None:
    """A private reply to ``user`` in ``channel`` (and thread), carried out by the outbox."""
    _enqueue(
        session,
        runtime,
        "faq.ephemeral",
        {"channel": channel, "user": user, "text": text},
        blocks=blocks,
        thread_ts=thread_ts,
    )


def enqueue_post(
    session: Session,
    runtime: Runtime,
    *,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    kind: str = "faq.post",
    extra: dict[str, Any] | None = None,
) -> None:
    """A message from the bot, carried out by the outbox (``kind`` picks another handler)."""
    _enqueue(
        session, runtime, kind, {"channel": channel, "text": text, **(extra or {})}, blocks=blocks, thread_ts=thread_ts
    )


def _enqueue(
    session: Session,
    runtime: Runtime,
    kind: str,
    payload: dict[str, Any],
    *,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None,
) -> None:
    now = runtime.clock.now()
    payload = {**payload, "received_at": received_at(now)}
    if blocks:
        payload["blocks"] = blocks
    if thread_ts:
        payload["thread_ts"] = thread_ts
    outbox.enqueue(session, kind, payload, now=now)
