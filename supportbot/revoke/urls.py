"""Where the webhook may point: HTTPS, or plain HTTP to this machine only (tests, a sidecar)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the webhook (None when it can)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "is not a full URL"
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(parts.hostname)):
        return None
    return "must use https (plain http only to a loopback address such as 127.0.0.1)"
