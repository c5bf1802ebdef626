"""The console core and transcript, driven against a small fake bot."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk import WebClient

from supportbot.emulator import Emulator, SlackDriver
from supportbot.emulator import defaults as d
from supportbot.emulator.console import HELP, Console, repl, run_script, run_script_file
from supportbot.emulator.markup import plain
from supportbot.emulator.transcript import Transcript

from .fakebot import FakeBot


@pytest.fixture
def console(emulator: Emulator) -> Console:
    return Console(emulator, SlackDriver(emulator, "console-secret", FakeBot(emulator)), quiet=0.05)


def test_a_bot_reply_is_numbered_with_numbered_buttons(console: Console) -> None:
    out = console.handle("I get a 401")
    assert console.last_sent == 1
    assert out == (
        "m2 supportbot in #support (thread m1):\n"
        "    Does this help? Check your base URL.\n"
        "    [1] That fixed it  [2] Next step"
    )


def test_click_sends_the_real_button_and_shows_the_ephemeral_answer(emulator: Emulator, console: Console) -> None:
    console.handle("I get a 401")
    out = console.handle("/click 1")
    assert out == "[only alice sees] supportbot in #support:\n    Glad!"
    call = emulator.calls_for("chat.postEphemeral")[-1]
    assert call.params["user"] == d.ALICE


def test_a_replaced_message_shows_its_new_content_and_unknown_buttons_are_refused(console: Console) -> None:
    console.handle("I get a 401")
    out = console.handle("/click 2")
    assert out.splitlines()[0] == "m2 edited by the app's response_url:"
    assert "Step 2: check the header" in out
    assert console.handle("/click 9") == "! there is no button [9]"


def test_only_the_reader_may_click_an_ephemeral_button(emulator: Emulator, console: Console) -> None:
    bot = WebClient(token=emulator.bot_token, base_url=emulator.api_url)
    blocks = [
        {
            "type": "actions",
            "elements": [{"type": "button", "action_id": "x", "text": {"type": "plain_text", "text": "Go"}}],
        }
    ]
    bot.chat_postEphemeral(channel=d.SUPPORT, user=d.ALICE, text="private", blocks=blocks)
    console.transcript.render_since(0)
    console.handle("/as sam")
    assert console.handle("/click 1") == "! [1] is only visible to alice"


def test_deletions_say_whose_message_and_which_token(console: Console) -> None:
    out = console.handle("my SECRET key")
    assert out.splitlines() == [
        "(message m1 by alice deleted by admin token)",
        "[only alice sees] supportbot in #support:",
        "    I removed a key you posted.",
    ]


def test_people_channels_threads_and_dms(console: Console) -> None:
    assert console.prompt() == "alice in #support> "
    assert console.handle("/as agent") == "now acting as sam (Sam Rivera, agent)"
    assert console.handle("/in #support-agents") == "now in #support-agents"
    assert console.prompt() == "sam in #support-agents> "
    assert console.handle("/dm") == "now in DM sam"
    assert console.handle("/as lee").endswith("not a member of DM sam, use /in or /dm")
    console.handle("/in #support")
    console.handle("first")
    console.handle("/thread m1")
    assert console.prompt() == "lee in #support (thread m1)> "
    console.handle("in the thread")
    replies = console.ws.thread(d.SUPPORT, console.ws.history(d.SUPPORT)[-1].ts)
    assert [m.text for m in replies][:2] == ["first", "Does this help? Check your base URL."]
    assert "in the thread" in [m.text for m in replies]
    assert console.handle("/thread off") == "left the thread"


def test_edit_react_and_mention(emulator: Emulator, console: Console) -> None:
    console.handle("helo")
    assert console.handle("/edit hello") == ""
    (first,) = [m for m in emulator.workspace.all_messages(d.SUPPORT) if m.user == d.ALICE]
    assert first.text == "hello"
    console.handle("/react :eyes: m1")
    assert first.ts in {m.ts for m in emulator.workspace.history(d.SUPPORT)}
    assert emulator.workspace.message(d.SUPPORT, first.ts).reactions == {"eyes": [d.ALICE]}  # type: ignore[union-attr]
    console.handle("/mention are you there?")
    mentions = [m.text for m in emulator.workspace.all_messages(d.SUPPORT) if m.user == d.ALICE]
    assert mentions[-1] == "<@U0BOT0001> are you there?"


def test_slash_commands_modals_and_submit(emulator: Emulator, console: Console) -> None:
    console.handle("/as sam")
    opened = console.handle("/support new")
    assert opened.splitlines() == [
        "[modal opened for sam] 'Open a ticket' (ticket_modal)",
        "    Model (model: text)",
        "    submit with: /submit model=…",
    ]
    assert emulator.calls_for("views.open")[-1].ok
    out = console.handle('/submit model="gpt 4o"')
    assert "(modal 'Open a ticket' closed for sam)" in out
    assert "m1 supportbot in #support-agents:\n    New ticket: gpt 4o" in out
    assert console.handle("/submit model=x") == "! sam has no modal open"


def test_file_takes_the_following_lines_until_a_dot(emulator: Emulator, console: Console) -> None:
    lines = iter(["A=1", "B=2", "."])
    console.handle("/file prod.env my config", lambda: next(lines, None))
    (shared,) = emulator.workspace.files.values()
    assert (shared.name, shared.content, shared.mode) == ("prod.env", b"A=1\nB=2\n", "snippet")


def test_home_shortcuts_and_listings(console: Console) -> None:
    assert console.handle("/home") == "[App Home of alice]\n    == Leaks =="
    assert "* alice" in console.handle("/who")
    channels = console.handle("/channels")
    assert "* #support" in channels
    assert "#support-agents" not in channels, "alice cannot see the private agents channel"
    assert console.handle("/help") == HELP
    console.handle("hi")
    assert console.handle("/shortcut report_key m1") == ""
    assert console.handle("/shortcut report_key m99") == "! there is no message m99"


def test_errors_are_one_line_and_quit_stops(console: Console) -> None:
    assert console.handle("/as nobody") == "! nobody called 'nobody'"
    assert console.handle("/in #nowhere") == "! no channel '#nowhere'"
    assert console.handle("/thread mx") == "! expected a number, got 'mx'"
    assert console.handle("/submit") == "! alice has no modal open"
    assert console.handle("   ") == ""
    assert console.handle("/quit") == "bye"
    assert console.running is False


def test_a_slash_at_the_start_of_a_message_is_kept_with_two_slashes(emulator: Emulator, console: Console) -> None:
    console.handle("//shrug")
    assert emulator.workspace.all_messages(d.SUPPORT)[0].text == "/shrug"


def test_the_console_waits_for_work_the_app_does_after_acknowledging(emulator: Emulator) -> None:
    slow = Console(emulator, SlackDriver(emulator, "s", FakeBot(emulator, delay=0.3)), quiet=0.5)
    out = slow.handle("I get a 401")
    assert "[1] That fixed it" in out


def test_script_mode_echoes_lines_and_skips_comments(console: Console) -> None:
    script = [
        "# alice reports a problem",
        "I get a 401",
        "/click 1",
        "/file a.env",
        "KEY=1",
        ".",
        "/as sam",
    ]
    assert run_script(console, script) == (
        "alice in #support> I get a 401   (m1)\n"
        "m2 supportbot in #support (thread m1):\n"
        "    Does this help? Check your base URL.\n"
        "    [1] That fixed it  [2] Next step\n"
        "alice in #support> /click 1\n"
        "[only alice sees] supportbot in #support:\n"
        "    Glad!\n"
        "alice in #support> /file a.env   (m3)\n"
        "... KEY=1\n"
        "... .\n"
        "m4 supportbot in #support (thread m3):\n"
        "    Does this help? Check your base URL.\n"
        "    [3] That fixed it  [4] Next step\n"
        "alice in #support> /as sam\n"
        "now acting as sam (Sam Rivera, agent)\n"
    )


def test_script_files_and_the_interactive_loop(console: Console, tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text("# comment\n/as lee\n/quit\nnever run\n", encoding="utf-8")
    assert run_script_file(console, script) == "alice in #support> /as lee\nnow acting as lee (Lee Morgan, lead)\n" + (
        "lee in #support> /quit\nbye\n"
    )
    fresh = Console(console.emulator, console.driver, quiet=0.05)
    typed = iter(["hello", "/quit"])
    printed: list[str] = []
    repl(fresh, read=lambda prompt: next(typed), write=printed.append)
    assert printed[1] == "  (m1)"
    assert printed[-1] == "bye"


def test_transcript_renders_block_kit_as_text(emulator: Emulator) -> None:
    transcript = Transcript(emulator.workspace)
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Key leak"}},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "*Who*"}, {"type": "mrkdwn", "text": "<@U0CUST001>"}],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "see <https://docs.example|the docs>"}]},
        {"type": "divider"},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Assign it"},
            "accessory": {
                "type": "button",
                "action_id": "ticket_assign",
                "text": {"type": "plain_text", "text": "Take"},
            },
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "placeholder": {"type": "plain_text", "text": "Status"},
                    "options": [{"text": {"type": "plain_text", "text": "open"}, "value": "open"}],
                }
            ],
        },
    ]
    assert transcript.blocks(blocks, channel=d.AGENTS, ts="1.0") == [
        "== Key leak ==",
        "Who  |  @alice",
        "see the docs (https://docs.example)",
        "----",
        "Assign it",
        "[1] Take",
        "[2] Status (open)",
    ]
    assert transcript.buttons[1].action_id == "ticket_assign"
    assert transcript.where("D0CUST001") == "DM alice"
    assert transcript.where(d.AGENTS) == "#support-agents"


def test_plain_rendering_of_mrkdwn() -> None:
    names = {"U0CUST001": "alice", "C0SUPPORT": "support"}.get
    text = "*Done* _now_: triage_next &lt;b&gt; <https://x.io|x> <https://y.io> <#C0SUPPORT> <!here> "
    text += "<@U0CUST001>"
    assert (
        plain(text, lambda i: names(i) or i)
        == "Done now: triage_next <b> x (https://x.io) https://y.io #support @here @alice"
    )
