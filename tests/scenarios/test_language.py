"""Customers' own words and Traditional Chinese, end to end through Bolt and the emulator."""

from __future__ import annotations

from supportbot.emulator import defaults as d
from supportbot.emulator.model import User
from tests.scenarios.harness import Harness, flatten
from tests.scenarios.test_faq import bot_replies, signals, top
from tests.scenarios.test_triage import only_walk, shown, walks

MEI = "U0CUSTTW1"


def _add_taiwan_customer(slack: Harness) -> None:
    ws = slack.emulator.workspace
    ws.add_user(User(MEI, "mei", "Mei Lin", d.HOME_TEAM, locale="zh-TW", tz="Asia/Taipei", role="customer"))
    ws.add_member(d.SUPPORT, MEI)
    ws.bot_dm(MEI)


def test_a_401_told_in_traditional_words_gets_a_chinese_checklist_that_quotes_them(slack: Harness) -> None:
    _add_taiwan_customer(slack)
    slack.driver.post("mei", "#support", "透過公司的代理伺服器以後，Authorization 標頭好像被拿掉了，一直回傳 401")
    slack.settle()
    row = only_walk(slack)
    text = flatten(shown(slack, row).blocks)
    assert row.language == "zh"
    assert row.checklist().steps[0] == "missing_header", "the cause the words name comes first"
    assert "中间的代理似乎把 Authorization 请求头去掉了" in text
    assert "代理伺服器以後，Authorization 標頭好像被拿掉了" in text, "the evidence quotes what she wrote"
    assert "第 1 / 5 项" in text


def test_a_401_told_in_english_words_names_the_cause_first(slack: Harness) -> None:
    slack.driver.post("alice", "#support", "I only set OPENAI_API_KEY and didn't change base_url, still 401")
    slack.driver.post("alice", "#general", "a teammate deleted some keys yesterday and now we get 401")
    slack.settle()
    by_channel = {row.channel: row for row in walks(slack)}
    first, second = by_channel[d.SUPPORT], by_channel[d.GENERAL]
    base = flatten(shown(slack, first).blocks)
    assert first.checklist().steps[0] == "wrong_base_url"
    assert "No base URL is set, so the SDK calls its default host" in base
    assert "didn't change base_url" in base
    assert "no base URL at all" in base, "the step text covers the SDK's default host"
    assert second.checklist().steps[0] == "disabled_key"
    assert "a teammate deleted some keys yesterday" in flatten(shown(slack, second).blocks)


def test_words_that_report_no_401_start_nothing(slack: Harness) -> None:
    slack.driver.post("alice", "#support", "How do I pass the key as a ?api_key= query parameter?")
    slack.driver.post("li.wei", "#support", "請問 base_url 要怎麼設定？")
    slack.settle()
    assert walks(slack) == []


def test_a_traditional_question_gets_the_chinese_entry(slack: Harness) -> None:
    _add_taiwan_customer(slack)
    sent = slack.driver.post("mei", "#support", "怎麼在不停服務的情況下更換 API 金鑰？")
    slack.settle()
    assert sent.ts is not None
    (answer,) = bot_replies(slack, d.SUPPORT, sent.ts)
    text = flatten(answer.blocks)
    assert "轮换密钥" in text and "有帮助" in text
    slack.driver.click("mei", "faq_helpful", message=(d.SUPPORT, answer.ts))
    slack.settle()
    (thanks,) = slack.emulator.workspace.ephemerals_for(MEI, d.SUPPORT)
    assert "感谢" in thanks.text, "a zh-TW locale counts as Chinese"


def test_simplified_and_traditional_paraphrases_make_one_gap(slack: Harness) -> None:
    _add_taiwan_customer(slack)
    asked = [
        ("li.wei", "怎么开发票"),
        ("mei", "怎麼開發票"),
        ("li.wei", "充值以后能开发票吗"),
        ("mei", "儲值以後能開發票嗎"),
    ]
    for user, text in asked:
        slack.driver.post(user, "#support", text)
        slack.settle()  # one at a time, as people ask: grouping reads the gaps stored before
    assert [signal.kind for signal in signals(slack)] == ["unanswered"] * 4
    (gap,) = top(slack)
    assert gap.count == 4 and gap.users == 2
