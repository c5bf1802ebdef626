"""The one-api/new-api revoker against a real ``tokens`` table (SQLite, PostgreSQL, MySQL) and Redis."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from supportbot.revoke import RevokeRequest, RevokerUnavailable, key_sha256
from supportbot.revoke.oneapi import OneApiRevoker
from tests.conftest import PG_URL
from tests.gateway import DISABLED, ENABLED, GatewayDatabase, gateway_database, redis_server
from tests.keygen import make_key

RNG = random.Random(808)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "mysql"])
def gateway(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GatewayDatabase]:
    yield from gateway_database(request.param, tmp_path, PG_URL)


def ask(digest: str) -> RevokeRequest:
    return RevokeRequest(digest, "gateway", "gateway-sk", "sk-…", 1, "C0SUPPORT", datetime(2026, 12, 4, tzinfo=UTC))


def test_the_matching_row_is_disabled_by_its_hash(gateway: GatewayDatabase) -> None:
    leaked, other = make_key("gateway", RNG), make_key("gateway", RNG)
    leaked_id = gateway.add_token(leaked, name="prod")
    other_id = gateway.add_token(other, user_id=2)
    revoker = OneApiRevoker(gateway.url)
    assert revoker.revoke(ask(key_sha256(leaked))) == "disabled"
    assert (gateway.status(leaked_id), gateway.status(other_id)) == (DISABLED, ENABLED)
    assert revoker.revoke(ask(key_sha256(leaked))) == "disabled", "idempotent"
    assert revoker.revoke(ask(key_sha256(make_key("gateway", RNG)))) == "not_ours"
    assert gateway.status(other_id) == ENABLED


def test_an_unreachable_database_is_retried_later() -> None:
    revoker = OneApiRevoker("mysql://root@127.0.0.1:1/nothing")
    with pytest.raises(RevokerUnavailable, match="oneapi_database"):
        revoker.revoke(ask("0" * 64))


def test_a_missing_table_is_retried_later(tmp_path: Path) -> None:
    with pytest.raises(RevokerUnavailable, match="oneapi_database_OperationalError"):
        OneApiRevoker(f"sqlite:///{tmp_path}/empty.db").revoke(ask("0" * 64))


def test_the_gateways_cache_entry_is_cleared(tmp_path: Path) -> None:
    import redis

    with redis_server(tmp_path) as url:
        gateway = next(gateway_database("sqlite", tmp_path, None))
        leaked, other = make_key("gateway", RNG), make_key("gateway", RNG)
        leaked_id = gateway.add_token(leaked)
        gateway.add_token(other)
        cache = redis.Redis.from_url(url)
        stored, other_stored = leaked.removeprefix("sk-"), other.removeprefix("sk-")
        cache.set(f"token:{stored}", '{"status":1}')  # one-api: token:<key>
        cache.set(f"token:{other_stored}", '{"status":1}')
        assert OneApiRevoker(gateway.url, redis_url=url).revoke(ask(key_sha256(leaked))) == "disabled"
        assert gateway.status(leaked_id) == DISABLED
        assert cache.get(f"token:{stored}") is None
        assert cache.get(f"token:{other_stored}") is not None, "only the leaked key's entry goes"
        # new-api names the entry by an HMAC of the key under its CRYPTO_SECRET.
        secret = "new-api-crypto-secret"
        newapi_name = "token:" + hmac.new(secret.encode(), other_stored.encode(), hashlib.sha256).hexdigest()
        cache.hset(newapi_name, "status", "1")
        revoker = OneApiRevoker(gateway.url, redis_url=url, cache_secret=secret)
        assert revoker.revoke(ask(key_sha256(other))) == "disabled"
        assert cache.exists(newapi_name) == 0
        cache.close()


def test_an_unreachable_cache_is_retried_but_the_row_is_disabled_first(tmp_path: Path) -> None:
    gateway = next(gateway_database("sqlite", tmp_path, None))
    leaked = make_key("gateway", RNG)
    token = gateway.add_token(leaked)
    revoker = OneApiRevoker(gateway.url, redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(RevokerUnavailable, match="oneapi_cache") as raised:
        revoker.revoke(ask(key_sha256(leaked)))
    assert leaked.removeprefix("sk-") not in str(raised.value) and raised.value.__cause__ is None
    assert gateway.status(token) == DISABLED
