"""The leak feature's records and small helpers, shared by its listeners, actions and views."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from supportbot.keys import Finding, provider_info
from supportbot.leaks.payloads import CardUpdate, Repeat
from supportbot.leaks.plan import incident_group
from supportbot.render.templates import Mrkdwn, RenderedMessage, mention
from supportbot.slack.errors import SlackApiError
from supportbot.slack.runtime import Runtime
from supportbot.store import leaks as leak_store
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction

_log = logging.getLogger(__name__)

# The outbox kinds and their payloads are in the core: supportbot/leaks/payloads.py.
HANDLED_ACTION = "leak_handled"
SECTION_LIMIT = 2900
MAX_RECHECKS = 2


@dataclass(frozen=True)
class FileLeak:
    file_id: str
    name: str


@dataclass(frozen=True)
class Interception:
    incident_id: int
    repost_action: int | None
    is_new: bool
    # The deletion, written claimed by this instance because its Slack call is already under way
    # (``PromptDeleter``): the worker takes it straight from memory once the transaction commits.
    hand_over: ClaimedAction | None = None


def tell_privately(
    runtime: Runtime, channel: str, user: str, rendered: RenderedMessage, *, thread_ts: str | None = None
) -> str:
    """Show ``rendered`` to ``user`` alone: ephemeral where they are, else in a DM. Returns which."""
    content = {name: value for name, value in rendered.as_kwargs().items() if value}  # a text-only note has no blocks
    try:
        runtime.port.call("chat.postEphemeral", channel=channel, user=user, thread_ts=thread_ts, **content)
    except SlackApiError as error:
        if error.retryable:
            raise
        _log.info("ephemeral note to a user not delivered (%s); trying a DM", error.code)
        opened = runtime.port.call("conversations.open", users=user)
        dm = str((opened.get("channel") or {}).get("id") or "")
        runtime.port.call("chat.postMessage", channel=dm, **content)
        return "dm"
    return "ephemeral"


def moment(value: object) -> datetime:
    seconds = float(value) if isinstance(value, (int, float)) else 0.0
    return datetime.fromtimestamp(seconds, UTC)


def someone(user: object) -> Mrkdwn:
    return mention(user, "someone")


def update_card(session: Session, incident_id: int, *, now: datetime) -> None:
    """Queue ``leak.update_card``: the agents' card redrawn from the incident row (handled, removed, revoked…)."""
    card = CardUpdate(incident_id)
    outbox.enqueue(session, card.KIND, card.to_payload(), now=now, group_key=incident_group(incident_id))


def distinct_keys(findings: Sequence[Finding]) -> list[leak_store.KeySighting]:
    keys: dict[str, leak_store.KeySighting] = {}
    for finding in findings:
        keys.setdefault(
            finding.key_id, leak_store.KeySighting(finding.rule, finding.provider, finding.masked, finding.key_id)
        )
    return list(keys.values())


def repeat_summary(history: dict[str, leak_store.KeyHistory]) -> Repeat | None:
    """Whether any of the keys was posted before: how often in all, and since when (None: never)."""
    repeated = [item for item in history.values() if item.times_seen_before > 0]
    if not repeated:
        return None
    first = min((item.first_seen_at for item in repeated if item.first_seen_at), default=None)
    return Repeat(
        times=max(item.times_seen_before for item in repeated) + 1,
        since=first.strftime("%Y-%m-%d") if first else "",
    )


def rotation_pages(providers: Sequence[str]) -> list[dict[str, str]]:
    """Each provider's name and the page where its keys are disabled (empty when there is none to link)."""
    return [{"name": info.name, "url": info.rotate_url} for info in map(provider_info, providers)]
