"""A real Bolt app, run in process through the driver against the emulator's Web API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from supportbot.emulator import Emulator, SlackDriver
from supportbot.emulator import defaults as d

from .conftest import SECRET


@pytest.fixture
def bolt_app(emulator: Emulator) -> App:
    client = WebClient(token=emulator.bot_token, base_url=emulator.api_url)
    app = App(client=client, signing_secret=SECRET, process_before_response=True)

    @app.message("401")
    def triage(message: dict[str, Any], say: Any) -> None:
        say(
            text="Let's check your key",
            thread_ts=message["ts"],
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": "Let's check your key"}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "triage_ticket",
                            "text": {"type": "plain_text", "text": "Ticket"},
                        }
                    ],
                },
            ],
        )

    @app.action("triage_ticket")
    def open_ticket(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "ticket_modal",
                "title": {"type": "plain_text", "text": "Ticket"},
                "submit": {"type": "plain_text", "text": "File"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "model",
                        "label": {"type": "plain_text", "text": "Model"},
                        "element": {"type": "plain_text_input", "action_id": "value"},
                    }
                ],
            },
        )

    @app.view("ticket_modal")
    def filed(ack: Any, view: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        ack()
        model = view["state"]["values"]["model"]["value"]["value"]
        client.chat_postMessage(channel=d.AGENTS, text=f"ticket for {model} by <@{body['user']['id']}>")

    @app.command("/support")
    def support(ack: Any, command: dict[str, Any]) -> None:
        ack(text=f"no tickets match {command['text']!r}")

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [{"type": "divider"}]})

    return app


@pytest.fixture
def driven(emulator: Emulator, bolt_app: App) -> Iterator[SlackDriver]:
    def dispatch(body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        answer = bolt_app.dispatch(BoltRequest(body=body.decode(), headers=headers))
        return answer.status, {k: v[0] for k, v in answer.headers.items()}, answer.body.encode()

    return SlackDriver(emulator, SECRET, dispatch)


def test_a_conversation_with_a_real_bolt_app(emulator: Emulator, driven: SlackDriver) -> None:
    asked = driven.post("alice", "#support", "I get a 401")
    assert asked.status == 200
    reply = emulator.calls_for("chat.postMessage")[-1]
    assert reply.response["message"]["thread_ts"] == asked.ts
    clicked = driven.click("alice", "triage_ticket", message=(d.SUPPORT, reply.response["ts"]))
    assert clicked.status == 200
    opened = emulator.calls_for("views.open")[-1]
    assert opened.ok, opened.error
    submitted = driven.submit("alice", opened.response["view"]["id"], {"model": "gpt-4o"})
    assert submitted.status == 200
    assert [m.text for m in emulator.workspace.history(d.AGENTS)] == ["ticket for gpt-4o by <@U0CUST001>"]
    assert emulator.workspace.top_modal(d.ALICE) is None


def test_bolt_accepts_commands_and_home_events(emulator: Emulator, driven: SlackDriver) -> None:
    command = driven.slash("sam", "#support", "/support", "key")
    assert command.status == 200
    assert [n.text for n in emulator.workspace.ephemerals_for(d.SAM)] == ["no tickets match 'key'"]
    assert driven.open_home("lee").status == 200
    assert emulator.workspace.home_view(d.LEE) is not None


def test_bolt_refuses_a_bad_signature_and_a_stale_one(emulator: Emulator, bolt_app: App, driven: SlackDriver) -> None:
    ok = driven.post("alice", "#support", "hello")
    forged = dict(ok.request_headers, **{"X-Slack-Signature": "v0=" + "0" * 64})
    assert driven.send_raw(ok.request_body, forged).status == 401
    stale = dict(ok.request_headers, **driven.sign(ok.request_body, timestamp=1_600_000_000))
    assert driven.send_raw(ok.request_body, stale).status == 401
