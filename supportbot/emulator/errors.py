"""The local Slack's errors (drawn in the one tree in ``supportbot/infra/errors.py``)."""

from __future__ import annotations

from supportbot.infra.errors import SupportbotError


class EmulatorError(SupportbotError):
    """Base of every error the emulator raises: an API error answer, a driver or workspace misuse."""


class DriverError(EmulatorError, ValueError):
    """An action a real person could not take (not in the channel, no such button, …)."""


class WorkspaceError(EmulatorError, LookupError):
    """A name or id that does not exist in the workspace, or an action it cannot hold."""
