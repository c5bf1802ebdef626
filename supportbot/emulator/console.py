"""The console's core: line commands that act as people in the emulated Slack.

``Console.handle(line)`` runs one line and returns what to print: whatever the app did in
reaction, rendered by ``Transcript``. ``run_script`` runs a file of such lines. Wiring the real
app (its dispatch callable and settings) is the caller's job; this module only needs a driver.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Final

from supportbot.emulator import defaults as d
from supportbot.emulator.driver import Delivery, SlackDriver
from supportbot.emulator.errors import DriverError, WorkspaceError
from supportbot.emulator.model import Channel, User
from supportbot.emulator.server import Emulator
from supportbot.emulator.transcript import Transcript

HELP: Final = """\
Type a line to post it as the current person in the current channel (or thread).
  /as <name|role>         act as someone: alice, li.wei, sam, wang, lee, admin, ext.bob
                          (or a role: customer, agent, lead, admin, external)
  /in #channel            move to a channel;  /dm  the current person's DM with the bot
  /thread <mN|off>        reply in the thread of message mN; off to leave it
  /click N                click button or menu [N]
  /submit field=value …   submit the open modal (quote values with spaces)
  /close                  close the open modal without submitting
  /edit <text>            edit your last message here
  /file name.ext [text]   share a snippet: the lines that follow, up to a line with a single "."
  /react :name: [mN]      react to message mN (default: the latest message here)
  /mention <text>         write to the bot by name (@supportbot)
  /shortcut <id> [mN]     a message shortcut on mN, or a global shortcut
  /home                   open the bot's App Home
  /<command> text         any other slash command, e.g. /support list
  //text                  post text starting with "/"
  /who  /channels  /help  /quit"""

_ERRORS = (DriverError, WorkspaceError, KeyError, ValueError)


class Console:
    def __init__(
        self,
        emulator: Emulator,
        driver: SlackDriver,
        *,
        person: str = d.ALICE,
        channel: str = d.SUPPORT,
        quiet: float = 0.2,
        max_wait: float = 3.0,
    ) -> None:
        self.emulator = emulator
        self.ws = emulator.workspace
        self.driver = driver
        self.transcript = Transcript(self.ws)
        self.person: User = self.ws.find_user(person)
        self.channel: Channel = self.ws.find_channel(channel)
        self.thread_ts: str | None = None
        self.quiet = quiet
        self.max_wait = max_wait
        self.running = True
        self.last_sent: int | None = None
        self._own: dict[tuple[str, str], str] = {}

    # ------------------------------------------------------------------ prompt and dispatch

    def prompt(self) -> str:
        thread = ""
        if self.thread_ts is not None:
            thread = f" (thread m{self.transcript.number(self.channel.id, self.thread_ts)})"
        return f"{self.person.name} in {self.transcript.where(self.channel.id)}{thread}> "

    def handle(self, line: str, more: Callable[[], str | None] | None = None) -> str:
        """Run one console line; ``more`` supplies follow-up lines (a /file body)."""
        self.last_sent = None
        text = line.rstrip("\r\n")
        if not text.strip():
            return ""
        mark = self.ws.mark()
        notes: list[str] | str | None
        try:
            if text.startswith("//"):
                notes = self._post(text[1:])
            elif text.startswith("/"):
                notes = self._command(text, more)
            else:
                notes = self._post(text)
        except _ERRORS as err:
            message = err.args[0] if isinstance(err, KeyError) and err.args else err
            return f"! {message}"
        if notes is None:
            return ""
        if isinstance(notes, str):
            return notes
        self.emulator.wait_for_quiet(quiet=self.quiet, timeout=self.max_wait)
        shown = [n for n in notes if n]
        rendered = self.transcript.render_since(mark, hide_origins=("driver",))
        if rendered:
            shown.append(rendered)
        return "\n".join(shown)

    # ------------------------------------------------------------------ actions

    def _post(self, text: str) -> list[str]:
        delivery = self.driver.post(self.person, self.channel, text, self.thread_ts)
        return self._sent(delivery)

    def _sent(self, delivery: Delivery) -> list[str]:
        if delivery.ts is not None and delivery.channel is not None:
            self.last_sent = self.transcript.number(delivery.channel, delivery.ts)
            self._own[(self.person.id, delivery.channel)] = delivery.ts
        return [_delivery_note(delivery, self.transcript.where(self.channel.id))]

    def _command(self, text: str, more: Callable[[], str | None] | None) -> list[str] | str | None:
        name, _, rest = text[1:].partition(" ")
        rest = rest.strip()
        simple: dict[str, Callable[[str], str | None]] = {
            "as": self._as,
            "in": self._in,
            "dm": lambda _: self._move(self.ws.bot_dm(self.person.id)),
            "thread": self._thread,
            "who": lambda _: self._who(),
            "channels": lambda _: self._channels(),
            "help": lambda _: HELP,
            "close": self._close,
            "quit": self._quit,
            "exit": self._quit,
        }
        if name in simple:
            return simple[name](rest)
        acting: dict[str, Callable[[str], list[str]]] = {
            "click": self._click,
            "submit": self._submit,
            "edit": self._edit,
            "react": self._react,
            "mention": lambda r: self._sent(self.driver.mention(self.person, self.channel, r, self.thread_ts)),
            "shortcut": self._shortcut,
            "home": lambda _: [_delivery_note(self.driver.open_home(self.person), "App Home")],
        }
        if name in acting:
            return acting[name](rest)
        if name == "file":
            return self._file(rest, more)
        delivery = self.driver.slash(self.person, self.channel, "/" + name, rest)
        return [_delivery_note(delivery, self.transcript.where(self.channel.id))]

    def _as(self, who: str) -> str:
        if not who:
            raise ValueError("say who: /as <name>")
        self.person = self.ws.find_user(who)
        self.thread_ts = None
        role = f", {self.person.role}" if self.person.role else ""
        note = f"now acting as {self.person.name} ({self.person.real_name}{role})"
        if self.person.id not in self.channel.members:
            note += f"; not a member of {self.transcript.where(self.channel.id)}, use /in or /dm"
        return note

    def _in(self, where: str) -> str:
        if not where:
            raise ValueError("say where: /in #channel")
        return self._move(self.ws.find_channel(where))

    def _move(self, channel: Channel) -> str:
        self.channel = channel
        self.thread_ts = None
        return f"now in {self.transcript.where(channel.id)}"

    def _thread(self, which: str) -> str:
        if which in ("", "off"):
            self.thread_ts = None
            return "left the thread"
        channel_id, ts = self.transcript.message_at(_number(which))
        message = self.ws.message_any(channel_id, ts)
        if message is None:
            raise KeyError(f"there is no message {which}")
        self.channel = self.ws.channels[channel_id]
        self.thread_ts = message.thread_ts if message.is_reply else message.ts
        return f"now in the thread of m{self.transcript.number(channel_id, self.thread_ts or ts)}"

    def _click(self, which: str) -> list[str]:
        ref = self.transcript.buttons.get(_number(which))
        if ref is None:
            raise KeyError(f"there is no button [{which}]")
        if ref.reader is not None and ref.reader != self.person.id:
            raise DriverError(f"[{ref.number}] is only visible to {self.transcript.who(ref.reader)}")
        if ref.view_id is not None:
            delivery = self.driver.click(
                self.person,
                ref.action_id,
                view_id=ref.view_id,
                value=ref.value,
                block_id=ref.block_id or None,
            )
        else:
            delivery = self.driver.click(
                self.person,
                ref.action_id,
                message=(ref.channel or "", ref.ts or ""),
                value=ref.value,
                block_id=ref.block_id or None,
            )
        return [_delivery_note(delivery, f"[{ref.number}] {ref.label}")]

    def _submit(self, fields: str) -> list[str]:
        view = self.ws.top_modal(self.person.id)
        if view is None:
            raise DriverError(f"{self.person.name} has no modal open")
        values: dict[str, str] = {}
        for pair in shlex.split(fields):
            key, sep, value = pair.partition("=")
            if not sep:
                raise ValueError(f"write fields as name=value, not {pair!r}")
            values[key] = value
        delivery = self.driver.submit(self.person, view.id, values)
        notes = [_delivery_note(delivery, "submission")]
        if delivery.error:
            notes.append(f"! the modal stays open: {delivery.error}")
        return notes

    def _close(self, _: str) -> str:
        view = self.ws.top_modal(self.person.id)
        if view is None:
            return f"{self.person.name} has no modal open"
        self.ws.close_modal(self.person.id, origin="driver")
        return f"closed the modal {view.spec.get('title', {}).get('text', '')!r}"

    def _edit(self, text: str) -> list[str]:
        ts = self._own.get((self.person.id, self.channel.id))
        if ts is None:
            raise DriverError(f"{self.person.name} has not written in {self.transcript.where(self.channel.id)} yet")
        delivery = self.driver.edit(self.person, self.channel, ts, text)
        return [_delivery_note(delivery, f"edit of m{self.transcript.number(self.channel.id, ts)}")]

    def _react(self, rest: str) -> list[str]:
        parts = rest.split()
        if not parts:
            raise ValueError("say which emoji: /react :eyes: [mN]")
        channel_id, ts = self._target(parts[1] if len(parts) > 1 else None)
        delivery = self.driver.react(self.person, channel_id, ts, parts[0])
        return [_delivery_note(delivery, f"reaction on m{self.transcript.number(channel_id, ts)}")]

    def _target(self, which: str | None) -> tuple[str, str]:
        if which is not None:
            return self.transcript.message_at(_number(which))
        if self.thread_ts is not None:
            here = self.ws.thread(self.channel.id, self.thread_ts)
        else:
            here = list(reversed(self.ws.history(self.channel.id)))  # oldest first, like a thread
        if not here:
            raise DriverError(f"there is no message in {self.transcript.where(self.channel.id)} yet")
        return here[-1].channel, here[-1].ts

    def _shortcut(self, rest: str) -> list[str]:
        parts = [p for p in rest.split() if p != "message"]
        if not parts:
            raise ValueError("say which shortcut: /shortcut <callback_id> [mN]")
        if len(parts) > 1:
            channel_id, ts = self.transcript.message_at(_number(parts[1]))
            delivery = self.driver.shortcut(self.person, parts[0], channel_id, ts)
        else:
            delivery = self.driver.shortcut(self.person, parts[0])
        return [_delivery_note(delivery, f"shortcut {parts[0]}")]

    def _file(self, rest: str, more: Callable[[], str | None] | None) -> list[str]:
        name, _, comment = rest.partition(" ")
        if not name:
            raise ValueError("say the file name: /file name.env [comment]")
        body: list[str] = []
        while more is not None:
            line = more()
            if line is None or line.rstrip("\r\n") == ".":
                break
            body.append(line.rstrip("\r\n"))
        content = "\n".join(body) + ("\n" if body else "")
        delivery = self.driver.share_file(
            self.person, self.channel, name, content, text=comment.strip(), thread_ts=self.thread_ts
        )
        return self._sent(delivery)

    def _who(self) -> str:
        lines = []
        for user in self.ws.users.values():
            mark = "*" if user.id == self.person.id else " "
            team = "" if user.team_id == self.ws.home.id else f", org {user.team_id}"
            role = f" {user.role}," if user.role else ""
            lines.append(f"{mark} {user.name:<10} {user.real_name:<16}{role} {user.locale}{team}  {user.id}")
        return "\n".join(lines)

    def _channels(self) -> str:
        lines = []
        for channel in self.ws.channels.values():
            if channel.is_direct or not self.ws.can_see(self.person.id, channel.id):
                continue
            mark = "*" if channel.id == self.channel.id else " "
            flags: list[str] = [channel.kind]
            if channel.is_ext_shared:
                flags.append("Slack Connect")
            if self.ws.bot.id not in channel.members:
                flags.append("bot not in it")
            flags.append(f"{len(channel.members)} members")
            lines.append(f"{mark} #{channel.name:<16} {channel.id}  ({', '.join(flags)})")
        return "\n".join(lines)

    def _quit(self, _: str) -> str:
        self.running = False
        return "bye"


def _number(text: str) -> int:
    digits = text.strip().lstrip("m[").rstrip("]")
    if not digits.isdigit():
        raise ValueError(f"expected a number, got {text!r}")
    return int(digits)


def _delivery_note(delivery: Delivery, what: str) -> str:
    """Nothing when the app took it calmly; a note when Slack would not tell it or it failed."""
    if not delivery.delivered:
        return f"(the bot is not in {what}, so Slack does not tell it)"
    if delivery.status == 0:
        return f"! the app could not be reached: {delivery.error}"
    if delivery.status >= 400:
        return f"! the app answered HTTP {delivery.status}"
    return ""


def run_script(console: Console, lines: Iterable[str]) -> str:
    """Run console lines (``#`` starts a comment); the transcript echoes each line after its prompt."""
    out: list[str] = []
    source: Iterator[str] = iter(lines)
    consumed: list[str] = []

    def more() -> str | None:
        line = next(source, None)
        if line is not None:
            consumed.append(line.rstrip("\r\n"))
        return line

    for raw in source:
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        prompt = console.prompt()
        consumed.clear()
        result = console.handle(line, more)
        number = f"   (m{console.last_sent})" if console.last_sent is not None else ""
        out.append(f"{prompt}{line}{number}")
        out.extend(f"... {extra}" for extra in consumed)
        if result:
            out.append(result)
        if not console.running:
            break
    return "\n".join(out) + "\n"


def run_script_file(console: Console, path: str | Path) -> str:
    text = Path(path).read_text(encoding="utf-8")
    return run_script(console, text.splitlines())


def repl(console: Console, read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> None:
    """An interactive loop until /quit or end of input."""

    def more() -> str | None:
        try:
            return read("... ")
        except EOFError:
            return None

    write("Local Slack: type /help for commands.")
    while console.running:
        try:
            line = read(console.prompt())
        except EOFError:
            break
        result = console.handle(line, more)
        if console.last_sent is not None:
            write(f"  (m{console.last_sent})")
        if result:
            write(result)
