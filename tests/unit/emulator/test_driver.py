"""The driver signs and shapes requests exactly as Slack does (checked with slack_sdk and Bolt)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_bolt.request import BoltRequest
from slack_bolt.request import payload_utils as pu
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from supportbot.emulator import DriverError, Emulator, SlackDriver
from supportbot.emulator import defaults as d

from .conftest import SECRET, FakeApp

BUTTONS = [
    {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "Did that help?"}},
    {
        "type": "actions",
        "block_id": "steps",
        "elements": [
            {
                "type": "button",
                "action_id": "triage_fixed",
                "text": {"type": "plain_text", "text": "Fixed"},
                "value": "1",
            },
            {
                "type": "button",
                "action_id": "triage_next",
                "text": {"type": "plain_text", "text": "Next"},
                "value": "2",
            },
        ],
    },
]


def bolt(delivery: Any) -> BoltRequest:
    """What Bolt makes of a delivery; proves the body and headers are in Slack's format."""
    return BoltRequest(body=delivery.request_body.decode(), headers=delivery.request_headers)


def verified(delivery: Any) -> bool:
    headers = delivery.request_headers
    return SignatureVerifier(SECRET).is_valid(
        delivery.request_body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


def _bot_message(bot: WebClient, channel: str = d.SUPPORT) -> str:
    return str(bot.chat_postMessage(channel=channel, text="Did that help?", blocks=BUTTONS)["ts"])


# ----------------------------------------------------------------- signing


def test_events_are_signed_json_that_slack_sdk_verifies(driver: SlackDriver) -> None:
    delivery = driver.post("alice", "#support", "hello")
    assert delivery.request_headers["Content-Type"] == "application/json"
    assert verified(delivery)
    assert json.loads(delivery.request_body) == delivery.payload


def test_a_stale_clock_makes_a_signature_slack_sdk_rejects(emulator: Emulator, app: FakeApp) -> None:
    stale = SlackDriver(emulator, SECRET, app, clock=lambda: time.time() - 600)
    assert not verified(stale.post("alice", "#support", "hello"))


def test_sign_and_send_raw_allow_bad_signatures_and_bodies(driver: SlackDriver, app: FakeApp) -> None:
    headers = driver.sign(b"{}", timestamp=1_700_000_000)
    assert headers["X-Slack-Request-Timestamp"] == "1700000000"
    assert headers["X-Slack-Signature"] == SignatureVerifier(SECRET).generate_signature(
        timestamp="1700000000", body=b"{}"
    )
    bad = {"Content-Type": "application/json", **driver.sign(b"{}"), "X-Slack-Signature": "v0=00"}
    delivery = driver.send_raw(b"{not json", bad)
    assert app.requests[-1] == (b"{not json", bad)
    assert delivery.status == 200


def test_redelivery_resends_the_same_body_with_retry_headers(driver: SlackDriver, app: FakeApp) -> None:
    first = driver.post("alice", "#support", "hello")
    again = driver.redeliver(first, retry_num=2, reason="http_error")
    assert again.request_body == first.request_body
    assert again.event_id == first.event_id
    assert (again.request_headers["X-Slack-Retry-Num"], again.request_headers["X-Slack-Retry-Reason"]) == (
        "2",
        "http_error",
    )
    assert verified(again)
    assert len(app.requests) == 2


# ----------------------------------------------------------------- message events


def test_a_post_exists_in_history_before_the_app_hears_of_it(
    emulator: Emulator, driver: SlackDriver, app: FakeApp
) -> None:
    seen: list[bool] = []
    app.on_request = lambda body, headers: seen.append(
        emulator.workspace.message(d.SUPPORT, json.loads(body)["event"]["ts"]) is not None
    )
    driver.post("alice", "#support", "hello")
    assert seen == [True]


def test_a_message_event_has_slacks_envelope_and_fields(driver: SlackDriver) -> None:
    delivery = driver.post("alice", "#support", "hello")
    body = bolt(delivery).body
    assert pu.is_message_event(body)
    assert (body["type"], body["team_id"], body["api_app_id"]) == ("event_callback", d.HOME_TEAM, d.APP_ID)
    assert body["event_id"].startswith("Ev")
    assert body["event_id"] == delivery.event_id
    assert body["authorizations"][0]["user_id"] == d.BOT_USER
    assert body["is_ext_shared_channel"] is False
    event = body["event"]
    assert (event["type"], event["channel"], event["user"], event["channel_type"], event["team"]) == (
        "message",
        d.SUPPORT,
        d.ALICE,
        "channel",
        d.HOME_TEAM,
    )
    assert event["ts"] == event["event_ts"] == delivery.ts
    assert "subtype" not in event
    assert "thread_ts" not in event
    assert bolt(delivery).context.channel_id == d.SUPPORT


def test_event_ids_are_unique(driver: SlackDriver) -> None:
    ids = {driver.post("alice", "#support", f"m{i}").event_id for i in range(20)}
    assert len(ids) == 20


def test_typed_text_is_escaped_linked_and_mirrored_in_rich_text(driver: SlackDriver) -> None:
    event = driver.post("alice", "#support", "a<b> & see https://api.x.io/v1?a=1&b=2.").payload["event"]
    assert event["text"] == "a&lt;b&gt; &amp; see <https://api.x.io/v1?a=1&amp;b=2>."
    section = event["blocks"][0]["elements"][0]["elements"]
    assert section == [
        {"type": "text", "text": "a<b> & see "},
        {"type": "link", "url": "https://api.x.io/v1?a=1&b=2"},
        {"type": "text", "text": "."},
    ]


def test_markup_passes_through_unchanged(driver: SlackDriver) -> None:
    event = driver.post_markup("alice", "#support", "see <https://x.io|docs> <@U0AGENT01>").payload["event"]
    assert event["text"] == "see <https://x.io|docs> <@U0AGENT01>"
    elements = event["blocks"][0]["elements"][0]["elements"]
    assert {"type": "link", "url": "https://x.io", "text": "docs"} in elements
    assert {"type": "user", "user_id": d.SAM} in elements


def test_a_thread_reply_names_its_parent(driver: SlackDriver) -> None:
    parent = driver.post("alice", "#support", "help").ts
    event = driver.post("sam", "#support", "on it", thread_ts=parent).payload["event"]
    assert (event["thread_ts"], event["parent_user_id"]) == (parent, d.ALICE)
    assert event["ts"] != parent


def test_channel_types_follow_the_conversation_kind(driver: SlackDriver) -> None:
    assert driver.post("sam", "#support-agents", "x").payload["event"]["channel_type"] == "group"
    dm = driver.post("alice", driver.dm("alice"), "x")
    assert (dm.channel, dm.payload["event"]["channel_type"]) == ("D0CUST001", "im")
    assert pu.is_im_message_event(bolt(dm).body)


def test_no_event_where_the_app_is_not_a_member_but_the_message_exists(
    emulator: Emulator, driver: SlackDriver, app: FakeApp
) -> None:
    emulator.workspace.add_channel("C0LOBBY01", "lobby", [d.ALICE])
    delivery = driver.post("alice", "#lobby", "hello")
    assert delivery.delivered is False
    assert app.requests == []
    assert [m.text for m in emulator.workspace.history("C0LOBBY01")] == ["hello"]


def test_an_external_member_posts_with_their_org_in_slack_connect(driver: SlackDriver) -> None:
    body = bolt(driver.post("ext.bob", "#ext-acme", "hi from acme")).body
    event = body["event"]
    assert (event["team"], event["user_team"], event["source_team"]) == (d.EXTERNAL_TEAM,) * 3
    assert body["is_ext_shared_channel"] is True
    home = driver.post("alice", "#ext-acme", "hi from home").payload["event"]
    assert home["user_team"] == d.HOME_TEAM


def test_people_post_only_where_they_are_members(driver: SlackDriver) -> None:
    with pytest.raises(DriverError, match="not a member"):
        driver.post("alice", "#leads", "hi")
    with pytest.raises(DriverError, match="nobody"):
        driver.post("nobody", "#support", "hi")


def test_an_edit_sends_message_changed_with_both_versions(emulator: Emulator, driver: SlackDriver) -> None:
    ts = driver.post("alice", "#support", "my key is wrong").ts
    assert ts is not None
    body = bolt(driver.edit("alice", "#support", ts, "fixed typo")).body
    event = body["event"]
    assert (event["subtype"], event["hidden"]) == ("message_changed", True)
    assert (event["message"]["text"], event["message"]["ts"], event["message"]["edited"]["user"]) == (
        "fixed typo",
        ts,
        d.ALICE,
    )
    assert event["previous_message"]["text"] == "my key is wrong"
    message = emulator.workspace.message(d.SUPPORT, ts)
    assert message is not None
    assert message.text == "fixed typo"
    with pytest.raises(DriverError, match="own messages"):
        driver.edit("sam", "#support", ts, "not mine")


def test_a_shared_snippet_arrives_as_file_share_with_a_downloadable_file(
    emulator: Emulator, driver: SlackDriver
) -> None:
    delivery = driver.share_file("alice", "#support", "prod.env", "A=1\nB=2\n", text="my config")
    event = delivery.payload["event"]
    assert (event["subtype"], event["text"]) == ("file_share", "my config")
    (shared,) = event["files"]
    assert (shared["id"], shared["name"], shared["mode"], shared["preview"]) == (
        delivery.file_id,
        "prod.env",
        "snippet",
        "A=1\nB=2",
    )
    assert shared["url_private"].startswith(emulator.base_url + "/files-pri/")
    assert pu.to_message(bolt(delivery).body) is not None


def test_a_file_from_the_other_org_only_says_check_file_info(driver: SlackDriver) -> None:
    event = driver.share_file("ext.bob", "#ext-acme", "acme.env", "X=1").payload["event"]
    assert event["files"][0]["file_access"] == "check_file_info"
    assert "url_private" not in event["files"][0]


def test_a_reaction_is_stored_and_delivered(emulator: Emulator, driver: SlackDriver) -> None:
    ts = driver.post("alice", "#support", "thanks").ts
    assert ts is not None
    event = driver.react("sam", "#support", ts, ":white_check_mark:").payload["event"]
    assert event == {
        "type": "reaction_added",
        "user": d.SAM,
        "reaction": "white_check_mark",
        "item_user": d.ALICE,
        "item": {"type": "message", "channel": d.SUPPORT, "ts": ts},
        "event_ts": event["event_ts"],
    }
    message = emulator.workspace.message(d.SUPPORT, ts)
    assert message is not None
    assert message.reactions == {"white_check_mark": [d.SAM]}


def test_opening_the_home_tab_carries_the_published_view(driver: SlackDriver, bot: WebClient) -> None:
    first = driver.open_home("lee").payload["event"]
    assert (first["type"], first["user"], first["channel"], first["tab"]) == (
        "app_home_opened",
        d.LEE,
        "D0LEAD001",
        "home",
    )
    assert "view" not in first
    bot.views_publish(user_id=d.LEE, view={"type": "home", "blocks": [{"type": "divider"}]})
    assert driver.open_home("lee").payload["event"]["view"]["type"] == "home"


def test_a_mention_sends_the_message_and_an_app_mention(driver: SlackDriver, app: FakeApp) -> None:
    delivery = driver.mention("alice", "#support", "is the API down?")
    assert delivery.payload["event"]["type"] == "app_mention"
    assert delivery.payload["event"]["text"] == "<@U0BOT0001> is the API down?"
    (message,) = delivery.also
    assert message.payload["event"]["type"] == "message"
    assert message.event_id != delivery.event_id
    assert len(app.requests) == 2
    in_dm = driver.mention("alice", driver.dm("alice"), "hi")
    assert in_dm.payload["event"]["type"] == "message"
    assert len(app.requests) == 3


# ----------------------------------------------------------------- interactions


def test_a_click_carries_the_real_block_ids_values_and_usable_handles(
    emulator: Emulator, driver: SlackDriver, bot: WebClient
) -> None:
    ts = _bot_message(bot)
    delivery = driver.click("alice", "triage_next", message=(d.SUPPORT, ts))
    assert delivery.request_headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert verified(delivery)
    body = bolt(delivery).body
    assert pu.is_block_actions(body)
    (action,) = body["actions"]
    assert (action["action_id"], action["block_id"], action["value"], action["type"]) == (
        "triage_next",
        "steps",
        "2",
        "button",
    )
    assert body["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": d.SUPPORT,
        "is_ephemeral": False,
    }
    assert (body["channel"]["id"], body["message"]["ts"], body["user"]["id"]) == (d.SUPPORT, ts, d.ALICE)
    assert bot.views_open(trigger_id=body["trigger_id"], view=_modal())["ok"]
    assert body["response_url"] == delivery.response_url
    assert body["response_url"].startswith(emulator.base_url + "/response/")


def test_clicking_by_index_and_listing_elements(driver: SlackDriver, bot: WebClient) -> None:
    ts = _bot_message(bot)
    elements = driver.elements(message=(d.SUPPORT, ts))
    assert [(e.action_id, e.text, e.value) for e in elements] == [
        ("triage_fixed", "Fixed", "1"),
        ("triage_next", "Next", "2"),
    ]
    delivery = driver.click("alice", index=0, message=(d.SUPPORT, ts))
    assert delivery.payload["actions"][0]["action_id"] == "triage_fixed"
    with pytest.raises(DriverError, match="no element"):
        driver.click("alice", "triage_ticket", message=(d.SUPPORT, ts))


def test_a_click_on_an_ephemeral_message_has_no_message_field(driver: SlackDriver, bot: WebClient) -> None:
    ts = str(bot.chat_postEphemeral(channel=d.SUPPORT, user=d.ALICE, text="only you", blocks=BUTTONS)["message_ts"])
    body = driver.click("alice", "triage_fixed", message=(d.SUPPORT, ts)).payload
    assert body["container"]["is_ephemeral"] is True
    assert "message" not in body
    with pytest.raises(DriverError):
        driver.click("sam", "triage_fixed", message=(d.SUPPORT, ts))


def _modal(**extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "ticket_modal",
        "title": {"type": "plain_text", "text": "Ticket"},
        "submit": {"type": "plain_text", "text": "Send"},
        "private_metadata": "C0SUPPORT",
        "blocks": [
            {
                "type": "input",
                "block_id": "model",
                "label": {"type": "plain_text", "text": "Model"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "status",
                "label": {"type": "plain_text", "text": "Status"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": "401"}, "value": "401"},
                        {"text": {"type": "plain_text", "text": "403"}, "value": "403"},
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": {"type": "plain_text", "text": "Note"},
                "element": {"type": "plain_text_input", "action_id": "value", "initial_value": "none"},
            },
        ],
        **extra,
    }


def _open_modal(emulator: Emulator, bot: WebClient, user: str = d.SAM) -> str:
    return str(bot.views_open(trigger_id=emulator.issue_trigger(user), view=_modal())["view"]["id"])


def test_a_submission_builds_state_values_from_the_real_inputs(
    emulator: Emulator, driver: SlackDriver, bot: WebClient
) -> None:
    view_id = _open_modal(emulator, bot)
    delivery = driver.submit("sam", view_id, {"model": "gpt-4o", "status": "401"})
    body = bolt(delivery).body
    assert pu.is_view_submission(body)
    view = body["view"]
    assert (view["id"], view["callback_id"], view["private_metadata"]) == (
        view_id,
        "ticket_modal",
        "C0SUPPORT",
    )
    assert view["state"]["values"] == {
        "model": {"value": {"type": "plain_text_input", "value": "gpt-4o"}},
        "status": {
            "pick": {
                "type": "static_select",
                "selected_option": _modal()["blocks"][1]["element"]["options"][0],
            }
        },
        "note": {"value": {"type": "plain_text_input", "value": "none"}},
    }
    assert emulator.workspace.top_modal(d.SAM) is None, "an empty acknowledgement closes the modal"


def test_a_submission_needs_required_fields_and_known_names(
    emulator: Emulator, driver: SlackDriver, bot: WebClient
) -> None:
    view_id = _open_modal(emulator, bot)
    with pytest.raises(DriverError, match="required"):
        driver.submit("sam", view_id, {"model": "gpt-4o"})
    with pytest.raises(DriverError, match="no input called colour"):
        driver.submit("sam", view_id, {"model": "x", "status": "401", "colour": "red"})
    with pytest.raises(DriverError, match="not the one"):
        driver.submit("alice", view_id, {"model": "x", "status": "401"})


def test_acknowledgement_errors_keep_the_modal_open(
    emulator: Emulator, driver: SlackDriver, bot: WebClient, app: FakeApp
) -> None:
    view_id = _open_modal(emulator, bot)
    app.body = json.dumps({"response_action": "errors", "errors": {"model": "Unknown model"}}).encode()
    delivery = driver.submit("sam", view_id, {"model": "gpt-9", "status": "401"})
    assert delivery.error == '{"model": "Unknown model"}'
    top = emulator.workspace.top_modal(d.SAM)
    assert top is not None
    assert top.id == view_id


def test_acknowledgement_update_replaces_the_modal(
    emulator: Emulator, driver: SlackDriver, bot: WebClient, app: FakeApp
) -> None:
    view_id = _open_modal(emulator, bot)
    thanks = {"type": "modal", "title": {"type": "plain_text", "text": "Thanks"}, "blocks": []}
    app.body = json.dumps({"response_action": "update", "view": thanks}).encode()
    driver.submit("sam", view_id, {"model": "gpt-4o", "status": "403"})
    top = emulator.workspace.top_modal(d.SAM)
    assert top is not None
    assert top.id == view_id
    assert top.spec["title"]["text"] == "Thanks"


def test_message_and_global_shortcuts(driver: SlackDriver, bot: WebClient) -> None:
    ts = driver.post("alice", "#support", "my key leaked").ts
    message = bolt(driver.shortcut("sam", "report_key", "#support", ts)).body
    assert pu.is_message_shortcut(message)
    assert (message["callback_id"], message["channel"]["id"], message["message_ts"]) == (
        "report_key",
        d.SUPPORT,
        ts,
    )
    assert message["message"]["text"] == "my key leaked"
    assert message["response_url"]
    assert bot.views_open(trigger_id=message["trigger_id"], view=_modal())["ok"]
    global_ = bolt(driver.shortcut("sam", "new_ticket")).body
    assert pu.is_global_shortcut(global_)
    assert "channel" not in global_
    assert "response_url" not in global_


def test_a_slash_command_is_a_signed_form_and_its_ack_text_shows(
    emulator: Emulator, driver: SlackDriver, app: FakeApp
) -> None:
    app.body = b"Here are the open tickets"
    delivery = driver.slash("sam", "#support", "/support", "list open")
    assert verified(delivery)
    body = bolt(delivery).body
    assert pu.is_slash_command(body)
    assert {k: body[k] for k in ("command", "text", "user_id", "channel_id", "team_id", "api_app_id")} == {
        "command": "/support",
        "text": "list open",
        "user_id": d.SAM,
        "channel_id": d.SUPPORT,
        "team_id": d.HOME_TEAM,
        "api_app_id": d.APP_ID,
    }
    assert body["trigger_id"] == delivery.trigger_id
    assert body["response_url"] == delivery.response_url
    assert [n.text for n in emulator.workspace.ephemerals_for(d.SAM)] == ["Here are the open tickets"]
    in_dm = bolt(driver.slash("alice", driver.dm("alice"), "support", "")).body
    assert (in_dm["command"], in_dm["channel_name"]) == ("/support", "directmessage")


# ----------------------------------------------------------------- response_url


def _respond(url: str, payload: dict[str, Any]) -> int:
    from slack_sdk.webhook import WebhookClient

    return WebhookClient(url).send_dict(payload).status_code


def test_a_response_url_posts_ephemeral_replaces_and_deletes(
    emulator: Emulator, driver: SlackDriver, bot: WebClient
) -> None:
    ts = _bot_message(bot)
    url = driver.click("alice", "triage_fixed", message=(d.SUPPORT, ts)).response_url
    assert url is not None
    assert _respond(url, {"text": "glad it works"}) == 200
    assert [n.text for n in emulator.workspace.ephemerals_for(d.ALICE)] == ["glad it works"]
    assert _respond(url, {"text": "Resolved", "replace_original": True}) == 200
    message = emulator.workspace.message(d.SUPPORT, ts)
    assert message is not None
    assert message.text == "Resolved"
    assert _respond(url, {"text": "for everyone", "response_type": "in_channel"}) == 200
    assert _respond(url, {"delete_original": True}) == 200
    assert emulator.workspace.message(d.SUPPORT, ts) is None
    calls = emulator.calls_for("response_url")
    assert [c.ok for c in calls] == [True] * 4


def test_a_response_url_works_five_times(emulator: Emulator, driver: SlackDriver, bot: WebClient) -> None:
    url = driver.click("alice", "triage_fixed", message=(d.SUPPORT, _bot_message(bot))).response_url
    assert url is not None
    assert [_respond(url, {"text": f"{i}"}) for i in range(6)] == [200] * 5 + [404]
    assert emulator.calls_for("response_url")[-1].error == "used_url"


def test_a_response_url_expires_after_thirty_minutes(clocked: Emulator, clock: Any, app: FakeApp) -> None:
    driver = SlackDriver(clocked, SECRET, app)
    bot = WebClient(token=clocked.bot_token, base_url=clocked.api_url)
    url = driver.click("alice", "triage_fixed", message=(d.SUPPORT, _bot_message(bot))).response_url
    assert url is not None
    clock.advance(30 * 60 + 1)
    assert _respond(url, {"text": "late"}) == 404
    assert clocked.calls_for("response_url")[-1].error == "expired_url"


# ----------------------------------------------------------------- over HTTP


def test_delivery_over_http_to_slack_events(emulator: Emulator) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[tuple[str, bytes, dict[str, str]]] = []

    class App(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, body, dict(self.headers.items())))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), App)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        driver = SlackDriver(emulator, SECRET, f"http://127.0.0.1:{server.server_address[1]}")
        delivery = driver.post("alice", "#support", "over the wire")
        assert (delivery.status, delivery.body) == (200, b"ok")
        path, body, headers = received[0]
        assert path == "/slack/events"
        assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    finally:
        server.shutdown()
        server.server_close()
    dead = SlackDriver(emulator, SECRET, f"http://127.0.0.1:{server.server_address[1]}", timeout=1)
    failed = dead.post("alice", "#support", "nobody listens")
    assert failed.status == 0
    assert failed.error is not None
