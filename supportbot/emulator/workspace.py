"""The emulated workspace: who is there, which conversations exist, and everything said in them.

One re-entrant lock guards all state; every public method takes it, so the HTTP server's threads,
the driver and tests can use a Workspace concurrently. Permission rules (who may delete what)
live in the Web API layer: a simulated person acting through the driver is not a token.
"""

from __future__ import annotations

import secrets
import string
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from supportbot.emulator import defaults as d
from supportbot.emulator.errors import WorkspaceError
from supportbot.emulator.model import (
    Activity,
    Actor,
    Channel,
    ChannelKind,
    Ephemeral,
    File,
    JSONDict,
    Message,
    Team,
    User,
    UserGroup,
    View,
    snapshot,
)

_ID_ALPHABET = string.ascii_uppercase + string.digits


def random_id(prefix: str, length: int = 10) -> str:
    """A Slack-shaped id (``F``, ``V``, ``Ev`` …) that is unique across emulator instances."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _name(user: User) -> str:
    return user.name


def _real_name(user: User) -> str:
    return user.real_name


def _role(user: User) -> str:
    return user.role


class Workspace:
    def __init__(
        self,
        home: Team | None = None,
        *,
        app_id: str = d.APP_ID,
        bot_user_id: str = d.BOT_USER,
        bot_id: str = d.BOT_ID,
        bot_name: str = d.BOT_NAME,
        bot_token: str = d.BOT_TOKEN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self.clock = clock
        self.home = home or Team(d.HOME_TEAM, "Supportbot Dev", "supportbot-dev")
        self.app_id = app_id
        self.bot_token = bot_token
        # Where the files and links of this workspace are served; the Emulator sets it on start.
        self.base_url = "http://127.0.0.1"
        self.teams: dict[str, Team] = {self.home.id: self.home}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.usergroups: dict[str, UserGroup] = {}
        self.files: dict[str, File] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self._messages: dict[str, list[Message]] = {}
        # Indexes over _messages, kept because history pages look up threads for every message.
        self._by_ts: dict[tuple[str, str], Message] = {}
        self._replies: dict[tuple[str, str], list[Message]] = {}
        self._modal_stacks: dict[str, list[str]] = {}
        self._homes: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        # Scopes a token was granted (Slack reports them in the x-oauth-scopes header); revoked tokens.
        self._scopes: dict[str, tuple[str, ...]] = {}
        self._revoked: set[str] = set()
        self._activity: list[Activity] = []
        self._last_ts_us = 0
        self.bot = User(bot_user_id, bot_name, bot_name, self.home.id, is_bot=True, bot_id=bot_id, role="bot")
        self.users[self.bot.id] = self.bot
        self._tokens[bot_token] = self.bot.id
        self.admin_token: str | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def default(cls, *, clock: Callable[[], float] = time.time) -> Workspace:
        """The shared workspace every test, the console and the benchmarks start from."""
        ws = cls(clock=clock)
        ws.add_team(Team(d.EXTERNAL_TEAM, "Acme Corp", "acme-corp"))
        people = [
            User(d.ALICE, "alice", "Alice Martin", d.HOME_TEAM, role="customer"),
            User(d.LI_WEI, "li.wei", "Li Wei", d.HOME_TEAM, locale="zh-CN", tz="Asia/Shanghai", role="customer"),
            User(d.SAM, "sam", "Sam Rivera", d.HOME_TEAM, role="agent"),
            User(d.WANG, "wang", "Wang Fang", d.HOME_TEAM, locale="zh-CN", tz="Asia/Shanghai", role="agent"),
            User(d.LEE, "lee", "Lee Morgan", d.HOME_TEAM, role="lead"),
            User(d.ADMIN, "admin", "Workspace Admin", d.HOME_TEAM, is_admin=True, is_owner=True, role="admin"),
            User(d.EXT_BOB, "ext.bob", "Bob Acme", d.EXTERNAL_TEAM, tz="Europe/Berlin", role="external"),
        ]
        for person in people:
            ws.add_user(person)
        bot = ws.bot.id
        home_people = [p.id for p in people if p.team_id == d.HOME_TEAM]
        ws.add_channel(d.SUPPORT, "support", [d.ALICE, d.LI_WEI, d.SAM, d.WANG, d.LEE, d.ADMIN, bot])
        ws.add_channel(d.GENERAL, "general", [*home_people, bot])
        ws.add_channel(d.AGENTS, "support-agents", [d.SAM, d.WANG, d.LEE, d.ADMIN, bot], kind="private")
        ws.add_channel(d.LEADS, "leads", [d.LEE, d.ADMIN, bot])
        ws.add_channel(d.EXT_ACME, "ext-acme", [d.EXT_BOB, d.ALICE, d.SAM, bot], ext_shared=True)
        ws.add_usergroup(UserGroup(d.AGENTS_GROUP, "support-agents", "Support agents", d.HOME_TEAM, [d.SAM, d.WANG]))
        ws.add_usergroup(UserGroup(d.LEADS_GROUP, "support-leads", "Support leads", d.HOME_TEAM, [d.LEE]))
        ws.admin_token = d.ADMIN_TOKEN
        ws.register_token(d.ADMIN_TOKEN, d.ADMIN)
        for person in people:
            ws.bot_dm(person.id)
        return ws

    def add_team(self, team: Team) -> Team:
        with self.lock:
            self.teams[team.id] = team
            return team

    def add_user(self, user: User) -> User:
        """Add a person (and their user token ``xoxp-emulator-user-<name>``)."""
        with self.lock:
            if user.team_id not in self.teams:
                raise WorkspaceError(f"unknown team {user.team_id}")
            self.users[user.id] = user
            if not user.is_bot:
                self._tokens[d.user_token_for(user.name)] = user.id
            return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        *,
        kind: ChannelKind = "public",
        ext_shared: bool = False,
        im_user: str | None = None,
    ) -> Channel:
        with self.lock:
            member_ids = list(dict.fromkeys(members))
            for member in member_ids:
                self.require_user(member)
            channel = Channel(
                channel_id,
                name,
                kind,
                member_ids,
                is_ext_shared=ext_shared,
                created=int(self.clock()),
                creator=member_ids[0] if member_ids else "",
                im_user=im_user,
            )
            self.channels[channel_id] = channel
            self._messages.setdefault(channel_id, [])
            return channel

    def add_member(self, channel_id: str, user_id: str) -> None:
        with self.lock:
            channel = self.require_channel(channel_id)
            self.require_user(user_id)
            if user_id not in channel.members:
                channel.members.append(user_id)

    def remove_member(self, channel_id: str, user_id: str) -> None:
        with self.lock:
            channel = self.require_channel(channel_id)
            if user_id in channel.members:
                channel.members.remove(user_id)

    def add_usergroup(self, group: UserGroup) -> UserGroup:
        with self.lock:
            self.usergroups[group.id] = group
            return group

    def register_token(self, token: str, user_id: str) -> None:
        with self.lock:
            self.require_user(user_id)
            self._tokens[token] = user_id

    def forget_token(self, token: str) -> str:
        """Make ``token`` unknown (Slack then answers ``invalid_auth``); returns whose it was, to restore it."""
        with self.lock:
            return self._tokens.pop(token)

    def set_scopes(self, token: str, scopes: Iterable[str]) -> None:
        """What the app was granted for ``token`` (the default: everything the manifest asks for)."""
        with self.lock:
            self._scopes[token] = tuple(scopes)

    def scopes_for(self, token: str) -> tuple[str, ...]:
        with self.lock:
            if token in self._scopes:
                return self._scopes[token]
            user_id = self._tokens.get(token)
            if user_id is None:
                return ()
            return d.GRANTED_BOT_SCOPES if user_id == self.bot.id else d.GRANTED_USER_SCOPES

    def revoke_token(self, token: str) -> None:
        """From now on Slack answers ``token_revoked`` for this token (an uninstall, a rotated token)."""
        with self.lock:
            self._revoked.add(token)

    def is_revoked(self, token: str | None) -> bool:
        with self.lock:
            return token is not None and token in self._revoked

    # ------------------------------------------------------------------ lookups

    def require_user(self, user_id: str) -> User:
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                raise WorkspaceError(f"unknown user {user_id}")
            return user

    def require_channel(self, channel_id: str) -> Channel:
        with self.lock:
            channel = self.channels.get(channel_id)
            if channel is None:
                raise WorkspaceError(f"unknown channel {channel_id}")
            return channel

    def find_user(self, ref: str) -> User:
        """A person by id, name, ``@name``, real name or console role word (``agent``)."""
        key = ref.strip().lstrip("@")
        with self.lock:
            if key in self.users:
                return self.users[key]
            lowered = key.lower()
            for field_of in (_name, _real_name, _role):
                for user in self.users.values():
                    if field_of(user).lower() == lowered:
                        return user
        raise WorkspaceError(f"nobody called {ref!r}")

    def find_channel(self, ref: str) -> Channel:
        """A conversation by id, ``#name`` or name."""
        key = ref.strip().lstrip("#")
        with self.lock:
            if key in self.channels:
                return self.channels[key]
            for channel in self.channels.values():
                if channel.name == key and not channel.is_direct:
                    return channel
        raise WorkspaceError(f"no channel {ref!r}")

    def actor_for(self, token: str | None) -> Actor:
        if not token:
            return Actor("none", None)
        with self.lock:
            user_id = self._tokens.get(token)
            if user_id is None:
                return Actor("unknown", None)
            if user_id == self.bot.id:
                return Actor("bot", user_id)
            user = self.users[user_id]
            return Actor("admin" if user.is_privileged else "user", user_id)

    def token_for(self, user_id: str) -> str:
        """The user token of ``user_id`` (the bot token for the bot)."""
        with self.lock:
            user = self.require_user(user_id)
            if user.id == self.bot.id:
                return self.bot_token
            return d.user_token_for(user.name)

    def display_name(self, ident: str) -> str:
        """A readable name for a user, channel or group id (the id itself when unknown)."""
        with self.lock:
            if ident in self.users:
                return self.users[ident].name
            if ident in self.channels:
                return self.channels[ident].name
            if ident in self.usergroups:
                return self.usergroups[ident].handle
            return ident

    def is_member(self, user_id: str, channel_id: str) -> bool:
        with self.lock:
            channel = self.channels.get(channel_id)
            return channel is not None and user_id in channel.members

    def can_see(self, user_id: str, channel_id: str) -> bool:
        """Whether ``user_id`` can read ``channel_id`` at all (public channels of their own org)."""
        with self.lock:
            channel = self.channels.get(channel_id)
            if channel is None:
                return False
            if user_id in channel.members:
                return True
            user = self.users.get(user_id)
            return channel.kind == "public" and user is not None and user.team_id == self.home.id

    def bot_dm(self, user_id: str) -> Channel:
        """The bot's ``im`` with ``user_id``, created on first use."""
        with self.lock:
            self.require_user(user_id)
            channel_id = d.dm_id_for(user_id)
            channel = self.channels.get(channel_id)
            if channel is None:
                channel = self.add_channel(channel_id, user_id, [user_id, self.bot.id], kind="im", im_user=user_id)
            return channel

    def direct_channel(self, user_ids: Iterable[str]) -> Channel:
        """The ``im`` or ``mpim`` holding exactly ``user_ids`` (created on first use)."""
        wanted = list(dict.fromkeys(user_ids))
        with self.lock:
            for user_id in wanted:
                self.require_user(user_id)
            if len(wanted) == 2 and self.bot.id in wanted:
                other = next(u for u in wanted if u != self.bot.id)
                return self.bot_dm(other)
            for channel in self.channels.values():
                if channel.is_direct and set(channel.members) == set(wanted):
                    return channel
            if len(wanted) == 2:
                return self.add_channel(random_id("D"), wanted[1], wanted, kind="im", im_user=wanted[1])
            name = "mpdm-" + "--".join(self.users[u].name for u in wanted) + "-1"
            return self.add_channel(random_id("G"), name, wanted, kind="mpim")

    # ------------------------------------------------------------------ time and ids

    def new_ts(self) -> str:
        """A message timestamp: the clock, bumped so every ts is unique and increasing."""
        with self.lock:
            now_us = int(self.clock() * 1_000_000)
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            seconds, micros = divmod(self._last_ts_us, 1_000_000)
            return f"{seconds}.{micros:06d}"

    # ------------------------------------------------------------------ messages

    def add_message(
        self,
        channel_id: str,
        text: str,
        *,
        user: str,
        origin: str,
        token_kind: str | None = None,
        blocks: list[JSONDict] | None = None,
        attachments: list[JSONDict] | None = None,
        files: list[str] | None = None,
        thread_ts: str | None = None,
        subtype: str | None = None,
        client_msg_id: str | None = None,
        metadata: JSONDict | None = None,
    ) -> Message:
        with self.lock:
            channel = self.require_channel(channel_id)
            author = self.require_user(user)
            if thread_ts is not None:
                parent = self._find(channel.id, thread_ts, include_deleted=True)
                if parent is not None and parent.is_reply and parent.thread_ts is not None:
                    thread_ts = parent.thread_ts  # Slack threads a reply-to-a-reply under the parent.
            message = Message(
                channel=channel.id,
                ts=self.new_ts(),
                text=text,
                user=author.id,
                team=author.team_id,
                bot_id=author.bot_id,
                app_id=self.app_id if author.is_bot else None,
                blocks=blocks,
                attachments=attachments,
                files=list(files or []),
                thread_ts=thread_ts,
                subtype=subtype,
                client_msg_id=client_msg_id,
                metadata=metadata,
            )
            self._messages[channel.id].append(message)
            self._by_ts[(channel.id, message.ts)] = message
            if message.is_reply and message.thread_ts is not None:
                self._replies.setdefault((channel.id, message.thread_ts), []).append(message)
            for file_id in message.files:
                shared = self.files.get(file_id)
                if shared is not None and channel.id not in shared.channels:
                    shared.channels.append(channel.id)
            self.record(
                "message",
                origin,
                channel=channel.id,
                ts=message.ts,
                actor=author.id,
                token_kind=token_kind,
                data={"message": message},
            )
            return message

    def _find(self, channel_id: str, ts: str, *, include_deleted: bool = False) -> Message | None:
        message = self._by_ts.get((channel_id, ts))
        if message is None or (message.deleted and not include_deleted):
            return None
        return message

    def message(self, channel_id: str, ts: str) -> Message | None:
        """The live (not deleted) message ``ts`` of ``channel_id``, or None."""
        with self.lock:
            return self._find(channel_id, ts)

    def message_any(self, channel_id: str, ts: str) -> Message | None:
        """Message ``ts`` of ``channel_id`` even if it was deleted."""
        with self.lock:
            return self._find(channel_id, ts, include_deleted=True)

    def history(self, channel_id: str) -> list[Message]:
        """Live top-level messages (and broadcast replies), newest first, as conversations.history."""
        with self.lock:
            visible = [
                m
                for m in self._messages.get(channel_id, [])
                if not m.deleted and (not m.is_reply or m.subtype == "thread_broadcast")
            ]
            return list(reversed(visible))

    def all_messages(self, channel_id: str | None = None, *, include_deleted: bool = False) -> list[Message]:
        """Every message (threads included), oldest first; of one channel or of all."""
        with self.lock:
            ids = [channel_id] if channel_id else list(self._messages)
            found = [m for cid in ids for m in self._messages.get(cid, []) if include_deleted or not m.deleted]
            return sorted(found, key=lambda m: m.ts)

    def thread(self, channel_id: str, thread_ts: str) -> list[Message]:
        """The live parent and replies of a thread, oldest first."""
        with self.lock:
            parent = self._by_ts.get((channel_id, thread_ts))
            head = [parent] if parent is not None and not parent.deleted else []
            return head + [m for m in self._replies.get((channel_id, thread_ts), []) if not m.deleted]

    def replies_of(self, message: Message) -> list[Message]:
        with self.lock:
            return [m for m in self._replies.get((message.channel, message.ts), []) if not m.deleted]

    def edit_message(
        self,
        channel_id: str,
        ts: str,
        *,
        editor: str,
        origin: str,
        token_kind: str | None = None,
        text: str | None = None,
        blocks: list[JSONDict] | None = None,
        attachments: list[JSONDict] | None = None,
    ) -> tuple[Message, Message]:
        """Change a message; returns (before, after) snapshots."""
        with self.lock:
            message = self._find(channel_id, ts)
            if message is None:
                raise WorkspaceError(f"no message {ts} in {channel_id}")
            before = snapshot(message)
            if text is not None:
                message.text = text
            if blocks is not None:
                message.blocks = blocks
            if attachments is not None:
                message.attachments = attachments
            message.edited = {"user": editor, "ts": self.new_ts()}
            after = snapshot(message)
            self.record(
                "message_changed",
                origin,
                channel=channel_id,
                ts=ts,
                actor=editor,
                token_kind=token_kind,
                data={"previous": before, "message": after},
            )
            return before, after

    def delete_message(
        self, channel_id: str, ts: str, *, by: str | None, origin: str, token_kind: str | None = None
    ) -> Message:
        with self.lock:
            message = self._find(channel_id, ts)
            if message is None:
                raise WorkspaceError(f"no message {ts} in {channel_id}")
            message.deleted = True
            self.record(
                "message_deleted",
                origin,
                channel=channel_id,
                ts=ts,
                actor=by,
                token_kind=token_kind,
                data={"message": message},
            )
            return snapshot(message)

    def add_reaction(self, channel_id: str, ts: str, name: str, *, user: str, origin: str) -> bool:
        """Add ``:name:`` by ``user``; False when that person had already reacted so."""
        with self.lock:
            message = self._find(channel_id, ts)
            if message is None:
                raise WorkspaceError(f"no message {ts} in {channel_id}")
            users = message.reactions.setdefault(name, [])
            if user in users:
                return False
            users.append(user)
            self.record(
                "reaction_added",
                origin,
                channel=channel_id,
                ts=ts,
                actor=user,
                data={"name": name, "item_user": message.user},
            )
            return True

    # ------------------------------------------------------------------ ephemeral messages

    def add_ephemeral(
        self,
        channel_id: str,
        user: str,
        text: str,
        *,
        posted_by: str,
        origin: str,
        token_kind: str | None = None,
        blocks: list[JSONDict] | None = None,
        attachments: list[JSONDict] | None = None,
        thread_ts: str | None = None,
    ) -> Ephemeral:
        with self.lock:
            self.require_channel(channel_id)
            note = Ephemeral(channel_id, self.new_ts(), user, text, posted_by, blocks, attachments, thread_ts)
            self.ephemerals.append(note)
            self.record(
                "ephemeral",
                origin,
                channel=channel_id,
                ts=note.ts,
                actor=posted_by,
                token_kind=token_kind,
                data={"ephemeral": note},
            )
            return note

    def ephemeral(self, channel_id: str, ts: str) -> Ephemeral | None:
        with self.lock:
            for note in self.ephemerals:
                if note.channel == channel_id and note.ts == ts and not note.deleted:
                    return note
            return None

    def ephemerals_for(self, user_id: str, channel_id: str | None = None) -> list[Ephemeral]:
        with self.lock:
            return [
                snapshot(n)
                for n in self.ephemerals
                if n.user == user_id and not n.deleted and (channel_id is None or n.channel == channel_id)
            ]

    def replace_ephemeral(self, note: Ephemeral, *, text: str, blocks: list[JSONDict] | None, origin: str) -> Ephemeral:
        with self.lock:
            before = snapshot(note)
            note.text = text
            note.blocks = blocks
            self.record(
                "ephemeral_changed",
                origin,
                channel=note.channel,
                ts=note.ts,
                actor=note.posted_by,
                data={"previous": before, "ephemeral": note},
            )
            return note

    def delete_ephemeral(self, note: Ephemeral, *, origin: str) -> None:
        with self.lock:
            note.deleted = True
            self.record(
                "ephemeral_deleted",
                origin,
                channel=note.channel,
                ts=note.ts,
                actor=note.posted_by,
                data={"ephemeral": note},
            )

    # ------------------------------------------------------------------ files

    def add_file(
        self,
        name: str,
        content: bytes,
        *,
        user: str,
        title: str | None = None,
        mimetype: str = "text/plain",
        filetype: str = "text",
        mode: str = "snippet",
    ) -> File:
        with self.lock:
            author = self.require_user(user)
            shared = File(
                id=random_id("F"),
                name=name,
                title=title or name,
                mimetype=mimetype,
                filetype=filetype,
                mode="snippet" if mode == "snippet" else "hosted",
                content=content,
                user=author.id,
                team=author.team_id,
                created=int(self.clock()),
            )
            self.files[shared.id] = shared
            return shared

    def file(self, file_id: str) -> File | None:
        with self.lock:
            found = self.files.get(file_id)
            return None if found is None or found.deleted else found

    def delete_file(self, file_id: str, *, by: str | None, origin: str, token_kind: str | None = None) -> None:
        with self.lock:
            found = self.files.get(file_id)
            if found is None or found.deleted:
                raise WorkspaceError(f"no file {file_id}")
            found.deleted = True
            self.record("file_deleted", origin, actor=by, token_kind=token_kind, data={"file": found})

    def file_url(self, shared: File, *, download: bool = False) -> str:
        part = "download/" if download else ""
        return f"{self.base_url}/files-pri/{shared.team}-{shared.id}/{part}{shared.name}"

    # ------------------------------------------------------------------ views

    def open_view(
        self, user_id: str, spec: JSONDict, *, trigger_id: str | None, origin: str, push: bool = False
    ) -> View:
        with self.lock:
            stack = self._modal_stacks.setdefault(user_id, [])
            if not push:
                for view_id in stack:
                    self.views[view_id].closed = True
                stack.clear()
            view_id = random_id("V")
            previous = stack[-1] if stack else None
            view = View(
                id=view_id,
                team_id=self.home.id,
                user_id=user_id,
                type="modal",
                spec=snapshot(spec),
                hash=self._view_hash(),
                root_view_id=self.views[stack[0]].id if stack else view_id,
                previous_view_id=previous,
                trigger_id=trigger_id,
            )
            self.views[view_id] = view
            stack.append(view_id)
            self.record("view_pushed" if push else "view_opened", origin, actor=user_id, data={"view": view})
            return view

    def update_view(self, view: View, spec: JSONDict, *, origin: str) -> View:
        with self.lock:
            kept_id = view.spec.get("external_id")
            view.spec = snapshot(spec)
            if kept_id and not view.spec.get("external_id"):
                view.spec["external_id"] = kept_id  # an update without external_id keeps the old one
            view.hash = self._view_hash()
            view.state = {"values": {}}
            kind = "home_published" if view.type == "home" else "view_updated"
            self.record(kind, origin, actor=view.user_id, data={"view": view})
            return view

    def publish_home(self, user_id: str, spec: JSONDict, *, origin: str) -> View:
        with self.lock:
            existing = self._homes.get(user_id)
            if existing is not None:
                return self.update_view(self.views[existing], spec, origin=origin)
            view_id = random_id("V")
            view = View(view_id, self.home.id, user_id, "home", snapshot(spec), self._view_hash(), view_id)
            self.views[view_id] = view
            self._homes[user_id] = view_id
            self.record("home_published", origin, actor=user_id, data={"view": view})
            return view

    def home_view(self, user_id: str) -> View | None:
        with self.lock:
            view_id = self._homes.get(user_id)
            return self.views[view_id] if view_id else None

    def modal_stack(self, user_id: str) -> list[View]:
        with self.lock:
            return [self.views[v] for v in self._modal_stacks.get(user_id, [])]

    def top_modal(self, user_id: str) -> View | None:
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def close_modal(self, user_id: str, *, origin: str, everything: bool = False) -> None:
        """Close the top modal (``everything``: the whole stack), as Slack does after a submission."""
        with self.lock:
            stack = self._modal_stacks.get(user_id, [])
            closing = list(stack) if everything else stack[-1:]
            for view_id in closing:
                stack.remove(view_id)
                self.views[view_id].closed = True
                self.record("view_closed", origin, actor=user_id, data={"view": self.views[view_id]})

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> View | None:
        with self.lock:
            if view_id:
                return self.views.get(view_id)
            if external_id:
                for view in self.views.values():
                    if view.spec.get("external_id") == external_id and not view.closed:
                        return view
            return None

    def _view_hash(self) -> str:
        return f"{int(self.clock())}.{secrets.token_hex(4)}"

    # ------------------------------------------------------------------ activity feed

    def record(
        self,
        kind: str,
        origin: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        actor: str | None = None,
        token_kind: str | None = None,
        data: dict[str, Any],
    ) -> Activity:
        """Note one visible change (snapshotting ``data``) and wake anyone waiting for changes."""
        with self.lock:
            entry = Activity(
                seq=len(self._activity) + 1,
                kind=kind,
                origin=origin,
                channel=channel,
                ts=ts,
                actor=actor,
                token_kind=token_kind,
                data=snapshot(data),
                wall=time.time(),
            )
            self._activity.append(entry)
            self._changed.notify_all()
            return entry

    def mark(self) -> int:
        """A position in the activity feed; pass it to ``activity_since``."""
        with self.lock:
            return len(self._activity)

    def activity_since(self, mark: int = 0) -> list[Activity]:
        with self.lock:
            return list(self._activity[mark:])

    def wait_for_activity(
        self, predicate: Callable[[Activity], bool], *, since: int = 0, timeout: float = 5.0
    ) -> Activity:
        """The first entry after ``since`` matching ``predicate``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for entry in self._activity[since:]:
                    if predicate(entry):
                        return entry
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching activity within {timeout:.1f}s")
                self._changed.wait(remaining)
