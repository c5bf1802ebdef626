"""Sweeping a channel's history for keys posted before the bot was installed.

Each message with a key is handled exactly like a new one (same incident key, so a second sweep,
or a sweep over messages the bot already saw, changes nothing). Files in the history are read and
scanned too. Rate limits on the history methods are waited out, however long Slack asks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportbot.keys import mask_text
from supportbot.leaks.decision import is_scannable_file
from supportbot.slack.errors import SlackRateLimited
from supportbot.slack.features.leaks.interception import Interceptor
from supportbot.slack.parse import message_from_event
from supportbot.slack.runtime import Runtime
from supportbot.text.messages import Message


@dataclass(frozen=True)
class SweptKey:
    ts: str
    thread_ts: str | None
    author: str | None
    rule: str
    provider: str
    masked: str
    key_id: str


@dataclass
class SweepReport:
    channel: str
    messages: int = 0
    files_queued: int = 0
    keys: list[SweptKey] = field(default_factory=list)
    incidents_new: int = 0
    incidents_known: int = 0


def _call(runtime: Runtime, method: str, wait: Callable[[float], None], **params: Any) -> dict[str, Any]:
    while True:
        try:
            return runtime.port.call(method, retries=2, **params)
        except SlackRateLimited as limited:
            wait(limited.retry_after)


def iter_history(
    runtime: Runtime, channel: str, *, oldest: datetime, wait: Callable[[float], None] = time.sleep
) -> Iterator[dict[str, Any]]:
    """Every message in ``channel`` since ``oldest``, thread replies included, oldest page first."""
    cursor: str | None = None
    while True:
        page = _call(
            runtime,
            "conversations.history",
            wait,
            channel=channel,
            oldest=f"{oldest.timestamp():.6f}",
            limit=200,
            cursor=cursor,
        )
        for item in page.get("messages") or []:
            yield item
            if int(item.get("reply_count") or 0) > 0 and item.get("ts"):
                yield from _replies(runtime, channel, str(item["ts"]), wait)
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not page.get("has_more") or not cursor:
            return


def _replies(runtime: Runtime, channel: str, thread_ts: str, wait: Callable[[float], None]) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        page = _call(runtime, "conversations.replies", wait, channel=channel, ts=thread_ts, limit=200, cursor=cursor)
        for item in page.get("messages") or []:
            if item.get("ts") != thread_ts:  # the parent came with the history page already
                yield item
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not page.get("has_more") or not cursor:
            return


def sweep_channel(
    runtime: Runtime,
    feature: Interceptor,
    channel: str,
    *,
    oldest: datetime,
    dry_run: bool,
    on_message: Callable[[], None] | None = None,
    wait: Callable[[float], None] = time.sleep,
) -> SweepReport:
    info = _call(runtime, "conversations.info", wait, channel=channel).get("channel") or {}
    channel_type = (
        "im"
        if info.get("is_im")
        else "mpim"
        if info.get("is_mpim")
        else "group"
        if info.get("is_private")
        else "channel"
    )
    report = SweepReport(channel=channel)
    for item in iter_history(runtime, channel, oldest=oldest, wait=wait):
        report.messages += 1
        if on_message is not None:
            on_message()
        message = message_from_event(
            {**item, "type": "message", "channel": channel, "channel_type": channel_type},
            {"is_ext_shared_channel": bool(info.get("is_ext_shared"))},
        )
        if (
            message is None
            or message.user == runtime.bot_user_id
            or (message.bot_id is not None and message.bot_id == runtime.bot_id)
        ):
            continue
        _sweep_message(runtime, feature, message, report, dry_run=dry_run)
    return report


def _sweep_message(
    runtime: Runtime, feature: Interceptor, message: Message, report: SweepReport, *, dry_run: bool
) -> None:
    findings = runtime.scanner.find(message.text) if message.text else []
    extra = [finding for part in message.extra_texts for finding in runtime.scanner.find(part.text)]
    for finding in findings + extra:
        report.keys.append(
            SweptKey(
                message.ts,
                message.thread_ts,
                message.user,
                finding.rule,
                finding.provider,
                finding.masked,
                finding.key_id,
            )
        )
    if not dry_run and message.files:
        scannable = [
            file
            for file in message.files
            if is_scannable_file(file.filetype, file.mimetype, file.name, file.mode, file.size)
        ]
        feature.queue_file_scans(message, scannable, runtime.clock.now())
        report.files_queued += len(scannable)
    if dry_run or not (findings or extra):
        return
    result = feature.intercept(
        message,
        findings + extra,
        masked_text=mask_text(message.text, findings),
        received_at=runtime.clock.now(),
        source="message",
    )
    if result.is_new:
        report.incidents_new += 1
    else:
        report.incidents_known += 1
