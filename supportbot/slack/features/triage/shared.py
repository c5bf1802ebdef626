"""The 401 checklist feature's outbox kinds, action ids and records, shared by its parts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from supportbot.slack.replies import reply_target
from supportbot.store.outbox import ClaimedAction
from supportbot.text.lang import Language
from supportbot.triage.probe import ProbeResult

START = "triage.start"
RENDER = "triage.render"
NOTE = "triage.note"
PROBE = "triage.probe"
BUTTONS = ("triage_fixed", "triage_next", "triage_ticket")
SHORTCUT = "triage_start"
# chat.update answers these when the checklist message was deleted: it is posted again instead.
GONE = frozenset({"message_not_found", "cant_update_message"})
MAX_PROBES = 2
# Attempts at an optimistic write before a click is given up (each loss means another click won).
MAX_WRITE_ATTEMPTS = 5
Probe = Callable[[str], ProbeResult]


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


def first_target(action: ClaimedAction) -> tuple[str, str | None]:
    """Where the first message goes: the report's thread (or the masked repost's), or a new thread."""
    if action.payload.get("thread_ts"):
        return reply_target(action)
    return str(action.payload["channel"]), None


def walk_group(walk_id: int) -> str:
    return f"triage:{walk_id}"
