"""is_401_report / detect_report: what starts the checklist in a support channel, and what does not."""

from __future__ import annotations

import pytest

from supportbot.triage import detect_report, is_401_report

REPORTS = [
    ("english-status", "Getting 401 on every request since this morning"),
    ("http-status-line", "HTTP/1.1 401 Unauthorized"),
    (
        "sdk-error-code",
        "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided'}}",
    ),
    ("unauthorized-word", "the API says Unauthorized when I call it from my server"),
    ("invalid-api-key", "invalid api key?? I just created it"),
    ("chinese-auth-failed", "调用接口认证失败，怎么回事"),
    (
        "chinese-invalid-token-one-api",
        '{"error":{"message":"无效的令牌 (request id: 20261101)","type":"one_api_error"}}',
    ),
    ("chinese-status-no-space", "一直报401，换了好几个key都不行"),
    (
        "anthropic-body",
        '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    ),
    ("gemini-400-bad-key", "API key not valid. Please pass a valid API key."),
    ("openrouter-no-credentials", '{"error":{"message":"No auth credentials found","code":401}}'),
    ("new-api-disabled-token", "该令牌状态不可用"),
    ("key-stopped-working", "my api key doesn't work anymore"),
    ("chinese-key-unusable", "我的 key 用不了了"),
    ("slack-escaped-body", "&lt;html&gt; 401 Authorization Required"),
]

NOT_REPORTS = [
    ("how-to-create", "How do I create a key?"),
    ("where-is-key", "Where can I find my API key in the console?"),
    ("rotate-question", "How should we rotate keys every 90 days?"),
    ("rate-limit-429", "We're getting 429 Too Many Requests since 10:00, rate limit reached"),
    ("quota", "我的 key 额度用完了，怎么充值？"),
    ("model-not-found", "Error code: 404 - model_not_found: The model `gpt-5` does not exist"),
    ("server-error", "上游返回 502 Bad Gateway"),
    ("chinese-create-token", "请问怎么创建令牌？"),
    ("number-in-id", "order #401 was charged twice"),
    ("port-number", "the service listens on 127.0.0.1:4010"),
    ("401k", "does the company match 401k contributions?"),
    ("negated", "it's not a 401, it's a timeout"),
    ("key-word-only", "which key should the staging server use?"),
]


@pytest.mark.parametrize(("name", "text"), REPORTS, ids=[n for n, _ in REPORTS])
def test_reports(name: str, text: str) -> None:
    assert is_401_report(text)
    assert detect_report(text).signals


@pytest.mark.parametrize(("name", "text"), NOT_REPORTS, ids=[n for n, _ in NOT_REPORTS])
def test_near_misses(name: str, text: str) -> None:
    assert not is_401_report(text)
    assert detect_report(text).signals == ()


def test_signals_say_why() -> None:
    assert detect_report("401 Unauthorized: invalid_api_key").signals == (
        "status_401",
        "unauthorized",
        "invalid_key",
    )
