"""The features wired into the app, in order. Message handlers also carry their own ``order``."""

from __future__ import annotations

from supportbot.slack import faq as faq_feature
from supportbot.slack import help as help_feature
from supportbot.slack.app import Feature

FEATURES: list[Feature] = [
    help_feature.register,
    # Leak interception (order 10) and 401 triage (order 30) come here, before the FAQ.
    faq_feature.register,
]
