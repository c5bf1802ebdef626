"""Where requests go: URLs wherever they appear (judged in :func:`.found.judge` against the official
base URL(s), :mod:`..baseurl`), base URL values, paths in logs, and HTML answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import regex

from supportbot.triage import patterns as pt
from supportbot.triage.baseurl import Role
from supportbot.triage.checks import Finding
from supportbot.triage.passes.found import Found, Sighting, found
from supportbot.triage.passes.paste import Paste
from supportbot.triage.passes.spans import Span, inside, inside_growing
from supportbot.triage.text import finditer, mask_value, search
from supportbot.triage.urls import parse_url, split_endpoint
from supportbot.triage.values import VAR, Value
from supportbot.triage.wire import keylike

#: How far before a URL its line is searched for what it is ("POST", "base_url =" …).
_LEAD = 60
_HOST_LEAD = 40


def base_value(paste: Paste, kind: str, value: Value, start: int, name: str) -> list[Found]:
    """A configured base URL (``kind`` "base") or request URL ("url") named ``name`` at ``start``."""
    text = value.text.strip()
    if kind == "base" and keylike(text) and "/" not in text and "." not in text.replace("-", ""):
        return [found("key_as_url", excerpt=f"{name} value `{mask_value(text)}`")]
    reported: list[Found] = []
    url = parse_url(text) if not text.startswith(VAR) else None
    path = url.path if url is not None else (text[text.find("/") :] if "/" in text else "")
    role: Role = "base" if kind == "base" else "request"
    endpoint = split_endpoint(path)[1]
    if role == "base" and endpoint and not endpoint.startswith("/models"):
        factor = 0.75 if name.lower().replace("_", "").endswith("apiurl") else 1.0
        display = url.display() if url is not None else path
        reported.append(found("base_has_endpoint", excerpt=f"{name} = {display}", factor=factor, subject=display))
    if url is not None:
        window = paste.text[max(0, start - 300) : start]
        anthropic = "anthropic" in name.lower() or window.rfind("Anthropic") > window.rfind("OpenAI")
        reported.append(Sighting(url, role, f"{name} = {url.display()}", anthropic))
    return reported


def _hinted_base(paste: Paste, match: regex.Match[str], claimed: list[Span]) -> list[Found]:
    """A URL or host name after "base_url" and the like, read as a configured base URL and claimed."""
    claimed.append(Span(match.start(), match.end()))
    return base_value(paste, "base", Value(match.group(0), "literal", match.end()), match.start(), "base URL")


def _unread(
    matches: Iterator[regex.Match[str]], raw_seen: set[str], limit: int, taken: Callable[[int], bool]
) -> Iterator[regex.Match[str]]:
    """Matches of a text not met before and not ``taken``, while fewer than ``limit`` texts were met."""
    for examined, match in enumerate(matches):
        if examined >= 4 * pt.MAX_URLS or len(raw_seen) >= limit:
            break
        if match.group(0) in raw_seen:
            continue
        raw_seen.add(match.group(0))
        if not taken(match.start()):
            yield match


def urls(paste: Paste) -> tuple[Found, ...]:
    """URLs outside curl commands and sites, then (with an official base) host names without a scheme.

    Each is a request, a base URL or a mention, by what stands before it on its line.
    """
    text = paste.text
    reported: list[Found] = []
    seen: set[tuple[str, Role]] = set()
    raw_seen: set[str] = set()
    # The sites' claims, plus base URLs this pass reads, so a host name inside one is not read again.
    claimed = list(paste.claims)

    def taken(pos: int) -> bool:
        return inside(pos, paste.curl_spans) or inside_growing(pos, claimed)

    for match in _unread(finditer(pt.URL, text), raw_seen, pt.MAX_URLS, taken):
        url = parse_url(match.group(0))
        if url is None:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        lead_start = max(line_start, match.start() - _LEAD)
        role: Role = "prose"
        if search(pt.REQUEST_HINT, text, lead_start, match.start()) is not None:
            role = "request"
        elif search(pt.BASE_HINT, text, lead_start, match.start()) is not None:
            reported.extend(_hinted_base(paste, match, claimed))
            continue
        if (url.display(), role) in seen or len(seen) >= pt.MAX_URLS:
            continue
        seen.add((url.display(), role))
        reported.append(Sighting(url, role, url.display()))
    if not paste.officials:
        return tuple(reported)
    hosts = finditer(pt.HOSTNAME, text, 0, min(len(text), pt.PROSE_SPAN))
    for match in _unread(hosts, raw_seen, 2 * pt.MAX_URLS, taken):
        url = parse_url(match.group(0))
        if url is None or (url.display(), "prose") in seen or len(seen) >= pt.MAX_URLS:
            continue
        if search(pt.BASE_HINT, text, max(0, match.start() - _HOST_LEAD), match.start()) is not None:
            reported.extend(_hinted_base(paste, match, claimed))
            continue
        seen.add((url.display(), "prose"))
        reported.append(Sighting(url, "prose", url.display()))
    return tuple(reported)


def paths(paste: Paste) -> tuple[Finding, ...]:
    """Doubled paths anywhere (``/v1/v1``, ``…/chat/completions/chat/completions``) and log lines
    whose path lacks the base's version segment."""
    findings: list[Finding] = []
    for match in finditer(pt.DOUBLED, paste.text):
        reason = "doubled_v1" if match.group(0).lower().startswith("/v1/v1") else "doubled_path"
        findings.append(found(reason, excerpt=paste.quote(match.start(), limit=160)))
    for match in finditer(pt.LOG_PATH, paste.text):
        path = match.group("path") or match.group("path2") or ""
        base, endpoint = split_endpoint(path)
        if not endpoint or base:
            continue
        officials = paste.officials
        expected = next((o.url.path for o in officials if o.url.path), "/v1" if not officials else "")
        if expected and not (endpoint == "/messages" and expected == "/v1"):
            findings.append(
                found(
                    "missing_v1",
                    excerpt=paste.quote(match.start(), limit=160),
                    factor=0.8 if officials else 0.6,
                    note=f"requests go to {path} instead of {expected}{endpoint}",
                )
            )
    return tuple(findings)


def html(paste: Paste) -> tuple[Finding, ...]:
    """An HTML page in an error context: the URL points at a website."""
    match = search(pt.HTML, paste.text)
    if match is None or search(pt.ERROR_CONTEXT, paste.text) is None:
        return ()
    return (found("html_response", excerpt=paste.quote(match.start(), limit=100)),)
