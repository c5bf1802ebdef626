"""FAQ answers and gaps, end to end: signed requests into the real app, Web API calls to the emulator."""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d
from supportbot.emulator.model import Message as SlackMessage
from supportbot.gaps.grouping import GapSignal, Window
from supportbot.slack.features import faq as faq_feature
from supportbot.slack.features import help as help_feature
from supportbot.slack.features import leaks as leak_feature
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.store import faq as faq_store
from supportbot.store import gaps as gap_store
from supportbot.store.gaps import GapSignalRow
from supportbot.text.messages import Message
from tests.scenarios.harness import Harness, running

INVOICE = ["can I get an invoice for my top-up?", "怎么开发票", "how do I get a VAT invoice", "充值以后能开发票吗"]


# -- helpers ------------------------------------------------------------------------------------


def bot_replies(slack: Harness, channel: str, ts: str) -> list[SlackMessage]:
    return [m for m in slack.emulator.workspace.thread(channel, ts) if m.user == d.BOT_USER and m.ts != ts]


def action_ids(blocks: list[dict[str, Any]] | None) -> list[str]:
    return [
        element["action_id"]
        for block in blocks or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]


def flatten(node: Any) -> str:
    if isinstance(node, dict):
        return "\n".join(flatten(value) for value in node.values())
    if isinstance(node, list):
        return "\n".join(flatten(value) for value in node)
    return node if isinstance(node, str) else ""


def signals(slack: Harness) -> list[GapSignalRow]:
    from sqlmodel import select

    with slack.store.session() as session:
        return list(session.execute(select(GapSignalRow).order_by(GapSignalRow.id)).scalars())  # type: ignore[arg-type]


def top(slack: Harness, state: gap_store.StateFilter = "open") -> list[Any]:
    window = Window.ending(datetime.now(UTC) + timedelta(minutes=1), timedelta(days=7))
    with slack.store.session() as session:
        return gap_store.top_gaps(session, window, state=state)


def ask(slack: Harness, user: str, text: str, channel: str = "#support", **extra: Any) -> str:
    sent = slack.driver.post(user, channel, text, **extra)
    slack.settle()
    assert sent.ts is not None
    return sent.ts


def slash(slack: Harness, user: str, text: str, channel: str = "#support") -> dict[str, Any]:
    delivery = slack.driver.slash(user, channel, "/support", text)
    assert delivery.status == 200
    answer = delivery.json
    return answer if isinstance(answer, dict) else {"text": delivery.text}


# -- answers ------------------------------------------------------------------------------------


def test_answer_then_unhelpful_then_gap_and_a_person(slack: Harness) -> None:
    question = ask(slack, "alice", "How do I rotate my API key without downtime?")
    (answer,) = bot_replies(slack, d.SUPPORT, question)
    assert "rotate a key without downtime" in flatten(answer.blocks)
    assert action_ids(answer.blocks) == ["faq_helpful", "faq_unhelpful"]

    slack.driver.click("alice", "faq_unhelpful", message=(d.SUPPORT, answer.ts))
    slack.settle()
    (offer,) = slack.emulator.workspace.ephemerals_for(d.ALICE, d.SUPPORT)
    assert action_ids(offer.blocks) == ["faq_ask_human"]
    assert offer.thread_ts == question
    (signal,) = signals(slack)
    assert (signal.kind, signal.entry_id, signal.channel_id) == ("unhelpful", "rotate-key", d.SUPPORT)
    assert signal.text == "How do I rotate my API key without downtime?"
    [gap] = top(slack)
    assert gap.count == 1 and gap.entry_ids == ("rotate-key",)

    # A second click by the same person records nothing more.
    slack.driver.click("alice", "faq_unhelpful", message=(d.SUPPORT, answer.ts))
    slack.settle()
    assert len(signals(slack)) == 1
    assert "already told us" in slack.emulator.workspace.ephemerals_for(d.ALICE, d.SUPPORT)[-1].text

    slack.driver.click("alice", "faq_ask_human", message=(d.SUPPORT, offer.ts))
    slack.settle()
    notice = bot_replies(slack, d.SUPPORT, question)[-1]
    assert "person from the support team" in notice.text
    (alert,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == d.AGENTS]
    alert_text = json.dumps(alert.params, ensure_ascii=False)
    assert "rotate-key" in alert_text and "Open the thread" in alert_text
    assert "my API key" not in alert_text  # the customer's words stay in their channel
    slack.driver.click("alice", "faq_ask_human", message=(d.SUPPORT, offer.ts))
    slack.settle()
    assert len([c for c in slack.calls("chat.postMessage") if c.params.get("channel") == d.AGENTS]) == 1

    # Someone else found it helpful: thanked in their own language (Li Wei's locale is Chinese).
    slack.driver.click("li.wei", "faq_helpful", message=(d.SUPPORT, answer.ts))
    slack.settle()
    (thanks,) = slack.emulator.workspace.ephemerals_for(d.LI_WEI, d.SUPPORT)
    assert "感谢" in thanks.text
    with slack.store.session() as session:
        stats = faq_store.answer_stats(session, Window.ending(datetime.now(UTC) + timedelta(minutes=1), timedelta(1)))
    assert (stats.questions, stats.answered, stats.helpful, stats.unhelpful, stats.human_requests) == (1, 1, 1, 1, 1)


def test_chinese_question_gets_the_chinese_entry(slack: Harness) -> None:
    question = ask(slack, "li.wei", "怎么在不停服务的情况下更换 API Key？")
    (answer,) = bot_replies(slack, d.SUPPORT, question)
    shown = flatten(answer.blocks)
    assert "轮换密钥" in shown and "有帮助" in shown


def test_a_mention_is_answered_once_and_a_dm_too(slack: Harness) -> None:
    sent = slack.driver.mention("alice", "#support", "rotate key without downtime")
    assert [item.kind for item in sent.also] == ["event"]  # the message event came too
    slack.settle()
    assert sent.ts is not None
    assert len(bot_replies(slack, d.SUPPORT, sent.ts)) == 1
    dm = slack.driver.dm("alice")
    question = ask(slack, "alice", "what is the base url for the openai python sdk?", channel=dm)
    (answer,) = bot_replies(slack, dm, question)
    assert action_ids(answer.blocks) == ["faq_helpful", "faq_unhelpful"]
    unknown = ask(slack, "alice", "can I pay with a credit card?", channel=dm)
    (reply,) = bot_replies(slack, dm, unknown)
    assert "support channel" in reply.text  # nobody reads DMs: point to the channel


def test_a_mention_the_faq_cannot_answer_gets_told_so(slack: Harness) -> None:
    sent = slack.driver.mention("alice", "#support", "do you have an SLA for uptime")
    slack.settle()
    assert sent.ts is not None
    (reply,) = bot_replies(slack, d.SUPPORT, sent.ts)
    assert "could not find an answer" in reply.text
    assert [signal.kind for signal in signals(slack)] == ["unanswered"]


def test_what_is_left_alone(slack: Harness) -> None:
    # An agent asking the customer something.
    agent = ask(slack, "sam", "Which model are you calling?")
    # Not a question.
    thanks = ask(slack, "alice", "thanks, it works now!")
    # The agents' and leads' channels, even with a mention.
    slack.driver.mention("sam", "#support-agents", "how do I rotate a key?")
    slack.driver.mention("lee", "#leads", "how do I rotate a key?")
    slack.settle()
    # A question, then an edit of it and a follow-up in the same thread.
    question = ask(slack, "alice", "How do I rotate my API key without downtime?")
    slack.driver.edit("alice", "#support", question, "How do I rotate my API key with zero downtime?")
    ask(slack, "alice", "and can I set an IP allow-list?", thread_ts=question)
    assert bot_replies(slack, d.SUPPORT, agent) == []
    assert bot_replies(slack, d.SUPPORT, thanks) == []
    assert len(bot_replies(slack, d.SUPPORT, question)) == 1
    assert all(call.params.get("channel") not in {d.AGENTS, d.LEADS} for call in slack.calls("chat.postMessage"))
    # A follow-up that calls the bot is answered.
    follow_up = slack.driver.mention("alice", "#support", "how do I set up an IP allow-list?", thread_ts=question)
    slack.settle()
    assert follow_up.ts is not None
    assert len(bot_replies(slack, d.SUPPORT, question)) == 2


def _claims_401(app: App, runtime: Runtime) -> None:
    """Stands in for the 401 triage: it takes up messages about 401s before the FAQ sees them."""

    def triage(message: Message, context: EventContext) -> None:
        if "401" in message.text:
            context.triage_took = True

    runtime.events.on_message("triage", triage, order=30)


def test_a_message_triage_took_up_is_not_answered(emulator: Emulator, tmp_path: Path) -> None:
    features = [help_feature.register, leak_feature.register, _claims_401, faq_feature.register]
    with running(emulator, f"sqlite:///{tmp_path}/triage.db", features=features) as slack:
        claimed = ask(slack, "alice", "why do I get 401 Unauthorized when calling the API?")
        free = ask(slack, "alice", "why do I get 429 too many requests?")
        assert bot_replies(slack, d.SUPPORT, claimed) == []
        assert len(bot_replies(slack, d.SUPPORT, free)) == 1
        assert signals(slack) == []


# -- gaps ---------------------------------------------------------------------------------------


def test_unanswered_paraphrases_become_one_gap_with_a_count(slack: Harness) -> None:
    for index, text in enumerate(INVOICE):
        ask(slack, "alice" if index % 2 == 0 else "li.wei", text)
    ask(slack, "alice", "do you support claude models?")
    assert slack.calls("chat.postMessage") == []  # nothing confident, nobody called the bot: silence
    assert [signal.kind for signal in signals(slack)] == ["unanswered"] * 5
    invoice, claude = top(slack)
    assert invoice.count == 4 and invoice.users == 2
    assert invoice.trend.direction == "new"
    assert claude.count == 1

    listing = slash(slack, "lee", "gaps")
    shown = flatten(listing["blocks"])
    assert "*1. " in shown and "4 questions (new)" in shown
    assert invoice.key in shown and claude.key in shown
    assert "怎么开发票" in shown and "&lt;" not in listing["text"]
    for outsider in ("alice", "sam"):
        refused = slash(slack, outsider, "gaps")
        assert "only for team leads" in refused["text"]
        assert invoice.key not in json.dumps(refused)


def test_answered_gap_reopens_and_says_so(slack: Harness) -> None:
    ask(slack, "alice", INVOICE[0])
    ask(slack, "li.wei", INVOICE[1])
    [gap] = top(slack)
    wrong = slash(slack, "lee", f"gaps answer {gap.key} invoices")
    assert "no FAQ entry `invoices`" in wrong["text"]
    typo = slash(slack, "lee", f"gaps answer {gap.key} quota-balanse")
    assert "`quota-balance`" in typo["text"]
    done = slash(slack, "lee", f"gaps answer {gap.key[:9]} quota-balance")
    assert "as answered by FAQ entry `quota-balance`" in done["text"]
    assert top(slack) == []
    assert [g.key for g in top(slack, "answered")] == [gap.key]

    ask(slack, "alice", INVOICE[2])
    assert slack.calls("chat.postMessage") == []
    ask(slack, "li.wei", INVOICE[3])
    (notice,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == d.LEADS]
    assert "reopened" in notice.params["text"] and gap.key in notice.params["text"]
    [reopened] = top(slack)
    assert reopened.status.state == "reopened" and reopened.status.signals_since_answer == 2
    assert "*reopened*" in flatten(slash(slack, "lee", "gaps 7d")["blocks"])
    ask(slack, "alice", "I need an invoice for last month's payment")
    assert len([call for call in slack.calls("chat.postMessage") if call.params.get("channel") == d.LEADS]) == 1


def test_gaps_command_problems(slack: Harness) -> None:
    assert "not a period" in slash(slack, "lee", "gaps 7days")["text"]
    assert "Usage" in slash(slack, "lee", "gaps answer only-one")["text"]
    assert "no gap `gap-nothing`" in slash(slack, "lee", "gaps answer gap-nothing rotate-key")["text"]
    assert "none." in flatten(slash(slack, "lee", "gaps 30d all")["blocks"])
    assert "Usage" in slash(slack, "lee", "gaps lately")["text"]


def test_agents_log_a_message_as_a_gap(slack: Harness) -> None:
    question = ask(slack, "alice", "My integration broke after the migration to the new region.")
    slack.driver.shortcut("sam", "gap_log", "#support", question)
    slack.settle()
    (confirmation,) = slack.emulator.workspace.ephemerals_for(d.SAM, d.SUPPORT)
    (signal,) = signals(slack)
    assert signal.kind == "agent_logged" and signal.user_id == d.ALICE
    assert "new FAQ gap" in confirmation.text
    slack.driver.shortcut("wang", "gap_log", "#support", question)
    slack.settle()
    (again,) = slack.emulator.workspace.ephemerals_for(d.WANG, d.SUPPORT)
    assert "已经记录" in again.text
    slack.driver.shortcut("alice", "gap_log", "#support", question)
    slack.settle()
    (refused,) = slack.emulator.workspace.ephemerals_for(d.ALICE, d.SUPPORT)
    assert "Only support agents" in refused.text
    assert len(signals(slack)) == 1


def test_other_features_signals_are_stored_in_their_transaction(slack: Harness) -> None:
    runtime = slack.runtime
    now = datetime.now(UTC)
    step = GapSignal("checklist_unresolved", "still 401 after all steps", now, d.SUPPORT, checklist_step="base_url")
    with runtime.transaction() as session:
        runtime.hooks.emit("gap_signal", session, step)

    def failing_emitter() -> None:
        with runtime.transaction() as session:
            runtime.hooks.emit("gap_signal", session, GapSignal("ticket", "rolled back", now))
            raise RuntimeError("the emitter's transaction failed")

    with pytest.raises(RuntimeError):
        failing_emitter()
    # Grouping runs from the outbox; what was queued in a rolled-back transaction never runs.
    slack.settle()
    (stored,) = signals(slack)
    assert (stored.kind, stored.checklist_step) == ("checklist_unresolved", "base_url")


# -- secrets ------------------------------------------------------------------------------------


def planted_keys(seed: int = 20261123) -> list[str]:
    """Key-shaped strings made at run time: known prefixes and one format no scanner rule knows."""
    rng = random.Random(seed)
    alnum = string.ascii_letters + string.digits

    def body(length: int, alphabet: str = alnum) -> str:
        return "".join(rng.choice(alphabet) for _ in range(length))

    return ["sk-" + "proj-" + body(48), "sk-" + body(48), "zq" + "9_" + body(40)]


@pytest.fixture
def sqlite_slack(emulator: Emulator, tmp_path: Path) -> Iterator[Harness]:
    with running(emulator, f"sqlite:///{tmp_path}/bot.db") as harness:
        yield harness


def test_no_key_reaches_the_database_or_slack(sqlite_slack: Harness, tmp_path: Path) -> None:
    slack = sqlite_slack
    keys = planted_keys()
    first, plain, unknown = keys
    ask(slack, "alice", f"how do I rotate my key {first} without downtime?")
    ask(slack, "li.wei", f"怎么开发票？我的 key 是 {plain}")
    ask(slack, "alice", f"can I get an invoice, my token is {unknown}")
    slack.driver.mention("alice", "#support", f"why is {unknown} rejected")
    dm = slack.driver.dm("alice")
    ask(slack, "alice", f"do you support claude? key {plain}", channel=dm)
    # An external member's message cannot be deleted, so the agent's shortcut reads the raw text.
    kept = slack.driver.post("ext.bob", "#ext-acme", f"does {first} work on your side?")
    slack.settle()
    assert kept.ts is not None
    slack.driver.shortcut("sam", "gap_log", "#ext-acme", kept.ts)
    slack.settle()
    for item in top(slack, "all"):
        slash(slack, "lee", f"gaps answer {item.key} rotate-key")
    listing = slash(slack, "lee", "gaps 7d all")
    stored = [signal.text for signal in signals(slack)]
    assert len(stored) >= 5
    assert any("[hidden]" in text for text in stored), "the unknown format is hidden by the heuristic"
    assert any("sk-proj-…" in text for text in stored), "known formats are masked by the scanner"

    recorded = slack.emulator.recorded_text() + json.dumps(listing, ensure_ascii=False)
    files = [path for path in tmp_path.iterdir() if path.name.startswith("bot.db")]
    assert files
    for secret in keys:
        for probe in (secret, secret[-12:]):
            assert probe not in recorded
            for path in files:
                assert probe.encode() not in path.read_bytes(), path.name
