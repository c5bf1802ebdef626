"""Messages of the workspace: posting, threads, history, edits, deletions and reactions."""

from __future__ import annotations

from supportbot.emulator.errors import WorkspaceError
from supportbot.emulator.model import JSONDict, Message, snapshot
from supportbot.emulator.workspace.state import WorkspaceState


class MessagesMixin(WorkspaceState):
    """The messages of every conversation, indexed by ts and by thread."""

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
