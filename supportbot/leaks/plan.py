"""What to queue for a leaked key (pure: no Slack, no database): the outbox actions, their order and chaining.

    deletion possible      delete ──succeeded──> repost masked copy
                             ├──always──────> warn author (knows whether it worked)
                             └──failed──────> alert agents
    deletion impossible    warn author (why not), alert agents (why not)
    an edit adds a key     warn author, alert agents again (only where the message stays up)
    a file with a message  one scan per file (dedupe: once per message and file)

The Slack edge records the incident, then writes a :class:`LeakPlan`'s actions in order, each one
``after`` the planned action it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal, Protocol

from supportbot.leaks.decision import DeletionDecision, masked_copy, summarise_providers
from supportbot.leaks.payloads import (
    Alert,
    AuthorWarning,
    Deletion,
    FileScan,
    Leak,
    LeakPayload,
    Repeat,
    Repost,
)
from supportbot.text.lang import detect_language
from supportbot.text.messages import Message
from supportbot.text.scrub import KeyScanner, scrub

RunIf = Literal["always", "succeeded", "failed"]  # as the outbox has it
# A leaked key stays visible until its deletion works: keep trying through Slack outages for hours.
DELETE_BUDGET = timedelta(hours=12)
DELETE_ATTEMPTS = 500
# The states in which a key an edit added goes with the message: nobody needs telling again.
LEAVING = frozenset({"pending", "deleted", "removed_by_author"})


class SightedKey(Protocol):
    """A distinct key of the incident, as far as the plan needs it."""

    @property
    def masked(self) -> str: ...

    @property
    def provider(self) -> str: ...


@dataclass(frozen=True)
class PlannedAction:
    """One outbox action to write. ``after``: the index in the plan of the action this one waits for.

    ``max_attempts`` and ``budget`` None: the outbox's defaults. ``claimed``: written already claimed by
    this instance (its Slack call started on arrival); ``urgent``: ahead of everything else.
    """

    payload: LeakPayload
    group_key: str | None = None
    after: int | None = None
    run_if: RunIf = "always"
    dedupe_key: str | None = None
    urgent: bool = False
    max_attempts: int | None = None
    budget: timedelta | None = None
    claimed: bool = False

    @property
    def kind(self) -> str:
        return self.payload.KIND


@dataclass(frozen=True)
class LeakPlan:
    actions: tuple[PlannedAction, ...] = ()
    lang: str | None = None  # "zh" when the message was Chinese (the replies follow it), else the reader's own

    @property
    def kinds(self) -> list[str]:
        return [action.kind for action in self.actions]

    def position(self, kind: str) -> int | None:
        """Where the first action of ``kind`` is in the plan (None when there is none)."""
        return next((index for index, action in enumerate(self.actions) if action.kind == kind), None)


def incident_group(incident_id: int) -> str:
    """The outbox group of an incident's actions (a click on "handled" cancels its re-checks by it)."""
    return f"leak:{incident_id}"


def leak_language(masked_text: str) -> str | None:
    return "zh" if detect_language(masked_text) == "zh" else None


def _leak(message: Message, incident: int, received_at: float, file: tuple[str, str] | None = None) -> Leak:
    return Leak(
        incident=incident,
        channel=message.channel,
        ts=message.ts,
        thread_ts=message.thread_ts,
        author=message.user,
        received_at=received_at,
        file_id=file[0] if file else None,
        file_name=file[1] if file else None,
    )


def _warning(
    leak: Leak,
    keys: Sequence[SightedKey],
    seen: Repeat | None,
    lang: str | None,
    *,
    revoke: str | None = None,
    deleted: bool | None = None,
    reason: str | None = None,
) -> AuthorWarning:
    return AuthorWarning(
        leak,
        keys=tuple(key.masked for key in keys),
        providers=tuple(summarise_providers([key.provider for key in keys])),
        seen=seen,
        lang=lang,
        revoke=revoke,
        deleted=deleted,
        reason=reason,
    )


def plan_interception(
    decision: DeletionDecision,
    message: Message,
    *,
    incident: int,
    keys: Sequence[SightedKey],
    seen: Repeat | None,
    masked_text: str,
    scanner: KeyScanner,
    received_at: float,
    file: tuple[str, str] | None = None,
    revoke: str | None = None,
    prompted: bool = False,
) -> LeakPlan:
    """The actions for a newly recorded incident. ``file``: (id, name) when the key was in a shared file;
    ``revoke``: the revoke mode when its keys can be disabled; ``prompted``: the deletion already started."""
    leak = _leak(message, incident, received_at, file)
    lang = leak_language(masked_text)
    warning = _warning(leak, keys, seen, lang, revoke=revoke)
    group = incident_group(incident)
    if decision.possible:
        repost = Repost(leak, text=masked_copy(scrub(masked_text, scanner)), lang=lang)
        return LeakPlan(
            (
                PlannedAction(
                    Deletion(leak, prompted=prompted),
                    group,
                    urgent=True,
                    max_attempts=DELETE_ATTEMPTS,
                    budget=DELETE_BUDGET,
                    claimed=prompted,
                ),
                PlannedAction(repost, group, after=0, run_if="succeeded"),
                PlannedAction(warning, group, after=0, run_if="always"),
                PlannedAction(Alert(warning, reason=None), group, after=0, run_if="failed"),
            ),
            lang,
        )
    told = replace(warning, deleted=False, reason=decision.reason)
    return LeakPlan(
        (PlannedAction(told, group), PlannedAction(Alert(warning, reason=decision.reason), group)),
        lang,
    )


def edit_needs_telling(deletion: str) -> bool:
    """Whether keys an edit added stay up: not while the message is being deleted or once it is gone."""
    return deletion not in LEAVING


def plan_edit(
    message: Message,
    *,
    incident: int,
    added: Sequence[SightedKey],
    seen: Repeat | None,
    masked_text: str,
    received_at: float,
    reason: str | None,
) -> LeakPlan:
    """An edit added keys to a message that stays up (see :func:`edit_needs_telling`): warn and alert again."""
    lang = leak_language(masked_text)
    warning = _warning(_leak(message, incident, received_at), added, seen, lang, deleted=False, reason=reason)
    group = incident_group(incident)
    return LeakPlan((PlannedAction(warning, group), PlannedAction(Alert(warning, reason=reason), group)), lang)


def plan_file_scans(message: Message, file_ids: Sequence[str], *, received_at: float) -> LeakPlan:
    """One scan per file shared with ``message``; the dedupe key makes a redelivery or an edit queue none."""
    return LeakPlan(
        tuple(
            PlannedAction(
                FileScan(
                    channel=message.channel,
                    ts=message.ts,
                    file_id=file_id,
                    thread_ts=message.thread_ts,
                    channel_type=message.channel_type,
                    author=message.user,
                    team=message.team,
                    received_at=received_at,
                ),
                dedupe_key=f"scanfile:{message.channel}:{message.ts}:{file_id}",
            )
            for file_id in file_ids
        )
    )
