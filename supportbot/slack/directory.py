"""Who people are: user profiles, user-group membership and roles, cached briefly.

Agents and leads are configured as user ids, user-group ids (``S…``) or handles (``@support``);
groups are resolved through the Web API. When ``SUPPORTBOT_AGENTS`` is not set, admins and owners
*of this workspace* act as agents (and as leads when ``SUPPORTBOT_LEADS`` is not set), so a fresh
install is usable and still closed to ordinary members. ``is_admin`` alone is not enough: Slack
reports it for an admin of a Slack Connect partner's organisation too, so the default also requires
the bot's own team (from ``auth.test``) and a full member (not a guest, not a stranger). When the
bot's team is not known, nobody gets the default.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supportbot.slack.errors import SlackError
from supportbot.slack.port import SlackPort
from supportbot.text.lang import Language, language_from_locale

_log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class UserInfo:
    id: str
    name: str
    team_id: str | None
    locale: str | None
    is_admin: bool
    is_bot: bool
    tz: str | None = None
    #: A guest (single- or multi-channel) or a member of another organisation seen through Slack Connect.
    is_external: bool = False


class _TtlCache(Generic[T]):
    def __init__(self, ttl: float, monotonic: Callable[[], float]) -> None:
        self._ttl = ttl
        self._monotonic = monotonic
        self._items: dict[str, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, load: Callable[[], T]) -> T:
        now = self._monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        value = load()
        with self._lock:
            self._items[key] = (now, value)
        return value


class Directory:
    def __init__(self, port: SlackPort, *, monotonic: Callable[[], float], ttl: float = 300.0) -> None:
        self._port = port
        self._users: _TtlCache[UserInfo | None] = _TtlCache(ttl, monotonic)
        self._groups: _TtlCache[frozenset[str]] = _TtlCache(ttl, monotonic)
        self._handles: _TtlCache[dict[str, str]] = _TtlCache(ttl, monotonic)
        self._names: _TtlCache[dict[str, str]] = _TtlCache(ttl, monotonic)

    def user(self, user_id: str) -> UserInfo | None:
        return self._users.get(user_id, lambda: self._load_user(user_id))

    def language(self, user_id: str | None, default: Language = "en") -> Language:
        if not user_id:
            return default
        info = self.user(user_id)
        return language_from_locale(info.locale if info else None, default)

    def display_name(self, user_id: str) -> str:
        info = self.user(user_id)
        return info.name if info else user_id

    def timezone(self, user_id: str | None) -> tzinfo:
        """The person's Slack time zone (``users.info`` ``tz``); UTC when unknown or unreadable."""
        info = self.user(user_id) if user_id else None
        if info is None or not info.tz:
            return UTC
        try:
            return ZoneInfo(info.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def user_id_for_name(self, name: str) -> str | None:
        """The id of the member whose handle or display name is ``name`` (``@sam`` or ``sam``)."""
        wanted = name.lstrip("@").lower()
        return self._names.get("names", self._load_names).get(wanted) if wanted else None

    def _load_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        cursor = ""
        for _ in range(50):  # at most 50 pages of members
            try:
                data = self._port.call("users.list", limit=200, cursor=cursor or None, retries=1)
            except SlackError as error:
                _log.info("users.list failed: %s", error.code)
                break
            for member in data.get("members") or []:
                if member.get("deleted") or not member.get("id"):
                    continue
                profile = member.get("profile") or {}
                for label in (member.get("name"), profile.get("display_name"), profile.get("real_name")):
                    if isinstance(label, str) and label:
                        names.setdefault(label.lower(), str(member["id"]))
            cursor = str((data.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        return names

    def _load_user(self, user_id: str) -> UserInfo | None:
        try:
            data = self._port.call("users.info", user=user_id, include_locale=True, retries=1)
        except SlackError as error:
            _log.info("users.info for %s failed: %s", user_id, error.code)
            return None
        user: dict[str, Any] = data.get("user") or {}
        profile: dict[str, Any] = user.get("profile") or {}
        return UserInfo(
            id=user_id,
            name=str(profile.get("display_name") or user.get("real_name") or user.get("name") or user_id),
            team_id=user.get("team_id"),
            locale=user.get("locale"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            is_bot=bool(user.get("is_bot")),
            tz=user.get("tz") if isinstance(user.get("tz"), str) else None,
            is_external=any(bool(user.get(flag)) for flag in ("is_stranger", "is_restricted", "is_ultra_restricted")),
        )

    def group_members(self, group: str) -> frozenset[str]:
        """Members of a user group named by id (``S…``) or handle (``@handle``)."""
        group_id = group if not group.startswith("@") else self._handle_map().get(group[1:].lower())
        if group_id is None:
            _log.warning("user group %s not found in this workspace", group)
            return frozenset()
        return self._groups.get(group_id, lambda: self._load_group(group_id))

    def _handle_map(self) -> dict[str, str]:
        def load() -> dict[str, str]:
            try:
                data = self._port.call("usergroups.list", retries=1)
            except SlackError as error:
                _log.info("usergroups.list failed: %s", error.code)
                return {}
            return {
                str(item.get("handle", "")).lower(): str(item.get("id"))
                for item in data.get("usergroups") or []
                if item.get("id")
            }

        return self._handles.get("handles", load)

    def _load_group(self, group_id: str) -> frozenset[str]:
        try:
            data = self._port.call("usergroups.users.list", usergroup=group_id, retries=1)
        except SlackError as error:
            _log.info("usergroups.users.list for %s failed: %s", group_id, error.code)
            return frozenset()
        return frozenset(str(user) for user in data.get("users") or [])


class Roles:
    """Agents and leads. Leads can do everything agents can."""

    def __init__(
        self,
        directory: Directory,
        *,
        agents: Sequence[str],
        leads: Sequence[str],
        home_team: Callable[[], str | None],
    ) -> None:
        self._directory = directory
        self._agents = tuple(agents)
        self._leads = tuple(leads)
        self._home_team = home_team

    def is_lead(self, user_id: str) -> bool:
        if not self._leads:
            return self._is_workspace_admin(user_id)
        return self._member(user_id, self._leads)

    def is_agent(self, user_id: str) -> bool:
        if self.is_lead(user_id):
            return True
        if not self._agents:
            return self._is_workspace_admin(user_id)
        return self._member(user_id, self._agents)

    def _member(self, user_id: str, principals: Sequence[str]) -> bool:
        for principal in principals:
            if principal == user_id:
                return True
            if (principal.startswith(("S", "@"))) and user_id in self._directory.group_members(principal):
                return True
        return False

    def _is_workspace_admin(self, user_id: str) -> bool:
        home = self._home_team()
        info = self._directory.user(user_id) if home else None
        return bool(info and info.is_admin and not info.is_external and info.team_id == home)
