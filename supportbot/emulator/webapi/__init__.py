"""The emulated Slack Web API: method handlers registered by name in ``METHODS``."""

from __future__ import annotations

from supportbot.emulator.webapi import chat, conversations, files, people, views
from supportbot.emulator.webapi.base import METHODS, NO_AUTH, ApiContext, ApiError, Params

__all__ = [
    "METHODS",
    "NO_AUTH",
    "ApiContext",
    "ApiError",
    "Params",
    "chat",
    "conversations",
    "files",
    "people",
    "views",
]
