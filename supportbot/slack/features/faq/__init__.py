"""The FAQ feature: knowledge-base answers and FAQ gaps, wired into the app as one feature.

:func:`register` builds the gap matcher over the runtime's knowledge base (validated when the
runtime was built: a broken deployment folder stops the start with every problem listed) and
hands both to the two halves:
:mod:`supportbot.slack.features.faq.answers` (questions, answers, feedback buttons) and
:mod:`supportbot.slack.features.faq.gaps` (gap signals from every feature, the "Log as FAQ gap" shortcut and
``/support gaps``). What both share (storing signals, the small outbox posts) lives in ``services``.
"""

from __future__ import annotations

import logging

from slack_bolt import App

from supportbot.gaps.grouping import GapMatcher
from supportbot.slack.features.faq import answers, gaps
from supportbot.slack.features.faq.services import GAP_RECORD, FaqServices, register_outbox
from supportbot.slack.runtime import Runtime

_log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    kb = runtime.knowledge
    for warning in kb.warnings:
        _log.warning("knowledge base: %s", warning)
    services = FaqServices(runtime, kb, GapMatcher.for_knowledge(kb), runtime.scrub)
    register_outbox(runtime)
    runtime.worker.register(GAP_RECORD, services.record_queued)
    answers.install(app, runtime, services)
    gaps.install(app, runtime, services)
