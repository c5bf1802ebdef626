"""Is this URL the gateway's API base? Website hosts, missing /v1, http://, typos, other providers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from supportbot.triage.urls import (
    Official,
    Url,
    is_local,
    is_vendor_web,
    looks_like_web_path,
    registrable,
    split_endpoint,
    typo_of,
    vendor_of,
)

#: Where the URL was found: configured as an SDK base URL, called directly (curl, request line,
#: client log), or just written in a sentence.
Role = Literal["base", "request", "prose"]

ROLE_FACTOR: dict[Role, float] = {"base": 1.0, "request": 1.0, "prose": 0.65}


@dataclass(frozen=True)
class UrlVerdict:
    reason: str
    factor: float
    note: str  # what it is compared with, for the evidence


def _path_verdict(url: Url, role: Role, official: Official, *, anthropic: bool) -> UrlVerdict | None:
    if url.has_fragment:
        return UrlVerdict("website_path", 1.0, f"'#' routes are web pages; the API base is {official.url.display()}")
    base, endpoint = split_endpoint(url.path)
    if role == "base" and endpoint:
        # An SDK base URL ending in an endpoint is a duplicated path, reported on its own.
        return None
    expected = official.url.path
    if anthropic and expected.endswith("/v1"):
        # The Anthropic SDK adds "/v1/messages" itself, so its base URL stops before "/v1".
        expected = expected[: -len("/v1")]
    if base.lower() == expected.lower():
        return None
    if anthropic and base.lower() == official.url.path.lower() and expected != base:
        return UrlVerdict("doubled_v1", 1.0, "the Anthropic SDK adds /v1/messages itself")
    if role == "request" and not endpoint:
        return None  # a bare host in a request says nothing about paths
    if expected.lower().startswith(base.lower() + "/") or (not base and expected):
        return UrlVerdict("missing_v1", 1.0, f"the API base is {official.url.display()}")
    if looks_like_web_path(base):
        return UrlVerdict("website_path", 1.0, f"the API base is {official.url.display()}")
    if base.lower().startswith(expected.lower() + "/"):
        return None  # longer paths (/v1/v1 …) are the duplicated-path check's business
    return UrlVerdict("website_path", 0.6, f"the API base is {official.url.display()}")


def assess(
    url: Url,
    role: Role,
    officials: tuple[Official, ...],
    *,
    anthropic: bool = False,
    official_seen: bool = False,
) -> list[UrlVerdict]:
    """What is wrong with ``url`` as the place API calls go to."""
    host = url.host
    if is_local(host):
        return []
    verdicts: list[UrlVerdict] = []
    same_host = next((official for official in officials if official.host == host), None)
    if same_host is not None:
        if role == "prose":
            return []
        if url.scheme == "http" and same_host.url.scheme == "https":
            verdicts.append(UrlVerdict("http_scheme", 1.0, f"use {same_host.url.display()}"))
        path = _path_verdict(url, role, same_host, anthropic=anthropic)
        if path is not None:
            verdicts.append(path)
        return verdicts
    if officials:
        first = officials[0].url.display()
        vendor = vendor_of(host)
        if vendor is not None:
            return [UrlVerdict("other_vendor_host", 1.0, f"{host} is {vendor}'s API, not {first}")]
        if is_vendor_web(host):
            if role == "prose":
                return []
            return [UrlVerdict("other_vendor_host", 0.9, f"{host} is a provider's website; use {first}")]
        official_sites = {registrable(official.host): official for official in officials}
        if registrable(host) in official_sites and role != "prose":
            return [
                UrlVerdict("website_host", 1.0, f"the API base is {official_sites[registrable(host)].url.display()}")
            ]
        typo = typo_of(host, officials)
        if typo is not None:
            return [UrlVerdict("typo_host", 1.0, f"the official host is {typo.host}")]
        if role != "prose" and not official_seen:
            return [UrlVerdict("unknown_host", 1.0, f"the official API base is {first}")]
        return []
    # No official base configured: only what is wrong for any API.
    if is_vendor_web(host) and role == "base":
        return [UrlVerdict("website_host", 0.8, f"{host} is a website, not an API")]
    if role == "prose":
        return []
    if url.scheme == "http":
        verdicts.append(UrlVerdict("http_scheme", 0.7, "APIs are served over https://"))
    base, endpoint = split_endpoint(url.path)
    if (url.has_fragment or looks_like_web_path(base)) and (role == "base" or endpoint):
        verdicts.append(UrlVerdict("website_path", 0.8, "this path is a web page"))
    return verdicts
