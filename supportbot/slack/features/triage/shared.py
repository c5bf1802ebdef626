"""The 401 checklist feature's outbox kinds, action ids and records, shared by its parts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from supportbot.slack.features.triage.payloads import ProbeRequest, RenderWalk, StartWalk, TriageNote
from supportbot.store import outbox
from supportbot.text.lang import Language
from supportbot.triage.probe import ProbeResult

START = StartWalk.KIND
RENDER = RenderWalk.KIND
NOTE = TriageNote.KIND
PROBE = ProbeRequest.KIND
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


def walk_group(walk_id: int) -> str:
    return f"triage:{walk_id}"


def enqueue_redraw(session: Session, walk_id: int, *, now: datetime) -> None:
    """Queue a redraw of the walk's message (a ``triage.render`` with no target: the row says where)."""
    outbox.enqueue(session, RENDER, RenderWalk(walk_id).to_payload(), now=now, group_key=walk_group(walk_id))
