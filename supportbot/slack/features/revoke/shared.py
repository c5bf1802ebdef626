"""The revoke feature's outbox kinds, limits, revokers and the enqueueing its listeners and button share."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from supportbot.config import Settings
from supportbot.leaks.plan import incident_group
from supportbot.revoke import LeakToRevoke, RevocableKey, Revoker
from supportbot.revoke.oneapi import OneApiRevoker
from supportbot.revoke.webhook import WebhookRevoker
from supportbot.slack.features.revoke.payloads import RevokeOrder
from supportbot.store import outbox

REVOKE = "leak.revoke"
NOTIFY = "leak.revoke_notify"
BUTTON = "leak_disable_key"
# How long an unanswered "Disable this key now" stays possible (and the key's digest is kept for it).
OFFER_TTL = timedelta(hours=24)
# A revoker that stays unreachable is asked this many times (backoff doubles: about 8 minutes in all).
ATTEMPTS = 10


def build_revokers(settings: Settings) -> list[Revoker]:
    revokers: list[Revoker] = []
    if settings.revoke_oneapi_database_url:
        revokers.append(
            OneApiRevoker(
                settings.revoke_oneapi_database_url,
                redis_url=settings.revoke_oneapi_redis_url,
                cache_secret=settings.revoke_oneapi_cache_secret,
            )
        )
    if settings.revoke_webhook_url and settings.revoke_webhook_secret:
        revokers.append(WebhookRevoker(settings.revoke_webhook_url, settings.revoke_webhook_secret))
    return revokers


def enqueue_order(
    session: Session,
    incident: int,
    key: RevocableKey,
    *,
    leak: LeakToRevoke | None,
    requested_by: str,
    now: datetime,
    reply_channel: str | None = None,
) -> None:
    """Queue ``leak.revoke`` for one key (once per incident and key: the dedupe key says so)."""
    payload = RevokeOrder.of(incident, key, leak=leak, requested_by=requested_by, reply_channel=reply_channel)
    outbox.enqueue(
        session,
        REVOKE,
        payload.to_payload(),
        now=now,
        group_key=incident_group(incident),
        dedupe_key=f"revoke:{incident}:{key.key_id}",
        max_attempts=ATTEMPTS,
    )
