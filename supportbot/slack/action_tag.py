"""Knowing whether a post took effect: every message an outbox action posts carries its name.

``chat.postMessage`` made for an outbox action gets Slack message metadata
``{"event_type": "supportbot_action", "event_payload": {"action": <id>, "n": <nth post>}}``.
When an earlier attempt of the action ended without an answer (a timeout, a crash), its post may
have gone through; before posting again, the port looks for the tag in the channel or thread and
returns the message it finds instead of posting a second copy.

The worker sets the current action (:func:`acting_for`) around each handler; the port reads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

EVENT_TYPE = "supportbot_action"


@dataclass
class ActionTag:
    action_id: int
    # An earlier attempt may have posted: look before posting.
    look_first: bool
    posts: int = 0

    def next_metadata(self) -> dict[str, Any]:
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"action": self.action_id, "n": self.posts}}
        self.posts += 1
        return metadata


_current: ContextVar[ActionTag | None] = ContextVar("supportbot_action_tag", default=None)


@contextmanager
def acting_for(action_id: int, *, look_first: bool) -> Iterator[ActionTag]:
    tag = ActionTag(action_id, look_first)
    token = _current.set(tag)
    try:
        yield tag
    finally:
        _current.reset(token)


def current() -> ActionTag | None:
    return _current.get()


def is_tagged(message: Mapping[str, Any], metadata: Mapping[str, Any]) -> bool:
    """Whether ``message`` (from conversations.history/replies) carries exactly ``metadata``."""
    found = message.get("metadata")
    return (
        isinstance(found, Mapping)
        and found.get("event_type") == metadata["event_type"]
        and found.get("event_payload") == metadata["event_payload"]
    )
