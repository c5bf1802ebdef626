"""Injected faults and the optional rate limit, as slack_sdk sees them."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d
from supportbot.emulator.ratelimit import RateLimiter

from .conftest import FakeClock


def test_an_injected_429_carries_retry_after_for_slack_sdk(emulator: Emulator, bot: WebClient) -> None:
    emulator.faults.inject("chat.delete", status=429, retry_after=7, times=1)
    ts = bot.chat_postMessage(channel=d.SUPPORT, text="bye")["ts"]
    with pytest.raises(SlackApiError) as caught:
        bot.chat_delete(channel=d.SUPPORT, ts=ts)
    response = caught.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response["error"] == "ratelimited"
    assert emulator.workspace.message(d.SUPPORT, ts) is not None, "a refused call changes nothing"
    assert bot.chat_delete(channel=d.SUPPORT, ts=ts)["ok"], "times=1 lets the next call through"
    assert [c.status for c in emulator.calls_for("chat.delete")] == [429, 200]


def test_an_injected_500_is_a_server_error(emulator: Emulator, bot: WebClient) -> None:
    emulator.faults.inject("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as caught:
        bot.chat_postMessage(channel=d.SUPPORT, text="hi")
    assert caught.value.response.status_code == 500
    assert emulator.calls[-1].fault == "status=500"


def test_an_injected_error_answers_200_ok_false(emulator: Emulator, bot: WebClient) -> None:
    emulator.faults.inject("chat.postMessage", error="fatal_error", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            bot.chat_postMessage(channel=d.SUPPORT, text="hi")
        assert (caught.value.response.status_code, caught.value.response["error"]) == (200, "fatal_error")
    assert bot.chat_postMessage(channel=d.SUPPORT, text="hi")["ok"]


def test_faults_stay_until_cleared_and_star_matches_every_method(emulator: Emulator, bot: WebClient) -> None:
    emulator.faults.inject("*", error="service_unavailable")
    for _ in range(3):
        with pytest.raises(SlackApiError):
            bot.auth_test()
    emulator.faults.clear()
    assert bot.auth_test()["ok"]


def test_an_injected_delay_makes_the_client_time_out_yet_the_call_happens(emulator: Emulator) -> None:
    emulator.faults.inject("chat.postMessage", delay=1.0, times=1)
    impatient = WebClient(token=emulator.bot_token, base_url=emulator.api_url, timeout=0.3, retry_handlers=[])
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel=d.SUPPORT, text="slow")
    assert time.monotonic() - started < 0.9
    call = emulator.wait_for_call("chat.postMessage", timeout=3)
    assert call.ok
    assert call.duration >= 1.0
    assert [m.text for m in emulator.workspace.history(d.SUPPORT)] == ["slow"]


def test_a_fault_needs_something_to_do(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="fault needs"):
        emulator.faults.inject("chat.delete")


def test_the_optional_rate_limit_answers_429_per_channel(emulator: Emulator, bot: WebClient) -> None:
    emulator.rate_limits.enable("chat.postMessage", per_second=1.0, burst=2)
    bot.chat_postMessage(channel=d.SUPPORT, text="1")
    bot.chat_postMessage(channel=d.SUPPORT, text="2")
    with pytest.raises(SlackApiError) as caught:
        bot.chat_postMessage(channel=d.SUPPORT, text="3")
    assert caught.value.response.status_code == 429
    assert int(caught.value.response.headers["Retry-After"]) >= 1
    assert bot.chat_postMessage(channel=d.GENERAL, text="elsewhere")["ok"]
    emulator.rate_limits.disable()
    assert bot.chat_postMessage(channel=d.SUPPORT, text="3 again")["ok"]


def test_the_rate_limit_refills_over_time() -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(clock)
    limiter.enable("chat.postMessage", per_second=1.0, burst=1)
    assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.postMessage", "C1") == 1
    clock.advance(1.0)
    assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.delete", "C1") is None, "methods without a rule are never limited"


def test_slacks_published_limits_are_on_by_default() -> None:
    with Emulator() as emu:
        bot = WebClient(token=emu.bot_token, base_url=emu.api_url, retry_handlers=[])
        for n in range(3):
            assert bot.chat_postMessage(channel=d.SUPPORT, text=f"burst {n}")["ok"]
        with pytest.raises(SlackApiError) as refused:
            bot.chat_postMessage(channel=d.SUPPORT, text="one too many")
        assert refused.value.response.status_code == 429, "about one post a second per channel, bursts of three"
        assert int(refused.value.response.headers["Retry-After"]) >= 1
        assert bot.chat_postMessage(channel=d.GENERAL, text="another channel")["ok"], "the post limit is per channel"
        limits = emu.rate_limits.enabled()
        assert {"chat.delete", "chat.postEphemeral", "conversations.history", "views.open"} <= limits
    with Emulator(rate_limits=False) as quiet:
        assert quiet.rate_limits.enabled() == set()
