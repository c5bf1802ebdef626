"""Provider and gateway error texts, and the masked key a provider echoes back (:mod:`..vendors`)."""

from __future__ import annotations

from typing import NamedTuple

from supportbot.triage import patterns as pt
from supportbot.triage.checks import Finding
from supportbot.triage.passes.found import found
from supportbot.triage.passes.paste import EchoHit, Paste
from supportbot.triage.urls import vendor_of
from supportbot.triage.vendors import classify_echo, foreign_to_openai


class EchoTail(NamedTuple):
    """The ends of a key as a provider echoed it (``sk-ab…wxyz``), with the line that shows it."""

    head: str
    tail: str
    excerpt: str


def phrases(paste: Paste) -> tuple[Finding, ...]:
    """The cause each 401-family error text in the paste names, quoted from the paste."""
    return tuple(
        found(hit.phrase.reason, excerpt=paste.quote(hit.start))
        for hit in paste.phrases
        if hit.phrase.family != "other" and hit.phrase.reason is not None
    )


def _answered_at(paste: Paste, echo: EchoHit) -> str | None:
    """The provider API host whose wording frames the echo, if it is not ours and not relayed."""
    after = paste.text[echo.end : echo.end + 160].lower()
    if "platform.openai.com" in after:
        at = "api.openai.com"
    elif "console.x.ai" in after:
        at = "api.x.ai"
    elif echo.deepseek:
        at = "api.deepseek.com"
    else:
        return None
    return None if paste.relay or paste.is_official(at) else at


def echoes(paste: Paste) -> tuple[Finding, ...]:
    """What each echoed key shows (quotes, "Bearer", a URL, a placeholder…), and keys sent to another provider."""
    findings: list[Finding] = []
    for echo in paste.echoes:
        excerpt = paste.quote(echo.start)
        reason = classify_echo(echo.echo)
        if reason is not None:
            findings.append(found(reason, excerpt=excerpt, factor=1.05 if reason != "stray_char" else 1.0))
        at = _answered_at(paste, echo)
        if at is None:
            continue
        foreign = foreign_to_openai(echo.echo) if at == "api.openai.com" else not echo.echo.startswith("xai-")
        if reason is None and (foreign or (foreign is None and paste.officials)):
            findings.append(
                found(
                    "key_sent_to_other_vendor",
                    # The paste also shows our own host: the answer may have been relayed.
                    factor=0.7 if paste.official_seen else 1.0,
                    excerpt=excerpt,
                    subject=f"https://{at}",
                    note=f"{vendor_of(at) or at} answered",
                )
            )
    return tuple(findings)


def echo_tails(paste: Paste) -> tuple[EchoTail, ...]:
    """Echoes another provider (not ours, not relayed) sent with the key's first and last characters."""
    tails: list[EchoTail] = []
    for echo in paste.echoes:
        if _answered_at(paste, echo) is None:
            continue
        tail = pt.ECHO_TAIL.match(echo.echo)
        if tail is not None:
            tails.append(EchoTail(tail.group("head"), tail.group("tail"), paste.quote(echo.start)))
    return tuple(tails)
