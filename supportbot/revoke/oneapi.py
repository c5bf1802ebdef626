"""The one-api / new-api revoker: mark the leaked key's row of the gateway's ``tokens`` table disabled.

Those gateways keep each token in ``tokens`` (``id``, ``user_id``, ``key``, ``status``, ``name``, …),
the key stored without its ``sk-`` prefix (one-api: ``char(48)``; new-api: ``varchar(128)``), and
``status`` 1 enabled, 2 disabled, 3 expired, 4 exhausted. We never send the key: the database
computes each row's SHA-256 and compares it with the leaked key's digest, so only the digest
crosses the wire. SQL per database:

    PostgreSQL   encode(sha256(convert_to('sk-' || "key", 'UTF8')), 'hex')       (sha256() since 11)
    MySQL        SHA2(CONCAT('sk-', `key`), 256)
    SQLite       no SHA-256 built in: a deterministic Python function registered on our own connection
                 (the rows are read inside this process; nothing is sent anywhere)

A row stored with the prefix (some forks) matches too. Every row is hashed per look-up, which is a
table scan: fine for the thousands to a few hundred thousand tokens such gateways hold, and rare.

**The gateway's cache.** With Redis, both gateways serve token checks from a cache (one-api keeps an
entry an hour), named by the key (one-api: ``token:<key>``; new-api: ``token:<HMAC-SHA256(CRYPTO_SECRET, key)>``), so a
disabled row alone would keep working until the entry expires. Deleting the entry needs the key
itself, which we do not carry; so when a Redis URL is configured the revoker reads the matching
row's ``key`` from their database at run time, deletes the cache entry and drops the value. It is
never logged, stored, or put in an exception. The database row is updated first, so an entry
rebuilt in between already says "disabled".
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from supportbot.revoke.decision import RevokeRequest, RevokerUnavailable

_log = logging.getLogger(__name__)

DISABLED = 2
CONNECT_TIMEOUT = 5
_SQLITE_HASH = "supportbot_sha256"


def _sha256_hex(value: object) -> str | None:
    return hashlib.sha256(value.encode("utf-8")).hexdigest() if isinstance(value, str) else None


def dialect_of(url: str) -> Literal["sqlite", "postgresql", "mysql"] | None:
    scheme = urlsplit(url).scheme.split("+", 1)[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgresql", "postgres"}:
        return "postgresql"
    if scheme in {"mysql", "mariadb"}:
        return "mysql"
    return None


def _match_sql(dialect: str, *, with_key: bool) -> tuple[str, str]:
    """The SELECT of matching rows and the UPDATE that disables them, with the driver's placeholders."""
    if dialect == "postgresql":
        quoted, mark = '"key"', "%s"
        digest = "encode(sha256(convert_to({}, 'UTF8')), 'hex')"
        prefixed = "'sk-' || " + quoted
    elif dialect == "mysql":
        quoted, mark = "`key`", "%s"
        digest = "SHA2({}, 256)"
        prefixed = f"CONCAT('sk-', {quoted})"
    else:
        quoted, mark = '"key"', "?"
        digest = _SQLITE_HASH + "({})"
        prefixed = "'sk-' || " + quoted
    where = f"{digest.format(prefixed)} = {mark} OR {digest.format(quoted)} = {mark}"
    columns = f"id, {quoted}" if with_key else "id"
    # Built only from the constants above: no value from outside reaches the statement text.
    select = f"SELECT {columns} FROM tokens WHERE {where}"  # noqa: S608
    update = f"UPDATE tokens SET status = {DISABLED} WHERE id = {mark}"  # noqa: S608
    return select, update


class OneApiRevoker:
    name = "oneapi"

    def __init__(
        self,
        database_url: str,
        *,
        redis_url: str | None = None,
        cache_secret: str | None = None,
        redis_factory: Callable[[str], Any] | None = None,
    ) -> None:
        dialect = dialect_of(database_url)
        if dialect is None:
            raise ValueError(
                "SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL must be a mysql://, postgresql:// or sqlite:/// URL"
            )
        self._dialect = dialect
        self._url = database_url
        self._redis_url = redis_url
        self._cache_secret = cache_secret
        self._redis_factory = redis_factory or _redis_client

    def revoke(self, request: RevokeRequest) -> Literal["disabled", "not_ours"]:
        with_key = self._redis_url is not None
        select, update = _match_sql(self._dialect, with_key=with_key)
        try:
            connection = self._connect()
        except Exception as error:
            raise RevokerUnavailable(_database_reason(error)) from None
        try:
            cursor = connection.cursor()
            cursor.execute(select, (request.key_sha256, request.key_sha256))
            rows: Sequence[Sequence[Any]] = cursor.fetchall()
            for row in rows:
                cursor.execute(update, (row[0],))
            connection.commit()
            matched = len(rows)
            cached = [str(row[1]) for row in rows] if with_key else []
            del rows
        except Exception as error:
            raise RevokerUnavailable(_database_reason(error)) from None
        finally:
            connection.close()
        if not matched:
            return "not_ours"
        if cached:
            self._clear_cache(cached)
        return "disabled"

    def _connect(self) -> Any:
        parts = urlsplit(self._url)
        if self._dialect == "sqlite":
            path = self._url.split(":///", 1)[1] if ":///" in self._url else ""
            connection = sqlite3.connect(path, timeout=CONNECT_TIMEOUT)
            connection.create_function(_SQLITE_HASH, 1, _sha256_hex, deterministic=True)
            return connection
        if self._dialect == "postgresql":
            import psycopg  # noqa: PLC0415 - only deployments revoking in PostgreSQL need the driver

            return psycopg.connect(_without_driver(self._url), connect_timeout=CONNECT_TIMEOUT)
        import pymysql  # noqa: PLC0415 - only deployments revoking in MySQL need the driver

        return pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/"),
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=CONNECT_TIMEOUT,
            write_timeout=CONNECT_TIMEOUT,
            charset="utf8mb4",
        )

    def _clear_cache(self, keys: list[str]) -> None:
        assert self._redis_url is not None
        try:
            client = self._redis_factory(self._redis_url)
            try:
                client.delete(*(self._cache_name(key) for key in keys))
            finally:
                client.close()
        except Exception as error:
            # The row is disabled already; only the cache entry is left, so the retry repeats both.
            raise RevokerUnavailable(f"oneapi_cache_{type(error).__name__}") from None
        finally:
            keys.clear()

    def _cache_name(self, key: str) -> str:
        if self._cache_secret:
            return "token:" + hmac.new(self._cache_secret.encode(), key.encode(), hashlib.sha256).hexdigest()
        return "token:" + key


def _without_driver(url: str) -> str:
    """libpq's own URL form: SQLAlchemy's ``postgresql+psycopg://`` without the driver name."""
    return "postgresql://" + url.split("://", 1)[1]


def _database_reason(error: Exception) -> str:
    # The driver's message may quote the statement; only the class name is safe to keep.
    _log.warning("one-api revoker: database error %s", type(error).__name__)
    return f"oneapi_database_{type(error).__name__}"


def _redis_client(url: str) -> Any:
    import redis  # noqa: PLC0415 - only deployments clearing a Redis cache need the client

    return redis.Redis.from_url(url, socket_timeout=CONNECT_TIMEOUT, socket_connect_timeout=CONNECT_TIMEOUT)
