"""conversations.*, users.*, usergroups.*, team.info and reactions through slack_sdk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from supportbot.emulator import Emulator, User
from supportbot.emulator import defaults as d


def _error(call: Callable[[], object]) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def _post_many(bot: WebClient, count: int) -> list[str]:
    return [str(bot.chat_postMessage(channel=d.SUPPORT, text=f"m{i}")["ts"]) for i in range(count)]


def test_history_pages_newest_first_with_cursors(bot: WebClient) -> None:
    stamps = _post_many(bot, 5)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        answer = bot.conversations_history(channel=d.SUPPORT, limit=2, cursor=cursor)
        seen += [m["ts"] for m in answer["messages"]]
        pages += 1
        cursor = answer["response_metadata"]["next_cursor"]
        assert answer["has_more"] is bool(cursor)
        if not cursor:
            break
    assert pages == 3
    assert seen == list(reversed(stamps))


def test_history_honours_oldest_latest_and_inclusive(bot: WebClient) -> None:
    stamps = _post_many(bot, 4)
    window = bot.conversations_history(channel=d.SUPPORT, oldest=stamps[0], latest=stamps[3])["messages"]
    assert [m["ts"] for m in window] == [stamps[2], stamps[1]]
    inclusive = bot.conversations_history(channel=d.SUPPORT, oldest=stamps[0], latest=stamps[3], inclusive=True)[
        "messages"
    ]
    assert [m["ts"] for m in inclusive] == list(reversed(stamps))


def test_the_bot_reads_history_only_where_it_is_a_member(emulator: Emulator, bot: WebClient) -> None:
    emulator.workspace.add_channel("C0LOBBY01", "lobby", [d.SAM])
    assert _error(lambda: bot.conversations_history(channel="C0LOBBY01")) == "not_in_channel"
    emulator.workspace.add_channel("G0SECRET1", "secret", [d.SAM], kind="private")
    assert _error(lambda: bot.conversations_history(channel="G0SECRET1")) == "channel_not_found"


def test_a_bad_cursor_is_invalid_cursor(bot: WebClient) -> None:
    assert _error(lambda: bot.conversations_history(channel=d.SUPPORT, cursor="bm9wZQ==")) == "invalid_cursor"


def test_replies_page_oldest_first(bot: WebClient) -> None:
    parent = str(bot.chat_postMessage(channel=d.SUPPORT, text="parent")["ts"])
    replies = [str(bot.chat_postMessage(channel=d.SUPPORT, text=f"r{i}", thread_ts=parent)["ts"]) for i in range(3)]
    first = bot.conversations_replies(channel=d.SUPPORT, ts=parent, limit=2)
    assert [m["ts"] for m in first["messages"]] == [parent, replies[0]]
    rest = bot.conversations_replies(
        channel=d.SUPPORT, ts=parent, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["ts"] for m in rest["messages"]] == replies[1:]
    assert rest["response_metadata"]["next_cursor"] == ""
    assert _error(lambda: bot.conversations_replies(channel=d.SUPPORT, ts="1.000001")) == "thread_not_found"


def test_conversation_info_describes_kinds_and_slack_connect(bot: WebClient) -> None:
    support = bot.conversations_info(channel=d.SUPPORT)["channel"]
    assert (support["name"], support["is_channel"], support["is_private"], support["is_member"]) == (
        "support",
        True,
        False,
        True,
    )
    agents = bot.conversations_info(channel=d.AGENTS)["channel"]
    assert (agents["is_group"], agents["is_private"]) == (True, True)
    acme = bot.conversations_info(channel=d.EXT_ACME)["channel"]
    assert acme["is_ext_shared"] is True
    assert acme["connected_team_ids"] == ["T0EXTRN01"]
    dm = bot.conversations_info(channel="D0CUST001")["channel"]
    assert (dm["is_im"], dm["user"]) == (True, d.ALICE)


def test_a_person_cannot_see_a_private_channel_they_are_not_in(as_user: Callable[[str], WebClient]) -> None:
    assert _error(lambda: as_user(d.ALICE).conversations_info(channel=d.AGENTS)) == "channel_not_found"


def test_conversations_open_returns_the_bot_dm_and_creates_new_ones(emulator: Emulator, bot: WebClient) -> None:
    assert bot.conversations_open(users=d.ALICE)["channel"]["id"] == "D0CUST001"
    emulator.workspace.add_user(User("U0NEWB001", "newbie", "New Bie", d.HOME_TEAM))
    opened = bot.conversations_open(users="U0NEWB001", return_im=True)
    assert opened["channel"]["id"] == "D0NEWB001"
    assert opened["channel"]["is_im"] is True
    assert _error(lambda: bot.conversations_open(users="U0NOBODY1")) == "user_not_found"
    assert _error(lambda: bot.api_call("conversations.open", json={})) == "users_list_not_supplied"


def test_members_are_paged(bot: WebClient) -> None:
    first = bot.conversations_members(channel=d.GENERAL, limit=4)
    rest = bot.conversations_members(channel=d.GENERAL, limit=4, cursor=first["response_metadata"]["next_cursor"])
    assert len(first["members"]) == 4
    assert set(first["members"]) | set(rest["members"]) == {
        d.ALICE, d.LI_WEI, d.SAM, d.WANG, d.LEE, d.ADMIN, d.BOT_USER,
    }  # fmt: skip


def test_conversations_list_shows_what_the_caller_may_see(bot: WebClient, as_user: Callable[[str], WebClient]) -> None:
    public = {c["id"] for c in bot.conversations_list()["channels"]}
    assert public == {d.SUPPORT, d.GENERAL, d.LEADS, d.EXT_ACME}
    private = {c["id"] for c in bot.conversations_list(types="private_channel")["channels"]}
    assert private == {d.AGENTS}
    assert as_user(d.ALICE).conversations_list(types="private_channel")["channels"] == []


def test_users_info_gives_locale_only_when_asked(bot: WebClient) -> None:
    plain = bot.users_info(user=d.LI_WEI)["user"]
    assert "locale" not in plain
    assert (plain["name"], plain["team_id"], plain["is_admin"]) == ("li.wei", d.HOME_TEAM, False)
    assert bot.users_info(user=d.LI_WEI, include_locale=True)["user"]["locale"] == "zh-CN"
    admin = bot.users_info(user=d.ADMIN)["user"]
    assert (admin["is_admin"], admin["is_owner"]) == (True, True)
    bob = bot.users_info(user=d.EXT_BOB)["user"]
    assert (bob["team_id"], bob["is_stranger"]) == (d.EXTERNAL_TEAM, True)
    assert _error(lambda: bot.users_info(user="U0NOBODY1")) == "user_not_found"


def test_users_list_holds_the_home_team_only(bot: WebClient) -> None:
    ids = {m["id"] for m in bot.users_list()["members"]}
    assert ids == {d.ALICE, d.LI_WEI, d.SAM, d.WANG, d.LEE, d.ADMIN, d.BOT_USER}


def test_user_groups_and_their_members(bot: WebClient) -> None:
    groups = {g["handle"]: g for g in bot.usergroups_list(include_users=True)["usergroups"]}
    assert groups["support-agents"]["id"] == "S0AGENTS1"
    assert groups["support-agents"]["users"] == [d.SAM, d.WANG]
    assert bot.usergroups_users_list(usergroup="S0LEADS01")["users"] == [d.LEE]
    assert _error(lambda: bot.usergroups_users_list(usergroup="S0NOPE")) == "no_such_subteam"


def test_team_info_for_both_organisations(bot: WebClient) -> None:
    assert bot.team_info()["team"]["id"] == d.HOME_TEAM
    assert bot.team_info(team=d.EXTERNAL_TEAM)["team"]["name"] == "Acme Corp"
    assert _error(lambda: bot.team_info(team="T0NOPE")) == "team_not_found"


def test_reactions_add_once_per_person(emulator: Emulator, bot: WebClient) -> None:
    ts = str(bot.chat_postMessage(channel=d.SUPPORT, text="hi")["ts"])
    assert bot.reactions_add(channel=d.SUPPORT, timestamp=ts, name="eyes")["ok"]
    assert _error(lambda: bot.reactions_add(channel=d.SUPPORT, timestamp=ts, name="eyes")) == "already_reacted"
    assert _error(lambda: bot.reactions_add(channel=d.SUPPORT, timestamp="1.1", name="eyes")) == "message_not_found"
    message = emulator.workspace.message(d.SUPPORT, ts)
    assert message is not None
    assert message.reactions == {"eyes": [d.BOT_USER]}
    reactions = bot.conversations_history(channel=d.SUPPORT)["messages"][0]["reactions"]
    assert reactions == [{"name": "eyes", "users": [d.BOT_USER], "count": 1}]
