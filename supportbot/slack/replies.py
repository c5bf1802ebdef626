"""Replying in a message's thread, even when that message is about to be deleted.

When the key interceptor deletes a leaking message, the conversation continues under the masked
copy it reposts, whose ``ts`` is known only once the repost has happened. The interceptor leaves
the repost's outbox action in ``context.reply_after``; :func:`enqueue_reply` chains a reply after
it, and :meth:`ReplyTarget.resolve` picks the repost's thread when it exists, or the original
thread when the repost did not happen (deletion refused: the original is still there).

A payload that replies carries its :class:`ReplyTarget` (built with :meth:`ReplyTarget.for_message`)
and names its outbox kind (``KIND``, the kind :func:`enqueue_reply` queues); its ``to_payload()``
stores the target's fields under the keys the old dict payloads used (``channel``, ``thread_ts``,
``thread_from_predecessor``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from sqlmodel import Session

from supportbot.slack.router import EventContext
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.messages import Message


@dataclass(frozen=True)
class ReplyTarget:
    """Where a reply goes: ``channel`` and ``thread_ts`` ("" for no thread), or the predecessor's thread.

    ``thread_from_predecessor``: the action runs after the masked repost (``context.reply_after``)
    and follows the conversation to the repost's thread when the repost happened.
    """

    channel: str
    thread_ts: str
    thread_from_predecessor: bool = False

    @classmethod
    def for_message(cls, message: Message, context: EventContext) -> ReplyTarget:
        """The reply to ``message``: its thread (or a new one under it), after the masked repost if any."""
        return cls(message.channel, message.reply_thread_ts, thread_from_predecessor=context.reply_after is not None)

    def to_payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"channel": self.channel, "thread_ts": self.thread_ts}
        if self.thread_from_predecessor:
            body["thread_from_predecessor"] = True
        return body

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ReplyTarget:
        return cls(
            channel=str(payload["channel"]),
            thread_ts=str(payload.get("thread_ts") or ""),
            thread_from_predecessor=bool(payload.get("thread_from_predecessor")),
        )

    def resolve(self, action: ClaimedAction) -> tuple[str, str]:
        """(channel, thread_ts) for ``action``: the repost's thread when it moved there, else the stored one."""
        if self.thread_from_predecessor and action.predecessor_result:
            moved = action.predecessor_result.get("thread_ts")
            if isinstance(moved, str) and moved:
                return self.channel, moved
        return self.channel, self.thread_ts

    def resolve_optional(self, action: ClaimedAction) -> tuple[str, str | None]:
        """As :meth:`resolve`, but with no stored thread the post starts one (thread None)."""
        if self.thread_ts:
            return self.resolve(action)
        return self.channel, None


class ReplyPayload(Protocol):
    """An outbox payload dataclass that replies somewhere: its kind, its target, its stored JSON."""

    KIND: ClassVar[str]

    @property
    def target(self) -> ReplyTarget | None: ...

    def to_payload(self) -> dict[str, Any]: ...


def enqueue_reply(
    session: Session,
    context: EventContext,
    payload: ReplyPayload,
    *,
    now: Any,
    group_key: str | None = None,
    dedupe_key: str | None = None,
) -> outbox.Enqueued:
    """Enqueue ``payload`` (an action of its ``KIND``) replying at its target, after the masked repost if any.

    Raises ValueError when ``payload`` has no target, or when its target was not built for
    ``context`` (it must follow the repost exactly when there is one).
    """
    target = payload.target
    if target is None:
        raise ValueError(f"a {type(payload).__name__} payload without a reply target is not a reply")
    anchor = context.reply_after
    if target.thread_from_predecessor != (anchor is not None):
        raise ValueError("the reply target does not match the event's repost: build it with ReplyTarget.for_message")
    return outbox.enqueue(
        session,
        payload.KIND,
        payload.to_payload(),
        now=now,
        after=anchor,
        run_if="always",
        group_key=group_key,
        dedupe_key=dedupe_key,
    )
