"""What the emulator records about each call, and waiting on calls the app makes later."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk import WebClient

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d


def test_each_call_records_method_caller_params_and_outcome(emulator: Emulator, bot: WebClient) -> None:
    before = time.time()
    bot.chat_postMessage(channel=d.SUPPORT, text="hello")
    call = emulator.calls[-1]
    assert (call.method, call.status, call.token_kind, call.acting_user, call.ok, call.error) == (
        "chat.postMessage",
        200,
        "bot",
        d.BOT_USER,
        True,
        None,
    )
    assert call.params == {"channel": d.SUPPORT, "text": "hello"}
    assert before <= call.wall <= time.time()
    assert call.monotonic <= time.monotonic()
    assert call.response["ts"]


def test_calls_for_filters_and_clear_calls_empties(emulator: Emulator, bot: WebClient) -> None:
    bot.auth_test()
    bot.chat_postMessage(channel=d.SUPPORT, text="a")
    with pytest.raises(Exception, match="channel_not_found"):
        bot.chat_postMessage(channel="C0NOPE", text="b")
    assert len(emulator.calls_for("chat.postMessage")) == 2
    assert [c.error for c in emulator.calls_for("chat.postMessage", ok=False)] == ["channel_not_found"]
    emulator.clear_calls()
    assert emulator.calls == []


def test_wait_for_call_sees_a_call_made_later_by_another_thread(emulator: Emulator, bot: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: bot.chat_postMessage(channel=d.SUPPORT, text="later"))
    timer.start()
    call = emulator.wait_for_call("chat.postMessage", timeout=3, predicate=lambda c: c.params.get("text") == "later")
    timer.join()
    assert call.ok


def test_wait_for_call_times_out_with_what_it_saw(emulator: Emulator, bot: WebClient) -> None:
    bot.auth_test()
    with pytest.raises(TimeoutError, match=r"no chat.delete call .*auth.test:ok"):
        emulator.wait_for_call("chat.delete", timeout=0.2)


def test_wait_until_polls_a_condition(emulator: Emulator, bot: WebClient) -> None:
    ts = str(bot.chat_postMessage(channel=d.SUPPORT, text="soon gone")["ts"])
    timer = threading.Timer(0.1, lambda: bot.chat_delete(channel=d.SUPPORT, ts=ts))
    timer.start()
    emulator.wait_until(lambda: emulator.workspace.message(d.SUPPORT, ts) is None, timeout=3)
    timer.join()
    with pytest.raises(TimeoutError):
        emulator.wait_until(lambda: False, timeout=0.1)


def test_recorded_text_holds_raw_bodies_for_secret_searches(emulator: Emulator, bot: WebClient) -> None:
    planted = "planted-" + "q" * 12
    bot.chat_postMessage(channel=d.SUPPORT, text=f"json body {planted}")
    bot.api_call("users.info", params={"user": d.ALICE, "note": planted + "-form"})
    text = emulator.recorded_text()
    assert f"json body {planted}" in text
    assert f"{planted}-form" in text
    assert emulator.bot_token not in text, "the Authorization header is not part of the body"


def test_wait_for_quiet_returns_once_nothing_happens(emulator: Emulator, bot: WebClient) -> None:
    bot.auth_test()
    started = time.monotonic()
    assert emulator.wait_for_quiet(quiet=0.1, timeout=2)
    assert time.monotonic() - started < 1
