"""Engine and session handling for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportbot.store.errors import StoreLayerError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows; threads still take turns
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine


class _WriterTurns:
    """SQLite has one writer at a time; ours take turns here instead of in SQLite's busy handler,
    which sleeps in steps of up to 100 ms. Threads of one process queue on a lock; processes (the
    pre-forked HTTP workers, ``supportbot sweep`` beside a running bot) on an ``flock`` of
    ``<database>.lock``. A turn is waited for at most ``wait`` seconds, then :class:`DatabaseBusy`:
    a stuck writer makes the others fail as a transient error (Slack redelivers, the outbox retries)
    rather than pile up forever. Threads hand over at once; a process waiting for another polls the
    ``flock`` every few milliseconds (a blocking ``flock`` cannot time out)."""

    def __init__(self, database: str | None, wait: float = 10.0) -> None:
        self._wait = wait
        self._lock = threading.RLock()
        self._held = threading.local()
        self._path = f"{database}.lock" if database and database != ":memory:" and fcntl is not None else None
        self._file: Any = None
        self._pid = 0

    def __enter__(self) -> None:
        self.enter(self._wait)

    def enter(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        if not self._lock.acquire(timeout=wait):
            raise DatabaseBusy(f"no SQLite writer turn within {wait:g} s")
        depth = getattr(self._held, "depth", 0)
        self._held.depth = depth + 1
        if depth == 0 and self._path is not None:
            try:
                self._flock(deadline, wait)
            except BaseException:
                self._held.depth = depth
                self._lock.release()
                raise

    def _flock(self, deadline: float, wait: float) -> None:
        descriptor = self._lock_file().fileno()
        pause = 0.0005
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(f"no SQLite writer turn within {wait:g} s (another process)") from None
                time.sleep(pause)
                pause = min(0.004, pause * 2)

    def __exit__(self, *exc: object) -> None:
        depth = self._held.depth - 1
        self._held.depth = depth
        try:
            if depth == 0 and self._path is not None and self._file is not None:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _lock_file(self) -> Any:
        # An flock belongs to the open file, which a forked child would share: each process opens its own.
        if self._file is None or self._pid != os.getpid():
            assert self._path is not None
            self._file = open(self._path, "a+b")  # noqa: SIM115 - kept open for the process's life
            self._pid = os.getpid()
        return self._file


class StoreError(StoreLayerError, RuntimeError):
    """The database cannot be used (unreachable, wrong schema version…); the message says what to do."""


class DatabaseBusy(StoreError):
    """No writer turn within the bounded wait: transient, try again later."""


def is_transient_db_error(error: BaseException) -> bool:
    """Whether ``error`` means "the database cannot be used right now" (a retry later can succeed):
    unreachable or restarting server, dropped connection, a full pool, a writer turn not given in
    time. Such a failure at an event's claim answers Slack with 5xx so it redelivers."""
    return isinstance(error, StoreError) or is_transient_postgres_error(error)


@dataclass(frozen=True)
class PoolSettings:
    """How the bot uses a PostgreSQL server: enough connections for every thread, and no endless waits.

    ``size`` should cover every thread that holds a session at once (HTTP threads, outbox workers,
    the scheduler); ``overflow`` is headroom for the odd extra (a scrape, a prompt deletion).
    A thread that finds the pool empty waits ``pool_timeout`` seconds and then fails, like a
    connection that takes longer than ``connect_timeout`` or a statement longer than
    ``statement_timeout``: the event is answered 5xx and Slack delivers it again.
    """

    size: int = 10
    overflow: int = 10
    pool_timeout: float = 30.0
    connect_timeout: float | None = None
    statement_timeout: float | None = None

    @classmethod
    def for_threads(
        cls,
        *,
        http_threads: int,
        outbox_threads: int,
        pool_timeout: float,
        connect_timeout: float,
        statement_timeout: float,
    ) -> PoolSettings:
        # One connection per HTTP thread and outbox worker, the scheduler, a /metrics or /readyz check.
        return cls(
            size=http_threads + outbox_threads + 2,
            overflow=4,
            pool_timeout=pool_timeout,
            connect_timeout=connect_timeout,
            statement_timeout=statement_timeout,
        )


def is_transient_postgres_error(error: BaseException) -> bool:
    """Whether a PostgreSQL failure may pass if the work is tried again (by Slack's redelivery).

    Yes for: no connection free in the pool (``sqlalchemy.exc.TimeoutError``), a connection that
    cannot be made or was lost (``OperationalError``, ``InterfaceError``, an invalidated
    connection), and a statement cancelled by ``statement_timeout`` (psycopg's ``QueryCanceled`` is
    an ``OperationalError``). No for constraint violations and programming errors: a retry would
    fail the same way.
    """
    if isinstance(error, (PoolTimeout, DisconnectionError, OperationalError, InterfaceError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class Store:
    """One database: an engine, short transactions, and a health check."""

    def __init__(self, url: str, pool: PoolSettings | None = None, *, wait_seconds: float = 10.0) -> None:
        self.url = url
        self.wait_seconds = wait_seconds
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        # PostgreSQL has row locks and needs no turns.
        self._writer: _WriterTurns | contextlib.nullcontext[None] = (
            _WriterTurns(parsed.database, wait_seconds)
            if parsed.get_backend_name() == "sqlite"
            else contextlib.nullcontext()
        )
        if self.is_sqlite:
            self._ensure_sqlite_folder(parsed.database)
            self.engine = create_engine(url, connect_args={"timeout": wait_seconds, "check_same_thread": False})
            _configure_sqlite(self.engine, wait_seconds)
        else:
            pool = pool or PoolSettings()
            connect_args: dict[str, Any] = {}
            if pool.connect_timeout is not None:
                # libpq counts whole seconds (and treats 1 as 2).
                connect_args["connect_timeout"] = max(2, round(pool.connect_timeout))
            self.engine = create_engine(
                url,
                pool_pre_ping=True,
                pool_size=pool.size,
                max_overflow=pool.overflow,
                pool_timeout=pool.pool_timeout,
                connect_args=connect_args,
            )
            if pool.statement_timeout is not None:
                _set_statement_timeout(self.engine, pool.statement_timeout)

    @staticmethod
    def _ensure_sqlite_folder(database: str | None) -> None:
        if database and database != ":memory:":
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise StoreError(f"the folder for the SQLite database does not exist: {folder}")

    @property
    def display_url(self) -> str:
        """The URL without a password, for messages and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on an exception."""
        with self._writer, Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self, timeout: float | None = None) -> bool:
        """Whether the database answers; with ``timeout``, within that many seconds (a readiness
        probe must not hang on a stuck server). On SQLite that includes getting a writer turn."""
        if timeout is None:
            return self._ping(None)
        answer: Future[bool] = Future()

        def probe() -> None:
            answer.set_result(self._ping(timeout))

        threading.Thread(target=probe, name="db-ping", daemon=True).start()
        try:
            return answer.result(timeout)
        except TimeoutError:
            return False

    def _ping(self, turn_wait: float | None) -> bool:
        try:
            if isinstance(self._writer, _WriterTurns) and turn_wait is not None:
                self._writer.enter(turn_wait)
                self._writer.__exit__()
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, StoreError):
            return False
        return True

    def close(self) -> None:
        self.engine.dispose()
        if isinstance(self._writer, _WriterTurns):
            self._writer.close()


def _set_statement_timeout(engine: Engine, seconds: float) -> None:
    milliseconds = max(1, round(seconds * 1000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Outside a transaction, or the pool's rollback on check-in would undo the SET.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {milliseconds}")
        finally:
            dbapi_connection.autocommit = autocommit


def _configure_sqlite(engine: Engine, wait_seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level; we issue BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that later tries to
        # write can fail with SQLITE_BUSY at once instead of waiting, when several threads or
        # replicas write to one file.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
