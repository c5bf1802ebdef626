"""Conversations of the workspace: channels, their members, and the ``im``/``mpim`` direct ones."""

from __future__ import annotations

from collections.abc import Iterable

from supportbot.emulator import defaults as d
from supportbot.emulator.errors import WorkspaceError
from supportbot.emulator.model import Channel, ChannelKind
from supportbot.emulator.workspace.state import WorkspaceState, random_id


class ConversationsMixin(WorkspaceState):
    """Channels and direct conversations, and who may read them."""

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
