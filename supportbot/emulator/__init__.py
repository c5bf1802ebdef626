"""A local Slack for development and tests: a Web API server, a signed-request driver, a console.

``Emulator`` serves the Web API of a ``Workspace`` on loopback; ``SlackDriver`` plays the people
in it and sends the app what Slack would; ``transcript`` and ``console`` show it all in a terminal.
This package never imports slack_bolt or the store: it is a stand-in for Slack, not part of the app.
"""

from __future__ import annotations

from supportbot.emulator.driver import Delivery, Element, SlackDriver
from supportbot.emulator.errors import DriverError, WorkspaceError
from supportbot.emulator.model import Activity, Channel, Message, Team, User, UserGroup, View
from supportbot.emulator.recording import Call
from supportbot.emulator.server import Emulator
from supportbot.emulator.workspace import Workspace

__all__ = [
    "Activity",
    "Call",
    "Channel",
    "Delivery",
    "DriverError",
    "Element",
    "Emulator",
    "Message",
    "SlackDriver",
    "Team",
    "User",
    "UserGroup",
    "View",
    "Workspace",
    "WorkspaceError",
]
