"""The prompt deletion against the Slack emulator: one call per message, answers kept for the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from supportbot.emulator import Emulator
from supportbot.slack.port import SlackPort
from supportbot.slack.prompt_delete import KEEP_SECONDS, PromptDeleter
from tests.fakes import FakeClock


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def deleter(emulator: Emulator, clock: FakeClock) -> Iterator[PromptDeleter]:
    port = SlackPort(bot_token=emulator.bot_token, admin_token=emulator.admin_token, base_url=emulator.api_url)
    prompt = PromptDeleter(port, monotonic=clock.monotonic)
    yield prompt
    prompt.close()
    port.close()


def _posted(emulator: Emulator, text: str = "a message") -> str:
    return emulator.workspace.add_message("C0SUPPORT", text, user="U0CUST001", origin="user").ts


def test_a_message_is_deleted_once_and_the_answer_kept(emulator: Emulator, deleter: PromptDeleter) -> None:
    ts = _posted(emulator)
    assert deleter.submit("C0SUPPORT", ts)
    assert not deleter.submit("C0SUPPORT", ts), "an edit storm or a repeated delivery starts no second call"
    assert deleter.started("C0SUPPORT", ts)
    attempt = deleter.take("C0SUPPORT", ts)
    assert attempt is not None and attempt.error is None
    assert emulator.workspace.message("C0SUPPORT", ts) is None
    assert [(call.params["ts"], call.token_kind) for call in emulator.calls_for("chat.delete")] == [(ts, "admin")]
    assert deleter.take("C0SUPPORT", ts) is None, "an answer is taken once"
    assert not deleter.started("C0SUPPORT", ts)


def test_a_refusal_is_kept_for_the_outbox_to_act_on(emulator: Emulator, deleter: PromptDeleter) -> None:
    emulator.faults.inject("chat.delete", error="cant_delete_message", times=1)
    ts = _posted(emulator)
    deleter.submit("C0SUPPORT", ts)
    attempt = deleter.take("C0SUPPORT", ts)
    assert attempt is not None and attempt.error is not None
    assert attempt.error.code == "cant_delete_message"


@pytest.mark.parametrize("fault", [{"status": 429, "retry_after": 1}, {"status": 503}])
def test_a_rate_limit_or_outage_is_left_to_the_outbox(
    emulator: Emulator, deleter: PromptDeleter, fault: dict[str, int]
) -> None:
    emulator.faults.inject("chat.delete", times=1, **fault)
    ts = _posted(emulator)
    deleter.submit("C0SUPPORT", ts)
    assert deleter.take("C0SUPPORT", ts) is None, "no answer: the outbox calls Slack itself, with its retries"
    assert emulator.workspace.message("C0SUPPORT", ts) is not None
    assert len(emulator.calls_for("chat.delete")) == 1, "no retry sleeps on the prompt path"


def test_unclaimed_attempts_are_forgotten(emulator: Emulator, deleter: PromptDeleter, clock: FakeClock) -> None:
    first = _posted(emulator, "one")
    deleter.submit("C0SUPPORT", first)
    emulator.wait_until(lambda: len(emulator.calls_for("chat.delete")) == 1, timeout=5)
    clock.advance(KEEP_SECONDS + 1)
    deleter.submit("C0SUPPORT", _posted(emulator, "two"))
    assert not deleter.started("C0SUPPORT", first)
