from __future__ import annotations

import random

import pytest

from supportbot.keys import Scanner


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    return Scanner(fingerprint_secret="unit-test-fingerprint-secret-0002")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(2323)
