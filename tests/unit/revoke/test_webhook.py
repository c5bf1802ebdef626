"""The signed webhook revoker against the example receiver (examples/revoke_receiver.py)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from supportbot.revoke import RevokeRequest, RevokerUnavailable
from supportbot.revoke.urls import webhook_url_problem
from supportbot.revoke.webhook import WebhookRevoker, signature
from tests.gateway import Receiver, load_example

SECRET = "webhook-test-secret-0123456789"
# The digest of a plain phrase: the webhook only ever sees digests, so any string will do.
OURS = hashlib.sha256(b"a test value standing in for a key").hexdigest()


def request(digest: str = OURS) -> RevokeRequest:
    return RevokeRequest(digest, "gateway", "gateway-sk", "sk-…alue", 3, "C0SUPPORT", datetime(2026, 12, 4, tzinfo=UTC))


@pytest.fixture
def example() -> Iterator[tuple[str, Any]]:
    module = load_example()
    keys = module.Keys({OURS: "token-17"})
    server = module.make_server(SECRET, keys, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", keys
    server.shutdown()
    server.server_close()


def test_signature_is_slacks_scheme() -> None:
    module = load_example()
    signed = signature(SECRET, 1_700_000_000, b'{"a":1}')
    assert signed.startswith("v0=") and len(signed) == 67
    assert module.verify(SECRET, "1700000000", b'{"a":1}', signed, now=1_700_000_100)
    assert not module.verify(SECRET, "1700000000", b'{"a":2}', signed, now=1_700_000_100), "body changed"
    assert not module.verify(SECRET, "1700000000", b'{"a":1}', signed, now=1_700_000_400), "too old"
    assert not module.verify("another-secret-0123456789", "1700000000", b'{"a":1}', signed, now=1_700_000_100)


def test_the_example_receiver_disables_its_own_key(example: tuple[str, Any]) -> None:
    url, keys = example
    revoker = WebhookRevoker(url, SECRET)
    assert revoker.revoke(request()) == "disabled"
    assert keys.disabled == {"token-17"}
    assert revoker.revoke(request()) == "disabled", "asking twice is fine"
    assert revoker.revoke(request("0" * 64)) == "not_ours"


def test_a_wrong_secret_is_refused_and_retried_later(example: tuple[str, Any]) -> None:
    url, keys = example
    with pytest.raises(RevokerUnavailable) as raised:
        WebhookRevoker(url, "not-the-shared-secret-000").revoke(request())
    assert raised.value.reason == "webhook_http_401"
    assert keys.disabled == set()


def test_server_errors_and_silence_are_retried() -> None:
    with Receiver(SECRET, {OURS: "k"}, fail_first=1).running() as receiver:
        revoker = WebhookRevoker(receiver.url, SECRET)
        with pytest.raises(RevokerUnavailable, match="webhook_http_503"):
            revoker.revoke(request())
        assert revoker.revoke(request()) == "disabled"
        url = receiver.url
    with pytest.raises(RevokerUnavailable, match="webhook_ConnectError"):
        WebhookRevoker(url, SECRET).revoke(request())


def test_https_only_except_loopback() -> None:
    assert webhook_url_problem("https://gateway.example/revoke") is None
    assert webhook_url_problem("http://127.0.0.1:8787/revoke") is None
    assert webhook_url_problem("http://localhost:8787/revoke") is None
    assert webhook_url_problem("http://[::1]:8787/") is None
    assert webhook_url_problem("http://gateway.example/revoke") is not None
    assert webhook_url_problem("http://127.0.0.1.nip.io/revoke") is not None
    with pytest.raises(ValueError, match="https"):
        WebhookRevoker("http://10.0.0.5/revoke", SECRET)
