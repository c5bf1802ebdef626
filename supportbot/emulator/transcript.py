"""What happened in the emulated workspace, as text a person can read in a terminal.

Messages get short numbers (``m1``, ``m2`` …) so a console user can point at them, and every
button or menu shown gets a number (``[1] That fixed it``) for ``/click 1``. Numbers are never
reused within one Transcript, so an old number always means the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from supportbot.emulator.markup import plain, rich_text_plain
from supportbot.emulator.model import Activity, Ephemeral, File, JSONDict, Message, View
from supportbot.emulator.workspace import Workspace

INDENT = "    "


@dataclass(frozen=True)
class ButtonRef:
    """Where numbered element ``number`` lives and what a click on it sends."""

    number: int
    label: str
    action_id: str
    block_id: str
    value: str | None
    channel: str | None = None
    ts: str | None = None
    view_id: str | None = None
    reader: str | None = None  # set for ephemerals and views: only this person sees it


class Transcript:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self._numbers: dict[tuple[str, str], int] = {}
        self._by_number: dict[int, tuple[str, str]] = {}
        self.buttons: dict[int, ButtonRef] = {}

    # ------------------------------------------------------------------ numbering

    def number(self, channel: str, ts: str) -> int:
        """The message number of ``(channel, ts)``, given on first sight."""
        key = (channel, ts)
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
            self._by_number[self._numbers[key]] = key
        return self._numbers[key]

    def message_at(self, number: int) -> tuple[str, str]:
        """``(channel, ts)`` of message ``m<number>``."""
        if number not in self._by_number:
            raise KeyError(f"there is no message m{number}")
        return self._by_number[number]

    def _ref(self, channel: str, ts: str) -> str:
        return f"m{self.number(channel, ts)}"

    # ------------------------------------------------------------------ names

    def who(self, user_id: str | None) -> str:
        return self.ws.display_name(user_id) if user_id else "someone"

    def where(self, channel_id: str | None) -> str:
        if channel_id is None:
            return "?"
        channel = self.ws.channels.get(channel_id)
        if channel is None:
            return channel_id
        if channel.kind == "im":
            others = [m for m in channel.members if m != self.ws.bot.id] or channel.members
            prefix = "DM" if self.ws.bot.id in channel.members else "DM between"
            return f"{prefix} {'+'.join(self.who(m) for m in sorted(channel.members) if m in others)}"
        if channel.kind == "mpim":
            return "group DM (" + ", ".join(self.who(m) for m in channel.members) + ")"
        return f"#{channel.name}"

    def _plain(self, text: str) -> str:
        return plain(text, self.ws.display_name)

    def _by(self, entry: Activity) -> str:
        """Who caused an entry, as a deletion or edit note reads it."""
        if entry.origin == "response_url":
            return "the app's response_url"
        if entry.origin == "ack":
            return "the app's acknowledgement"
        named = {"bot": "bot token", "admin": "admin token", "user": f"{self.who(entry.actor)}'s token"}
        return named.get(entry.token_kind or "", self.who(entry.actor))

    # ------------------------------------------------------------------ rendering

    def render(self, entries: Iterable[Activity], *, hide_origins: Iterable[str] = ()) -> str:
        hidden = set(hide_origins)
        lines: list[str] = []
        for entry in entries:
            if entry.origin in hidden:
                if entry.kind == "message" and entry.channel and entry.ts:
                    self.number(entry.channel, entry.ts)
                continue
            lines.extend(self.render_entry(entry))
        return "\n".join(lines)

    def render_since(self, mark: int = 0, *, hide_origins: Iterable[str] = ()) -> str:
        return self.render(self.ws.activity_since(mark), hide_origins=hide_origins)

    def render_entry(self, entry: Activity) -> list[str]:
        data = entry.data
        kind = entry.kind
        if kind == "message":
            return self._message(data["message"], entry)
        if kind == "message_changed":
            message: Message = data["message"]
            head = f"{self._ref(message.channel, message.ts)} edited by {self._by(entry)}:"
            return [
                head,
                *self._body(message.text, message.blocks, message.files, message.channel, message.ts),
            ]
        if kind == "message_deleted":
            gone: Message = data["message"]
            ref = self._ref(gone.channel, gone.ts)
            return [f"(message {ref} by {self.who(gone.user)} deleted by {self._by(entry)})"]
        if kind in ("ephemeral", "ephemeral_changed"):
            note: Ephemeral = data["ephemeral"]
            change = ", replaced" if kind == "ephemeral_changed" else ""
            thread = self._thread_note(note.channel, note.thread_ts)
            reader, place = self.who(note.user), self.where(note.channel)
            head = f"[only {reader} sees{change}] {self.who(note.posted_by)} in {place}{thread}:"
            return [head, *self._body(note.text, note.blocks, [], note.channel, note.ts, reader=note.user)]
        if kind == "ephemeral_deleted":
            note = data["ephemeral"]
            return [f"(the message only {self.who(note.user)} saw was removed)"]
        if kind in ("view_opened", "view_pushed", "view_updated"):
            verb = {"view_opened": "opened", "view_pushed": "pushed", "view_updated": "updated"}[kind]
            return self._view(data["view"], f"modal {verb} for {self.who(entry.actor)}")
        if kind == "view_closed":
            view: View = data["view"]
            return [f"(modal {_title(view)!r} closed for {self.who(view.user_id)})"]
        if kind == "view_errors":
            errors = (data.get("errors") or {}).get("errors") or {}
            shown = "; ".join(f"{k}: {v}" for k, v in errors.items()) or json.dumps(errors)
            return [f"[modal {_title(data['view'])!r} refused the submission] {shown}"]
        if kind == "home_published":
            return self._view(data["view"], f"App Home of {self.who(entry.actor)}")
        if kind == "reaction_added":
            target = self._ref(entry.channel or "", entry.ts or "")
            return [f"{self.who(entry.actor)} reacted :{data['name']}: to {target}"]
        if kind == "file_deleted":
            shared: File = data["file"]
            return [f"(file {shared.name} by {self.who(shared.user)} deleted by {self._by(entry)})"]
        return [f"({kind})"]

    def _thread_note(self, channel: str, thread_ts: str | None) -> str:
        return f" (thread {self._ref(channel, thread_ts)})" if thread_ts else ""

    def _message(self, message: Message, entry: Activity) -> list[str]:
        number = self._ref(message.channel, message.ts)
        author = self.who(message.user)
        if entry.origin == "api" and entry.token_kind in ("admin", "user"):
            author += f" (via {self._by(entry)})"
        thread = self._thread_note(message.channel, message.thread_ts) if message.is_reply else ""
        head = f"{number} {author} in {self.where(message.channel)}{thread}:"
        return [head, *self._body(message.text, message.blocks, message.files, message.channel, message.ts)]

    def _body(
        self,
        text: str,
        blocks: list[JSONDict] | None,
        files: list[str],
        channel: str,
        ts: str,
        *,
        reader: str | None = None,
    ) -> list[str]:
        lines: list[str] = []
        layout = [b for b in blocks or [] if b.get("type") != "rich_text"]
        if layout:
            lines = self.blocks(layout, channel=channel, ts=ts, reader=reader)
        elif text:
            lines = self._plain(text).splitlines()
        for file_id in files:
            shared = self.ws.files.get(file_id)
            if shared is not None:
                lines.append(f"[file {shared.name}, {shared.mode}, {len(shared.content)} bytes]")
        return [INDENT + line for line in lines] or [INDENT + "(empty)"]

    def _view(self, view: View, what: str) -> list[str]:
        title = f" {_title(view)!r}" if view.type == "modal" else ""
        callback = f" ({view.callback_id})" if view.callback_id else ""
        lines = [f"[{what}]{title}{callback}"]
        lines += [INDENT + line for line in self.blocks(view.blocks, view_id=view.id, reader=view.user_id)]
        inputs = [str(b.get("block_id")) for b in view.blocks if b.get("type") == "input"]
        if view.type == "modal" and inputs:
            lines.append(INDENT + "submit with: /submit " + " ".join(f"{name}=…" for name in inputs))
        return lines

    # ------------------------------------------------------------------ blocks

    def blocks(
        self,
        blocks: list[JSONDict],
        *,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
        reader: str | None = None,
    ) -> list[str]:
        """Block Kit as text lines; interactive elements are numbered and remembered."""
        lines: list[str] = []

        def numbered(element: JSONDict, block_id: str) -> str:
            label = _text_of(element.get("text")) or _text_of(element.get("placeholder")) or element.get("type", "")
            ref = ButtonRef(
                number=len(self.buttons) + 1,
                label=str(label),
                action_id=str(element.get("action_id", "")),
                block_id=block_id,
                value=element.get("value"),
                channel=channel,
                ts=ts,
                view_id=view_id,
                reader=reader,
            )
            self.buttons[ref.number] = ref
            shown = f"[{ref.number}] {self._plain(str(label))}"
            options = [_text_of(o.get("text")) for o in element.get("options") or [] if isinstance(o, dict)]
            if options:
                shown += " (" + " / ".join(options) + ")"
            if element.get("url"):
                shown += f" -> {element['url']}"
            return shown

        for block in blocks:
            kind = block.get("type")
            block_id = str(block.get("block_id", ""))
            if kind == "section":
                if block.get("text"):
                    lines += self._plain(_text_of(block["text"])).splitlines()
                fields = [self._plain(_text_of(f)) for f in block.get("fields") or []]
                for i in range(0, len(fields), 2):
                    lines.append("  |  ".join(fields[i : i + 2]))
                if isinstance(block.get("accessory"), dict) and block["accessory"].get("type") != "image":
                    lines.append(numbered(block["accessory"], block_id))
            elif kind == "header":
                lines.append(f"== {self._plain(_text_of(block.get('text')))} ==")
            elif kind == "divider":
                lines.append("----")
            elif kind == "context":
                parts = [
                    self._plain(_text_of(e)) if e.get("type") != "image" else f"[{e.get('alt_text', 'image')}]"
                    for e in block.get("elements") or []
                    if isinstance(e, dict)
                ]
                lines.append(" · ".join(parts))
            elif kind == "actions":
                shown = [numbered(e, block_id) for e in block.get("elements") or [] if isinstance(e, dict)]
                lines.append("  ".join(shown))
            elif kind == "input":
                lines.append(self._input(block))
            elif kind == "rich_text":
                lines += rich_text_plain(block).splitlines()
            elif kind == "image":
                lines.append(f"[image: {block.get('alt_text', '')}]")
            elif kind == "markdown":
                lines += str(block.get("text", "")).splitlines()
            else:
                lines.append(f"[{kind} block]")
        return lines

    def _input(self, block: JSONDict) -> str:
        element: JSONDict = block.get("element") or {}
        label = _text_of(block.get("label"))
        kind = element.get("type", "plain_text_input")
        options = [_text_of(o.get("text")) for o in element.get("options") or [] if isinstance(o, dict)]
        if options:
            shape = "choose: " + " / ".join(options)
        elif kind == "plain_text_input":
            shape = "text" + (", several lines" if element.get("multiline") else "")
        else:
            shape = str(kind)
        initial = element.get("initial_value")
        suffix = f" [now: {initial}]" if initial else ""
        optional = ", optional" if block.get("optional") else ""
        return f"{label} ({block.get('block_id')}: {shape}{optional}){suffix}"


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _title(view: View) -> str:
    return _text_of(view.spec.get("title"))
