"""Ticket facts from a paste: status, model and the provider's error text, never the customer's words."""

from __future__ import annotations

import pytest

from supportbot.config import Settings
from supportbot.keys import Scanner
from supportbot.triage.facts import ErrorFacts, error_facts
from tests.unit.triage.conftest import synthetic_keys

KEYS = synthetic_keys(seed=77)


def _same(text: str) -> str:
    return text


CASES = [
    (
        "openai-python-traceback",
        "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: "
        "sk-abc***wjh3. You can find your API key at https://platform.openai.com/account/api-keys.', "
        "'type': 'invalid_request_error', 'code': 'invalid_api_key'}}",
        ErrorFacts(
            "401",
            "",
            "Incorrect API key provided: sk-abc***wjh3. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
        ),
    ),
    (
        "curl-with-body-and-answer",
        'curl https://api.llmrelay.com/v1/chat/completions -d \'{"model": "gpt-4o-mini", "messages": []}\'\n'
        'HTTP/1.1 401 Unauthorized\n{"error":{"message":"无效的令牌","type":"new_api_error"}}',
        ErrorFacts("401", "gpt-4o-mini", "无效的令牌"),
    ),
    (
        "openrouter-body-code",
        '{"error":{"message":"No auth credentials found","code":401}}',
        ErrorFacts("401", "", "No auth credentials found"),
    ),
    (
        "anthropic-sdk-kwarg",
        'client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=10)\n'
        "anthropic.AuthenticationError: Error code: 401 - invalid x-api-key",
        ErrorFacts(
            "401", "claude-3-5-sonnet-20241022", "anthropic.AuthenticationError: Error code: 401 - invalid x-api-key"
        ),
    ),
    (
        "gemini-bad-key-is-a-400",
        '{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", '
        '"status": "INVALID_ARGUMENT"}}',
        ErrorFacts("400", "", "API key not valid. Please pass a valid API key."),
    ),
    (
        "cherry-studio-line",
        "[错误]:连接失败 401 No auth credentials found\n模型：deepseek-chat",
        ErrorFacts("401", "deepseek-chat", "[错误]:连接失败 401 No auth credentials found"),
    ),
    ("prose-only", "my key does not work, I get 401 every time", ErrorFacts("401", "", "")),
    ("prose-model", "Model is gpt-4.1 and it says Unauthorized", ErrorFacts("", "gpt-4.1", "")),
    ("no-report", "how do I create a key?", ErrorFacts("", "", "")),
    ("placeholder-model", 'model="model"', ErrorFacts("", "", "")),
    (
        "slack-escaped",
        'HTTP/2 401 &lt;- that is what I see, body: {&quot;x&quot;:1} {"error":{"message":"a &amp; b"}}',
        ErrorFacts("401", "", "a & b"),
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_error_facts(name: str, text: str, expected: ErrorFacts) -> None:
    assert error_facts(text, scrub=_same) == expected


def test_keys_never_come_out() -> None:
    scrub = Scanner.from_settings(Settings(), fingerprint_secret="x" * 32).scrub
    key = KEYS["PROJKEY"]
    text = (
        f'{{"error":{{"message":"Incorrect API key provided: {key}","code":"invalid_api_key"}}}}\n'
        f'model="{KEYS["KEY"]}"\nError code: 401'
    )
    facts = error_facts(text, scrub=scrub)
    assert facts.status == "401" and facts.model == ""
    assert facts.error_text.startswith("Incorrect API key provided: ")
    for secret in KEYS.values():
        assert secret not in repr(facts) and secret[-20:] not in repr(facts)


def test_long_error_texts_are_cut() -> None:
    facts = error_facts('{"message": "' + "word " * 200 + '"}', scrub=_same)
    assert 0 < len(facts.error_text) <= 300 and facts.error_text.endswith("…")
