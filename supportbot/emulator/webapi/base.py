"""What every Web API method handler gets (the caller, its parameters) and how it fails."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from supportbot.emulator.errors import EmulatorError
from supportbot.emulator.interactivity import TriggerRegistry
from supportbot.emulator.model import Actor, Channel, JSONDict, User
from supportbot.emulator.workspace import Workspace


class ApiError(EmulatorError):
    """A Slack error answer: ``{"ok": false, "error": error}`` plus optional details."""

    def __init__(
        self,
        error: str,
        *,
        messages: list[str] | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        extra: JSONDict | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []
        self.status = status
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> JSONDict:
        out: JSONDict = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            out["response_metadata"] = {"messages": list(self.messages)}
        return out


def invalid_arguments(*problems: str) -> ApiError:
    return ApiError("invalid_arguments", messages=[f"[ERROR] {p}" for p in problems])


class Params:
    """Request parameters as received: form fields are strings, JSON bodies keep their types."""

    def __init__(self, data: JSONDict) -> None:
        self.data = data

    def __contains__(self, name: str) -> bool:
        return self.data.get(name) not in (None, "")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise invalid_arguments(f"missing required field: {name}")
        return value

    def integer(self, name: str, default: int) -> int:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise invalid_arguments(f"invalid value for {name}: must be an integer") from exc

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("1", "true", "yes")

    def structured(self, name: str) -> Any:
        """A JSON field: Slack accepts it as real JSON or as a JSON string inside a form."""
        value = self.data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise invalid_arguments(f"{name} must be valid JSON") from exc
        return value


@dataclass
class ApiContext:
    ws: Workspace
    actor: Actor
    params: Params
    triggers: TriggerRegistry
    method: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> User:
        """The person (or the bot user) the token acts as."""
        assert self.actor.user_id is not None, "handlers run only for authenticated calls"
        return self.ws.users[self.actor.user_id]

    @property
    def is_bot(self) -> bool:
        return self.actor.kind == "bot"

    def channel(self, name: str = "channel", *, must_see: bool = True) -> Channel:
        """Resolve a channel parameter (id, ``#name`` or a user id for a DM) as Slack does."""
        ref = self.params.text(name)
        if ref is None:
            raise ApiError("channel_not_found")
        ws = self.ws
        found = ws.channels.get(ref)
        if found is None and ref[:1] in ("U", "W") and ref in ws.users:
            found = ws.bot_dm(ref) if self.is_bot else ws.direct_channel([self.user.id, ref])
        if found is None:
            key = ref.lstrip("#")
            found = next((c for c in ws.channels.values() if c.name == key and not c.is_direct), None)
        if found is None or (must_see and not ws.can_see(self.user.id, found.id)):
            raise ApiError("channel_not_found")
        return found


Handler = Callable[[ApiContext], JSONDict]
METHODS: dict[str, Handler] = {}
NO_AUTH: set[str] = set()


def method(name: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
    """Register a Web API method handler; it returns the success body without ``ok``."""

    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        if not auth:
            NO_AUTH.add(name)
        return handler

    return register


def encode_cursor(value: str) -> str:
    return base64.b64encode(f"next:{value}".encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("invalid_cursor") from exc
    if not decoded.startswith("next:"):
        raise ApiError("invalid_cursor")
    return decoded[len("next:") :]


def page(items: list[Any], params: Params, *, default_limit: int = 100) -> tuple[list[Any], str]:
    """Offset paging for lists that do not change order (members, users, channels)."""
    limit = max(1, min(params.integer("limit", default_limit) or default_limit, 1000))
    start_text = decode_cursor(params.text("cursor"))
    start = int(start_text) if start_text and start_text.isdigit() else 0
    chunk = items[start : start + limit]
    next_cursor = encode_cursor(str(start + limit)) if start + limit < len(items) else ""
    return chunk, next_cursor
