"""Hosts judged by registrable domain, with the Public Suffix List."""

from __future__ import annotations

import pytest

from supportbot.config import Settings
from supportbot.triage import CheckId, diagnose
from supportbot.triage.urls import registrable
from tests.unit.triage.conftest import fake_scrub


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("api.gw.example.com", "example.com"),
        ("api.llmrelay.com", "llmrelay.com"),
        ("api.example.co.uk", "example.co.uk"),
        ("api.relay.com.cn", "relay.com.cn"),
        ("open.gw.com.tw", "gw.com.tw"),
        # Hosting platforms are public suffixes: each customer's subdomain is a site of its own.
        ("mygw.vercel.app", "mygw.vercel.app"),
        ("console.mygw.vercel.app", "mygw.vercel.app"),
        ("relay.pages.dev", "relay.pages.dev"),
        ("a.b.github.io", "b.github.io"),
        ("10.0.0.8", "10.0.0.8"),
        ("vercel.app", "vercel.app"),
    ],
)
def test_registrable_domain(host: str, site: str) -> None:
    assert registrable(host) == site


def _reasons(text: str, official: str) -> list[tuple[CheckId, str]]:
    checks = diagnose(text, Settings(api_base_urls=(official,)), scrub=fake_scrub)
    return [(check.check, check.reason) for check in checks]


def test_another_site_on_the_same_platform_is_not_your_website() -> None:
    found = _reasons('client = OpenAI(base_url="https://other.vercel.app/v1")', "https://mygw.vercel.app/v1")
    assert (CheckId.WRONG_BASE_URL, "unknown_host") in found
    assert all(reason != "website_host" for _, reason in found)


def test_the_gateways_own_website_on_a_platform_still_is() -> None:
    found = _reasons('client = OpenAI(base_url="https://console.mygw.vercel.app")', "https://mygw.vercel.app/v1")
    assert (CheckId.WRONG_BASE_URL, "website_host") in found


def test_a_sibling_host_under_a_two_part_suffix_is_the_website() -> None:
    found = _reasons('client = OpenAI(base_url="https://www.relay.com.cn")', "https://api.relay.com.cn/v1")
    assert (CheckId.WRONG_BASE_URL, "website_host") in found
