"""Which keys may be revoked, what a revoker is told, and how answers combine."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime

import pytest

from supportbot.keys import Scanner, default_rules
from supportbot.revoke import RevokeRequest, RevokerUnavailable, combine, is_revocable, key_digests, stronger
from tests.keygen import make_key

RNG = random.Random(1616)


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(fingerprint_secret="unit-test-fingerprint-secret-0123")


def test_api_key_rules_qualify_and_passwords_never_do() -> None:
    rules = {rule.id: rule for rule in default_rules()}
    assert is_revocable(rules["gateway-sk"]) and is_revocable(rules["openai-project"])
    assert is_revocable(rules["anthropic"]) and is_revocable(rules["deepseek"])
    for never in ("url-credentials", "private-key", "bearer-token", "api-key-assignment", "mistral"):
        assert not is_revocable(rules[never]), never


def test_digest_is_the_sha256_of_the_whole_key(scanner: Scanner) -> None:
    key = make_key("gateway", RNG)
    text = f"401 with {key} please help"
    (revocable,) = key_digests(scanner, text, scanner.find(text)).values()
    assert revocable.key_sha256 == hashlib.sha256(key.encode()).hexdigest()
    assert (revocable.rule, revocable.provider) == ("gateway-sk", "gateway")
    assert key not in json.dumps(revocable.__dict__)


def test_a_key_broken_by_invisible_characters_hashes_as_the_key(scanner: Scanner) -> None:
    key = make_key("gateway", RNG)
    text = f"我的key是{key[:10]}\u200b{key[10:]}，怎么不行"
    (revocable,) = key_digests(scanner, text, scanner.find(text)).values()
    assert revocable.key_sha256 == hashlib.sha256(key.encode()).hexdigest()


def test_a_password_in_a_url_is_never_hashed(scanner: Scanner) -> None:
    text = "db at postgres://app:Xk29fQ0pLm7Zt4Rb@db.internal:5432/main and Bearer abcdefABCDEF0123456789xyzXYZ"
    findings = scanner.find(text)
    assert {finding.rule for finding in findings} >= {"url-credentials"}
    assert key_digests(scanner, text, findings) == {}


def test_one_key_pasted_twice_is_one_request(scanner: Scanner) -> None:
    key = make_key("openai", RNG)
    text = f"{key}\nand again {key}"
    assert len(key_digests(scanner, text, scanner.find(text))) == 1


def test_request_body_has_the_documented_fields_in_order() -> None:
    request = RevokeRequest(
        "ab" * 32, "gateway", "gateway-sk", "sk-…x9Qa", 7, "C0SUPPORT", datetime(2026, 12, 4, tzinfo=UTC)
    )
    body = json.loads(request.body())
    assert list(body) == ["key_sha256", "provider", "rule", "masked", "incident", "channel", "leaked_at"]
    assert body["leaked_at"] == "2026-12-04T00:00:00Z" and body["incident"] == 7


def test_one_disabled_is_enough_and_not_ours_needs_everyone() -> None:
    down = RevokerUnavailable("webhook_http_503")
    assert combine({"oneapi": "disabled", "webhook": down}).outcome == "disabled"
    assert combine({"oneapi": "disabled", "webhook": "not_ours"}).revokers == ("oneapi",)
    waiting = combine({"oneapi": "not_ours", "webhook": down})
    assert (waiting.outcome, waiting.reason) == ("retry", "webhook_http_503")
    assert combine({"oneapi": "not_ours", "webhook": "not_ours"}).outcome == "not_ours"


def test_incident_state_only_moves_forward() -> None:
    assert stronger(None, "offered") and stronger("offered", "pending") and stronger("pending", "disabled")
    assert not stronger("disabled", "not_ours") and not stronger("failed", "not_ours")
    assert stronger("not_ours", "failed") and not stronger("pending", "offered")
