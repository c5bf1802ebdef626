"""The driver: people acting in the emulated Slack, delivered to the app as signed requests.

Each action first changes the workspace (the message exists in history, the reaction is on it)
and then sends what Slack would send: an Events API envelope as JSON, an interaction as the form
field ``payload``, a slash command as form fields, all signed with ``v0:{timestamp}:{body}``.

The app is reached either over HTTP (``target`` is a base URL; requests go to
``{url}/slack/events``) or in process (``target`` is a callable taking the raw body and headers
and returning status, headers and body, e.g. a thin wrapper around Bolt's ``app.dispatch``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import mimetypes
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import urlencode

from supportbot.emulator import blockkit, payloads
from supportbot.emulator.errors import DriverError, WorkspaceError
from supportbot.emulator.markup import from_typed, rich_text_block
from supportbot.emulator.model import Channel, JSONDict, Message, User, View
from supportbot.emulator.responses import apply_response
from supportbot.emulator.serialize import message_json
from supportbot.emulator.server import Emulator
from supportbot.emulator.webapi.base import ApiError

Dispatch = Callable[[bytes, dict[str, str]], tuple[int, dict[str, str], bytes]]

USER_AGENT: Final = "Slackbot 1.0 (+https://api.slack.com/robots)"
JSON_TYPE: Final = "application/json"
FORM_TYPE: Final = "application/x-www-form-urlencoded"
_FILETYPES: Final = {
    "py": "python", "js": "javascript", "ts": "typescript", "json": "json", "sh": "shell", "bash": "shell",
    "yaml": "yaml", "yml": "yaml", "md": "markdown", "go": "go", "java": "java", "rb": "ruby", "php": "php",
}  # fmt: skip


@dataclass
class Delivery:
    """What was sent to the app and how it answered.

    ``delivered`` is False when Slack would not have told the app at all (the app is not in the
    channel); ``status`` is 0 when the request failed on the way (``error`` says why).
    """

    kind: str
    delivered: bool
    payload: JSONDict
    request_body: bytes = b""
    request_headers: dict[str, str] = field(default_factory=dict)
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None
    event_id: str | None = None
    ts: str | None = None
    channel: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    view_id: str | None = None
    file_id: str | None = None
    also: list[Delivery] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def json(self) -> Any:
        """The answer body parsed as JSON, or None when it is empty or not JSON."""
        try:
            return json.loads(self.body) if self.body.strip() else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Element:
    """An interactive element found in a message or view, with the ids a click would carry."""

    block_id: str
    action_id: str
    type: str
    text: str
    value: str | None
    spec: JSONDict


def interactive_elements(blocks: list[JSONDict]) -> Iterator[Element]:
    """Buttons, menus and pickers of ``blocks``, in reading order."""
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        candidates: list[Any] = []
        if block.get("type") == "actions":
            candidates = list(block.get("elements") or [])
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            candidates = [block["accessory"]]
        elif block.get("type") == "input" and block.get("dispatch_action") and isinstance(block.get("element"), dict):
            candidates = [block["element"]]
        for element in candidates:
            if isinstance(element, dict) and (element.get("action_id") is not None or element.get("type") == "button"):
                label = element.get("text") or element.get("placeholder") or {}
                yield Element(
                    block_id=block_id,
                    action_id=str(element.get("action_id", "")),
                    type=str(element.get("type", "")),
                    text=str(label.get("text", "")) if isinstance(label, dict) else "",
                    value=element.get("value"),
                    spec=element,
                )


class SlackDriver:
    def __init__(
        self,
        emulator: Emulator,
        signing_secret: str,
        target: str | Dispatch,
        *,
        clock: Callable[[], float] = time.time,
        autolink: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.emulator = emulator
        self.ws = emulator.workspace
        self.signing_secret = signing_secret
        self.target = target
        self.clock = clock
        self.autolink = autolink
        self.timeout = timeout
        self.deliveries: list[Delivery] = []

    # ------------------------------------------------------------------ signing and sending

    def sign(self, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
        """The two signature headers Slack adds to ``body``."""
        raw = body.encode() if isinstance(body, str) else body
        stamp = str(int(self.clock()) if timestamp is None else timestamp)
        base = b"v0:" + stamp.encode() + b":" + raw
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}

    def send_raw(self, body: bytes | str, headers: Mapping[str, str]) -> Delivery:
        """Send ``body`` with exactly ``headers`` (no signing): for bad-signature and malformed tests."""
        raw = body.encode() if isinstance(body, str) else body
        return self._transmit(Delivery(kind="raw", delivered=True, payload={}), raw, dict(headers))

    def redeliver(self, delivery: Delivery, retry_num: int = 1, reason: str = "http_timeout") -> Delivery:
        """Send the same body again as Slack's retry does: fresh signature, retry headers."""
        headers = {
            "Content-Type": delivery.request_headers.get("Content-Type", JSON_TYPE),
            "User-Agent": USER_AGENT,
            "X-Slack-Retry-Num": str(retry_num),
            "X-Slack-Retry-Reason": reason,
            **self.sign(delivery.request_body),
        }
        again = replace(delivery, also=[], status=0, headers={}, body=b"", error=None)
        return self._transmit(again, delivery.request_body, headers)

    def _transmit(self, delivery: Delivery, body: bytes, headers: dict[str, str]) -> Delivery:
        started = time.monotonic()
        delivery.request_body, delivery.request_headers = body, headers
        if callable(self.target):
            delivery.status, delivery.headers, delivery.body = self.target(body, dict(headers))
        else:
            url = self.target.rstrip("/")
            if not url.endswith("/slack/events"):
                url += "/slack/events"
            request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                    delivery.status, delivery.body = answer.status, answer.read()
                    delivery.headers = dict(answer.headers.items())
            except urllib.error.HTTPError as failed:
                with failed:
                    delivery.status, delivery.body = failed.code, failed.read()
                    delivery.headers = dict(failed.headers.items())
            except (urllib.error.URLError, TimeoutError, OSError) as failed:
                delivery.status, delivery.error = 0, f"{type(failed).__name__}: {failed}"
        delivery.elapsed = time.monotonic() - started
        self.deliveries.append(delivery)
        return delivery

    def _send_event(self, envelope: JSONDict, **ids: Any) -> Delivery:
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": JSON_TYPE, "User-Agent": USER_AGENT, **self.sign(body)}
        delivery = Delivery(kind="event", delivered=True, payload=envelope, event_id=envelope["event_id"], **ids)
        return self._transmit(delivery, body, headers)

    def _send_interaction(self, payload: JSONDict, **ids: Any) -> Delivery:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        headers = {"Content-Type": FORM_TYPE, "User-Agent": USER_AGENT, **self.sign(body)}
        return self._transmit(Delivery(kind="interaction", delivered=True, payload=payload, **ids), body, headers)

    # ------------------------------------------------------------------ lookups

    def user(self, ref: str | User) -> User:
        if isinstance(ref, User):
            return ref
        try:
            return self.ws.find_user(ref)
        except WorkspaceError as exc:
            raise DriverError(str(exc)) from exc

    def channel(self, ref: str | Channel) -> Channel:
        if isinstance(ref, Channel):
            return ref
        try:
            return self.ws.find_channel(ref)
        except WorkspaceError as exc:
            raise DriverError(str(exc)) from exc

    def dm(self, user: str | User) -> str:
        """The id of ``user``'s direct-message channel with the bot."""
        return self.ws.bot_dm(self.user(user).id).id

    def _app_sees(self, channel: Channel) -> bool:
        return self.ws.bot.id in channel.members

    def _format(self, text: str, markup: bool) -> str:
        return text if markup else from_typed(text, links=self.autolink)

    def _member(self, person: User, channel: Channel) -> None:
        if person.id not in channel.members:
            raise DriverError(f"{person.name} is not a member of {channel.name or channel.id}")

    # ------------------------------------------------------------------ events

    def post(
        self,
        user: str | User,
        channel: str | Channel,
        text: str,
        thread_ts: str | None = None,
        *,
        markup: bool = False,
    ) -> Delivery:
        """``user`` writes ``text`` (typed characters; ``markup=True``: already Slack-formatted)."""
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            self._member(person, place)
            message = self._add_typed(person, place, self._format(text, markup), thread_ts)
            envelope = payloads.event_envelope(self.ws, payloads.message_event(self.ws, message), channel=place)
        return self._deliver_event(place, envelope, ts=message.ts, channel=place.id)

    def prepare_post(self, user: str | User, channel: str | Channel, text: str) -> tuple[bytes, dict[str, str], str]:
        """Create ``user``'s message now and return the signed event Slack would send, unsent.

        For load generators: the work of building and signing is done before the clock starts, so
        what is measured is the app. Returns (body, headers, ts); the signature stays valid 5 minutes.
        """
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            self._member(person, place)
            message = self._add_typed(person, place, self._format(text, False), None)
            envelope = payloads.event_envelope(self.ws, payloads.message_event(self.ws, message), channel=place)
        body = json.dumps(envelope).encode()
        return body, {"Content-Type": JSON_TYPE, "User-Agent": USER_AGENT, **self.sign(body)}, message.ts

    def post_markup(
        self, user: str | User, channel: str | Channel, text: str, thread_ts: str | None = None
    ) -> Delivery:
        """Post text that already holds Slack markup such as ``<https://x|label>`` or ``<@U…>``."""
        return self.post(user, channel, text, thread_ts, markup=True)

    def _add_typed(
        self,
        person: User,
        place: Channel,
        formatted: str,
        thread_ts: str | None,
        *,
        files: list[str] | None = None,
        subtype: str | None = None,
    ) -> Message:
        return self.ws.add_message(
            place.id,
            formatted,
            user=person.id,
            origin="driver",
            blocks=[rich_text_block(formatted)] if formatted else None,
            thread_ts=thread_ts,
            client_msg_id=str(uuid.uuid4()),
            files=files,
            subtype=subtype,
        )

    def _deliver_event(self, place: Channel, envelope: JSONDict, **ids: Any) -> Delivery:
        if not self._app_sees(place):
            return Delivery(kind="event", delivered=False, payload=envelope, event_id=envelope["event_id"], **ids)
        return self._send_event(envelope, **ids)

    def mention(self, user: str | User, channel: str | Channel, text: str, thread_ts: str | None = None) -> Delivery:
        """``user`` writes to the bot by name: Slack sends the message event and an ``app_mention``."""
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            self._member(person, place)
            mention = f"<@{self.ws.bot.id}>"
            formatted = self._format(text, False)
            if mention not in formatted:
                formatted = f"{mention} {formatted}"
            message = self._add_typed(person, place, formatted, thread_ts)
            as_message = payloads.event_envelope(self.ws, payloads.message_event(self.ws, message), channel=place)
            as_mention = payloads.event_envelope(self.ws, payloads.app_mention_event(self.ws, message), channel=place)
        first = self._deliver_event(place, as_message, ts=message.ts, channel=place.id)
        if place.is_direct:
            return first  # Slack sends no app_mention in direct messages
        second = self._deliver_event(place, as_mention, ts=message.ts, channel=place.id)
        second.also.append(first)
        return second

    def edit(
        self, user: str | User, channel: str | Channel, ts: str, new_text: str, *, markup: bool = False
    ) -> Delivery:
        """``user`` edits their message: a ``message_changed`` event with old and new versions."""
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            original = self.ws.message(place.id, ts)
            if original is None:
                raise DriverError(f"no message {ts} in {place.name}")
            if original.user != person.id:
                raise DriverError(f"{person.name} can only edit their own messages")
            formatted = self._format(new_text, markup)
            before, after = self.ws.edit_message(
                place.id,
                ts,
                editor=person.id,
                origin="driver",
                text=formatted,
                blocks=[rich_text_block(formatted)],
            )
            event = payloads.message_changed_event(self.ws, before, after)
            envelope = payloads.event_envelope(self.ws, event, channel=place)
        return self._deliver_event(place, envelope, ts=ts, channel=place.id)

    def share_file(
        self,
        user: str | User,
        channel: str | Channel,
        name: str,
        content: str | bytes,
        *,
        snippet: bool = True,
        text: str = "",
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> Delivery:
        """``user`` uploads a file (a text snippet by default) with an optional comment."""
        raw = content.encode() if isinstance(content, str) else content
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        mimetype = "text/plain" if snippet else (mimetypes.guess_type(name)[0] or "application/octet-stream")
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            self._member(person, place)
            shared = self.ws.add_file(
                name,
                raw,
                user=person.id,
                title=title,
                mimetype=mimetype,
                filetype=_FILETYPES.get(extension, "text") if snippet else (extension or "binary"),
                mode="snippet" if snippet else "hosted",
            )
            message = self._add_typed(
                person, place, self._format(text, False), thread_ts, files=[shared.id], subtype="file_share"
            )
            envelope = payloads.event_envelope(self.ws, payloads.message_event(self.ws, message), channel=place)
        return self._deliver_event(place, envelope, ts=message.ts, channel=place.id, file_id=shared.id)

    def react(self, user: str | User, channel: str | Channel, ts: str, name: str) -> Delivery:
        name = name.strip(":")
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            message = self.ws.message(place.id, ts)
            if message is None:
                raise DriverError(f"no message {ts} in {place.name}")
            self.ws.add_reaction(place.id, ts, name, user=person.id, origin="driver")
            event = payloads.reaction_added_event(self.ws, person, message, name)
            envelope = payloads.event_envelope(self.ws, event, channel=place)
        return self._deliver_event(place, envelope, ts=ts, channel=place.id)

    def open_home(self, user: str | User) -> Delivery:
        with self.ws.lock:
            person = self.user(user)
            dm = self.ws.bot_dm(person.id)
            event = payloads.app_home_opened_event(self.ws, person, dm, self.ws.home_view(person.id))
            envelope = payloads.event_envelope(self.ws, event)
        return self._send_event(envelope, channel=dm.id)

    # ------------------------------------------------------------------ interactions

    def elements(
        self,
        *,
        message: tuple[str, str] | None = None,
        view_id: str | None = None,
        user: str | User | None = None,
    ) -> list[Element]:
        """The interactive elements of a message (``(channel, ts)``, ephemeral ones too) or a view."""
        with self.ws.lock:
            if view_id is not None:
                view = self.ws.views.get(view_id)
                if view is None:
                    raise DriverError(f"no view {view_id}")
                return list(interactive_elements(view.blocks))
            if message is None:
                raise DriverError("say which message or view")
            place = self.channel(message[0])
            found = self.ws.message(place.id, message[1])
            blocks = found.blocks if found is not None else None
            if found is None:
                note = self.ws.ephemeral(place.id, message[1])
                if note is None or (user is not None and note.user != self.user(user).id):
                    raise DriverError(f"no message {message[1]} in {place.name}")
                blocks = note.blocks
            return list(interactive_elements(blocks or []))

    def click(
        self,
        user: str | User,
        action_id: str | None = None,
        *,
        message: tuple[str, str] | None = None,
        view_id: str | None = None,
        value: str | None = None,
        block_id: str | None = None,
        index: int | None = None,
    ) -> Delivery:
        """Click a button (or pick ``value`` in a menu) of a message or view: a ``block_actions`` payload.

        The element is found in the real blocks by ``action_id`` (narrowed by ``value`` and
        ``block_id`` when several share it) or by ``index`` (0-based, reading order).
        """
        person = self.user(user)
        candidates = self.elements(message=message, view_id=view_id, user=person)
        element = _pick(candidates, action_id, value, block_id, index)
        with self.ws.lock:
            action = _action_json(element, value, self.ws.new_ts())
            trigger_id = self.emulator.issue_trigger(person.id)
            if view_id is not None:
                view = self.ws.views[view_id]
                if view.user_id != person.id:
                    raise DriverError(f"view {view_id} belongs to someone else")
                payload = payloads.block_actions_payload(
                    self.ws,
                    person,
                    action,
                    trigger_id=trigger_id,
                    container={"type": "view", "view_id": view.id},
                    view=view,
                    state=view.state,
                )
                return self._send_interaction(payload, trigger_id=trigger_id, view_id=view.id)
            assert message is not None
            place = self.channel(message[0])
            found = self.ws.message(place.id, message[1])
            ephemeral = found is None
            thread_ts = found.thread_ts if found is not None else None
            response_url = self.emulator.issue_response_url(
                channel=place.id,
                user_id=person.id,
                message_ts=message[1],
                ephemeral=ephemeral,
                thread_ts=thread_ts,
            )
            container: JSONDict = {
                "type": "message",
                "message_ts": message[1],
                "channel_id": place.id,
                "is_ephemeral": ephemeral,
            }
            if thread_ts:
                container["thread_ts"] = thread_ts
            payload = payloads.block_actions_payload(
                self.ws,
                person,
                action,
                trigger_id=trigger_id,
                container=container,
                channel=place,
                message=message_json(self.ws, found) if found is not None else None,
                response_url=response_url,
            )
        return self._send_interaction(
            payload, trigger_id=trigger_id, response_url=response_url, ts=message[1], channel=place.id
        )

    def submit(self, user: str | User, view_id: str, values: Mapping[str, Any] | None = None) -> Delivery:
        """Submit an open modal with ``values`` keyed by input ``block_id`` (or ``action_id``).

        Then apply the app's acknowledgement as Slack does: ``response_action`` ``errors`` keeps
        the modal open (the errors land on ``Delivery.error``), ``update``/``push``/``clear`` change
        the stack, an empty answer closes the modal.
        """
        with self.ws.lock:
            person = self.user(user)
            view = self.ws.views.get(view_id)
            if view is None or view.type != "modal":
                raise DriverError(f"no modal {view_id}")
            top = self.ws.top_modal(person.id)
            if top is None or top.id != view_id:
                raise DriverError(f"modal {view_id} is not the one {person.name} has open")
            view.state = {"values": _state_values(view, dict(values or {}))}
            trigger_id = self.emulator.issue_trigger(person.id)
            payload = payloads.view_submission_payload(self.ws, person, view, trigger_id=trigger_id)
        delivery = self._send_interaction(payload, trigger_id=trigger_id, view_id=view_id)
        self._apply_submission_ack(person, view, delivery)
        return delivery

    def _apply_submission_ack(self, person: User, view: View, delivery: Delivery) -> None:
        if delivery.status != 200:
            return
        answer = delivery.json if isinstance(delivery.json, dict) else {}
        action = answer.get("response_action")
        if action == "errors":
            delivery.error = json.dumps(answer.get("errors", {}), ensure_ascii=False)
            self.ws.record("view_errors", "ack", actor=person.id, data={"view": view, "errors": answer})
            return
        if action in ("update", "push"):
            problems = blockkit.view_problems(answer.get("view"))
            if problems:
                delivery.error = "; ".join(problems)
                return
            if action == "update":
                self.ws.update_view(view, answer["view"], origin="ack")
            else:
                self.ws.open_view(person.id, answer["view"], trigger_id=None, origin="ack", push=True)
            return
        self.ws.close_modal(person.id, origin="ack", everything=action == "clear")

    def shortcut(
        self,
        user: str | User,
        callback_id: str,
        channel: str | Channel | None = None,
        ts: str | None = None,
    ) -> Delivery:
        """A message shortcut (``channel`` and ``ts`` given: ``message_action``) or a global one."""
        with self.ws.lock:
            person = self.user(user)
            trigger_id = self.emulator.issue_trigger(person.id)
            if channel is None or ts is None:
                payload = payloads.shortcut_payload(self.ws, person, callback_id, trigger_id=trigger_id)
                ids: JSONDict = {"trigger_id": trigger_id}
            else:
                place = self.channel(channel)
                found = self.ws.message(place.id, ts)
                if found is None:
                    raise DriverError(f"no message {ts} in {place.name}")
                response_url = self.emulator.issue_response_url(
                    channel=place.id, user_id=person.id, message_ts=None, thread_ts=found.thread_ts
                )
                payload = payloads.shortcut_payload(
                    self.ws,
                    person,
                    callback_id,
                    trigger_id=trigger_id,
                    channel=place,
                    message=found,
                    response_url=response_url,
                )
                ids = {"trigger_id": trigger_id, "response_url": response_url, "ts": ts, "channel": place.id}
        return self._send_interaction(payload, **ids)

    def slash(self, user: str | User, channel: str | Channel, command: str, text: str = "") -> Delivery:
        """``user`` runs ``/command text`` in ``channel``; the acknowledgement's message is shown."""
        if not command.startswith("/"):
            command = "/" + command
        with self.ws.lock:
            person, place = self.user(user), self.channel(channel)
            if not self.ws.can_see(person.id, place.id):
                raise DriverError(f"{person.name} cannot use commands in {place.name}")
            trigger_id = self.emulator.issue_trigger(person.id)
            response_url = self.emulator.issue_response_url(channel=place.id, user_id=person.id)
            form = payloads.slash_command_form(
                self.ws, person, place, command, text, trigger_id=trigger_id, response_url=response_url
            )
        body = urlencode(form).encode()
        headers = {"Content-Type": FORM_TYPE, "User-Agent": USER_AGENT, **self.sign(body)}
        delivery = Delivery(
            kind="command",
            delivered=True,
            payload=dict(form),
            trigger_id=trigger_id,
            response_url=response_url,
            channel=place.id,
        )
        self._transmit(delivery, body, headers)
        self._apply_command_ack(person, place, delivery)
        return delivery

    def _apply_command_ack(self, person: User, place: Channel, delivery: Delivery) -> None:
        if delivery.status != 200 or not delivery.body.strip():
            return
        answer = delivery.json
        message: JSONDict = answer if isinstance(answer, dict) else {"text": delivery.text}
        if not message.get("text") and not message.get("blocks"):
            return
        target = self.emulator.response_urls.issue(channel=place.id, user_id=person.id)
        try:
            apply_response(self.ws, target, message, origin="ack")
        except ApiError as err:
            delivery.error = err.error


def _pick(
    candidates: list[Element],
    action_id: str | None,
    value: str | None,
    block_id: str | None,
    index: int | None,
) -> Element:
    if index is not None:
        if not 0 <= index < len(candidates):
            raise DriverError(f"there is no element #{index}; found {len(candidates)}")
        return candidates[index]
    matches = [e for e in candidates if e.action_id == action_id]
    if block_id is not None:
        matches = [e for e in matches if e.block_id == block_id]
    if len(matches) > 1 and value is not None:
        matches = [e for e in matches if e.value == value] or matches
    if not matches:
        known = ", ".join(e.action_id for e in candidates) or "none"
        raise DriverError(f"no element with action_id {action_id!r} (there are: {known})")
    return matches[0]


def _action_json(element: Element, value: str | None, action_ts: str) -> JSONDict:
    action: JSONDict = {
        "action_id": element.action_id,
        "block_id": element.block_id,
        "type": element.type,
        "action_ts": action_ts,
    }
    spec = element.spec
    if element.type == "button":
        action["text"] = spec.get("text")
        if spec.get("value") is not None:
            action["value"] = spec["value"]
        if spec.get("style"):
            action["style"] = spec["style"]
    elif element.type in ("static_select", "overflow", "radio_buttons", "external_select"):
        chosen = payloads.input_value(spec, value)
        action["selected_option"] = chosen.get("selected_option")
    elif element.type in ("multi_static_select", "checkboxes"):
        action["selected_options"] = payloads.input_value(spec, value).get("selected_options", [])
    else:
        action.update({k: v for k, v in payloads.input_value(spec, value).items() if k != "type"})
    return action


def _state_values(view: View, given: dict[str, Any]) -> JSONDict:
    """``view.state.values`` for the submitted ``given`` values, built from the view's real inputs."""
    values: JSONDict = {}
    used: set[str] = set()
    inputs = [b for b in view.blocks if b.get("type") == "input" and isinstance(b.get("element"), dict)]
    for block in inputs:
        block_id = str(block.get("block_id", ""))
        element = block["element"]
        action_id = str(element.get("action_id", ""))
        label = (block.get("label") or {}).get("text", block_id)
        keys = [block_id, action_id, f"{block_id}.{action_id}"]
        key = next((k for k in keys if k in given), None)
        if key is not None:
            used.add(key)
            value = given[key]
        else:
            value = _initial(element)
            if value is None and not block.get("optional"):
                raise DriverError(f"the field {label!r} ({block_id}) is required")
        values.setdefault(block_id, {})[action_id] = payloads.input_value(element, value)
    unknown = set(given) - used
    if unknown:
        known = ", ".join(str(b.get("block_id")) for b in inputs) or "none"
        raise DriverError(f"no input called {', '.join(sorted(unknown))} (inputs: {known})")
    return values


def _initial(element: JSONDict) -> Any:
    for name in ("initial_value", "initial_date", "initial_time", "initial_user", "initial_conversation"):
        if element.get(name) is not None:
            return element[name]
    option = element.get("initial_option")
    if isinstance(option, dict):
        return option.get("value")
    return None
