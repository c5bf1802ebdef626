"""Deciding what to do about a leaked key (pure: no Slack, no database).

Slack's rules decide what "mask" can mean: only deletion with an admin user token removes a
member's message, and even that cannot touch DMs or the other organisation's members in a Slack
Connect channel. Where deletion is impossible the answer is a private warning, an alert to the
agents and a later re-check — and no masked repost, which would only draw attention to the
original while it is still visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportbot.render.templates import Mrkdwn, neutralise_slack_markup
from supportbot.text.messages import Message

# Slack refuses these for good; anything else may be worth another try.
PERMANENT_DELETE_ERRORS = frozenset(
    {
        "cant_delete_message",
        "compliance_exports_prevent_deletion",
        "cant_delete_file",
        "message_not_found",
        "file_not_found",
        "file_deleted",
        "channel_not_found",
        "not_in_channel",
        "missing_scope",
        "no_admin_token",
        "not_allowed_token_type",
        "restricted_action",
    }
)
# A rejected token (invalid_auth, token_revoked…) is not listed: the port raises SlackTokenRejected for it,
# and the deletion waits for the token to work again instead of giving up.
# Text files worth reading for keys: snippets and small config/source files.
TEXT_FILETYPES = frozenset(
    {
        "text",
        "env",
        "dotenv",
        "shell",
        "bash",
        "python",
        "javascript",
        "typescript",
        "json",
        "yaml",
        "yml",
        "toml",
        "ini",
        "properties",
        "markdown",
        "plaintext",
        "go",
        "java",
        "ruby",
        "php",
        "csharp",
        "rust",
        "sql",
        "xml",
        "powershell",
        "docker",
        "dockerfile",
        "config",
        "log",
        "csv",
        "kotlin",
        "swift",
    }
)
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DeletionDecision:
    possible: bool
    reason: str | None = None  # why not: no_admin_token | direct_message | external_member


def deletion_decision(message: Message, *, has_admin_token: bool, home_team: str | None) -> DeletionDecision:
    if message.channel_type in {"im", "mpim"}:
        return DeletionDecision(False, "direct_message")
    if home_team and message.team and message.team != home_team:
        return DeletionDecision(False, "external_member")
    if not has_admin_token:
        return DeletionDecision(False, "no_admin_token")
    return DeletionDecision(True)


def is_scannable_file(filetype: str, mimetype: str, name: str, mode: str, size: int) -> bool:
    """Snippets and small text files (``.env``, code, logs) are read; images and archives are not."""
    if size and size > MAX_FILE_BYTES:
        return False
    if mode == "snippet":
        return True
    if mimetype.startswith("text/") or mimetype in {"application/json", "application/x-yaml"}:
        return True
    lowered = name.lower()
    return (
        filetype.lower() in TEXT_FILETYPES
        or lowered.startswith(".env")
        or lowered.endswith(
            (".env", ".txt", ".log", ".py", ".js", ".ts", ".json", ".yaml", ".yml", ".toml", ".ini", ".sh", ".cfg")
        )
    )


def masked_copy(masked_text: str) -> Mrkdwn:
    """A masked message made safe to repost: links kept, every mention defused."""
    return neutralise_slack_markup(masked_text)


def chunk_mrkdwn(text: str, limit: int) -> list[Mrkdwn]:
    """Split text for several Block Kit sections: at line breaks when possible, never inside an entity."""
    chunks: list[Mrkdwn] = []
    rest = text
    while rest:
        if len(rest) <= limit:
            chunks.append(Mrkdwn(rest))
            break
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = limit
            amp = rest.rfind("&", 0, cut)
            if amp != -1 and ";" not in rest[amp:cut]:
                cut = amp
            if cut <= 0:
                cut = limit
        chunks.append(Mrkdwn(rest[:cut]))
        rest = rest[cut:].lstrip("\n")
    return chunks


def summarise_providers(providers: Sequence[str]) -> list[str]:
    """Distinct providers in order of first appearance (for warnings and alerts)."""
    seen: list[str] = []
    for provider in providers:
        if provider not in seen:
            seen.append(provider)
    return seen
