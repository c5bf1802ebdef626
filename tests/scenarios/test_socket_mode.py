"""`supportbot run` in Socket Mode as a real process, against the emulator's WebSocket."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from supportbot.emulator import Emulator, SlackDriver
from tests.keygen import make_key
from tests.scenarios.harness import SIGNING_SECRET, bot_environment


def test_socket_mode_receives_acknowledges_and_acts(emulator: Emulator, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        **bot_environment(emulator, f"sqlite:///{tmp_path / 'bot.db'}"),
        "SLACK_APP_TOKEN": emulator.app_token,
    }
    secret = make_key("openai", random.Random(11))
    log_path = tmp_path / "stderr.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "supportbot", "run"], env=env, stderr=log, text=True)
    try:
        assert emulator.socket_mode.wait_for_app(timeout=60), "the bot never opened its Socket Mode connection"
        (opened,) = emulator.calls_for("apps.connections.open")
        assert opened.ok and opened.token_kind != "bot"
        driver = SlackDriver(emulator, SIGNING_SECRET, "http://unused.invalid")
        body, _headers, ts = driver.prepare_post("alice", "#support", f"my key {secret} gives 401")
        payload = json.loads(body)
        ack = emulator.socket_mode.send("events_api", payload)
        assert ack is not None and ack["envelope_id"], "acknowledged within Slack's three seconds"
        emulator.wait_until(lambda: any(call.ok for call in emulator.calls_for("chat.delete")), timeout=15)
        # Slack's redelivery of the same event (retry_attempt 1) is acknowledged and does nothing again.
        assert emulator.socket_mode.send("events_api", payload, retry_attempt=1) is not None
        emulator.wait_until(
            lambda: any(
                "posted an API key" in json.dumps(call.params) for call in emulator.calls_for("chat.postMessage")
            ),
            timeout=15,
        )
        assert [call.params["ts"] for call in emulator.calls_for("chat.delete")] == [ts]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
        stderr = log_path.read_text()
    assert code == 0, stderr[-2000:]
    assert secret not in stderr and secret not in emulator.recorded_text()
