"""The driver's base: signing a body as Slack does, sending it to the app, and what came back.

``DriverBase`` holds the connection to the app and the lookups every action needs; the event and
interaction mixins of this package build on it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import urlencode

from supportbot.emulator.errors import DriverError, WorkspaceError
from supportbot.emulator.markup import from_typed
from supportbot.emulator.model import Channel, JSONDict, User
from supportbot.emulator.server import Emulator

Dispatch = Callable[[bytes, dict[str, str]], tuple[int, dict[str, str], bytes]]

USER_AGENT: Final = "Slackbot 1.0 (+https://api.slack.com/robots)"
JSON_TYPE: Final = "application/json"
FORM_TYPE: Final = "application/x-www-form-urlencoded"


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


class DriverBase:
    """One app reached at ``target``, signed with ``signing_secret``; every request it sent."""

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
