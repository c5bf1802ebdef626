"""Files of the workspace: uploads, lookups, deletions and the URLs they are served at."""

from __future__ import annotations

from supportbot.emulator.errors import WorkspaceError
from supportbot.emulator.model import File
from supportbot.emulator.workspace.state import WorkspaceState, random_id


class FilesMixin(WorkspaceState):
    """Shared files, listed by the messages they were shared in."""

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
