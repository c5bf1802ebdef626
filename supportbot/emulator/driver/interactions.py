"""What people do that Slack sends as interactions: clicks, modal submissions, shortcuts, slash commands.

After a submission or a slash command the app's acknowledgement is applied as Slack applies it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from supportbot.emulator import blockkit, payloads
from supportbot.emulator.driver.base import FORM_TYPE, USER_AGENT, Delivery, DriverBase
from supportbot.emulator.driver.elements import Element, action_json, interactive_elements, pick, state_values
from supportbot.emulator.errors import DriverError
from supportbot.emulator.model import Channel, JSONDict, User, View
from supportbot.emulator.responses import apply_response
from supportbot.emulator.serialize import message_json
from supportbot.emulator.webapi.base import ApiError


class InteractionsMixin(DriverBase):
    """Interactions carry a trigger id (and a response URL where Slack gives one) and are sent as a form."""

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
        element = pick(candidates, action_id, value, block_id, index)
        with self.ws.lock:
            action = action_json(element, value, self.ws.new_ts())
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
            view.state = {"values": state_values(view, dict(values or {}))}
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
