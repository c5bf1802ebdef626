"""Issue 13 through the real request path: signed requests into the app, Web API calls to the emulator."""

from __future__ import annotations

import random
import string
from typing import Any

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d
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
