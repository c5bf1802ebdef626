"""A tiny stand-in support bot for console tests: it answers through the Web API with plain urllib."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any
from urllib.parse import parse_qs

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d

BUTTONS = [
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "triage_fixed",
                "text": {"type": "plain_text", "text": "That fixed it"},
            },
            {
                "type": "button",
                "action_id": "triage_next",
                "text": {"type": "plain_text", "text": "Next step"},
            },
        ],
    }
]
MODAL = {
    "type": "modal",
    "callback_id": "ticket_modal",
    "title": {"type": "plain_text", "text": "Open a ticket"},
    "submit": {"type": "plain_text", "text": "File"},
    "blocks": [
        {
            "type": "input",
            "block_id": "model",
            "label": {"type": "plain_text", "text": "Model"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


class FakeBot:
    """Replies with two buttons, answers clicks, opens a modal for /support, deletes "SECRET" posts.

    With ``delay`` it does its work on a timer after acknowledging, as a real app does.
    """

    def __init__(self, emulator: Emulator, *, delay: float = 0.0) -> None:
        self.emulator = emulator
        self.delay = delay

    def api(self, method: str, token: str | None = None, **params: Any) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - loopback emulator
            self.emulator.api_url + method,
            data=json.dumps(params).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {token or self.emulator.bot_token}",
            },
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            result: dict[str, Any] = json.loads(answer.read())
            return result

    def respond(self, url: str, **message: Any) -> None:
        request = urllib.request.Request(  # noqa: S310
            url, data=json.dumps(message).encode(), headers={"Content-Type": "application/json"}
        )
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("Content-Type") == "application/json":
            work = lambda: self.on_event(json.loads(body)["event"])  # noqa: E731
        else:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if "payload" not in form:
                work = lambda: self.on_command(form)  # noqa: E731
            else:
                work = lambda: self.on_interaction(json.loads(form["payload"]))  # noqa: E731
        if self.delay:
            threading.Timer(self.delay, work).start()
        else:
            work()
        return 200, {}, b""

    def on_event(self, event: dict[str, Any]) -> None:
        if event["type"] == "app_home_opened":
            home = {
                "type": "home",
                "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Leaks"}}],
            }
            self.api("views.publish", user_id=event["user"], view=home)
        if event["type"] != "message" or event.get("bot_id") or event.get("subtype") not in (None, "file_share"):
            return
        channel, ts = event["channel"], event["ts"]
        if "SECRET" in event["text"]:
            self.api("chat.delete", self.emulator.admin_token, channel=channel, ts=ts)
            self.api("chat.postEphemeral", channel=channel, user=event["user"], text="I removed a key you posted.")
            return
        self.api(
            "chat.postMessage",
            channel=channel,
            thread_ts=event.get("thread_ts", ts),
            text="Does this help? Check your base URL.",
            blocks=[
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": "*Does this help?* Check your base URL."},
                },
                *BUTTONS,
            ],
        )

    def on_interaction(self, payload: dict[str, Any]) -> None:
        if payload["type"] == "block_actions":
            action = payload["actions"][0]["action_id"]
            if action == "triage_fixed":
                self.api(
                    "chat.postEphemeral",
                    channel=payload["channel"]["id"],
                    user=payload["user"]["id"],
                    text="Glad!",
                )
            else:
                self.respond(payload["response_url"], replace_original=True, text="Step 2: check the header")
        elif payload["type"] == "view_submission":
            model = payload["view"]["state"]["values"]["model"]["value"]["value"]
            self.api("chat.postMessage", channel=d.AGENTS, text=f"New ticket: {model}")

    def on_command(self, form: dict[str, str]) -> None:
        self.api("views.open", trigger_id=form["trigger_id"], view=MODAL)
