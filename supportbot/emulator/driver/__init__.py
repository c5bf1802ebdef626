"""The driver: people acting in the emulated Slack, delivered to the app as signed requests.

Each action first changes the workspace (the message exists in history, the reaction is on it)
and then sends what Slack would send: an Events API envelope as JSON, an interaction as the form
field ``payload``, a slash command as form fields, all signed with ``v0:{timestamp}:{body}``.

The app is reached either over HTTP (``target`` is a base URL; requests go to
``{url}/slack/events``) or in process (``target`` is a callable taking the raw body and headers
and returning status, headers and body, e.g. a thin wrapper around Bolt's ``app.dispatch``).
"""

from __future__ import annotations

from supportbot.emulator.driver.base import FORM_TYPE, JSON_TYPE, USER_AGENT, Delivery, Dispatch, DriverBase
from supportbot.emulator.driver.elements import Element, interactive_elements
from supportbot.emulator.driver.events import EventsMixin
from supportbot.emulator.driver.interactions import InteractionsMixin

__all__ = [
    "FORM_TYPE",
    "JSON_TYPE",
    "USER_AGENT",
    "Delivery",
    "Dispatch",
    "DriverBase",
    "Element",
    "SlackDriver",
    "interactive_elements",
]


class SlackDriver(EventsMixin, InteractionsMixin):
    """The people of an emulated workspace, acting and reaching the app as Slack would reach it."""
