"""The features wired into the app, in order. Message handlers also carry their own ``order``."""

from __future__ import annotations

from supportbot.slack.features import delivery, digest, home, leaks, revoke, tickets, triage
from supportbot.slack.features import faq as faq_feature
from supportbot.slack.features import help as help_feature
from supportbot.slack.runtime import Feature

FEATURES: list[Feature] = [
    help_feature.register,
    leaks.register,
    revoke.register,
    triage.register,
    tickets.register,
    faq_feature.register,
    home.register,
    digest.register,
    delivery.register,
]
