"""Fixtures for the emulator's own tests: a running emulator, clients per token, a fake app."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from slack_sdk import WebClient

from supportbot.emulator import Emulator, SlackDriver, Workspace

SECRET = "emulator-test-signing-secret"


class FakeClock:
    """A settable clock (the only thing these tests fake)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeApp:
    """An in-process app that records what it got and answers with a fixed response."""

    def __init__(self, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.requests: list[tuple[bytes, dict[str, str]]] = []
        self.on_request: Callable[[bytes, dict[str, str]], None] | None = None

    def __call__(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.requests.append((body, headers))
        if self.on_request is not None:
            self.on_request(body, headers)
        return self.status, dict(self.headers), self.body


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    # These tests are about the methods; the limits have their own tests (test_faults, test_ratelimit).
    with Emulator(rate_limits=False) as emu:
        yield emu


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked(clock: FakeClock) -> Iterator[Emulator]:
    """An emulator whose trigger ids, response URLs and timestamps follow the fake clock."""
    with Emulator(Workspace.default(clock=clock), clock=clock, rate_limits=False) as emu:
        yield emu


@pytest.fixture
def bot(emulator: Emulator) -> WebClient:
    return WebClient(token=emulator.bot_token, base_url=emulator.api_url)


@pytest.fixture
def admin(emulator: Emulator) -> WebClient:
    return WebClient(token=emulator.admin_token, base_url=emulator.api_url)


@pytest.fixture
def as_user(emulator: Emulator) -> Callable[[str], WebClient]:
    def client(user_id: str) -> WebClient:
        return WebClient(token=emulator.user_token(user_id), base_url=emulator.api_url)

    return client


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()


@pytest.fixture
def driver(emulator: Emulator, app: FakeApp) -> SlackDriver:
    return SlackDriver(emulator, SECRET, app)
