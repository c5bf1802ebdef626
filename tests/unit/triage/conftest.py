"""Shared fixtures: a gateway configuration and synthetic keys made at run time."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from supportbot.config import Settings

if TYPE_CHECKING:
    from tests.unit.triage.cases import Case

OFFICIAL = "https://api.llmrelay.com/v1"
_ALNUM = string.ascii_letters + string.digits


def synthetic_keys(seed: int = 20261123) -> dict[str, str]:
    """Key-shaped strings with random bodies: never real, never written down in the source."""
    rng = random.Random(seed)

    def body(n: int, alphabet: str = _ALNUM) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    return {
        "KEY": "sk-" + body(48),
        "OTHERKEY": "sk-" + body(48),
        "PROJKEY": "sk-proj-" + body(74, _ALNUM + "_-") + "T3BlbkFJ" + body(74, _ALNUM + "_-"),
        "ANTKEY": "sk-ant-api03-" + body(93, _ALNUM + "_-") + "AA",
        "GSKKEY": "gsk_" + body(52),
    }


KEYS = synthetic_keys()


def plant(text: str) -> str:
    """Replace <<NAME>> markers with the synthetic key of that name."""
    for name, key in KEYS.items():
        text = text.replace(f"<<{name}>>", key)
    return text


@pytest.fixture
def settings() -> Settings:
    return Settings(api_base_urls=(OFFICIAL,))


@pytest.fixture
def bare_settings() -> Settings:
    return Settings()


def assert_names_cause(case: Case, settings: Settings) -> None:
    """The first check diagnose() names for ``case`` is the case's check (and reason, when given)."""
    from supportbot.triage import diagnose
    from supportbot.triage.reasons import REASONS

    checks = diagnose(plant(case.text), settings, scrub=fake_scrub)
    assert checks, "nothing named"
    assert checks[0].check == case.check, [(c.check, c.reason, c.score) for c in checks]
    if case.reason is not None:
        assert checks[0].reason == case.reason
        assert REASONS[case.reason].check == case.check


def identity(text: str) -> str:
    return text


def fake_scrub(text: str) -> str:
    """Stands in for supportbot.keys.Scanner.scrub: masks the keys this test planted."""
    for key in KEYS.values():
        text = text.replace(key, key[:3] + "…" + key[-4:])
    return text


@pytest.fixture
def scrub() -> Callable[[str], str]:
    return fake_scrub
