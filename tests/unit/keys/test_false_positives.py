"""Lookalikes that must never be reported, and near misses of every rule."""

from __future__ import annotations

import base64
import random

import pytest

from supportbot.keys import Scanner
from supportbot.keys.masking import mask_key
from tests.keygen import ALL_RULES, PREFIXED_RULES, make_planted

_MD5 = "d41d8cd98f00b204e9800998ecf8427e"  # the MD5 of nothing: a well-known hash, not a key
# Built from parts so the file holds no key-shaped string.
_OTHER_HASH = "0f3c9a7e5b1d2c4a" + "6e8f0a1b3c5d7e9f"
_UUID = "123e4567-e89b-12d3-a456-426614174000"
LOOKALIKES = {
    "masked with ellipsis": "your key sk-proj-…x9Qa was disabled",
    "masked with stars": "I use sk-abc1****wxyz, right?",
    "vendor echo, stars": "Incorrect API key provided: sk-Ab12c" + "*" * 39 + "wq3z. You can find your key",
    "vendor echo, quotes kept": 'Incorrect API key provided: "sk-proj****...vQ1A".',
    "vendor echo, url": "Incorrect API key provided: https://****...lE3T.",
    "vendor echo, reseller": "Incorrect API key provided: kod-4a0f****...2b29.",
    "vendor echo, placeholder": "Incorrect API key provided: ADD_YOUR*****HERE.",
    "vendor echo, undefined": "Incorrect API key provided: undefined.",
    "deepseek echo": '{"error":{"message":"Authentication Fails, Your api key: ****_KEY is invalid"}}',
    "deepseek echo null": "Your api key: ****null is invalid",
    "groq-to-xai echo": "Incorrect API key provided: gs***tF. You can obtain an API key elsewhere",
    "placeholder sk": "set it to sk-your-key-here",
    "placeholder x run": "OPENAI_API_KEY=sk-" + "x" * 48,
    "placeholder upper": "api_key = YOUR_API_KEY",
    "placeholder sequence": "sk-" + "1234567890abcdef" * 2,
    "placeholder proj": "sk-proj-" + "X" * 60,
    "env reference": "export OPENAI_API_KEY=$OPENAI_API_KEY",
    "env braces": "api_key: ${OPENAI_API_KEY}",
    "python environ": 'client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])',
    "python getenv": 'api_key = os.getenv("DEEPSEEK_API_KEY")',
    "js process env": "apiKey: process.env.OPENAI_API_KEY,",
    "bearer variable": 'curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
    "bearer placeholder": "Authorization: Bearer YOUR_KEY",
    "bearer prose": "You need to provide your API key in an Authorization header using Bearer auth.",
    "api key quoted placeholder": 'api_key="your-key"',
    "api key prose": "the api key is invalid, it says 401 again",
    "x-api-key error": '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    "uuid": "trace 123e4567-e89b-12d3-a456-426614174000 failed",
    "git hash": "fixed in commit 3f786850e387550fdab836ed7e6dc881de23001b",
    "docker digest": "image@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "md5": "checksum d41d8cd98f00b204e9800998ecf8427e",
    "anthropic request id": '"request_id":"req_011CeoTSFhazbsMgs7N3Vw7V"',
    "chat completion id": '{"id": "chatcmpl-9xQ3mZ7yT2pLk8vN4rW6sB1dE5fG", "object": "chat.completion"}',
    "message id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    "gateway request id": "无效的令牌 (request id: 202401051503129912612881ruBxkTI)",
    "console key id": "Key ID: key_9f8e7d6c5b4a, created 2025-01-02",
    "slack ids": "<@U024BE7LH> in <#C0123ABCD|support> at ts 1700000000.123456",
    "slack team ids": "team T0123ABCD, bot B0123ABCDE, user W0ABCDEF12",
    "model names": "gpt-4o-mini-2024-07-18, claude-3-5-sonnet-20241022, deepseek-chat, gemini-2.0-flash",
    "words with sk-": "my task-list, a desk-lamp, risk-free, ask-me-anything, sk-learn",
    "aws doc example": "AKIA" + "IOSFODNN7" + "EXAMPLE",
    "url without password": "https://example.com:8443/path?q=1",
    "url password placeholder": "postgres://user:password@localhost/db",
    "url password variable": "postgres://user:${DB_PASSWORD}@db/app",
    "mistral model name": "mistral-large-latest via MISTRAL_API_KEY in .env",
    "azure header variable": "api-key: {{AZURE_KEY}}",
    "json key null": '{"api_key": null, "base_url": "https://api.example.com"}',
    "api key dotted path": "api_key=settings.openai.api_key",
    "env name value": "API_KEY=OPENAI_API_KEY_PROD",
    "hash glued to a word": "task-" + _MD5 + " and desk-" + _OTHER_HASH,
    "upper-case words after asia": "EURASIAPACIFICSOUTHEAST region",
    "bearer prose glued": "use Bearerauth in the header",
    # Ids of the new formats' vendors that grant nothing (issue 14).
    "twilio account sid": "Account SID AC" + _MD5 + " is on the dashboard",
    "twilio sid in env": "TWILIO_ACCOUNT_SID=AC" + _MD5,
    "langfuse public key": "LANGFUSE_PUBLIC_KEY=pk-lf-" + _UUID,
    "twilio-like in a word": "TASK" + _MD5 + " done",
    "hash dot extension": "cache/" + _MD5 + ".thumbnail_large.png",
    "hash dot lower word": _MD5 + ".configurationxyz",
    "hash dot upper word": _MD5 + ".CONFIGURATIONXYZ",
    "code with msg.": "print(msg.content, resp.msg.role)",
    "npm config": "npm_config_registry=https://registry.npmjs.org/",
    "dapi in a word": "see readapi" + _MD5,
}


@pytest.mark.parametrize("text", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_lookalike_is_not_a_key(scanner: Scanner, text: str) -> None:
    assert scanner.find(text) == []
    assert not scanner.has_key(text)


def test_base64_image_is_not_a_key(scanner: Scanner) -> None:
    rng = random.Random(3)
    for _ in range(50):
        payload = base64.b64encode(rng.randbytes(3000)).decode()
        assert scanner.find(f"see data:image/png;base64,{payload}") == []


@pytest.mark.parametrize("rule", ALL_RULES)
def test_masked_text_holds_no_key(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    masked = scanner.mask("see " + planted.text + " ok")
    assert masked != "see " + planted.text + " ok"
    assert scanner.find(masked) == []


@pytest.mark.parametrize("rule", PREFIXED_RULES)
def test_mask_with_another_prefix_length_is_not_a_key(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    assert scanner.find(mask_key(planted.secret, planted.secret[:10])) == []


@pytest.mark.parametrize("rule", ALL_RULES)
def test_vendor_style_echo_is_not_a_key(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    secret = planted.secret
    echo = secret[:5] + "*" * max(3, len(secret) - 9) + secret[-4:]
    text = planted.text[: planted.start] + echo + planted.text[planted.end :]
    assert scanner.find(f"Incorrect API key provided: {text}.") == []


# Rules with a distinctive prefix (``glued = true``) find keys glued to letters on purpose (issue 13);
# the others still need a boundary, so "task-…" or "EURASIA…" never start a key.
NOT_GLUED = [rule.id for rule in Scanner(fingerprint_secret="not-glued-listing").rules if not rule.glued]


@pytest.mark.parametrize("rule", [rule for rule in PREFIXED_RULES if rule in NOT_GLUED])
def test_glued_to_a_letter_is_not_this_rule(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    assert all(item.rule != rule or item.start > 1 for item in scanner.find("q" + planted.text))


@pytest.mark.parametrize("rule", PREFIXED_RULES)
def test_placeholder_body_is_not_a_key(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    (finding,) = scanner.find(planted.text)
    prefix = finding.masked.split("…")[0]
    placeholder = prefix + "x" * (len(planted.text) - len(prefix))
    assert scanner.find(placeholder) == []


# Rules whose length varies: a key one character short is still a valid key of the same rule.
VARIABLE_LENGTH = {
    "openai-project",
    "openai-project-unmarked",
    "xai",
    "anthropic",
    "gemini-aq",
    "stripe-live",
    "perplexity",
    "slack-token",
    "gateway-sk",
    "slack-webhook",
    "slack-app-token",
    "gitlab-token",
    "pypi-token",
    "alibaba-access-key-id",
    "doppler-token",
    "baidu-qianfan",
    "stripe-webhook-secret",
}
SHORTENED_NOT_THIS_RULE = [rule for rule in PREFIXED_RULES if rule not in VARIABLE_LENGTH]


@pytest.mark.parametrize("rule", SHORTENED_NOT_THIS_RULE)
def test_fixed_length_key_one_short_is_not_this_rule(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    cut = len(planted.text) // 2
    shortened = planted.text[:cut] + planted.text[cut + 1 :]
    assert all(item.rule != rule for item in scanner.find(shortened))


CONTEXT_RULES = [
    "aws-secret-access-key",
    "mistral",
    "cohere",
    "azure-openai",
    "twilio-auth-token",
    "bearer-token",
    "api-key-assignment",
]


@pytest.mark.parametrize("rule", CONTEXT_RULES)
def test_context_rule_needs_its_context(scanner: Scanner, rule: str) -> None:
    planted = make_planted(rule, random.Random(rule))
    assert all(item.rule != rule for item in scanner.find("value " + planted.secret + " here"))


def test_an_image_does_not_hide_the_key_in_the_next_message(scanner: Scanner) -> None:
    # The CLI scans files in chunks of many messages: an inline image's payload must end where the
    # base64 ends, not run on through the spaces and line breaks of the next message.
    rng = random.Random(17)
    payload = base64.b64encode(rng.randbytes(600)).decode()
    key = make_planted("aws-access-key-id", rng).text
    text = f"screenshot: data:image/png;base64,{payload}\nhere is my key {key} can you check it"
    assert [text[item.start : item.end] for item in scanner.find(text)] == [key]
