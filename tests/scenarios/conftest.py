"""Scenario fixtures: the emulator, and the real app running against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from supportbot.emulator import Emulator
from tests.scenarios.harness import Harness, start_harness


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def slack(emulator: Emulator, database_url: str) -> Iterator[Harness]:
    """The app in-process (signed requests through ``dispatch_raw``), on SQLite and PostgreSQL."""
    harness = start_harness(emulator, database_url)
    yield harness
    harness.stop()


@pytest.fixture
def slack_http(emulator: Emulator, tmp_path: object) -> Iterator[Harness]:
    """The app behind a real HTTP server (waitress), on SQLite."""
    harness = start_harness(emulator, f"sqlite:///{tmp_path}/http.db", http=True)
    yield harness
    harness.stop()
