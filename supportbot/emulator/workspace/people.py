"""People of the workspace: teams, users, user groups, finding someone and naming any id."""

from __future__ import annotations

from supportbot.emulator import defaults as d
from supportbot.emulator.errors import WorkspaceError
from supportbot.emulator.model import Team, User, UserGroup
from supportbot.emulator.workspace.state import WorkspaceState


def _name(user: User) -> str:
    return user.name


def _real_name(user: User) -> str:
    return user.real_name


def _role(user: User) -> str:
    return user.role


class PeopleMixin(WorkspaceState):
    """Who is in the workspace, and how to find them by any name."""

    def add_team(self, team: Team) -> Team:
        with self.lock:
            self.teams[team.id] = team
            return team

    def add_user(self, user: User) -> User:
        """Add a person (and their user token ``xoxp-emulator-user-<name>``)."""
        with self.lock:
            if user.team_id not in self.teams:
                raise WorkspaceError(f"unknown team {user.team_id}")
            self.users[user.id] = user
            if not user.is_bot:
                self._tokens[d.user_token_for(user.name)] = user.id
            return user

    def add_usergroup(self, group: UserGroup) -> UserGroup:
        with self.lock:
            self.usergroups[group.id] = group
            return group

    def find_user(self, ref: str) -> User:
        """A person by id, name, ``@name``, real name or console role word (``agent``)."""
        key = ref.strip().lstrip("@")
        with self.lock:
            if key in self.users:
                return self.users[key]
            lowered = key.lower()
            for field_of in (_name, _real_name, _role):
                for user in self.users.values():
                    if field_of(user).lower() == lowered:
                        return user
        raise WorkspaceError(f"nobody called {ref!r}")

    def display_name(self, ident: str) -> str:
        """A readable name for a user, channel or group id (the id itself when unknown)."""
        with self.lock:
            if ident in self.users:
                return self.users[ident].name
            if ident in self.channels:
                return self.channels[ident].name
            if ident in self.usergroups:
                return self.usergroups[ident].handle
            return ident
