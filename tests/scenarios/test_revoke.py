"""Disabling a leaked key at its source, end to end: signed events into the app, the emulator as
Slack, a real one-api ``tokens`` table and a local webhook receiver that verifies every signature."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from supportbot.cli import cli as main_cli
from supportbot.emulator import Emulator
from supportbot.revoke import key_sha256
from supportbot.slack.features.revoke import shared as revoke_shared
from supportbot.store import leaks as leak_store
from supportbot.store import revoke as revoke_store
from tests.conftest import PG_URL
from tests.gateway import DISABLED, ENABLED, GatewayDatabase, Receiver, gateway_database
from tests.keygen import make_key
from tests.scenarios.harness import Harness, flatten, running
from tests.scenarios.test_dashboards import home_of

RNG = random.Random(1616)
SECRET = "scenario-webhook-secret-0123456789"
DONE_WITHIN = 5.0  # seconds from the message to the key disabled at its source (issue 16)


def gateway_key() -> str:
    return make_key("gateway", RNG)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "mysql"])
def gateway(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GatewayDatabase]:
    """The gateway's own database, of each kind one-api/new-api run on (MySQL when one answers)."""
    yield from gateway_database(request.param, tmp_path, PG_URL)


def webhook_env(receiver: Receiver, **more: str) -> dict[str, str | None]:
    return {
        "SUPPORTBOT_REVOKE": "auto",
        "SUPPORTBOT_REVOKE_WEBHOOK_URL": receiver.url,
        "SUPPORTBOT_REVOKE_WEBHOOK_SECRET": SECRET,
        **more,
    }


def only_incident(slack: Harness) -> leak_store.LeakIncident:
    from datetime import UTC, datetime

    with slack.store.session() as session:
        ((incident, _),) = leak_store.recent(session, since=datetime(2000, 1, 1, tzinfo=UTC))
    return incident


def wait_for(predicate: object, timeout: float = 10.0) -> float:
    """Seconds until ``predicate()`` held (fails after ``timeout``)."""
    start = time.monotonic()
    while not predicate():  # type: ignore[operator]
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out")
        time.sleep(0.01)
    return time.monotonic() - start


def revoked_notes(slack: Harness, user: str, channel: str = "C0SUPPORT") -> list[str]:
    """Everything shown to ``user`` alone in ``channel``, in order."""
    return [
        str(call.params.get("text") or "") + "\n" + flatten(call.params.get("blocks"))
        for call in slack.calls("chat.postEphemeral")
        if call.params.get("user") == user and call.params.get("channel") == channel
    ]


def test_auto_mode_disables_the_key_through_the_webhook_within_five_seconds(
    emulator: Emulator, database_url: str
) -> None:
    key = gateway_key()
    receiver = Receiver(SECRET, {key_sha256(key): "token-42"})
    with receiver.running():
        env = webhook_env(receiver)
        with running(emulator, database_url, env=env) as slack:
            start = time.monotonic()
            slack.driver.post("alice", "#support", f"my key {key} gives 401")
            wait_for(lambda: "token-42" in receiver.disabled, timeout=DONE_WITHIN)
            elapsed = receiver.disabled["token-42"] - start
            slack.settle()
            incident = only_incident(slack)
            warnings = revoked_notes(slack, "U0CUST001")
    assert elapsed < DONE_WITHIN, f"disabled after {elapsed:.2f}s"
    print(f"\nauto mode, webhook: key disabled {elapsed * 1000:.0f} ms after the message was sent")
    assert (incident.revocation, incident.revoked_by, incident.revoke_requested_by) == ("disabled", "webhook", "auto")
    assert incident.revoked_at is not None
    assert receiver.refused == 0, "every request carried a valid signature"
    (body,) = receiver.bodies
    sent = json.loads(body)
    assert sent["key_sha256"] == key_sha256(key) and sent["incident"] == incident.id
    assert (sent["provider"], sent["rule"], sent["channel"]) == ("gateway", "gateway-sk", "C0SUPPORT")
    assert sent["masked"].endswith(key[-4:]) and key not in body.decode()
    assert any("disabling this key at its source" in note for note in warnings), "the warning says so"
    assert any("is now disabled at its source" in note and "replace" in note for note in warnings)


def test_auto_mode_disables_the_row_in_the_one_api_database(
    emulator: Emulator, gateway: GatewayDatabase, tmp_path: Path
) -> None:
    key, bystander = gateway_key(), gateway_key()
    token, other = gateway.add_token(key), gateway.add_token(bystander)
    env = {"SUPPORTBOT_REVOKE": "auto", "SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL": gateway.url}
    with running(emulator, f"sqlite:///{tmp_path}/bot.db", env=env) as slack:
        start = time.monotonic()
        slack.driver.post("li.wei", "#support", f"我的令牌 {key} 不能用了")
        wait_for(lambda: gateway.status(token) == DISABLED, timeout=DONE_WITHIN)
        elapsed = time.monotonic() - start  # from before the signed event was sent (polled every 10 ms)
        slack.settle()
        incident = only_incident(slack)
        notes = revoked_notes(slack, "U0CUST002")
        counted = slack.runtime.metrics.revocations.labels("disabled")._value.get()
        listed = json.loads(slack.driver.slash("sam", "#support-agents", "/support", "leaks 7d").body)["text"]
        bot_database = slack.settings.database_url
        lead_home = home_of(slack, "lee")
    assert "1 disabled at the source" in lead_home
    cli = CliRunner().invoke(main_cli, ["leaks", "--format", "json"], env={"DATABASE_URL": bot_database})
    assert cli.exit_code == 0, cli.output
    (row,) = json.loads(cli.output)
    assert (row["revocation"], row["revoked_by"], row["revoke_requested_by"]) == ("disabled", "oneapi", "auto")
    assert row["revoked_at"] and key not in cli.output
    assert "key disabled at source" in listed
    assert elapsed < DONE_WITHIN
    print(f"\nauto mode, one-api on {gateway.dialect}: row disabled {elapsed * 1000:.0f} ms after the message was sent")
    assert gateway.status(other) == ENABLED
    assert (incident.revocation, incident.revoked_by) == ("disabled", "oneapi")
    assert any("已经从源头禁用" in note for note in notes), "a Chinese author hears it in Chinese"
    assert counted == 1


def test_a_key_that_is_not_ours_is_recorded_and_the_author_not_bothered(emulator: Emulator, tmp_path: Path) -> None:
    receiver = Receiver(SECRET, {})
    with receiver.running():
        env = webhook_env(receiver)
        with running(emulator, f"sqlite:///{tmp_path}/bot.db", env=env) as slack:
            slack.driver.post("alice", "#support", f"this one is from elsewhere {make_key('anthropic', RNG)}")
            wait_for(lambda: len(receiver.bodies) == 1)
            slack.settle()
            incident = only_incident(slack)
            notes = revoked_notes(slack, "U0CUST001")
    assert incident.revocation == "not_ours" and incident.revoked_by is None
    assert not any("disabled at its source" in note and "now" in note.split("disabled")[0] for note in notes[1:])
    assert len(notes) == 1, "only the warning"


def test_a_busy_receiver_is_asked_again(emulator: Emulator, tmp_path: Path) -> None:
    key = gateway_key()
    receiver = Receiver(SECRET, {key_sha256(key): "token-7"}, fail_first=1)
    with receiver.running():
        env = webhook_env(receiver)
        with running(emulator, f"sqlite:///{tmp_path}/bot.db", env=env) as slack:
            slack.driver.post("alice", "#support", f"key {key}")
            wait_for(lambda: "token-7" in receiver.disabled, timeout=10)
            slack.settle()
            assert only_incident(slack).revocation == "disabled"
    assert len(receiver.bodies) == 2 and len(set(receiver.bodies)) == 1, "the same body, signed afresh"


def test_a_receiver_that_never_answers_ends_as_failed(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(revoke_shared, "ATTEMPTS", 2)  # the real ten attempts take about eight minutes
    key = gateway_key()
    receiver = Receiver(SECRET, {key_sha256(key): "token-9"}, fail_first=100)
    with receiver.running(), running(emulator, f"sqlite:///{tmp_path}/bot.db", env=webhook_env(receiver)) as slack:
        slack.driver.post("alice", "#support", f"key {key}")
        wait_for(lambda: only_incident(slack).revocation == "failed", timeout=15)
        slack.settle()
        notes = revoked_notes(slack, "U0CUST001")
        failed = slack.runtime.metrics.revocations.labels("failed")._value.get()
    assert len(receiver.bodies) == 2 and failed == 1
    assert "couldn't disable the key" in notes[-1] and "disable it yourself in the console" in notes[-1]


def test_ask_mode_the_authors_click_disables_the_key(
    emulator: Emulator, gateway: GatewayDatabase, tmp_path: Path
) -> None:
    key = gateway_key()
    token = gateway.add_token(key)
    env = {"SUPPORTBOT_REVOKE": "ask", "SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL": gateway.url}
    with running(emulator, f"sqlite:///{tmp_path}/bot.db", env=env) as slack:
        slack.driver.post("alice", "#support", f"is this right? {key}")
        slack.settle()
        assert gateway.status(token) == ENABLED, "ask mode waits for a click"
        assert only_incident(slack).revocation == "offered"
        (warning,) = emulator.workspace.ephemerals_for("U0CUST001", "C0SUPPORT")
        assert "Disable this key now" in json.dumps(warning.blocks)
        slack.driver.click("alice", "leak_disable_key", message=("C0SUPPORT", warning.ts))
        wait_for(lambda: gateway.status(token) == DISABLED)
        slack.settle()
        incident = only_incident(slack)
        notes = revoked_notes(slack, "U0CUST001")
        with slack.store.session() as session:
            left = revoke_store.take_offers(session, incident.id or 0)
        # A second click (or a click on a stale copy) does nothing more.
        slack.driver.click("alice", "leak_disable_key", message=("C0SUPPORT", warning.ts))
        slack.settle()
        after = revoked_notes(slack, "U0CUST001")
    assert (incident.revocation, incident.revoke_requested_by, incident.revoked_by) == (
        "disabled",
        "U0CUST001",
        "oneapi",
    )
    assert left == [], "the digest is gone once the choice is made"
    assert any("Disabling sk-" in note for note in notes)
    assert any("is now disabled at its source" in note for note in notes)
    assert "already being disabled" in after[-1] and len(after) == len(notes) + 1


def test_ask_mode_a_strangers_click_is_refused_and_an_agents_works(
    emulator: Emulator, gateway: GatewayDatabase, tmp_path: Path
) -> None:
    key = gateway_key()
    token = gateway.add_token(key)
    env = {
        "SUPPORTBOT_REVOKE": "ask",
        "SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL": gateway.url,
        "SLACK_ADMIN_USER_TOKEN": None,  # no deletion: the agents get an alert card, with the button
    }
    with running(emulator, f"sqlite:///{tmp_path}/bot.db", env=env) as slack:
        slack.driver.post("alice", "#support", f"key {key}")
        slack.settle()
        (card,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "G0AGENTS1"]
        card_ts = card.response["ts"]
        assert "Disable this key now" in json.dumps(card.params["blocks"])
        slack.driver.click("li.wei", "leak_disable_key", message=("G0AGENTS1", card_ts))
        slack.settle()
        assert gateway.status(token) == ENABLED, "a stranger's click changes nothing"
        assert only_incident(slack).revocation == "offered"
        # li.wei is not in the agents' channel (so no ephemeral there) and reads Chinese.
        refusals = [
            call for call in slack.calls("chat.postMessage") if "只有发这个密钥的人或客服" in call.params["text"]
        ]
        assert len(refusals) == 1 and refusals[0].params["channel"].startswith("D")
        slack.driver.click("sam", "leak_disable_key", message=("G0AGENTS1", card_ts))
        wait_for(lambda: gateway.status(token) == DISABLED)
        slack.settle()
        incident = only_incident(slack)
        updated = [call for call in slack.calls("chat.update") if call.params.get("ts") == card_ts]
    assert (incident.revocation, incident.revoke_requested_by) == ("disabled", "U0AGENT01")
    assert "Disabled at its source (oneapi)" in flatten(updated[-1].params["blocks"])
    assert "leak_disable_key" not in json.dumps(updated[-1].params["blocks"]), "no button once it is done"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level("DEBUG")
    return caplog


def test_the_key_appears_in_no_request_row_or_log(
    emulator: Emulator, tmp_path: Path, logs: pytest.LogCaptureFixture
) -> None:
    """Both revokers at once: the key must reach no webhook body, no database row (theirs but for
    their own key column, ours entirely), no log line and no Slack call."""
    gateway = next(gateway_database("sqlite", tmp_path, None))
    keys = [gateway_key() for _ in range(3)]
    for key in keys:
        gateway.add_token(key)
    password_url = "postgres://app:Zq8fT3kLp0Wm5Rx2@db.internal/main"
    receiver = Receiver(SECRET, {key_sha256(keys[0]): "token-1"})
    with receiver.running():
        env = webhook_env(receiver, SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL=gateway.url)
        with running(emulator, f"sqlite:///{tmp_path}/bot.db", env=env) as slack:
            slack.driver.post("alice", "#support", f"two keys {keys[0]} and {keys[1]}, db {password_url}")
            slack.driver.share_file("alice", "#support", ".env", f"OPENAI_BASE_URL=x\nOPENAI_API_KEY={keys[2]}\n")
            wait_for(lambda: len(receiver.bodies) >= 3, timeout=15)
            slack.settle()
            recorded = emulator.recorded_text()
    bodies = b"\n".join(receiver.bodies).decode()
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("bot.db*"))
    theirs = gateway.rows_without_key()
    assert len(receiver.bodies) == 3, "one request per key; the password was never sent"
    assert "Zq8fT3kLp0Wm5Rx2" not in bodies and key_sha256("Zq8fT3kLp0Wm5Rx2") not in bodies
    for key in keys:
        for where, text in (
            ("webhook body", bodies),
            ("Slack call", recorded),
            ("log", logs.text),
            ("their rows", theirs),
        ):
            assert key not in text, f"a key reached a {where}"
            assert key.removeprefix("sk-") not in text, f"a stored key reached a {where}"
        assert key.encode() not in stored and key[-20:].encode() not in stored, "a key reached our database"
        assert key_sha256(key).encode() not in stored, "digests leave with their actions"
        assert key_sha256(key) not in recorded and key_sha256(key) not in logs.text, (
            "a digest never goes to Slack or a log"
        )
