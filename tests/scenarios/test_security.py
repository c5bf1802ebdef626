"""Issue 13 through the real request path: signed requests into the app, Web API calls to the emulator."""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime
from typing import Any

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d
from supportbot.store import leaks as leak_store
from supportbot.store import tickets as ticket_store
from tests.keygen import make_key
from tests.scenarios.harness import Harness, flatten, running

NO_GROUPS = {"SUPPORTBOT_AGENTS": None, "SUPPORTBOT_LEADS": None}


def _slash(slack: Harness, user: str, channel: str, text: str) -> str:
    delivery = slack.driver.slash(user, channel, "/support", text)
    assert delivery.status == 200
    answer: Any = delivery.json
    if isinstance(answer, dict):
        return str(answer.get("text") or "") + flatten(answer.get("blocks") or [])
    return delivery.text


def test_default_agents_are_admins_of_our_own_workspace_only(emulator: Emulator, database_url: str) -> None:
    """Finding 5: an admin of a Slack Connect partner is not an agent or a lead by default."""
    emulator.workspace.users[d.EXT_BOB].is_admin = True
    emulator.workspace.users[d.EXT_BOB].is_owner = True
    with running(emulator, database_url, env=NO_GROUPS) as slack:
        for command in ("leaks", "digest", "tickets"):
            outsider = _slash(slack, "ext.bob", "#ext-acme", command)
            assert "only for" in outsider, (command, outsider)
        assert "only for" not in _slash(slack, "admin", "#support", "leaks")
        assert "only for" not in _slash(slack, "admin", "#support", "digest")
        assert "only for" in _slash(slack, "alice", "#support", "leaks")


def test_support_never_echoes_a_key_typed_as_an_argument(slack: Harness) -> None:
    """Finding 9: ``/support <key>`` and bad ``leaks``/``gaps`` arguments are answered without the key."""
    rng = random.Random(9)
    key = make_key("openai-project", rng)
    lowercase_secret = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(40))
    for user, text in (
        ("alice", key),
        ("sam", f"leaks {key}"),
        ("lee", f"gaps {key}"),
        ("lee", f"gaps 7{lowercase_secret}"),
        ("lee", f"gaps answer {key} rotate-key"),
        ("alice", lowercase_secret),
    ):
        answer = _slash(slack, user, "#support", text)
        assert answer, text
        assert key not in answer and key[-12:] not in answer
        assert lowercase_secret[:16] not in answer
    assert "I don't know" in _slash(slack, "alice", "#support", "frobnicate")
    assert "frobnicate" in _slash(slack, "alice", "#support", "frobnicate")
    assert "`5x` isn" in _slash(slack, "sam", "#support", "leaks 5x")


def _agent_cards(slack: Harness) -> list[Any]:
    return [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "G0AGENTS1"]


def test_a_key_added_by_editing_a_message_that_cannot_be_deleted_is_recorded_and_alerted(slack: Harness) -> None:
    """Finding 6: the edit's new key used to be dropped as "already under way"."""
    rng = random.Random(6)
    first, second = make_key("groq", rng), make_key("openai-project", rng)
    sent = slack.driver.post("ext.bob", "#ext-acme", f"works with {first} on our side?")
    slack.settle()
    assert len(_agent_cards(slack)) == 1
    slack.driver.edit("ext.bob", "#ext-acme", sent.ts, f"works with {first} and also {second}?")
    slack.settle()
    cards = _agent_cards(slack)
    assert len(cards) == 2, "agents are alerted about the new key"
    shown = flatten(cards[-1].params["blocks"])
    assert "…" + second[-4:] in shown
    warnings = slack.emulator.workspace.ephemerals_for(d.EXT_BOB, d.EXT_ACME)
    assert len(warnings) == 2 and "…" + second[-4:] in flatten(warnings[-1].blocks)
    with slack.store.session() as session:
        ((incident, keys),) = leak_store.recent(session, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert incident.keys_found == 2 and len(keys) == 2
    slack.driver.edit("ext.bob", "#ext-acme", sent.ts, f"works with {first} and also {second}, thanks")
    slack.settle()
    assert len(_agent_cards(slack)) == 2, "an edit that adds nothing alerts nobody"
    recorded = slack.emulator.recorded_text()
    assert first not in recorded and second not in recorded


def test_a_leaked_files_masked_repost_hides_its_other_secrets(slack: Harness) -> None:
    """Finding 8: the repost of a leaked .env showed DB_PASSWORD and unknown tokens in full."""
    rng = random.Random(8)
    key = make_key("openai", rng)
    password = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(18))
    opaque = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
    content = f"DEBUG=1\nOPENAI_API_KEY={key}\nDB_PASSWORD={password}\nSESSION={opaque}\n"
    slack.driver.share_file("alice", "#support", ".env", content, text="my config")
    slack.settle()
    (repost,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "C0SUPPORT"]
    shown = json.dumps(repost.params)
    assert key not in shown and password not in shown and opaque not in shown
    assert "DEBUG=1" in flatten(repost.params["blocks"]) and "DB_PASSWORD=" in flatten(repost.params["blocks"])


def test_a_masked_repost_shows_where_a_disguised_link_really_goes(slack: Harness) -> None:
    """Finding 11: a link labelled with one address and leading to another kept its disguise."""
    key = make_key("deepseek", random.Random(11))
    disguised = "<https://evil.example/login|https://platform.openai.com/docs>"
    text = f"docs say {disguised} and <https://example.com/a|the guide> {key}"
    slack.driver.post_markup("alice", "#support", text)
    slack.settle()
    (repost,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "C0SUPPORT"]
    shown = json.dumps(repost.params)
    assert "|https://platform.openai.com/docs>" not in shown
    assert "<https://evil.example/login>" in shown
    assert "<https://example.com/a|the guide>" in shown


def test_a_ticket_from_a_reaction_keeps_no_credential_and_no_unknown_token(slack: Harness) -> None:
    """The one scrub on the ticket path: error text stored, shown on the agents' card and in the thread."""
    rng = random.Random(13)
    password = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    opaque = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(44))
    error = (
        '{"error": {"message": "Incorrect API key provided: ' + opaque + '", "type": "invalid_request_error"}}'
        f" password={password}"
    )
    posted = slack.driver.post("alice", "#support", f"401 again: {error}")
    slack.driver.react("sam", "#support", posted.ts, "ticket")
    slack.settle()
    with slack.store.session() as session:
        (ticket,) = ticket_store.listing(session, state="all")
    assert ticket.error_text is not None and "Incorrect API key provided" in ticket.error_text
    for secret in (password, opaque):
        assert secret not in ticket.error_text
        assert secret[-12:] not in json.dumps([call.params for call in slack.calls("chat.postMessage")])


def test_a_masked_message_repost_hides_the_messages_other_secrets(slack: Harness) -> None:
    """Finding 8 for messages too: the bot must not republish a password pasted beside the key."""
    rng = random.Random(88)
    key = make_key("anthropic", rng)
    password = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(18))
    text = f"curl https://api.example.com/v1/messages with {key}\nand DB_PASSWORD={password} in my .env"
    slack.driver.post("alice", "#support", text)
    slack.settle()
    (repost,) = [call for call in slack.calls("chat.postMessage") if call.params.get("channel") == "C0SUPPORT"]
    shown = flatten(repost.params["blocks"])
    assert password not in json.dumps(repost.params) and key not in json.dumps(repost.params)
    assert "DB_PASSWORD=[removed]" in shown and "https://api.example.com/v1/messages" in shown
