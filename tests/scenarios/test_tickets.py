"""Tickets end to end: every way in, the card agents work from, the /support subcommands, refusals."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from supportbot.emulator import Emulator
from supportbot.emulator.defaults import ADMIN, AGENTS, ALICE, LI_WEI, SAM, SUPPORT, WANG
from supportbot.gaps.grouping import GapSignal
from supportbot.store import tickets as ticket_store
from supportbot.tickets.model import OPEN_TICKET_MODAL, TicketDraft, TicketModalRequest
from tests.fakes import FakeClock
from tests.keygen import make_key
from tests.scenarios.harness import Harness, running

RNG = random.Random(6006)
OPENAI_ERROR = (
    "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****...MxYA. You can find "
    "your API key at the console.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}"
)
CHATTER = "Hi team, my boss is angry, write to me at alice.martin@example.com"


def key(provider: str = "openai") -> str:
    return make_key(provider, RNG)


def text_of(node: Any) -> str:
    """Every ``text`` string inside some blocks (or a whole call's params), for assertions."""
    out: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for name, value in item.items():
                if name == "text" and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(item, list):
            for element in item:
                walk(element)

    walk(node)
    return "\n".join(out)


def tickets(harness: Harness) -> list[ticket_store.Ticket]:
    with harness.store.session() as session:
        return list(reversed(ticket_store.listing(session, state="all", limit=100)))


def cards(harness: Harness) -> list[Any]:
    return [call for call in harness.calls("chat.postMessage") if call.params.get("channel") == AGENTS]


def opened_view(harness: Harness, user: str) -> dict[str, Any]:
    call = harness.calls("views.open")[-1]
    assert call.ok, call.error
    view: dict[str, Any] = call.response["view"]
    assert view["callback_id"] == "ticket_modal"
    assert harness.emulator.workspace.top_modal(user) is not None
    return view


def initial_values(view: dict[str, Any]) -> dict[str, str]:
    return {
        block["block_id"]: block["element"].get("initial_value", "")
        for block in view["blocks"]
        if block.get("type") == "input"
    }


def reply(delivery: Any) -> str:
    body = delivery.json
    return str(body.get("text") if isinstance(body, dict) else delivery.text)


def request_modal(harness: Harness, user: str, draft: TicketDraft) -> bool:
    """What the 401 checklist's "File a ticket" button does: a hook request with a pre-filled draft."""
    trigger = harness.emulator.issue_trigger(user)
    answered: bool = harness.runtime.hooks.request(OPEN_TICKET_MODAL, TicketModalRequest(trigger, user, draft))
    return answered


def file_by_command(harness: Harness, user: str = "sam", **values: str) -> ticket_store.Ticket:
    harness.driver.slash(user, "#support-agents", "/support", "ticket")
    view = opened_view(harness, harness.driver.user(user).id)
    submitted = harness.driver.submit(user, view["id"], {"time": "10 minutes ago", "status": "401", **values})
    assert submitted.error is None, submitted.error
    harness.settle()
    return tickets(harness)[-1]


# ---------------------------------------------------------------------- ways in


def test_checklist_hook_opens_a_prefilled_form_and_files_the_ticket(emulator: Emulator, database_url: str) -> None:
    with running(emulator, database_url, clock=FakeClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))) as slack:
        _checklist_hook(slack)


def _checklist_hook(slack: Harness) -> None:
    gap_signals: list[GapSignal] = []
    slack.runtime.hooks.on("gap_signal", lambda _session, signal: gap_signals.append(signal))
    parent = slack.driver.post("alice", "#support", "401 again, the checklist did not help")
    draft = TicketDraft(
        time="2026-11-23 09:14",
        model="gpt-4o-mini",
        status="401",
        error_text=OPENAI_ERROR,
        masked_key_id="sk-proj-…MxYA",
        channel=SUPPORT,
        thread_ts=parent.ts,
        requester=ALICE,
        source="triage",
    )
    assert request_modal(slack, ALICE, draft)
    view = opened_view(slack, ALICE)
    assert initial_values(view) == {
        "time": "2026-11-23 09:14",
        "model": "gpt-4o-mini",
        "status": "401",
        "error_text": OPENAI_ERROR,
        "masked_key_id": "sk-proj-…MxYA",
    }
    submitted = slack.driver.submit("alice", view["id"])
    assert submitted.error is None
    slack.settle()

    (ticket,) = tickets(slack)
    assert (ticket.source, ticket.requester, ticket.filed_by, ticket.state) == ("triage", ALICE, ALICE, "open")
    assert (ticket.status, ticket.model, ticket.masked_key_id) == (401, "gpt-4o-mini", "sk-proj-…MxYA")
    assert ticket.occurred_at == datetime(2026, 11, 23, 17, 14, tzinfo=UTC), "alice's Slack zone is Los Angeles"
    assert (ticket.channel, ticket.thread_ts) == (SUPPORT, parent.ts)

    (confirmation,) = [
        c
        for c in slack.calls("chat.postMessage")
        if c.params.get("channel") == SUPPORT and f"#{ticket.id}" in c.params["text"]
    ]
    assert confirmation.params["thread_ts"] == parent.ts
    shown = text_of(confirmation.params["blocks"])
    for part in (
        "#1",
        "2026-11-23 17:14 UTC",
        "401",
        "gpt-4o-mini",
        "sk-proj-…MxYA",
        "invalid_api_key",
        "<@U0CUST001>",
    ):
        assert part in shown
    (card,) = cards(slack)
    assert {e["action_id"] for b in card.params["blocks"] for e in b.get("elements", []) if "action_id" in e} == {
        "ticket_assign",
        "ticket_close",
    }
    assert "Ticket #1 · open" in text_of(card.params["blocks"])
    with slack.store.session() as session:
        stored = ticket_store.get(session, ticket.id or 0)
    assert stored is not None and stored.card_ts == card.response["ts"]
    (signal,) = gap_signals
    assert (signal.kind, signal.channel_id, signal.user_id) == ("ticket", SUPPORT, ALICE)
    assert "invalid_api_key" in signal.text


def test_support_ticket_opens_the_same_form_for_agents_only(slack: Harness) -> None:
    refused = slack.driver.slash("alice", "#support", "/support", "ticket")
    assert "only for support agents" in reply(refused)
    assert slack.calls("views.open") == []
    ticket = file_by_command(slack, model="deepseek-chat", error_text="无效的令牌")
    assert (ticket.source, ticket.filed_by, ticket.requester, ticket.channel) == ("command", SAM, None, None)
    (note,) = slack.emulator.workspace.ephemerals_for(SAM, "G0AGENTS1")[-1:]
    assert "Filed ticket #1" in note.text
    assert len(cards(slack)) == 1
    assert [c for c in slack.calls("chat.postMessage") if c.params.get("channel") == SUPPORT] == []


def test_shortcut_prefills_from_the_error_never_from_the_message_text(slack: Harness) -> None:
    text = f"{CHATTER}\n```\n{OPENAI_ERROR}\n```\nusing model gpt-4o-mini since this morning"
    posted = slack.driver.post("alice", "#support", text)
    slack.settle()
    refused = slack.driver.shortcut("li.wei", "ticket_file", "#support", posted.ts)
    assert refused.status == 200
    slack.settle()
    assert slack.calls("views.open") == []
    assert "只对客服开放" in slack.emulator.workspace.ephemerals_for(LI_WEI, SUPPORT)[-1].text

    slack.driver.shortcut("sam", "ticket_file", "#support", posted.ts)
    view = opened_view(slack, SAM)
    values = initial_values(view)
    assert (values["status"], values["model"], values["masked_key_id"]) == ("401", "gpt-4o-mini", "sk-proj-…MxYA")
    assert "invalid_api_key" in values["error_text"]
    opened = json.dumps(slack.calls("views.open")[-1].params, ensure_ascii=False)
    for private in ("boss is angry", "alice.martin@example.com", "since this morning"):
        assert private not in opened
    slack.driver.submit("sam", view["id"])
    slack.settle()
    (ticket,) = tickets(slack)
    assert (ticket.source, ticket.requester, ticket.filed_by, ticket.thread_ts) == ("shortcut", ALICE, SAM, posted.ts)
    (confirmation,) = [
        c
        for c in slack.calls("chat.postMessage")
        if c.params.get("channel") == SUPPORT and f"#{ticket.id}" in c.params["text"]
    ]
    assert confirmation.params["thread_ts"] == posted.ts


def test_ticket_reaction_by_an_agent_files_at_once_from_the_message(slack: Harness) -> None:
    posted = slack.driver.post("li.wei", "#support", f"用 deepseek-chat 报错 401：{OPENAI_ERROR} 谢谢")
    slack.driver.react("li.wei", "#support", posted.ts, "ticket")
    slack.settle()
    assert tickets(slack) == [], "a customer's 🎫 files nothing"

    slack.driver.react("sam", "#support", posted.ts, "ticket")
    slack.driver.react("wang", "#support", posted.ts, "admission_tickets")
    slack.settle()
    (ticket,) = tickets(slack)
    assert ticket.source == "reaction" and ticket.filed_by == SAM and ticket.requester == LI_WEI
    assert abs((ticket.occurred_at - datetime.fromtimestamp(float(posted.ts or 0), UTC)).total_seconds()) < 1
    assert (ticket.status, ticket.model, ticket.masked_key_id) == (401, "deepseek-chat", "sk-proj-…MxYA")
    assert ticket.error_text is not None and "谢谢" not in ticket.error_text
    (confirmation,) = [
        c
        for c in slack.calls("chat.postMessage")
        if c.params.get("channel") == SUPPORT and f"#{ticket.id}" in c.params["text"]
    ]
    assert confirmation.params["thread_ts"] == posted.ts
    assert "已为这个问题提交工单" in text_of(confirmation.params["blocks"]), "Li Wei reads Chinese"
    (card,) = cards(slack)
    card_text = text_of(card.params["blocks"])
    assert "<https://" in card_text and "|Open the conversation> in <#C0SUPPORT>" in card_text
    assert "Filed by <@U0AGENT01> from a 🎫 reaction" in card_text


def test_reactions_elsewhere_or_other_emoji_do_nothing(slack: Harness) -> None:
    posted = slack.driver.post("alice", "#support", OPENAI_ERROR)
    slack.driver.react("sam", "#support", posted.ts, "eyes")
    agents_note = slack.driver.post("wang", "#support-agents", OPENAI_ERROR)
    slack.driver.react("sam", "#support-agents", agents_note.ts, "ticket")
    slack.settle()
    assert tickets(slack) == []


# ---------------------------------------------------------------------- the card


def test_card_buttons_update_the_card_in_place(slack: Harness) -> None:
    file_by_command(slack)
    (card,) = cards(slack)
    where = (AGENTS, card.response["ts"])
    slack.driver.click("admin", "ticket_close", message=where)
    slack.settle()
    assert tickets(slack)[0].state == "open", "a click by someone not on the support team changes nothing"
    assert "only for support agents" in slack.emulator.workspace.ephemerals_for(ADMIN, AGENTS)[-1].text

    slack.driver.click("wang", "ticket_assign", message=where)
    slack.settle()
    (update,) = slack.calls("chat.update")
    assert (update.params["channel"], update.params["ts"]) == where
    shown = text_of(update.params["blocks"])
    assert "in progress" in shown and "<@U0AGENT02>" in shown
    assert "ticket_assign" not in json.dumps(update.params["blocks"]), "no 'assign to me' once someone has it"

    slack.driver.click("sam", "ticket_close", message=where)
    slack.settle()
    closed = slack.calls("chat.update")[-1]
    assert "closed" in text_of(closed.params["blocks"]) and "Closed by <@U0AGENT01>" in text_of(closed.params["blocks"])
    slack.driver.click("sam", "ticket_reopen", message=where)
    slack.settle()
    reopened = slack.calls("chat.update")[-1]
    assert "in progress" in text_of(reopened.params["blocks"])
    (ticket,) = tickets(slack)
    assert (ticket.state, ticket.assignee, ticket.closed_at) == ("open", WANG, None)
    assert len(slack.calls("chat.update")) == 3 and len(cards(slack)) == 1


def test_two_agents_pressing_assign_at_once_get_one_outcome(slack: Harness) -> None:
    file_by_command(slack)
    (card,) = cards(slack)
    where = (AGENTS, card.response["ts"])
    start = threading.Barrier(2)

    def press(who: str) -> None:
        start.wait()
        slack.driver.click(who, "ticket_assign", message=where)

    threads = [threading.Thread(target=press, args=(who,)) for who in ("sam", "wang")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slack.settle()
    (ticket,) = tickets(slack)
    winner, loser = (SAM, WANG) if ticket.assignee == SAM else (WANG, SAM)
    assert ticket.assignee == winner
    note = slack.emulator.workspace.ephemerals_for(loser, AGENTS)[-1]
    assert ("was just taken by" in note.text or "刚被" in note.text) and f"<@{winner}>" in note.text
    assert f"<@{winner}>" in text_of(slack.calls("chat.update")[-1].params["blocks"])


def test_double_submitted_form_files_one_ticket(slack: Harness) -> None:
    slack.driver.slash("sam", "#support-agents", "/support", "ticket")
    view = opened_view(slack, SAM)
    first = slack.driver.submit("sam", view["id"], {"time": "5 minutes ago", "status": "500"})
    again = slack.driver.redeliver(first)
    assert again.status == 200
    slack.settle()
    assert len(tickets(slack)) == 1
    assert len(cards(slack)) == 1


# ---------------------------------------------------------------------- /support


def test_subcommands_list_show_assign_close_reopen(slack: Harness) -> None:
    first = file_by_command(slack, model="gpt-4o")
    second = file_by_command(slack, status="429", model="claude-3-5-sonnet")
    driver = slack.driver

    listing = reply(driver.slash("sam", "#support-agents", "/support", "tickets"))
    assert f"#{first.id}" in listing and f"#{second.id}" in listing and "Open tickets" in listing
    assert "You have no open tickets" in reply(driver.slash("sam", "#support-agents", "/support", "tickets mine"))

    assigned = reply(driver.slash("sam", "#support-agents", "/support", f"assign {first.id} @wang"))
    assert f"#{first.id} is now assigned to <@U0AGENT02>" in assigned
    mine = reply(driver.slash("wang", "#support-agents", "/support", "tickets mine"))
    assert f"#{first.id}" in mine and f"#{second.id}" not in mine
    assert "not a support agent" in reply(
        driver.slash("sam", "#support-agents", "/support", f"assign {first.id} @alice")
    )
    assert "could not find" in reply(driver.slash("sam", "#support-agents", "/support", f"assign {first.id} @nobody"))
    taken = reply(driver.slash("sam", "#support-agents", "/support", f"assign {second.id}"))
    assert "assigned to <@U0AGENT01>" in taken

    secret = key("anthropic")
    closed = reply(
        driver.slash("sam", "#support-agents", "/support", f"close {first.id} fixed, rotated {secret} ask bob@x.io")
    )
    assert f"#{first.id} is closed" in closed
    assert "already closed" in reply(driver.slash("sam", "#support-agents", "/support", f"close {first.id}"))
    detail = reply(driver.slash("sam", "#support-agents", "/support", f"ticket {first.id}"))
    assert "closed" in detail and "fixed, rotated sk-ant-api03-…" in detail and "[email]" in detail
    assert secret not in detail
    assert "is open again" in reply(driver.slash("sam", "#support-agents", "/support", f"reopen {first.id}"))
    assert "already open" in reply(driver.slash("sam", "#support-agents", "/support", f"reopen {first.id}"))
    assert "no ticket #999" in reply(driver.slash("sam", "#support-agents", "/support", "ticket 999"))
    closed_list = reply(driver.slash("sam", "#support-agents", "/support", "tickets closed"))
    assert "No closed tickets" in closed_list
    everything = reply(driver.slash("lee", "#support-agents", "/support", "tickets all"))
    assert f"#{first.id}" in everything, "leads are agents too"
    slack.settle()
    assert len(slack.calls("chat.update")) == 4, "assign, assign, close, reopen each updated a card"
    with slack.store.session() as session:
        stored = ticket_store.get(session, first.id or 0)
    assert stored is not None and stored.close_reason is None, "reopening clears the old reason"


def test_non_agents_are_refused_everywhere_and_see_no_ticket_data(slack: Harness) -> None:
    ticket = file_by_command(slack, model="gpt-4o-mini")
    for text in (
        "tickets",
        "tickets all",
        f"ticket {ticket.id}",
        f"assign {ticket.id}",
        f"close {ticket.id}",
        f"reopen {ticket.id}",
        "ticket",
        "scan hello",
    ):
        answer = reply(slack.driver.slash("alice", "#support", "/support", text))
        assert "only for support agents" in answer, text
        assert "gpt-4o-mini" not in answer and f"#{ticket.id}" not in answer
    help_text = reply(slack.driver.slash("alice", "#support", "/support", "help"))
    assert "/support tickets" not in help_text
    agent_help = reply(slack.driver.slash("sam", "#support", "/support", "help"))
    for sub in ("tickets", "ticket [N]", "assign N", "close N", "reopen N", "scan"):
        assert f"/support {sub}" in agent_help
    unknown = reply(slack.driver.slash("sam", "#support", "/support", "frobnicate"))
    assert "I don't know" in unknown
    assert tickets(slack)[0].state == "open"


def test_scan_reports_masked_findings_and_never_the_key(slack: Harness) -> None:
    secret = key("groq")
    answer = reply(slack.driver.slash("sam", "#support-agents", "/support", f"scan try {secret} please"))
    assert "Do not post this" in answer and "gsk_…" in answer and secret not in answer
    header = reply(slack.driver.slash("sam", "#support-agents", "/support", "scan -H 'Authorization: Bearer abc123'"))
    assert "credential header" in header
    safe = reply(slack.driver.slash("sam", "#support-agents", "/support", "scan my base url is wrong"))
    assert "looks safe to post" in safe
    assert "check some text" in reply(slack.driver.slash("sam", "#support-agents", "/support", "scan"))


# ---------------------------------------------------------------------- keys never stick


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level("DEBUG")
    return caplog


def test_a_key_planted_in_every_field_ends_up_nowhere(
    emulator: Emulator, tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    planted = {
        field: key(provider)
        for field, provider in (
            ("time", "gateway"),
            ("model", "groq"),
            ("status", "deepseek"),
            ("error_text", "openai"),
            ("masked_key_id", "anthropic"),
        )
    }
    database = tmp_path / "planted.db"
    with running(emulator, f"sqlite:///{database}") as slack:
        slack.driver.slash("sam", "#support-agents", "/support", "ticket")
        view = opened_view(slack, SAM)
        refused = slack.driver.submit("sam", view["id"], planted)
        errors = json.loads(refused.error or "{}")
        assert "only the start and the last four characters" in errors["masked_key_id"]
        assert "not saved" in errors["masked_key_id"]
        assert set(errors) == {"time", "model", "status", "masked_key_id"}, "error text is scrubbed, not refused"
        assert all(secret not in json.dumps(errors) for secret in planted.values())
        assert tickets(slack) == []

        accepted = slack.driver.submit(
            "sam",
            view["id"],
            {
                "time": "3 minutes ago",
                "model": "gpt-4o",
                "status": "401",
                "error_text": f"-H 'Authorization: Bearer {planted['error_text']}'\n401 {planted['masked_key_id']}",
                "masked_key_id": planted["masked_key_id"][:7] + "…" + planted["masked_key_id"][-4:],
            },
        )
        assert accepted.error is None
        slack.settle()
        (ticket,) = tickets(slack)
        assert ticket.masked_key_id == "sk-ant-…" + planted["masked_key_id"][-4:]
        assert ticket.error_text is not None and "[removed]" in ticket.error_text
        # A careless caller of the hook request: keys in every field of its draft are dropped or masked.
        careless = TicketDraft(**{field: f"401 {secret}" for field, secret in planted.items()}, source="triage")
        assert request_modal(slack, SAM, careless)
        prefilled = initial_values(opened_view(slack, SAM))
        assert prefilled["masked_key_id"] == "" and prefilled["model"] == "" and prefilled["status"] == ""
        assert prefilled["error_text"].startswith("401 sk-")
        # The same keys through the other ways in: a message filed by shortcut and by 🎫.
        leaking = slack.driver.post("alice", "#support", f"{OPENAI_ERROR}\nmy key {planted['time']}")
        slack.settle()
        shown = slack.calls("chat.postMessage")[-1]  # the masked repost is what agents act on
        repost_ts = shown.response["ts"]
        slack.driver.shortcut("sam", "ticket_file", "#support", repost_ts)
        slack.driver.submit("sam", opened_view(slack, SAM)["id"])
        slack.driver.react("wang", "#support", repost_ts, "tickets")
        slack.driver.slash("sam", "#support-agents", "/support", f"close {ticket.id} {planted['model']}")
        slack.driver.slash("sam", "#support-agents", "/support", f"scan {planted['status']}")
        slack.settle()
        assert len(tickets(slack)) == 3
        assert leaking.status == 200
        recorded = slack.emulator.recorded_text()
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("planted.db*"))
    assert stored, "the database file was read"
    for secret in planted.values():
        assert secret not in recorded, "a key reached a Slack call"
        assert secret.encode() not in stored, "a key reached the database file"
        assert secret not in logs.text, "a key reached the logs"
        for fragment in (secret[:20], secret[-20:]):
            assert fragment.encode() not in stored
