"""Pre-filling from a message: the error's status, model, body and key; never the customer's own words."""

from __future__ import annotations

import random

import pytest

from supportbot.keys import Scanner
from supportbot.tickets.prefill import Prefill, prefill_from_text
from tests.keygen import make_key

OPENAI_BODY = (
    "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****...MxYA. You can find your "
    "API key at the console.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}"
)


def test_sdk_error_in_a_chatty_message(scanner: Scanner) -> None:
    message = (
        "Hi team, my boss is angry, write to me at alice@example.com\n```\n"
        f"{OPENAI_BODY}\n```\nusing model gpt-4o-mini since this morning"
    )
    assert prefill_from_text(message, scanner) == Prefill(
        status=401, model="gpt-4o-mini", error_text=OPENAI_BODY, masked_key_id="sk-proj-…MxYA"
    )


def test_only_the_error_object_is_taken_from_a_single_line(scanner: Scanner, rng: random.Random) -> None:
    secret = make_key("deepseek", rng)
    message = (
        '用的 deepseek-chat 模型，报错：{"error":{"message":"无效的令牌 (request id: 2026112309)",'
        f'"type":"new_api_error"}}}} 我的key是 {secret} 谢谢'
    )
    found = prefill_from_text(message, scanner)
    assert found.error_text == '{"error":{"message":"无效的令牌 (request id: 2026112309)","type":"new_api_error"}}'
    assert found.model == "deepseek-chat"
    assert found.status == 401, "an invalid-token message is a 401"
    assert found.masked_key_id == "sk-…" + secret[-4:]


def test_request_bodies_and_prompts_are_left_out(scanner: Scanner) -> None:
    message = (
        "curl https://api.example.com/v1/chat/completions -H 'Authorization: Bearer abcdef1234567890' "
        '-d \'{"model": "claude-3-5-sonnet-20241022", "messages": [{"role": "user", "content": '
        '"my private prompt"}]}\'\nHTTP/1.1 429 Too Many Requests'
    )
    found = prefill_from_text(message, scanner)
    assert found == Prefill(status=429, model="claude-3-5-sonnet-20241022", error_text="HTTP/1.1 429 Too Many Requests")


def test_anthropic_and_gemini_shapes(scanner: Scanner) -> None:
    anthropic = prefill_from_text(
        'anthropic said {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}} ok?',
        scanner,
    )
    assert anthropic.error_text == (
        '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}'
    )
    assert anthropic.status == 401
    gemini = prefill_from_text(
        'gemini-1.5-pro: {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}',
        scanner,
    )
    assert (gemini.status, gemini.model) == (400, "gemini-1.5-pro")


def test_slack_escaping_is_undone_and_a_python_traceback_line_is_kept(scanner: Scanner) -> None:
    message = "it fails &lt;sad&gt;\nopenai.AuthenticationError: Error code: 401 - {'error': {'message': 'bad'}}"
    found = prefill_from_text(message, scanner)
    assert found.error_text == "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'bad'}}"


@pytest.mark.parametrize(
    "message",
    ["my key doesn't work, please help", "hello <world> nothing here", "", "wait... what? 401 people came"],
)
def test_nothing_to_prefill(scanner: Scanner, message: str) -> None:
    found = prefill_from_text(message, scanner)
    assert (found.error_text, found.masked_key_id, found.model) == (None, None, None)


def test_a_key_in_the_error_body_is_masked(scanner: Scanner, rng: random.Random) -> None:
    secret = make_key("openai", rng)
    found = prefill_from_text(f"openai.AuthenticationError: bad key {secret} given", scanner)
    assert found.error_text is not None and secret not in found.error_text
    assert found.masked_key_id is not None and found.masked_key_id.endswith(secret[-4:])


def test_long_messages_stay_fast(scanner: Scanner) -> None:
    import time

    message = ("{ not json " * 1700 + "\n") * 2 + OPENAI_BODY
    started = time.perf_counter()
    found = prefill_from_text(message, scanner)
    assert time.perf_counter() - started < 2.0, "generous bound: the shortcut has 3 s for everything"
    assert found.status == 401
