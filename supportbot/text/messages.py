"""Plain message objects: what the core knows of a Slack message, with no Slack library types."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileRef:
    id: str
    name: str
    title: str = ""
    mimetype: str = ""
    filetype: str = ""
    mode: str = ""
    size: int = 0
    url_private: str | None = None
    preview: str | None = None
    is_external_access: bool = False  # Slack Connect: content only through files.info


@dataclass(frozen=True)
class TextPart:
    """One piece of text in a message: ``source`` says where it came from (main text, blocks…)."""

    source: str
    text: str


@dataclass(frozen=True)
class Message:
    channel: str
    ts: str
    user: str | None
    text: str  # as Slack delivers it: escaped (&amp; &lt; &gt;), links as <url|label>
    channel_type: str = "channel"  # channel | group | im | mpim
    thread_ts: str | None = None
    team: str | None = None  # the author's own team (differs from ours for Slack Connect guests)
    is_edit: bool = False
    bot_id: str | None = None
    subtype: str | None = None
    extra_texts: tuple[TextPart, ...] = field(default_factory=tuple)
    files: tuple[FileRef, ...] = field(default_factory=tuple)
    event_id: str | None = None
    is_ext_shared: bool = False

    @property
    def is_dm(self) -> bool:
        return self.channel_type == "im"

    @property
    def is_bot(self) -> bool:
        return self.bot_id is not None

    @property
    def is_thread_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def reply_thread_ts(self) -> str:
        """Where a bot reply to this message belongs: its thread, or a new thread under it."""
        return self.thread_ts or self.ts

    def texts(self) -> list[TextPart]:
        """Every piece of text to inspect: the main text first, then blocks, attachments, previews."""
        parts = [TextPart("text", self.text)] if self.text else []
        return parts + list(self.extra_texts)


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of ``& < >`` (for display outside Slack and for analysis)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
