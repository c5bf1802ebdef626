"""The Bolt app: verification, dedupe, routing to features, and catch-alls so nothing gets a 404."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse

from supportbot.config import Settings
from supportbot.infra.logsafe import log_context
from supportbot.slack.errors import SlackError, SlackLayerError
from supportbot.slack.metrics import safe_label
from supportbot.slack.parse import message_from_event
from supportbot.slack.router import CommandRequest, EventContext
from supportbot.slack.runtime import Feature, Runtime
from supportbot.slack.signature import SignatureCheck, SignatureMiddleware
from supportbot.store import events as event_store
from supportbot.store.db import Store, is_transient_db_error
from supportbot.text.messages import Message
from supportbot.text.scrub import echo

_log = logging.getLogger(__name__)
# A claim older than this belongs to a process that died mid-event; Slack's next retry takes over.
STALE_CLAIM = timedelta(seconds=60)
REDELIVER_STATUS = 503


class AppStartError(SlackLayerError, RuntimeError):
    """The app cannot start (Slack rejected the token, or cannot be reached); the message says why."""


class TransientFailure(SlackLayerError, RuntimeError):
    """A handler failed for a reason a retry can fix (the database was busy)."""


class Redeliver(TransientFailure):
    """This delivery cannot be handled now but must not be lost: answer non-2xx so Slack sends it again.

    Raised when another delivery of the event is still being handled (it may yet fail), when the
    database cannot be reached to claim it, and when a handler failed transiently or failed closed.
    """


def build_app(settings: Settings, store: Store, *, runtime: Runtime, features: Sequence[Feature]) -> App:
    """Build the Bolt app for ``runtime`` (which holds ``settings`` and ``store``).

    Calls ``auth.test`` once, so a wrong token or an unreachable Slack is reported at start-up.
    """
    if runtime.settings is not settings or runtime.store is not store:
        raise ValueError("runtime was built for other settings or another store")
    if not settings.slack_signing_secret and not settings.slack_app_token:
        raise AppStartError("SLACK_SIGNING_SECRET is required to verify requests from Slack")
    identify(runtime)

    check = SignatureCheck(settings.slack_signing_secret or "", now=lambda: runtime.clock.now().timestamp())
    app = App(
        name="supportbot",
        client=runtime.port.bot_client,
        signing_secret=settings.slack_signing_secret or "unused-in-socket-mode",
        request_verification_enabled=False,
        before_authorize=SignatureMiddleware(check),
        # Bolt then asks auth.test once, here, and keeps the answer. Without it, Bolt asks on the first
        # request instead, and if Slack rejects the token at that moment it answers that request with an
        # error page Slack takes for delivered: the event would be lost rather than kept for later.
        token_verification_enabled=True,
        process_before_response=True,
        logger=logging.getLogger("supportbot.bolt"),
    )
    app.event(re.compile(r".*"))(_event_listener(runtime))
    app.command("/support")(_support_listener(runtime))
    # Features are handed in (``bot.create_bot`` passes ``slack.features.FEATURES``): the app never imports them.
    for feature in features:
        feature(app, runtime)
    _register_catch_alls(app)
    app.error(_answer_error)
    return app


def _answer_error(error: Exception) -> BoltResponse | None:
    """A delivery to be redelivered is no bug: say so briefly and answer 503; anything else is a 500."""
    if isinstance(error, TransientFailure):
        _log.info("answered %d so that Slack delivers again: %s", REDELIVER_STATUS, error)
        return BoltResponse(status=REDELIVER_STATUS, body="")
    _log.error("listener failed: %s", type(error).__name__, exc_info=error)
    return None


def identify(runtime: Runtime) -> None:
    """Ask Slack who the bot is (``auth.test``); a wrong token or no Slack is reported here, at start."""
    try:
        identity = runtime.port.call("auth.test", retries=2)
    except SlackError as error:
        raise AppStartError(_explain_auth_failure(error)) from None
    runtime.bot_user_id = identity.get("user_id")
    runtime.bot_id = identity.get("bot_id")
    runtime.team_id = identity.get("team_id")


def _explain_auth_failure(error: SlackError) -> str:
    if error.code in {"invalid_auth", "not_authed", "account_inactive", "token_revoked"}:
        return f"Slack rejected SLACK_BOT_TOKEN ({error.code}); copy the Bot User OAuth Token again"
    return f"could not verify SLACK_BOT_TOKEN with Slack ({error})"


def _is_own(runtime: Runtime, message: Message) -> bool:
    return (message.user is not None and message.user == runtime.bot_user_id) or (
        message.bot_id is not None and message.bot_id == runtime.bot_id
    )


def _event_listener(runtime: Runtime) -> Callable[..., None]:
    def handle_event(body: dict[str, Any], ack: Ack, request: BoltRequest) -> None:
        ack()
        event_id = body.get("event_id")
        with runtime.in_flight, log_context(event_id=event_id if isinstance(event_id, str) else None):
            _handle_event(runtime, body, is_retry=_is_retry(request))

    return handle_event


def _is_retry(request: BoltRequest) -> bool:
    """Slack's redelivery of an event: X-Slack-Retry-Num over HTTP, ``retry_attempt`` in Socket Mode
    (which Bolt mirrors into that header, as 0 on a first delivery)."""
    values = request.headers.get("x-slack-retry-num") or []
    first = values[0] if values else ""
    return first.strip() not in {"", "0"}


def _handle_event(runtime: Runtime, body: dict[str, Any], *, is_retry: bool = False) -> None:
    """Claim the event (dropping repeats), run the feature handlers, and record that it was handled.

    Arrival handlers run first, without the repeat check's database turn; Slack's retries of an event
    skip them, since the first delivery has already been seen.
    """
    event = body.get("event")
    if not isinstance(event, dict):
        return
    event_type = str(event.get("type") or "unknown")
    runtime.metrics.events.labels(safe_label(event_type)).inc()
    event_id = body.get("event_id") if isinstance(body.get("event_id"), str) else None
    now = runtime.clock.now()
    context = EventContext(envelope=body, event=event, received_at=now)
    message = message_from_event(event, body) if event_type == "message" else None
    if message is not None and _is_own(runtime, message):
        message = None
    if message is not None and not is_retry:
        _first_look(runtime, message, context)
    if event_id is not None:
        try:
            with runtime.store.session() as session:
                state = event_store.claim(
                    session, event_id, instance=runtime.instance, now=runtime.db_clock.now(), stale_after=STALE_CLAIM
                )
        except Exception as error:
            if is_transient_db_error(error):
                _log.warning("event %s: database busy or unreachable (%s); Slack will retry", event_id, _kind(error))
                raise Redeliver(f"event {event_id}: the database cannot be reached to claim it") from None
            raise
        if state == "done":
            runtime.metrics.duplicate_events.inc()
            _log.info("dropped a repeated delivery of event %s", event_id)
            return
        if state == "processing":
            # Acknowledging would lose the event should that delivery still fail: Slack retries.
            runtime.metrics.duplicate_events.inc()
            raise Redeliver(f"event {event_id} is still being handled by another delivery")
    failure = _run_handlers(runtime, event_type, message, context)
    if event_id is not None:
        with runtime.store.session() as session:
            if failure is not None:
                event_store.release_event(session, event_id)
            else:
                event_store.finish_event(session, event_id, now=runtime.clock.now())
    if failure is not None:
        # A non-2xx answer makes Slack deliver the event again; the released claim lets it run.
        raise Redeliver(f"event {event_id} will be retried by Slack ({failure})")


def _first_look(runtime: Runtime, message: Message, context: EventContext) -> None:
    """Arrival handlers (starting a deletion) run before the repeat check's database turn."""
    for name, handler in runtime.events.arrival_handlers():
        try:
            handler(message, context)
        except Exception:
            # The regular handlers still see the message; nothing is lost by going on.
            runtime.metrics.handler_errors.labels(name).inc()
            _log.exception("%s failed", name)


class _FailedClosed(SlackLayerError):
    pass


def _run_handlers(runtime: Runtime, event_type: str, message: Message | None, context: EventContext) -> str | None:
    """Run the handlers; None when all went well or failed for good, else why Slack should redeliver."""
    failure: str | None = None

    def guarded(name: str, call: Callable[[], Any]) -> Any:
        nonlocal failure
        try:
            return call()
        except Exception as error:
            runtime.metrics.handler_errors.labels(name).inc()
            if runtime.events.fails_closed(name):
                # The message may hold a key this step should have masked: nobody else sees it.
                _log.error(
                    "%s failed (%s): the message is withheld and Slack will redeliver", name, type(error).__name__
                )
                failure = f"{name} failed closed"
                raise _FailedClosed from None
            if is_transient_db_error(error):
                failure = failure or "database busy or unreachable"
                _log.warning("%s: database busy or unreachable (%s); Slack will retry the event", name, _kind(error))
            else:
                # A bug: retrying would only repeat it, and could repeat what other handlers did.
                _log.exception("%s failed", name)
        return None

    try:
        if message is not None:
            for name, handler in runtime.events.message_handlers():
                replacement = guarded(name, partial(handler, message, context))
                if isinstance(replacement, Message):
                    message = replacement
        # Raw subscribers see every event of their type, message subtypes (deletions, joins) included.
        for name, raw_handler in runtime.events.raw_handlers(event_type):
            guarded(name, partial(raw_handler, context))
    except _FailedClosed:
        pass
    return failure


def _kind(error: BaseException) -> str:
    """Which failure, for the log: the class names only (a driver's message may quote SQL parameters)."""
    cause = getattr(error, "orig", None)
    return type(error).__name__ + (f"/{type(cause).__name__}" if cause is not None else "")


def _support_listener(runtime: Runtime) -> Callable[..., None]:
    def handle_support(command: dict[str, Any], ack: Ack) -> None:
        request = CommandRequest.from_payload(command)
        language = runtime.language_for(request.user_id)
        renderer = runtime.renderer
        spec = runtime.commands.get(request.subcommand or "help")
        if spec is None:
            help_spec = runtime.commands.get("help")
            reply = help_spec.handler(request) if help_spec else None
            typed = echo(request.text.split(None, 1)[0], runtime.scanner)
            unknown = renderer.text("support/unknown_subcommand", language, subcommand=typed)
            ack(text=f"{unknown}\n\n{reply.text if reply else ''}".strip(), response_type="ephemeral")
            return
        allowed = (
            spec.role == "anyone"
            or (spec.role == "agent" and runtime.roles.is_agent(request.user_id))
            or (spec.role == "lead" and runtime.roles.is_lead(request.user_id))
        )
        if not allowed:
            ack(
                text=renderer.text("support/not_allowed", language, role=spec.role, subcommand=spec.name),
                response_type="ephemeral",
            )
            return
        try:
            reply = spec.handler(request)
        except Exception:
            _log.exception("/support %s failed", spec.name)
            ack(text=renderer.text("support/failed", language, subcommand=spec.name), response_type="ephemeral")
            return
        if reply is None:
            ack()
        else:
            ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    return handle_support


def _register_catch_alls(app: App) -> None:
    """Acknowledge whatever no feature claimed, so Slack never sees a 404 and never retries."""

    def ack_only(ack: Ack) -> None:
        ack()

    def unknown_command(ack: Ack, command: dict[str, Any]) -> None:
        _log.info("slash command %s has no handler here", str(command.get("command"))[:40])
        ack()

    app.action(re.compile(r".*"))(ack_only)
    app.view(re.compile(r".*"))(ack_only)
    app.view_closed(re.compile(r".*"))(ack_only)
    app.shortcut(re.compile(r".*"))(ack_only)
    app.options(re.compile(r".*"))(ack_only)
    app.command(re.compile(r".*"))(unknown_command)
