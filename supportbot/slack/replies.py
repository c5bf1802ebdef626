"""Replying in a message's thread, even when that message is about to be deleted.

When the key interceptor deletes a leaking message, the conversation continues under the masked
copy it reposts, whose ``ts`` is known only once the repost has happened. The interceptor leaves
the repost's outbox action in ``context.reply_after``; :func:`enqueue_reply` chains a
reply after it, and :func:`reply_target` picks the repost's thread when it exists, or the
original thread when the repost did not happen (deletion refused: the original is still there).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from supportbot.slack.router import EventContext
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text.messages import Message


def enqueue_reply(
    session: Session,
    context: EventContext,
    message: Message,
    kind: str,
    payload: Mapping[str, Any],
    *,
    now: Any,
    group_key: str | None = None,
    dedupe_key: str | None = None,
) -> outbox.Enqueued:
    """Enqueue an action that posts into ``message``'s conversation (payload gets channel/thread_ts)."""
    body = {**payload, "channel": message.channel, "thread_ts": message.reply_thread_ts}
    anchor = context.reply_after
    if anchor is not None:
        return outbox.enqueue(
            session,
            kind,
            {**body, "thread_from_predecessor": True},
            now=now,
            after=anchor,
            run_if="always",
            group_key=group_key,
            dedupe_key=dedupe_key,
        )
    return outbox.enqueue(session, kind, body, now=now, group_key=group_key, dedupe_key=dedupe_key)


def reply_target(action: ClaimedAction) -> tuple[str, str]:
    """(channel, thread_ts) for an action enqueued with :func:`enqueue_reply`."""
    payload = action.payload
    channel = str(payload["channel"])
    thread_ts = str(payload["thread_ts"])
    if payload.get("thread_from_predecessor") and action.predecessor_result:
        moved = action.predecessor_result.get("thread_ts")
        if isinstance(moved, str) and moved:
            return channel, moved
    return channel, thread_ts
