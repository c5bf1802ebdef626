"""The features wired into the app, in order. Message handlers also carry their own ``order``."""

from __future__ import annotations

from supportbot.slack import help as help_feature
from supportbot.slack import leaks, tickets
from supportbot.slack.app import Feature

FEATURES: list[Feature] = [
    help_feature.register,
    leaks.register,
    tickets.register,
]
