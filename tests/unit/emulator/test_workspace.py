from __future__ import annotations

import itertools
import threading

import pytest
from slack_sdk import WebClient

from supportbot.emulator import Emulator, Team, User, Workspace, WorkspaceError
from supportbot.emulator import defaults as d

from .conftest import FakeClock


def test_default_workspace_has_the_shared_ids() -> None:
    ws = Workspace.default()
    assert ws.home.id == "T0HOME001"
    assert set(ws.teams) == {"T0HOME001", "T0EXTRN01"}
    assert ws.app_id == "A0APP0001"
    assert (ws.bot.id, ws.bot.bot_id, ws.bot.name) == ("U0BOT0001", "B0BOT0001", "supportbot")
    people = {u.name: (u.id, u.team_id, u.locale) for u in ws.users.values() if not u.is_bot}
    assert people == {
        "alice": ("U0CUST001", "T0HOME001", "en-US"),
        "li.wei": ("U0CUST002", "T0HOME001", "zh-CN"),
        "sam": ("U0AGENT01", "T0HOME001", "en-US"),
        "wang": ("U0AGENT02", "T0HOME001", "zh-CN"),
        "lee": ("U0LEAD001", "T0HOME001", "en-US"),
        "admin": ("U0ADMIN01", "T0HOME001", "en-US"),
        "ext.bob": ("U0EXTRN01", "T0EXTRN01", "en-US"),
    }
    admin = ws.users["U0ADMIN01"]
    assert admin.is_admin
    assert admin.is_owner
    assert not any(u.is_privileged for u in ws.users.values() if u.id != "U0ADMIN01")


def test_default_channels_members_and_groups() -> None:
    ws = Workspace.default()
    channels = {
        c.id: (c.name, c.kind, c.is_ext_shared, set(c.members)) for c in ws.channels.values() if not c.is_direct
    }
    bot = "U0BOT0001"
    home = {d.ALICE, d.LI_WEI, d.SAM, d.WANG, d.LEE, d.ADMIN}
    assert channels == {
        "C0SUPPORT": ("support", "public", False, home | {bot}),
        "C0GENERAL": ("general", "public", False, home | {bot}),
        "G0AGENTS1": ("support-agents", "private", False, {d.SAM, d.WANG, d.LEE, d.ADMIN, bot}),
        "C0LEADS01": ("leads", "public", False, {d.LEE, d.ADMIN, bot}),
        "C0EXTACME": ("ext-acme", "public", True, {d.EXT_BOB, d.ALICE, d.SAM, bot}),
    }
    groups = {g.id: (g.handle, g.users) for g in ws.usergroups.values()}
    assert groups == {
        "S0AGENTS1": ("support-agents", [d.SAM, d.WANG]),
        "S0LEADS01": ("support-leads", [d.LEE]),
    }


def test_every_person_has_a_dm_with_the_bot_named_after_their_id() -> None:
    ws = Workspace.default()
    dm = ws.channels["D0CUST001"]
    assert (dm.kind, dm.im_user, set(dm.members)) == ("im", d.ALICE, {d.ALICE, d.BOT_USER})
    assert {c.id for c in ws.channels.values() if c.kind == "im"} == {
        "D0CUST001", "D0CUST002", "D0AGENT01", "D0AGENT02", "D0LEAD001", "D0ADMIN01", "D0EXTRN01",
    }  # fmt: skip


def test_tokens_act_as_their_owner() -> None:
    ws = Workspace.default()
    assert ws.actor_for("xoxb-emulator-bot-token") == ws.actor_for(ws.bot_token)
    assert ws.actor_for(ws.bot_token).user_id == "U0BOT0001"
    assert (
        ws.actor_for("xoxp-emulator-admin-token").kind,
        ws.actor_for("xoxp-emulator-admin-token").user_id,
    ) == (
        "admin",
        "U0ADMIN01",
    )
    alice = ws.actor_for("xoxp-emulator-user-alice")
    assert (alice.kind, alice.user_id) == ("user", "U0CUST001")
    assert ws.actor_for("xoxp-emulator-user-li.wei").user_id == "U0CUST002"
    assert ws.actor_for(None).kind == "none"
    assert ws.actor_for("xoxb-something-else").kind == "unknown"


def test_timestamps_are_unique_and_increasing_even_with_a_frozen_clock() -> None:
    ws = Workspace.default(clock=FakeClock(1_700_000_000.0))
    stamps = [ws.new_ts() for _ in range(50)]
    assert stamps[0] == "1700000000.000000"
    assert stamps[1] == "1700000000.000001"
    assert all(float(a) < float(b) for a, b in itertools.pairwise(stamps))


def test_timestamps_stay_unique_under_concurrent_posting() -> None:
    ws = Workspace.default()
    seen: list[str] = []
    lock = threading.Lock()

    def post() -> None:
        for i in range(100):
            message = ws.add_message(d.SUPPORT, f"m{i}", user=d.ALICE, origin="driver")
            with lock:
                seen.append(message.ts)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == len(set(seen)) == 400
    assert len(ws.history(d.SUPPORT)) == 400


def test_people_are_found_by_name_real_name_role_or_id() -> None:
    ws = Workspace.default()
    assert ws.find_user("@li.wei").id == d.LI_WEI
    assert ws.find_user("Sam Rivera").id == d.SAM
    assert ws.find_user("agent").id == d.SAM
    assert ws.find_user("external").id == d.EXT_BOB
    assert ws.find_user(d.LEE).name == "lee"
    assert ws.find_channel("#support-agents").id == d.AGENTS
    with pytest.raises(WorkspaceError):
        ws.find_user("nobody")
    with pytest.raises(WorkspaceError):
        ws.find_channel("#nowhere")


def test_a_custom_workspace_serves_its_own_people_and_channels() -> None:
    ws = Workspace(Team("T0CUSTOM1", "Custom", "custom"))
    ws.add_user(User("U0NEW0001", "nina", "Nina New", "T0CUSTOM1", locale="de-DE"))
    ws.add_channel("C0ROOM001", "room", ["U0NEW0001", ws.bot.id])
    with Emulator(ws) as emu:
        nina = WebClient(token=emu.user_token("U0NEW0001"), base_url=emu.api_url)
        assert nina.auth_test()["user_id"] == "U0NEW0001"
        posted = nina.chat_postMessage(channel="C0ROOM001", text="hallo")
        bot = WebClient(token=emu.bot_token, base_url=emu.api_url)
        history = bot.conversations_history(channel="C0ROOM001")["messages"]
        assert [m["ts"] for m in history] == [posted["ts"]]
        assert bot.users_info(user="U0NEW0001", include_locale=True)["user"]["locale"] == "de-DE"


def test_adding_a_member_of_an_unknown_team_is_refused() -> None:
    ws = Workspace.default()
    with pytest.raises(WorkspaceError):
        ws.add_user(User("U0X", "x", "X", "T0NOWHERE"))
