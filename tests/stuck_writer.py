"""A SQLite writer that takes its turn and does not give it back: another process stuck mid-transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from supportbot.store.db import Store


@contextmanager
def stuck_writer(url: str) -> Iterator[None]:
    """While the block runs, a second Store on ``url`` holds the writer turn (its own flock, as a process would)."""
    holder = Store(url)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.session() as session:
            session.execute(text("SELECT 1"))
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold, name="stuck-writer", daemon=True)
    thread.start()
    try:
        if not held.wait(5):
            raise RuntimeError("could not take the writer turn")
        yield
    finally:
        release.set()
        thread.join(5)
        holder.close()
