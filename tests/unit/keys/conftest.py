from __future__ import annotations

import pytest

from supportbot.keys import Scanner

TEST_SECRET = "unit-test-fingerprint-secret-0001"


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    return Scanner(fingerprint_secret=TEST_SECRET)
