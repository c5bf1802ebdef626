"""The 401 checklist walk for one thread, as a pure state machine.

The Slack layer stores :class:`ChecklistState` as JSON (one row per thread), loads it when a
button arrives, calls :func:`apply` and acts on the returned :class:`Transition`. Nothing here
reads a clock: every time is passed in (seconds since the epoch), so replicas, restarts and
customers who come back hours later all continue the same walk.

Buttons carry ``"<walk>:<step>"`` (:func:`button_value`), so a click on an old step's message, a
double click, or a click from a walk that was restarted in the same thread is recognised and
ignored instead of moving the walk on twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from supportbot.infra.errors import SupportbotError
from supportbot.triage.checks import CHECK_ORDER, Check, CheckId

Outcome = Literal["open", "fixed", "unresolved", "ticket"]
Action = Literal["triage_fixed", "triage_next", "triage_ticket"]
Effect = Literal["show_step", "fixed", "exhausted", "open_ticket", "ignored"]

ACTIONS: tuple[Action, ...] = ("triage_fixed", "triage_next", "triage_ticket")
SCHEMA = 1
MAX_EVENTS = 40
_OUTCOMES = ("open", "fixed", "unresolved", "ticket")


class ChecklistError(SupportbotError, ValueError):
    """Stored state or a button value is malformed; the message says which field."""


def plan(diagnosis: Iterable[Check | CheckId | str]) -> tuple[CheckId, ...]:
    """The step order: what the diagnosis points to (most likely first), then the rest as usual."""
    first: list[CheckId] = []
    for item in diagnosis:
        check = CheckId(item.check if isinstance(item, Check) else item)
        if check not in first:
            first.append(check)
    return (*first, *(check for check in CHECK_ORDER if check not in first))


@dataclass(frozen=True)
class Event:
    """One accepted click, kept for the leads' reports."""

    action: Action
    step: CheckId
    at: float


@dataclass(frozen=True)
class ChecklistState:
    """Where one thread's walk stands. Plain data: :meth:`to_json` / :meth:`from_json` round-trip."""

    walk: int
    steps: tuple[CheckId, ...]
    started_at: float
    updated_at: float
    position: int = 0
    outcome: Outcome = "open"
    fixed_by: CheckId | None = None
    ticket_requested: bool = False
    finished_at: float | None = None
    diagnosed: tuple[CheckId, ...] = ()
    language: str = "en"
    version: int = 0
    events: tuple[Event, ...] = field(default_factory=tuple)

    @property
    def current(self) -> CheckId | None:
        """The step on screen now; None once the walk has ended or run out of steps."""
        if self.outcome != "open" or self.position >= len(self.steps):
            return None
        return self.steps[self.position]

    @property
    def done(self) -> tuple[CheckId, ...]:
        """Steps the customer went through and said did not help."""
        return self.steps[: self.position]

    @property
    def last_step(self) -> CheckId:
        """The furthest step reached (for 'unresolved': the last one shown)."""
        return self.steps[min(self.position, len(self.steps) - 1)]

    @property
    def finished(self) -> bool:
        return self.outcome != "open"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "walk": self.walk,
            "steps": [str(step) for step in self.steps],
            "position": self.position,
            "outcome": self.outcome,
            "fixed_by": None if self.fixed_by is None else str(self.fixed_by),
            "ticket_requested": self.ticket_requested,
            "started_at": self.started_at,
            "updated_at": self.updated_at,
            "finished_at": self.finished_at,
            "diagnosed": [str(check) for check in self.diagnosed],
            "language": self.language,
            "version": self.version,
            "events": [[event.action, str(event.step), event.at] for event in self.events],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChecklistState:
        """Rebuild a stored state; :class:`ChecklistError` names the first bad field."""
        if data.get("schema") != SCHEMA:
            raise ChecklistError(f"checklist state: unknown schema {data.get('schema')!r}")
        try:
            steps = tuple(CheckId(step) for step in data["steps"])
            state = cls(
                walk=int(data["walk"]),
                steps=steps,
                position=int(data["position"]),
                outcome=_outcome(data["outcome"]),
                fixed_by=None if data.get("fixed_by") is None else CheckId(data["fixed_by"]),
                ticket_requested=bool(data.get("ticket_requested", False)),
                started_at=float(data["started_at"]),
                updated_at=float(data["updated_at"]),
                finished_at=None if data.get("finished_at") is None else float(data["finished_at"]),
                diagnosed=tuple(CheckId(check) for check in data.get("diagnosed", ())),
                language=str(data.get("language", "en")),
                version=int(data.get("version", 0)),
                events=tuple(
                    Event(_action(action), CheckId(step), float(at)) for action, step, at in data.get("events", ())
                ),
            )
        except KeyError as error:
            raise ChecklistError(f"checklist state: missing field {error.args[0]!r}") from None
        except (TypeError, ValueError) as error:
            raise ChecklistError(f"checklist state: {error}") from None
        if sorted(steps) != sorted(CHECK_ORDER) or not 0 <= state.position <= len(steps):
            raise ChecklistError("checklist state: steps must list each check once and position stay within them")
        return state


def _outcome(value: object) -> Outcome:
    for outcome in _OUTCOMES:
        if value == outcome:
            return outcome  # type: ignore[return-value]
    raise ChecklistError(f"checklist state: unknown outcome {value!r}")


def _action(value: object) -> Action:
    for action in ACTIONS:
        if value == action:
            return action
    raise ChecklistError(f"checklist: unknown action {value!r}")


def start(
    diagnosis: Iterable[Check | CheckId | str], *, at: float, language: str = "en", walk: int = 1
) -> ChecklistState:
    """A new walk; ``walk`` should be one more than the thread's previous walk, if it had one."""
    found = [CheckId(item.check if isinstance(item, Check) else item) for item in diagnosis]
    return ChecklistState(
        walk=walk,
        steps=plan(found),
        started_at=at,
        updated_at=at,
        language=language,
        diagnosed=tuple(dict.fromkeys(found)),
    )


@dataclass(frozen=True)
class Transition:
    """The new state and what the Slack layer should do about it.

    ``effect``: ``show_step`` (post ``step``), ``fixed`` (thank, close), ``exhausted`` (all steps
    tried: offer a ticket), ``open_ticket`` (open the ticket modal), ``ignored`` (nothing changed;
    ``note`` says why: ``stale_step``, ``duplicate``, ``finished``, ``other_walk``, ``unknown_step``).
    """

    state: ChecklistState
    effect: Effect
    step: CheckId | None = None
    note: str = ""

    @property
    def changed(self) -> bool:
        return self.effect != "ignored"


def button_value(state: ChecklistState, step: CheckId) -> str:
    """The ``value`` to put on a step's buttons."""
    return f"{state.walk}:{step}"


def parse_button_value(value: str) -> tuple[int, CheckId]:
    walk, _, step = value.partition(":")
    try:
        return int(walk), CheckId(step)
    except ValueError:
        raise ChecklistError(f"checklist: malformed button value {value[:40]!r}") from None


def _record(state: ChecklistState, action: Action, step: CheckId, at: float, **changes: Any) -> ChecklistState:
    events = (*state.events, Event(action, step, at))[-MAX_EVENTS:]
    return replace(state, updated_at=max(state.updated_at, at), version=state.version + 1, events=events, **changes)


def apply(state: ChecklistState, action: str, *, step: CheckId | str, at: float, walk: int | None = None) -> Transition:
    """Apply a button click (``action`` on the message of ``step``) made at time ``at``."""
    clicked_action = _action(action)
    if walk is not None and walk != state.walk:
        return Transition(state, "ignored", state.current, "other_walk")
    try:
        clicked = CheckId(step)
    except ValueError:
        return Transition(state, "ignored", state.current, "unknown_step")
    if clicked not in state.steps:
        return Transition(state, "ignored", state.current, "unknown_step")

    if clicked_action == "triage_fixed":
        if state.outcome == "fixed":
            return Transition(state, "ignored", None, "duplicate")
        new = _record(
            state,
            clicked_action,
            clicked,
            at,
            outcome="fixed",
            fixed_by=clicked,
            finished_at=at if state.finished_at is None else max(state.finished_at, at),
        )
        return Transition(new, "fixed", clicked)

    if clicked_action == "triage_ticket":
        if state.ticket_requested:
            return Transition(state, "ignored", None, "duplicate")
        new = _record(
            state,
            clicked_action,
            clicked,
            at,
            outcome="ticket",
            ticket_requested=True,
            finished_at=at if state.finished_at is None else state.finished_at,
        )
        return Transition(new, "open_ticket", clicked)

    # triage_next
    if state.finished:
        duplicate = state.outcome == "unresolved" and clicked == state.steps[-1]
        return Transition(state, "ignored", None, "duplicate" if duplicate else "finished")
    if clicked != state.current:
        return Transition(state, "ignored", state.current, "stale_step")
    position = state.position + 1
    if position >= len(state.steps):
        new = _record(state, clicked_action, clicked, at, position=position, outcome="unresolved", finished_at=at)
        return Transition(new, "exhausted", None)
    new = _record(state, clicked_action, clicked, at, position=position)
    return Transition(new, "show_step", new.current)


@dataclass(frozen=True)
class OutcomeRecord:
    """One finished (or abandoned) walk, as the leads' reports count it."""

    outcome: Outcome
    fixed_by: CheckId | None
    last_step: CheckId
    steps_tried: int
    diagnosed_first: CheckId | None
    diagnosis_right: bool | None
    seconds: float


def outcome_record(state: ChecklistState) -> OutcomeRecord:
    """What the walk came to: which step fixed it, or the last step reached."""
    first = state.diagnosed[0] if state.diagnosed else None
    right = None if first is None or state.fixed_by is None else first == state.fixed_by
    end = state.finished_at if state.finished_at is not None else state.updated_at
    tried = min(len(state.steps), state.position + (0 if state.position >= len(state.steps) else 1))
    return OutcomeRecord(state.outcome, state.fixed_by, state.last_step, tried, first, right, end - state.started_at)
