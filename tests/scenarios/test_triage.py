"""The 401 checklist end to end: diagnosis and buttons in the thread, every button, restarts, races."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import select

from supportbot.emulator import Emulator, payloads
from supportbot.emulator.driver import Delivery
from supportbot.gaps.grouping import GapSignal
from supportbot.slack.features import FEATURES
from supportbot.slack.features import triage as triage_feature
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.store import triage as walk_store
from supportbot.text.messages import Message
from supportbot.tickets.model import OPEN_TICKET_MODAL, TicketModalRequest
from supportbot.triage.probe import probe_base_url
from tests.fakes import FakeClock
from tests.keygen import make_key
from tests.scenarios.harness import API_BASE, Harness, flatten, running

RNG = random.Random(5150)
SUPPORT = "C0SUPPORT"
ALICE = "U0CUST001"
STEP_TITLES = {
    "whitespace": "The key is exactly the key",
    "missing_header": "Authorization",
    "wrong_base_url": "base URL",
    "duplicated_path": "/chat/completions",
    "disabled_key": "disabled",
}
QUOTED_KEY_REPORT = (
    "Since this morning every call fails with 401 Unauthorized:\n"
    '{"error":{"message":"Incorrect API key provided: \\"sk-proj****...vQA\\".","type":"invalid_request_error",'
    '"code":"invalid_api_key"}}\nmodel is "gpt-4o-mini"'
)


def walks(harness: Harness) -> list[walk_store.TriageWalk]:
    with harness.store.session() as session:
        return list(session.execute(select(walk_store.TriageWalk).order_by(walk_store.TriageWalk.id)).scalars())


def only_walk(harness: Harness) -> walk_store.TriageWalk:
    (row,) = walks(harness)
    return row


def shown(harness: Harness, row: walk_store.TriageWalk) -> Any:
    """The bot's checklist message as it is in Slack now (after every chat.update)."""
    assert row.step_ts is not None, "the checklist message was never posted"
    message = harness.emulator.workspace.message(row.channel, row.step_ts)
    assert message is not None
    return message


def buttons(message: Any) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in message.blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
    }


def click(harness: Harness, user: str, action_id: str, row: walk_store.TriageWalk) -> Delivery:
    assert row.step_ts is not None
    return harness.driver.click(user, action_id, message=(row.channel, row.step_ts))


def click_value(harness: Harness, user: str, action_id: str, row: walk_store.TriageWalk, value: str) -> Delivery:
    """A click carrying ``value``, as a Slack client still showing an older version of the message sends it."""
    assert row.step_ts is not None
    ws = harness.emulator.workspace
    person = harness.driver.user(user)
    place = harness.driver.channel(row.channel)
    trigger = harness.emulator.issue_trigger(person.id)
    action = {"action_id": action_id, "block_id": "triage_buttons", "type": "button", "value": value}
    action["action_ts"] = ws.new_ts()
    container = {"type": "message", "message_ts": row.step_ts, "channel_id": place.id, "is_ephemeral": False}
    payload = payloads.block_actions_payload(ws, person, action, trigger_id=trigger, container=container, channel=place)
    return harness.driver._send_interaction(payload, trigger_id=trigger)


def current_step(harness: Harness) -> str:
    state = only_walk(harness).checklist()
    return str(state.current)


def ephemeral_texts(harness: Harness, user: str, channel: str = SUPPORT) -> str:
    return "\n".join(note.text for note in harness.emulator.workspace.ephemerals_for(user, channel))


# ---------------------------------------------------------------------------------------------- start


def test_401_report_gets_the_diagnosis_and_buttons_in_its_thread(slack: Harness) -> None:
    report = slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    row = only_walk(slack)
    (posted,) = slack.calls("chat.postMessage")
    assert posted.params["channel"] == SUPPORT and posted.params["thread_ts"] == report.ts
    text = flatten(posted.params["blocks"])
    assert "<@U0CUST001>" in text
    assert "What I spotted in your message" in text and "echo of the key starts with a quote mark" in text
    assert "Check 1 of 5" in text and STEP_TITLES["whitespace"] in text, "the diagnosed step comes first"
    assert API_BASE in text, "step texts use the gateway's official base URL"
    assert buttons(shown(slack, row)).keys() == {"triage_fixed", "triage_next", "triage_ticket"}
    assert (row.thread_ts, row.posted_thread_ts, row.trigger, row.language) == (report.ts, report.ts, "message", "en")
    assert (row.error_status, row.error_model) == ("401", "gpt-4o-mini")
    assert "Incorrect API key provided" in row.error_text


def test_near_misses_start_nothing(emulator: Emulator, database_url: str) -> None:
    notes: list[dict[str, Any]] = []

    def later_feature(app: App, runtime: Runtime) -> None:
        def record(message: Message, context: EventContext) -> None:
            notes.append({"triage": context.triage_took})

        runtime.events.on_message("recorder", record, order=50)

    with running(emulator, database_url, features=[*FEATURES, later_feature]) as slack:
        slack.driver.post("alice", "#support", "Getting 429 Too Many Requests since 9am, is there an outage?")
        slack.driver.post("alice", "#support", "how do I create a key?")
        slack.driver.post("alice", "#support", '{"error":{"message":"Rate limit reached for gpt-4o","code":429}}')
        slack.driver.post("sam", "#support", "FYI the customer above saw 401 Unauthorized yesterday")
        slack.driver.post("sam", "#support-agents", "anyone else seeing 401 Unauthorized from the gateway?")
        slack.driver.post("alice", "#support", "401 Unauthorized on every request")
        slack.settle()
        assert [row.origin for row in walks(slack)] == [slack.driver.deliveries[-1].ts]
        checklists = [call for call in slack.calls("chat.postMessage") if "triage_next" in json.dumps(call.params)]
        assert len(checklists) == 1, "only the real 401 report gets a checklist (FAQ answers may come for others)"
        assert [note.get("triage", False) for note in notes] == [False, False, False, False, False, True], (
            "the knowledge-answer feature (order 50) is told which message the checklist took"
        )


def test_chinese_report_is_answered_in_chinese(slack: Harness) -> None:
    slack.driver.post("li.wei", "#support", "调用接口一直返回 401，提示“无效的令牌”，怎么回事？")
    slack.driver.post("alice", "#general", "我的 key 用不了，报错 401 认证失败")
    slack.settle()
    first, second = walks(slack)
    for row in (first, second):
        message = shown(slack, row)
        text = flatten(message.blocks)
        assert row.language == "zh"
        assert "我们一起来解决这个 401" in text and "第 1 / 5 项" in text and "怎么检查" in text
        labels = [
            element["text"]["text"]
            for block in message.blocks
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        assert labels == ["问题解决了", "还是 401，检查下一项", "提交工单"]


def test_a_chinese_diagnosis_is_rendered_from_reason_codes(slack: Harness) -> None:
    slack.driver.post(
        "li.wei",
        "#support",
        '前端这样调用一直 401：\nconst headers = { "Authorization": "Bearer ${apiKey}" };',
    )
    slack.settle()
    text = flatten(shown(slack, only_walk(slack)).blocks)
    assert "我在你的消息里发现" in text
    assert "发出去的是变量名本身" in text
    assert "variable name" not in text, "no English evidence in a Chinese reply"


def test_a_key_in_the_report_is_still_deleted_and_the_walk_uses_the_masked_copy(slack_without_tickets: Harness) -> None:
    slack = slack_without_tickets
    secret = make_key("openai", RNG)
    requests: list[TicketModalRequest] = []
    slack.runtime.hooks.answer(OPEN_TICKET_MODAL, requests.append)
    sent = slack.driver.post("alice", "#support", f"401 Unauthorized with OPENAI_API_KEY='{secret}' :(")
    slack.settle()
    assert [call.params["ts"] for call in slack.calls("chat.delete")] == [sent.ts]
    repost, walk_post = slack.calls("chat.postMessage")
    assert "posted an API key" in flatten(repost.params["blocks"])
    assert walk_post.params["thread_ts"] == repost.response["ts"], "the reply lands under the masked repost"
    row = only_walk(slack)
    assert row.posted_thread_ts == repost.response["ts"]
    assert row.masked_key.endswith(secret[-4:]) and secret not in row.masked_key
    click(slack, "alice", "triage_ticket", row)
    slack.settle()
    (request,) = requests
    assert request.draft.masked_key_id == row.masked_key and request.draft.thread_ts == repost.response["ts"]
    assert secret not in slack.emulator.recorded_text()
    assert secret not in repr(walks(slack))


# ---------------------------------------------------------------------------------------------- buttons


def test_that_fixed_it_ends_the_walk_and_records_which_step(slack: Harness) -> None:
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    click(slack, "alice", "triage_next", only_walk(slack))
    slack.settle()
    assert current_step(slack) == "missing_header"
    click(slack, "alice", "triage_fixed", only_walk(slack))
    slack.settle()
    row = only_walk(slack)
    assert (row.outcome, row.fixed_by, row.diagnosed_first, row.first_guess_right) == (
        "fixed",
        "missing_header",
        "whitespace",
        False,
    )
    message = shown(slack, row)
    assert "Glad that fixed it" in flatten(message.blocks) and buttons(message) == {}
    assert len(slack.calls("chat.postMessage")) == 1, "the checklist message is edited in place"
    assert len(slack.calls("chat.update")) == 2


def test_next_walks_all_five_checks_then_ends_unresolved_with_a_gap_signal(slack: Harness) -> None:
    signals: list[GapSignal] = []
    slack.runtime.hooks.on("gap_signal", lambda session, signal: signals.append(signal))
    slack.driver.post(
        "alice", "#support", "POST https://api.gateway.example/v1/chat/completions/chat/completions -> 401"
    )
    slack.settle()
    seen: list[str] = []
    for number in range(1, 6):
        row = only_walk(slack)
        text = flatten(shown(slack, row).blocks)
        assert f"Check {number} of 5" in text
        seen.append(current_step(slack))
        assert STEP_TITLES[seen[-1]] in text
        click(slack, "alice", "triage_next", row)
        slack.settle()
    assert seen[0] == "duplicated_path", "the diagnosed step first"
    assert sorted(seen) == sorted(STEP_TITLES), "all five checks are covered"
    row = only_walk(slack)
    assert (row.outcome, row.last_step, row.steps_tried) == ("unresolved", seen[-1], 5)
    final = shown(slack, row)
    assert "still answers 401" in flatten(final.blocks)
    assert set(buttons(final)) == {"triage_ticket", "triage_fixed"}
    (signal,) = signals
    assert (signal.kind, signal.checklist_step, signal.channel_id, signal.user_id) == (
        "checklist_unresolved",
        seen[-1],
        SUPPORT,
        ALICE,
    )
    assert "endpoint path appears twice" in signal.text and "api.gateway.example" not in signal.text


def test_file_a_ticket_asks_the_tickets_feature_with_a_safe_draft(slack_without_tickets: Harness) -> None:
    slack = slack_without_tickets
    requests: list[TicketModalRequest] = []
    signals: list[GapSignal] = []
    slack.runtime.hooks.answer(OPEN_TICKET_MODAL, requests.append)
    slack.runtime.hooks.on("gap_signal", lambda session, signal: signals.append(signal))
    report = slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    delivery = click(slack, "alice", "triage_ticket", only_walk(slack))
    slack.settle()
    (request,) = requests
    assert request.trigger_id == delivery.trigger_id and request.user_id == ALICE
    draft = request.draft
    assert (draft.status, draft.model, draft.source, draft.channel, draft.thread_ts, draft.requester) == (
        "401",
        "gpt-4o-mini",
        "triage",
        SUPPORT,
        report.ts,
        ALICE,
    )
    assert draft.error_text.startswith("Incorrect API key provided")
    assert "Since this morning" not in draft.error_text, "never the customer's own words"
    assert draft.time == "2026-11-23 09:00 UTC" or draft.time.endswith("UTC")
    row = only_walk(slack)
    assert row.outcome == "ticket"
    assert "ticket form is open" in flatten(shown(slack, row).blocks)
    (signal,) = signals
    assert signal.kind == "checklist_unresolved" and "ticket requested" in signal.text
    click(slack, "alice", "triage_fixed", row)
    slack.settle()
    assert only_walk(slack).outcome == "fixed", "fixed later after all: the outcome says so"
    assert len(signals) == 1


def test_without_a_tickets_feature_the_customer_is_told_and_the_walk_goes_on(slack_without_tickets: Harness) -> None:
    slack = slack_without_tickets
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    click(slack, "alice", "triage_ticket", only_walk(slack))
    slack.settle()
    assert "Tickets aren't set up" in ephemeral_texts(slack, ALICE)
    row = only_walk(slack)
    assert row.outcome == "open" and set(buttons(shown(slack, row))) == {"triage_fixed", "triage_next", "triage_ticket"}
    click(slack, "alice", "triage_next", row)
    slack.settle()
    assert current_step(slack) == "missing_header"


def test_double_click_moves_the_walk_on_once(slack: Harness) -> None:
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    row = only_walk(slack)
    click(slack, "alice", "triage_next", row)
    click(slack, "alice", "triage_next", row)  # the message still shows step 1: the same button again
    slack.settle()
    state = only_walk(slack).checklist()
    assert (state.position, str(state.current), state.version) == (1, "missing_header", 1)


def test_concurrent_clicks_one_wins(slack: Harness) -> None:
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    row = only_walk(slack)
    start = threading.Barrier(4)
    answers: list[int] = []

    def press(user: str, action_id: str) -> None:
        start.wait()
        answers.append(click(slack, user, action_id, row).status)

    threads = [
        threading.Thread(target=press, args=args)
        for args in (
            ("alice", "triage_next"),
            ("alice", "triage_next"),
            ("sam", "triage_next"),
            ("alice", "triage_next"),
        )
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    slack.settle()
    assert answers == [200, 200, 200, 200]
    state = only_walk(slack).checklist()
    assert (state.position, state.version, len(state.events)) == (1, 1, 1)
    assert "Check 2 of 5" in flatten(shown(slack, only_walk(slack)).blocks), "the message shows the winner's state"


def test_a_click_right_after_the_post_is_not_lost(slack: Harness) -> None:
    def posted() -> list[Any]:
        # Slack's limit (about one post a second in a channel) answers some attempts 429: count what was posted.
        return list(slack.emulator.calls_for("chat.postMessage", ok=True))

    for _ in range(5):
        before = len(posted())
        slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
        slack.emulator.wait_until(lambda n=before: len(posted()) > n, timeout=10)
        call = posted()[-1]
        # Clicked as soon as Slack shows the message: the walk row may not know its ts yet.
        slack.driver.click("alice", "triage_next", message=(SUPPORT, str(call.response["ts"])))
    slack.settle()
    rows = walks(slack)
    assert [row.checklist().position for row in rows] == [1] * 5
    for row in rows:
        assert "Check 2 of 5" in flatten(shown(slack, row).blocks)


def test_old_buttons_and_other_peoples_clicks_change_nothing(slack: Harness) -> None:
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    row = only_walk(slack)
    old = buttons(shown(slack, row))["triage_next"]
    click(slack, "li.wei", "triage_next", row)
    slack.settle()
    assert "只有本人或客服" in ephemeral_texts(slack, "U0CUST002"), "li.wei reads Chinese"
    assert current_step(slack) == "whitespace"
    click(slack, "sam", "triage_next", row)  # an agent may move it on for the customer
    slack.settle()
    assert current_step(slack) == "missing_header"
    click_value(slack, "alice", "triage_next", row, old)  # a stale client still shows step 1
    click_value(slack, "alice", "triage_next", row, f"{row.id}/7:missing_header")  # another walk's value
    click_value(slack, "alice", "triage_next", row, "not-a-value")
    slack.settle()
    assert current_step(slack) == "missing_header"
    click(slack, "alice", "triage_fixed", row)
    slack.settle()
    click_value(slack, "alice", "triage_next", row, old)
    slack.settle()
    assert only_walk(slack).outcome == "fixed"
    assert "already ended" in ephemeral_texts(slack, ALICE)


def test_a_forged_value_cannot_drive_another_threads_walk(slack: Harness) -> None:
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.driver.post("li.wei", "#support", "401 Unauthorized here too")
    slack.settle()
    alice_walk, li_walk = walks(slack)
    value = f"{li_walk.id}/1:{li_walk.checklist().current}"
    click_value(slack, "alice", "triage_fixed", alice_walk, value)  # clicked on alice's message
    slack.settle()
    assert [row.outcome for row in walks(slack)] == ["open", "open"]


def test_a_deleted_checklist_message_is_posted_again(slack: Harness) -> None:
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    before = only_walk(slack)
    slack.emulator.faults.inject("chat.update", error="message_not_found", times=1)
    click(slack, "alice", "triage_next", before)
    slack.settle()
    after = only_walk(slack)
    assert after.step_ts != before.step_ts and after.posted_thread_ts == before.posted_thread_ts
    again = shown(slack, after)
    assert again.thread_ts == before.posted_thread_ts and "Check 2 of 5" in flatten(again.blocks)
    click(slack, "alice", "triage_fixed", after)
    slack.settle()
    assert only_walk(slack).outcome == "fixed"


# ---------------------------------------------------------------------------------------------- time


def test_the_walk_survives_a_restart_and_hours_away(emulator: Emulator, database_url: str) -> None:
    clock = FakeClock()
    with running(emulator, database_url, clock=clock) as first:
        first.driver.post("alice", "#support", QUOTED_KEY_REPORT)
        first.settle()
        click(first, "alice", "triage_next", only_walk(first))
        first.settle()
        row = only_walk(first)
    clock.advance(6 * 3600)
    with running(emulator, database_url, clock=clock, instance="replica-b") as second:
        click(second, "alice", "triage_next", row)  # the button on the message posted before the restart
        second.settle()
        after = only_walk(second)
        assert str(after.checklist().current) == "wrong_base_url"
        assert "Check 3 of 5" in flatten(shown(second, after).blocks)
        click(second, "alice", "triage_fixed", after)
        second.settle()
        done = only_walk(second)
        assert (done.outcome, done.fixed_by) == ("fixed", "wrong_base_url")
        assert done.finished_at is not None and (done.finished_at - done.created_at).total_seconds() >= 6 * 3600
        with second.store.session() as session:
            by_step = walk_store.outcomes_by_step(
                session, since=datetime(2026, 1, 1, tzinfo=UTC), until=datetime(2027, 1, 1, tzinfo=UTC)
            )
        assert {item.step: item.fixed for item in by_step}["wrong_base_url"] == 1


def test_thread_follow_ups_do_not_restart_but_a_new_report_after_the_end_does(slack: Harness) -> None:
    report = slack.driver.post("alice", "#support", "401 Unauthorized on /v1/models")
    slack.settle()
    slack.driver.post("alice", "#support", "still 401 Unauthorized, what now?", thread_ts=report.ts)
    slack.driver.edit("alice", "#support", report.ts, "401 Unauthorized on /v1/models (edited)")
    slack.settle()
    assert len(walks(slack)) == 1
    click(slack, "alice", "triage_fixed", only_walk(slack))
    slack.settle()
    slack.driver.post("alice", "#support", "it's back: 401 invalid api key again", thread_ts=report.ts)
    slack.settle()
    first, second = walks(slack)
    assert (first.walk, second.walk, second.thread_ts, second.outcome) == (1, 2, report.ts, "open")
    assert shown(slack, second).thread_ts == report.ts


# ---------------------------------------------------------------------------------------------- other entries


def test_direct_messages_are_read_more_generously(slack: Harness) -> None:
    dm = slack.driver.dm("alice")
    slack.driver.post("alice", dm, "how do I create a key?")
    slack.driver.post("alice", dm, "is this right?\ncurl https://api.gateway.example/v1/chat/completions -d '{}'")
    slack.settle()
    row = only_walk(slack)
    assert (row.channel, row.trigger) == (dm, "dm")
    assert "Authorization header" in flatten(shown(slack, row).blocks)


def test_shortcut_starts_a_walk_for_the_author_agents_only(slack: Harness) -> None:
    question = slack.driver.post("alice", "#support", "my integration stopped working since yesterday")
    slack.settle()
    assert walks(slack) == []
    slack.driver.shortcut("li.wei", "triage_start", "#support", question.ts)
    slack.settle()
    assert walks(slack) == []
    assert "只有客服可以使用" in ephemeral_texts(slack, "U0CUST002")
    slack.driver.shortcut("sam", "triage_start", "#support", question.ts)
    slack.settle()
    row = only_walk(slack)
    assert (row.requester, row.started_by, row.trigger, row.thread_ts) == (ALICE, "U0AGENT01", "shortcut", question.ts)
    message = shown(slack, row)
    assert message.thread_ts == question.ts and "<@U0CUST001>" in flatten(message.blocks)
    slack.driver.shortcut("sam", "triage_start", "#support", question.ts)
    slack.settle()
    assert len(walks(slack)) == 1
    assert "already running" in ephemeral_texts(slack, "U0AGENT01")
    click(slack, "alice", "triage_next", row)
    slack.settle()
    assert current_step(slack) == "missing_header"


def test_support_triage_starts_a_walk_in_a_new_thread(slack: Harness) -> None:
    answer = json.loads(
        slack.driver.slash("alice", "#support", "/support", "triage Error code: 401 - invalid api key").body
    )
    assert "started the 401 checklist" in answer["text"]
    slack.settle()
    row = only_walk(slack)
    (posted,) = slack.calls("chat.postMessage")
    assert posted.params.get("thread_ts") is None, "a slash command has no thread: the bot starts one"
    assert row.step_ts == posted.response["ts"] and row.thread_ts == row.step_ts
    assert (row.trigger, row.requester, row.error_status) == ("command", ALICE, "401")
    click(slack, "alice", "triage_next", row)
    slack.settle()
    assert current_step(slack) == "missing_header"
    elsewhere = json.loads(slack.driver.slash("sam", "#support-agents", "/support", "triage").body)
    assert "support channels" in elsewhere["text"]
    assert len(walks(slack)) == 1
    listed = json.loads(slack.driver.slash("alice", "#support", "/support", "help").body)
    assert "/support triage" in listed["text"]


# ---------------------------------------------------------------------------------------------- probe


class _Website(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><html><body>Welcome to our console</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def slack_without_tickets(emulator: Emulator, database_url: str) -> Iterator[Harness]:
    """The app without its tickets feature, so a test can answer the ticket request itself."""
    from supportbot.slack.features import tickets as tickets_feature

    with running(emulator, database_url, features=[f for f in FEATURES if f is not tickets_feature.register]) as h:
        yield h


@pytest.fixture
def website() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Website)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_probe_says_when_the_pasted_base_url_is_a_website(emulator: Emulator, tmp_path: Path, website: str) -> None:
    probe = partial(probe_base_url, allow_loopback_for_tests=True)
    features = [
        partial(triage_feature.register, probe=probe) if feature is triage_feature.register else feature
        for feature in FEATURES
    ]
    env = {"SUPPORTBOT_PROBE": "1"}
    with running(emulator, f"sqlite:///{tmp_path}/probe.db", env=env, features=features) as slack:
        slack.driver.post(
            "alice",
            "#support",
            f'401 Unauthorized from\ncurl {website}/v1/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY"',
        )
        slack.settle()
        notes = [call for call in slack.calls("chat.postMessage") if not call.params.get("blocks")]
        (note,) = notes
        assert "answers with a web page" in note.params["text"] and API_BASE in note.params["text"]
        row = only_walk(slack)
        assert note.params["thread_ts"] == row.posted_thread_ts
        assert "probe_not_api" in row.diagnosis
        assert "shows it is not the API" in flatten(shown(slack, row).blocks)
