"""Offers (ask mode) and revocation states on incidents, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportbot.revoke import RevocableKey
from supportbot.store import leaks as leak_store
from supportbot.store import revoke as revoke_store
from supportbot.store.db import Store

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
KEY = RevocableKey("k" * 12, "d" * 64, "gateway-sk", "gateway", "sk-…x9Qa")


def _incident(store: Store, ts: str = "1.0") -> int:
    with store.session() as session:
        incident = leak_store.record_incident(
            session,
            now=NOW,
            channel="C0SUPPORT",
            channel_type="channel",
            message_ts=ts,
            thread_ts=None,
            source="message",
            author="U0CUST001",
            author_team="T0HOME001",
            keys=[leak_store.KeySighting("gateway-sk", "gateway", "sk-…x9Qa", "k" * 12)],
            deletion="pending",
            deletion_reason=None,
        )
        revoke_store.offer(session, incident, [KEY], now=NOW, expires=NOW + timedelta(hours=24))
        revoke_store.record(session, incident, "offered", now=NOW)
    return incident


def _state(store: Store, incident: int) -> tuple[str | None, str | None, str | None]:
    with store.session() as session:
        found = session.get(leak_store.LeakIncident, incident)
        assert found is not None
        return found.revocation, found.revoked_by, found.revoke_requested_by


def test_an_offer_is_taken_once(store: Store) -> None:
    incident = _incident(store)
    with store.session() as session:
        assert revoke_store.take_offers(session, incident) == [KEY]
        assert revoke_store.take_offers(session, incident) == []


def test_states_move_forward_only(store: Store) -> None:
    incident = _incident(store)
    with store.session() as session:
        assert revoke_store.record(session, incident, "pending", now=NOW, requested_by="U0AGENT01")
        assert revoke_store.record(session, incident, "disabled", now=NOW, revokers=("oneapi", "webhook"))
        assert not revoke_store.record(session, incident, "not_ours", now=NOW), "a later 'not ours' hides nothing"
    assert _state(store, incident) == ("disabled", "oneapi+webhook", "U0AGENT01")


def test_unanswered_offers_expire_with_their_digests(store: Store) -> None:
    stale, fresh = _incident(store, "1.0"), _incident(store, "2.0")
    with store.session() as session:
        revoke_store.take_offers(session, fresh)
        revoke_store.record(session, fresh, "pending", now=NOW)
        assert revoke_store.expire_offers(session, now=NOW + timedelta(hours=23)) == []
        assert revoke_store.expire_offers(session, now=NOW + timedelta(hours=24)) == [stale]
        assert revoke_store.take_offers(session, stale) == []
    assert _state(store, stale)[0] == "expired"
    assert _state(store, fresh)[0] == "pending"


def test_disabled_keys_are_counted_for_the_leads(store: Store) -> None:
    incident = _incident(store)
    _incident(store, "3.0")
    with store.session() as session:
        revoke_store.record(session, incident, "disabled", now=NOW, revokers=("webhook",))
        assert leak_store.count_revoked_between(session, since=NOW, until=NOW + timedelta(days=1)) == 1
