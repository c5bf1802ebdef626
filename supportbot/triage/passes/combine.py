"""Causes only findings together show: a proxy that drops the header, another provider's wording,
an old key still in use."""

from __future__ import annotations

from collections.abc import Sequence

from supportbot.triage import patterns as pt
from supportbot.triage.checks import CheckId, Finding
from supportbot.triage.passes.config import config_keys, config_sends_key
from supportbot.triage.passes.found import found
from supportbot.triage.passes.paste import Paste
from supportbot.triage.passes.requests import curl_sends_key
from supportbot.triage.passes.vendor import echo_tails
from supportbot.triage.reasons import REASONS
from supportbot.triage.text import search
from supportbot.triage.urls import vendor_of


def _proxy_strips(paste: Paste, earlier: Sequence[Finding]) -> tuple[Finding, ...]:
    missing = next(
        (f for f in earlier if f.reason == "vendor_says_missing" and REASONS[f.reason].check == CheckId.MISSING_HEADER),
        None,
    )
    if missing is None:
        return ()
    if curl_sends_key(paste) or config_sends_key(paste):
        note = "the paste sends a key, yet the server saw none"
        return (found("proxy_strips", excerpt=missing.excerpt, factor=1.2, note=note),)
    if search(pt.PROXY_WORDS, paste.text) is not None:
        return (found("proxy_strips", excerpt=missing.excerpt, factor=0.7),)
    return ()


def _other_vendor_answered(paste: Paste) -> tuple[Finding, ...]:
    """Another provider's wording when the paste never shows our host: the request went there."""
    if not paste.officials or paste.relay or paste.official_seen:
        return ()
    for hit in paste.phrases:
        host = hit.phrase.vendor_host
        if hit.phrase.family == "other" or host is None or paste.is_official(host):
            continue
        finding = found(
            "other_vendor_answered",
            excerpt=paste.quote(hit.start),
            subject=f"https://{host}",
            note=f"{vendor_of(host) or host}'s wording, not {paste.officials[0].url.display()}",
        )
        return (finding,)
    return ()


def _old_key_in_use(paste: Paste) -> tuple[Finding, ...]:
    """The server echoed a key whose last characters no configured key ends with."""
    tails, keys = echo_tails(paste), config_keys(paste)
    if not tails or not keys:
        return ()
    tail, excerpt = tails[0].tail, tails[0].excerpt
    if any(key.endswith(tail) for key in keys):
        return ()
    note = f"the server saw a key ending in …{tail}; the configuration has another"
    return (found("old_key_in_use", excerpt=excerpt, note=note),)


def combine(paste: Paste, earlier: Sequence[Finding]) -> tuple[Finding, ...]:
    """The cross-finding causes, given every finding of the other passes (``earlier``)."""
    return (*_proxy_strips(paste, earlier), *_other_vendor_answered(paste), *_old_key_in_use(paste))
