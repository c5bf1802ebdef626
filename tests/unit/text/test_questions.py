"""What counts as a question for the FAQ, in English and Chinese."""

from __future__ import annotations

import pytest

from supportbot.text.questions import MAX_QUESTION_CHARS, is_small_talk, looks_like_question

QUESTIONS = [
    "how do I rotate my key without downtime",
    "What is the base URL for the python sdk",
    "can I get an invoice for my top-up",
    "Is there a rate limit per key",
    "hi team, how do I set up an IP allow-list",
    "any way to see the usage per key",
    "need help with the base url in langchain",
    "not sure how to read the usage log",
    "my requests keep getting 429",
    "the key doesn't work",
    "does streaming work with your gateway",
    "401?",
    "stream=true 不生效？",
    "怎么开发票",
    "充值以后能开发票吗",
    "为什么一直返回 401",
    "如何设置 base_url",
    "能不能给每个项目单独建 key",
    "调用一直报错",
    "请问余额在哪里看",
    "这个模型支持流式吗。",
]
NOT_QUESTIONS = [
    "",
    "   ",
    "thanks!",
    "Thank you so much for the help",
    "ok?",
    "hi team",
    "good morning everyone",
    "it works now, thanks",
    "I fixed the error, thanks",
    "谢谢",
    "好的 收到",
    "解决了，谢谢",
    "报错已经解决了",
    "here is my log: `GET /v1/models?x=1`",
    "see https://status.example.com/?page=1",
    ":thumbsup:",
    "I rotated the key yesterday.",
    "```\nwhy? what?\n```",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_not_questions(text: str) -> None:
    assert not looks_like_question(text)


def test_a_message_to_the_bot_needs_no_question_form_but_some_content() -> None:
    assert looks_like_question("rotate key", directed=True)
    assert looks_like_question("轮换密钥", directed=True)
    assert not looks_like_question("rotate key")
    assert not looks_like_question("thanks!", directed=True)
    assert not looks_like_question("你好", directed=True)


def test_long_pastes_are_left_to_triage_unless_addressed_to_the_bot() -> None:
    paste = "why? " + "x" * MAX_QUESTION_CHARS
    assert not looks_like_question(paste)
    assert looks_like_question(paste, directed=True)


def test_small_talk() -> None:
    assert is_small_talk("thx :pray:")
    assert is_small_talk("感谢感谢")
    assert not is_small_talk("thanks, and how do I rotate?")
