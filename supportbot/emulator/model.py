"""Plain records of the emulated workspace: teams, people, conversations, messages, files, views.

They are mutable on purpose (a message gets edited, a view updated); the Workspace guards every
change with its lock, so code outside it should treat what it gets back as a snapshot.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

T = TypeVar("T")
JSONDict = dict[str, Any]
ChannelKind = Literal["public", "private", "im", "mpim"]
TokenKind = Literal["bot", "admin", "user", "none", "unknown"]


@dataclass
class Team:
    id: str
    name: str
    domain: str


@dataclass
class User:
    id: str
    name: str
    real_name: str
    team_id: str
    locale: str = "en-US"
    tz: str = "America/Los_Angeles"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    bot_id: str | None = None
    # A word the console accepts in place of the name (``/as agent``); not a Slack field.
    role: str = ""

    @property
    def is_privileged(self) -> bool:
        return self.is_admin or self.is_owner


@dataclass
class Channel:
    id: str
    name: str
    kind: ChannelKind
    members: list[str] = field(default_factory=list)
    is_ext_shared: bool = False
    created: int = 1_700_000_000
    creator: str = ""
    topic: str = ""
    purpose: str = ""
    is_archived: bool = False
    # The other side of a direct message (im only).
    im_user: str | None = None

    @property
    def channel_type(self) -> str:
        """The ``channel_type`` Slack puts into message events."""
        return {"public": "channel", "private": "group", "im": "im", "mpim": "mpim"}[self.kind]

    @property
    def is_private(self) -> bool:
        return self.kind != "public"

    @property
    def is_direct(self) -> bool:
        return self.kind in ("im", "mpim")


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    team_id: str
    users: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    user: str | None
    team: str | None
    bot_id: str | None = None
    app_id: str | None = None
    blocks: list[JSONDict] | None = None
    attachments: list[JSONDict] | None = None
    files: list[str] = field(default_factory=list)
    thread_ts: str | None = None
    subtype: str | None = None
    edited: JSONDict | None = None
    reactions: dict[str, list[str]] = field(default_factory=dict)
    client_msg_id: str | None = None
    deleted: bool = False
    metadata: JSONDict | None = None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts


@dataclass
class File:
    id: str
    name: str
    title: str
    mimetype: str
    filetype: str
    mode: Literal["snippet", "hosted"]
    content: bytes
    user: str
    team: str
    created: int
    channels: list[str] = field(default_factory=list)
    deleted: bool = False


@dataclass
class Ephemeral:
    """A message only ``user`` sees; Slack keeps no history of it, the emulator does for tests."""

    channel: str
    ts: str
    user: str
    text: str
    posted_by: str
    blocks: list[JSONDict] | None = None
    attachments: list[JSONDict] | None = None
    thread_ts: str | None = None
    deleted: bool = False


@dataclass
class View:
    id: str
    team_id: str
    user_id: str
    type: Literal["modal", "home"]
    spec: JSONDict
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    trigger_id: str | None = None
    state: JSONDict = field(default_factory=lambda: {"values": {}})
    closed: bool = False

    @property
    def callback_id(self) -> str:
        return str(self.spec.get("callback_id") or "")

    @property
    def blocks(self) -> list[JSONDict]:
        blocks = self.spec.get("blocks") or []
        return list(blocks)


@dataclass(frozen=True)
class Actor:
    """Who a token acts as."""

    kind: TokenKind
    user_id: str | None


@dataclass(frozen=True)
class Activity:
    """One visible change in the workspace, for transcripts and for waiting on the app.

    ``origin`` says who caused it: ``api`` (a Web API call; ``token_kind`` and ``actor`` tell
    whose token), ``driver`` (a simulated person), ``response_url`` or ``ack`` (the app's answer
    to an interaction).
    """

    seq: int
    kind: str
    origin: str
    channel: str | None
    ts: str | None
    actor: str | None
    token_kind: str | None
    data: JSONDict
    wall: float


def snapshot(value: T) -> T:
    """A deep copy, so callers never hold references into live state."""
    return copy.deepcopy(value)
