"""A fake one-api/new-api gateway for revocation tests: a real ``tokens`` table, a real Redis, a
webhook receiver that verifies signatures. Keys are synthetic (tests/keygen.py), made at run time.

Databases: SQLite always; PostgreSQL when SUPPORTBOT_TEST_DATABASE_URL is set (a schema of its own);
MySQL/MariaDB when 127.0.0.1:3306 answers (a database of its own, as root without a password).
Redis: a ``redis-server`` of our own on a free port when the binary is installed.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENABLED, DISABLED = 1, 2
MYSQL_ADDRESS = ("127.0.0.1", 3306)

_COLUMNS = {
    # one-api's Token model (model/token.go): the key is stored without "sk-", 48 characters.
    "sqlite": """CREATE TABLE tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER, "key" CHAR(48) UNIQUE,
        status INTEGER DEFAULT 1, name TEXT, created_time BIGINT, accessed_time BIGINT, expired_time BIGINT DEFAULT -1,
        remain_quota INTEGER DEFAULT 0, unlimited_quota BOOLEAN DEFAULT FALSE)""",
    "postgresql": """CREATE TABLE tokens (id SERIAL PRIMARY KEY, user_id INTEGER, "key" CHAR(48) UNIQUE,
        status INTEGER DEFAULT 1, name TEXT, created_time BIGINT, accessed_time BIGINT, expired_time BIGINT DEFAULT -1,
        remain_quota INTEGER DEFAULT 0, unlimited_quota BOOLEAN DEFAULT FALSE)""",
    "mysql": """CREATE TABLE tokens (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT, `key` CHAR(48) UNIQUE,
        status INT DEFAULT 1, name VARCHAR(255), created_time BIGINT, accessed_time BIGINT,
        expired_time BIGINT DEFAULT -1, remain_quota INT DEFAULT 0, unlimited_quota BOOLEAN DEFAULT FALSE)""",
}


def answers(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class GatewayDatabase:
    """The gateway's database: ``url`` for supportbot, ``connect()`` for the test's own checks."""

    dialect: str
    url: str
    _connect: Any
    path: Path | None = None

    def connect(self) -> Any:
        return self._connect()

    def _mark(self) -> str:
        return "?" if self.dialect == "sqlite" else "%s"

    def _key_column(self) -> str:
        return "`key`" if self.dialect == "mysql" else '"key"'

    def add_token(self, key: str, *, user_id: int = 1, name: str = "default", status: int = ENABLED) -> int:
        """Store a token as the gateway does: without its ``sk-`` prefix."""
        stored = key.removeprefix("sk-")
        mark = self._mark()
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(
                f"INSERT INTO tokens (user_id, {self._key_column()}, status, name, created_time, remain_quota) "  # noqa: S608
                f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
                (user_id, stored, status, name, int(time.time()), 500000),
            )
            connection.commit()
            cursor.execute(f"SELECT id FROM tokens WHERE {self._key_column()} = {mark}", (stored,))  # noqa: S608
            return int(cursor.fetchone()[0])
        finally:
            connection.close()

    def status(self, token_id: int) -> int:
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(f"SELECT status FROM tokens WHERE id = {self._mark()}", (token_id,))  # noqa: S608
            return int(cursor.fetchone()[0])
        finally:
            connection.close()

    def rows_without_key(self) -> str:
        """Every column of every row except the gateway's own ``key`` (their data), as text."""
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT id, user_id, status, name, created_time, accessed_time, expired_time FROM tokens")
            return json.dumps([list(row) for row in cursor.fetchall()], default=str)
        finally:
            connection.close()


def _sqlite(tmp_path: Path) -> Iterator[GatewayDatabase]:
    path = tmp_path / "one-api.db"
    connection = sqlite3.connect(path)
    connection.execute(_COLUMNS["sqlite"])
    connection.commit()
    connection.close()
    yield GatewayDatabase("sqlite", f"sqlite:///{path}", lambda: sqlite3.connect(path), path=path)


def _postgres(base: str) -> Iterator[GatewayDatabase]:
    import psycopg

    plain = "postgresql://" + base.split("://", 1)[1]
    schema = f"oneapi_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        admin.execute(f'SET search_path TO "{schema}"')
        admin.execute(_COLUMNS["postgresql"])
    separator = "&" if "?" in plain else "?"
    url = f"{plain}{separator}options=-csearch_path%3D{schema}"
    try:
        yield GatewayDatabase("postgresql", url, lambda: psycopg.connect(url))
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _mysql() -> Iterator[GatewayDatabase]:
    import pymysql

    name = f"oneapi_{uuid.uuid4().hex[:10]}"
    admin = pymysql.connect(host=MYSQL_ADDRESS[0], port=MYSQL_ADDRESS[1], user="root", password="", autocommit=True)
    try:
        admin.cursor().execute(f"CREATE DATABASE `{name}`")
        admin.cursor().execute(f"USE `{name}`")
        admin.cursor().execute(_COLUMNS["mysql"])

        def connect() -> Any:
            return pymysql.connect(
                host=MYSQL_ADDRESS[0], port=MYSQL_ADDRESS[1], user="root", password="", database=name
            )

        yield GatewayDatabase("mysql", f"mysql://root@{MYSQL_ADDRESS[0]}:{MYSQL_ADDRESS[1]}/{name}", connect)
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


def gateway_database(kind: str, tmp_path: Path, pg_url: str | None) -> Iterator[GatewayDatabase]:
    if kind == "sqlite":
        yield from _sqlite(tmp_path)
    elif kind == "postgres":
        if not pg_url:
            pytest.skip("SUPPORTBOT_TEST_DATABASE_URL is not set")
        yield from _postgres(pg_url)
    else:
        if not answers(MYSQL_ADDRESS):
            pytest.skip("no MySQL/MariaDB on 127.0.0.1:3306")
        yield from _mysql()


@contextmanager
def redis_server(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server of our own (never a shared one); skips the test without the binary."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 5
        while not answers(("127.0.0.1", port)):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(5)


def load_example() -> Any:
    """examples/revoke_receiver.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("revoke_receiver", ROOT / "examples" / "revoke_receiver.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["revoke_receiver"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Receiver:
    """A local webhook receiver: verifies each request with the example's ``verify``, records bodies."""

    secret: str
    owned: dict[str, str]  # digest -> key id
    fail_first: int = 0  # answer 503 to this many requests first
    bodies: list[bytes] = field(default_factory=list)
    disabled: dict[str, float] = field(default_factory=dict)  # key id -> monotonic time disabled
    refused: int = 0
    url: str = ""

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        verify = load_example().verify
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.bodies.append(body)
                headers = self.headers
                if not verify(
                    receiver.secret,
                    headers.get("X-Supportbot-Request-Timestamp") or "",
                    body,
                    headers.get("X-Supportbot-Signature") or "",
                ):
                    receiver.refused += 1
                    self._answer(401)
                    return
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self._answer(503)
                    return
                key_id = receiver.owned.get(str(json.loads(body).get("key_sha256")))
                if key_id is None:
                    self._answer(404)
                    return
                receiver.disabled.setdefault(key_id, time.monotonic())
                self._answer(200)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}/revoke"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
