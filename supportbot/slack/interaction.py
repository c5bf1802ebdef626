"""One button click, shortcut or modal submission, read once from the body Bolt hands a listener.

Slack's interactive payloads nest what a listener needs (``user.id``, ``channel.id``, the container
of a button, the first action's value) and any of it may be missing from a malformed or unusual
payload. :meth:`Interaction.parse` reads it defensively in one place: a missing string is ``""``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class Interaction:
    user: str
    # ``channel.id`` of the body; ``container_channel`` is where a clicked button's message lives.
    channel: str
    container_channel: str
    trigger_id: str
    container_thread_ts: str = ""
    # The message a shortcut or button is on, as Slack sent it (``{}`` when there is none).
    message: Mapping[str, Any] = field(default_factory=dict)
    message_ts: str = ""
    action_id: str = ""
    action_value: str = ""

    @property
    def where(self) -> str:
        """The conversation the interaction happened in: the body's channel, else the button's container."""
        return self.channel or self.container_channel

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Interaction:
        container = _mapping(body.get("container"))
        message = _mapping(body.get("message"))
        actions = body.get("actions")
        first = _mapping(actions[0]) if isinstance(actions, list) and actions else {}
        return cls(
            user=_text(_mapping(body.get("user")).get("id")),
            channel=_text(_mapping(body.get("channel")).get("id")),
            container_channel=_text(container.get("channel_id")),
            trigger_id=_text(body.get("trigger_id")),
            container_thread_ts=_text(container.get("thread_ts")),
            message=message,
            message_ts=_text(container.get("message_ts")) or _text(message.get("ts")) or _text(body.get("message_ts")),
            action_id=_text(first.get("action_id")),
            action_value=_text(first.get("value")),
        )

    def value_number(self, key: str) -> int | None:
        """The integer ``key`` of a JSON action value (``{"incident": 7}``), or None when it is not there."""
        try:
            return int(json.loads(self.action_value or "{}").get(key))
        except (TypeError, ValueError, AttributeError):
            return None
