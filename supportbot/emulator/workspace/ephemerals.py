"""Ephemeral messages of the workspace: the notes only one person sees, and their replacement."""

from __future__ import annotations

from supportbot.emulator.model import Ephemeral, JSONDict, snapshot
from supportbot.emulator.workspace.state import WorkspaceState


class EphemeralsMixin(WorkspaceState):
    """Ephemeral notes: shown to one person in one conversation, never in history."""

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
