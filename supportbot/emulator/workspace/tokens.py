"""Tokens of the workspace: whose each token is, what it was granted, and which were revoked."""

from __future__ import annotations

from collections.abc import Iterable

from supportbot.emulator import defaults as d
from supportbot.emulator.model import Actor
from supportbot.emulator.workspace.state import WorkspaceState


class TokensMixin(WorkspaceState):
    """The Web API's view of a caller: a token stands for a user, the bot or nobody."""

    def register_token(self, token: str, user_id: str) -> None:
        with self.lock:
            self.require_user(user_id)
            self._tokens[token] = user_id

    def forget_token(self, token: str) -> str:
        """Make ``token`` unknown (Slack then answers ``invalid_auth``); returns whose it was, to restore it."""
        with self.lock:
            return self._tokens.pop(token)

    def set_scopes(self, token: str, scopes: Iterable[str]) -> None:
        """What the app was granted for ``token`` (the default: everything the manifest asks for)."""
        with self.lock:
            self._scopes[token] = tuple(scopes)

    def scopes_for(self, token: str) -> tuple[str, ...]:
        with self.lock:
            if token in self._scopes:
                return self._scopes[token]
            user_id = self._tokens.get(token)
            if user_id is None:
                return ()
            return d.GRANTED_BOT_SCOPES if user_id == self.bot.id else d.GRANTED_USER_SCOPES

    def revoke_token(self, token: str) -> None:
        """From now on Slack answers ``token_revoked`` for this token (an uninstall, a rotated token)."""
        with self.lock:
            self._revoked.add(token)

    def is_revoked(self, token: str | None) -> bool:
        with self.lock:
            return token is not None and token in self._revoked

    def actor_for(self, token: str | None) -> Actor:
        if not token:
            return Actor("none", None)
        with self.lock:
            user_id = self._tokens.get(token)
            if user_id is None:
                return Actor("unknown", None)
            if user_id == self.bot.id:
                return Actor("bot", user_id)
            user = self.users[user_id]
            return Actor("admin" if user.is_privileged else "user", user_id)

    def token_for(self, user_id: str) -> str:
        """The user token of ``user_id`` (the bot token for the bot)."""
        with self.lock:
            user = self.require_user(user_id)
            if user.id == self.bot.id:
                return self.bot_token
            return d.user_token_for(user.name)
