"""chat.* through slack_sdk: posting, ephemerals, and who may update or delete what."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d


def _error(call: Callable[[], object]) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


def _say(client: WebClient, channel: str, text: str, **extra: object) -> str:
    return str(client.chat_postMessage(channel=channel, text=text, **extra)["ts"])


# ----------------------------------------------------------------- chat.postMessage


def test_post_message_answers_like_slack_and_lands_in_history(emulator: Emulator, bot: WebClient) -> None:
    answer = bot.chat_postMessage(channel=d.SUPPORT, text="hello")
    assert answer["channel"] == d.SUPPORT
    message = answer["message"]
    assert (message["text"], message["user"], message["bot_id"], message["app_id"]) == (
        "hello",
        "U0BOT0001",
        "B0BOT0001",
        "A0APP0001",
    )
    assert message["ts"] == answer["ts"]
    history = bot.conversations_history(channel=d.SUPPORT)["messages"]
    assert [m["ts"] for m in history] == [answer["ts"]]


def test_post_message_without_text_or_blocks_is_no_text(bot: WebClient) -> None:
    # Through api_call: slack_sdk itself warns before sending a message without text.
    assert _error(lambda: bot.api_call("chat.postMessage", json={"channel": d.SUPPORT})) == "no_text"


def test_post_message_to_an_unknown_channel_is_channel_not_found(bot: WebClient) -> None:
    assert _error(lambda: bot.chat_postMessage(channel="C0NOWHERE", text="hi")) == "channel_not_found"


def test_the_bot_cannot_post_to_a_private_channel_it_is_not_in(emulator: Emulator, bot: WebClient) -> None:
    emulator.workspace.add_channel("G0SECRET1", "secret", [d.SAM], kind="private")
    assert _error(lambda: bot.chat_postMessage(channel="G0SECRET1", text="hi")) == "not_in_channel"
    assert emulator.workspace.history("G0SECRET1") == []


def test_the_bot_may_post_to_a_public_channel_it_is_not_in(emulator: Emulator, bot: WebClient) -> None:
    emulator.workspace.add_channel("C0LOBBY01", "lobby", [d.SAM])
    assert bot.chat_postMessage(channel="C0LOBBY01", text="hi")["ok"]


def test_a_person_cannot_post_where_they_are_not_a_member(as_user: Callable[[str], WebClient]) -> None:
    assert _error(lambda: as_user(d.ALICE).chat_postMessage(channel=d.LEADS, text="hi")) == "not_in_channel"


def test_channel_names_and_user_ids_are_accepted_as_channel(emulator: Emulator, bot: WebClient) -> None:
    assert bot.chat_postMessage(channel="#support", text="by name")["channel"] == d.SUPPORT
    assert bot.chat_postMessage(channel=d.ALICE, text="to a dm")["channel"] == "D0CUST001"


def test_text_beyond_40000_characters_is_truncated(emulator: Emulator, bot: WebClient) -> None:
    answer = bot.chat_postMessage(channel=d.SUPPORT, text="x" * 40_010)
    assert len(answer["message"]["text"]) == 40_000
    assert len(emulator.workspace.history(d.SUPPORT)[0].text) == 40_000


def test_replies_join_the_thread_of_the_parent(emulator: Emulator, bot: WebClient) -> None:
    parent = _say(bot, d.SUPPORT, "parent")
    reply = _say(bot, d.SUPPORT, "reply", thread_ts=parent)
    reply_to_reply = bot.chat_postMessage(channel=d.SUPPORT, text="again", thread_ts=reply)
    assert reply_to_reply["message"]["thread_ts"] == parent
    history = bot.conversations_history(channel=d.SUPPORT)["messages"]
    assert [m["ts"] for m in history] == [parent]
    assert history[0]["reply_count"] == 2
    replies = bot.conversations_replies(channel=d.SUPPORT, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["parent", "reply", "again"]
    assert replies[1]["parent_user_id"] == "U0BOT0001"


def test_a_broadcast_reply_also_shows_in_history(bot: WebClient) -> None:
    parent = _say(bot, d.SUPPORT, "parent")
    _say(bot, d.SUPPORT, "loud", thread_ts=parent, reply_broadcast=True)
    history = bot.conversations_history(channel=d.SUPPORT)["messages"]
    assert [m["text"] for m in history] == ["loud", "parent"]
    assert history[0]["subtype"] == "thread_broadcast"


# ----------------------------------------------------------------- chat.postEphemeral


def test_ephemeral_messages_reach_only_their_reader(emulator: Emulator, bot: WebClient) -> None:
    answer = bot.chat_postEphemeral(channel=d.SUPPORT, user=d.ALICE, text="only you")
    notes = emulator.workspace.ephemerals_for(d.ALICE, d.SUPPORT)
    assert [(n.ts, n.text, n.posted_by) for n in notes] == [(answer["message_ts"], "only you", "U0BOT0001")]
    assert emulator.workspace.history(d.SUPPORT) == []
    assert emulator.workspace.ephemerals_for(d.SAM) == []


def test_ephemeral_to_someone_outside_the_channel_is_user_not_in_channel(bot: WebClient) -> None:
    call = lambda: bot.chat_postEphemeral(channel=d.SUPPORT, user=d.EXT_BOB, text="hi")  # noqa: E731
    assert _error(call) == "user_not_in_channel"


# ----------------------------------------------------------------- chat.update


def test_the_bot_updates_its_own_message(emulator: Emulator, bot: WebClient) -> None:
    ts = _say(bot, d.SUPPORT, "before")
    answer = bot.chat_update(channel=d.SUPPORT, ts=ts, text="after")
    assert (answer["ts"], answer["text"]) == (ts, "after")
    message = emulator.workspace.message(d.SUPPORT, ts)
    assert message is not None
    assert message.text == "after"
    assert message.edited is not None


def test_nobody_updates_someone_elses_message_not_even_an_admin(
    emulator: Emulator, bot: WebClient, admin: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    alices = _say(as_user(d.ALICE), d.SUPPORT, "mine")
    assert _error(lambda: bot.chat_update(channel=d.SUPPORT, ts=alices, text="masked")) == "cant_update_message"
    assert _error(lambda: admin.chat_update(channel=d.SUPPORT, ts=alices, text="masked")) == "cant_update_message"
    assert as_user(d.ALICE).chat_update(channel=d.SUPPORT, ts=alices, text="edited")["ok"]
    message = emulator.workspace.message(d.SUPPORT, alices)
    assert message is not None
    assert message.text == "edited"


def test_update_text_beyond_4000_characters_is_msg_too_long(bot: WebClient) -> None:
    ts = _say(bot, d.SUPPORT, "short")
    assert _error(lambda: bot.chat_update(channel=d.SUPPORT, ts=ts, text="y" * 4_001)) == "msg_too_long"


# ----------------------------------------------------------------- chat.delete


def test_the_bot_deletes_its_own_message_but_not_a_members(
    emulator: Emulator, bot: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    own = _say(bot, d.SUPPORT, "mine")
    assert bot.chat_delete(channel=d.SUPPORT, ts=own)["ts"] == own
    alices = _say(as_user(d.ALICE), d.SUPPORT, "secret")
    assert _error(lambda: bot.chat_delete(channel=d.SUPPORT, ts=alices)) == "cant_delete_message"
    assert [m.ts for m in emulator.workspace.history(d.SUPPORT)] == [alices]


def test_the_admin_token_deletes_a_members_message_in_a_public_channel(
    emulator: Emulator, admin: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    alices = _say(as_user(d.ALICE), d.SUPPORT, "key inside")
    assert admin.chat_delete(channel=d.SUPPORT, ts=alices)["ok"]
    assert emulator.workspace.history(d.SUPPORT) == []
    call = emulator.calls_for("chat.delete")[-1]
    assert (call.token_kind, call.acting_user, call.ok) == ("admin", d.ADMIN, True)


def test_the_admin_token_deletes_a_members_message_in_a_private_channel(
    emulator: Emulator, admin: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    sams = _say(as_user(d.SAM), d.AGENTS, "oops")
    assert admin.chat_delete(channel=d.AGENTS, ts=sams)["ok"]
    assert emulator.workspace.message(d.AGENTS, sams) is None


def test_the_admin_token_cannot_delete_another_persons_dm_message(
    emulator: Emulator, admin: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    dm = admin.conversations_open(users=d.ALICE)["channel"]["id"]
    alices = _say(as_user(d.ALICE), dm, "my key")
    assert _error(lambda: admin.chat_delete(channel=dm, ts=alices)) == "cant_delete_message"
    own = _say(admin, dm, "mine")
    assert admin.chat_delete(channel=dm, ts=own)["ok"]


def test_the_admin_token_cannot_even_see_the_bots_dm_with_a_customer(emulator: Emulator, admin: WebClient) -> None:
    message = emulator.workspace.add_message("D0CUST001", "my key", user=d.ALICE, origin="driver")
    assert _error(lambda: admin.chat_delete(channel="D0CUST001", ts=message.ts)) == "channel_not_found"


def test_the_admin_token_cannot_delete_an_external_members_message_in_slack_connect(
    emulator: Emulator, admin: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    bobs = _say(as_user(d.EXT_BOB), d.EXT_ACME, "external key")
    alices = _say(as_user(d.ALICE), d.EXT_ACME, "home key")
    assert _error(lambda: admin.chat_delete(channel=d.EXT_ACME, ts=bobs)) == "cant_delete_message"
    assert admin.chat_delete(channel=d.EXT_ACME, ts=alices)["ok"]
    assert [m.ts for m in emulator.workspace.history(d.EXT_ACME)] == [bobs]


def test_any_user_token_deletes_its_own_message_but_not_others(as_user: Callable[[str], WebClient]) -> None:
    alice, sam = as_user(d.ALICE), as_user(d.SAM)
    alices = _say(alice, d.SUPPORT, "mine")
    assert _error(lambda: sam.chat_delete(channel=d.SUPPORT, ts=alices)) == "cant_delete_message"
    assert alice.chat_delete(channel=d.SUPPORT, ts=alices)["ok"]


def test_deleting_an_unknown_ts_is_message_not_found(bot: WebClient) -> None:
    assert _error(lambda: bot.chat_delete(channel=d.SUPPORT, ts="1.000001")) == "message_not_found"


def test_a_deleted_parent_leaves_history_but_its_replies_stay(
    emulator: Emulator, admin: WebClient, bot: WebClient, as_user: Callable[[str], WebClient]
) -> None:
    parent = _say(as_user(d.ALICE), d.SUPPORT, "key here")
    reply = _say(bot, d.SUPPORT, "I removed it", thread_ts=parent)
    admin.chat_delete(channel=d.SUPPORT, ts=parent)
    assert bot.conversations_history(channel=d.SUPPORT)["messages"] == []
    replies = bot.conversations_replies(channel=d.SUPPORT, ts=parent)["messages"]
    assert [m["ts"] for m in replies] == [reply]
    assert _error(lambda: admin.chat_delete(channel=d.SUPPORT, ts=parent)) == "message_not_found"


def test_permalinks_point_at_the_message_and_its_thread(bot: WebClient) -> None:
    parent = _say(bot, d.SUPPORT, "parent")
    reply = _say(bot, d.SUPPORT, "reply", thread_ts=parent)
    link = bot.chat_getPermalink(channel=d.SUPPORT, message_ts=parent)["permalink"]
    assert link == f"https://supportbot-dev.slack.com/archives/C0SUPPORT/p{parent.replace('.', '')}"
    reply_link = bot.chat_getPermalink(channel=d.SUPPORT, message_ts=reply)["permalink"]
    assert reply_link.endswith(f"?thread_ts={parent}&cid=C0SUPPORT")
    assert _error(lambda: bot.chat_getPermalink(channel=d.SUPPORT, message_ts="9.9")) == "message_not_found"
