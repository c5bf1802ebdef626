"""The workspace's shared state: every table, the lock over them, timestamps and the activity feed.

The concern mixins of this package all build on ``WorkspaceState``; what more than one of them needs
(the lock, ``require_user``/``require_channel``, ``new_ts``, ``record``) lives here.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections.abc import Callable
from typing import Any

from supportbot.emulator import defaults as d
from supportbot.emulator.errors import WorkspaceError
from supportbot.emulator.model import (
    Activity,
    Channel,
    Ephemeral,
    File,
    Message,
    Team,
    User,
    UserGroup,
    View,
    snapshot,
)

_ID_ALPHABET = string.ascii_uppercase + string.digits


def random_id(prefix: str, length: int = 10) -> str:
    """A Slack-shaped id (``F``, ``V``, ``Ev`` …) that is unique across emulator instances."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


class WorkspaceState:
    """The tables of one workspace; one re-entrant lock guards them all."""

    def __init__(
        self,
        home: Team | None = None,
        *,
        app_id: str = d.APP_ID,
        bot_user_id: str = d.BOT_USER,
        bot_id: str = d.BOT_ID,
        bot_name: str = d.BOT_NAME,
        bot_token: str = d.BOT_TOKEN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.clock = clock
        self.home = home or Team(d.HOME_TEAM, "Supportbot Dev", "supportbot-dev")
        self.app_id = app_id
        self.bot_token = bot_token
        # Where the files and links of this workspace are served; the Emulator sets it on start.
        self.base_url = "http://127.0.0.1"
        self.teams: dict[str, Team] = {self.home.id: self.home}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.usergroups: dict[str, UserGroup] = {}
        self.files: dict[str, File] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self._messages: dict[str, list[Message]] = {}
        # Indexes over _messages, kept because history pages look up threads for every message.
        self._by_ts: dict[tuple[str, str], Message] = {}
        self._replies: dict[tuple[str, str], list[Message]] = {}
        self._modal_stacks: dict[str, list[str]] = {}
        self._homes: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        # Scopes a token was granted (Slack reports them in the x-oauth-scopes header); revoked tokens.
        self._scopes: dict[str, tuple[str, ...]] = {}
        self._revoked: set[str] = set()
        self._activity: list[Activity] = []
        self._last_ts_us = 0
        self.bot = User(bot_user_id, bot_name, bot_name, self.home.id, is_bot=True, bot_id=bot_id, role="bot")
        self.users[self.bot.id] = self.bot
        self._tokens[bot_token] = self.bot.id
        self.admin_token: str | None = None

    # ------------------------------------------------------------------ lookups

    def require_user(self, user_id: str) -> User:
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                raise WorkspaceError(f"unknown user {user_id}")
            return user

    def require_channel(self, channel_id: str) -> Channel:
        with self.lock:
            channel = self.channels.get(channel_id)
            if channel is None:
                raise WorkspaceError(f"unknown channel {channel_id}")
            return channel

    # ------------------------------------------------------------------ time and ids

    def new_ts(self) -> str:
        """A message timestamp: the clock, bumped so every ts is unique and increasing."""
        with self.lock:
            now_us = int(self.clock() * 1_000_000)
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            seconds, micros = divmod(self._last_ts_us, 1_000_000)
            return f"{seconds}.{micros:06d}"

    # ------------------------------------------------------------------ activity feed

    def record(
        self,
        kind: str,
        origin: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        actor: str | None = None,
        token_kind: str | None = None,
        data: dict[str, Any],
    ) -> Activity:
        """Note one visible change (snapshotting ``data``) and wake anyone waiting for changes."""
        with self.lock:
            entry = Activity(
                seq=len(self._activity) + 1,
                kind=kind,
                origin=origin,
                channel=channel,
                ts=ts,
                actor=actor,
                token_kind=token_kind,
                data=snapshot(data),
                wall=time.time(),
            )
            self._activity.append(entry)
            self._changed.notify_all()
            return entry

    def mark(self) -> int:
        """A position in the activity feed; pass it to ``activity_since``."""
        with self.lock:
            return len(self._activity)

    def activity_since(self, mark: int = 0) -> list[Activity]:
        with self.lock:
            return list(self._activity[mark:])

    def wait_for_activity(
        self, predicate: Callable[[Activity], bool], *, since: int = 0, timeout: float = 5.0
    ) -> Activity:
        """The first entry after ``since`` matching ``predicate``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for entry in self._activity[since:]:
                    if predicate(entry):
                        return entry
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching activity within {timeout:.1f}s")
                self._changed.wait(remaining)
