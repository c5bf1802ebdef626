"""What people do that Slack reports as Events API events: posting, mentions, edits, files, reactions."""

from __future__ import annotations

import json
import mimetypes
import uuid
from typing import Any, Final

from supportbot.emulator import payloads
from supportbot.emulator.driver.base import JSON_TYPE, USER_AGENT, Delivery, DriverBase
from supportbot.emulator.errors import DriverError
from supportbot.emulator.markup import rich_text_block
from supportbot.emulator.model import Channel, JSONDict, Message, User

_FILETYPES: Final = {
    "py": "python", "js": "javascript", "ts": "typescript", "json": "json", "sh": "shell", "bash": "shell",
    "yaml": "yaml", "yml": "yaml", "md": "markdown", "go": "go", "java": "java", "rb": "ruby", "php": "php",
}  # fmt: skip


class EventsMixin(DriverBase):
    """Each action changes the workspace first, then sends the event if the app is in the conversation."""

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
