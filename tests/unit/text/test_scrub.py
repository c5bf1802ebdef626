"""The one scrub for stored and reposted customer text: keys, credential headers and assignments, tokens."""

from __future__ import annotations

import random
import string

import pytest

from supportbot.keys import Scanner
from supportbot.text.scrub import REMOVED, WITHHELD, Scrubber, remove_assignments, scrub
from supportbot.tickets.fields import close_reason, error_text
from tests.keygen import make_key

ALNUM = string.ascii_letters + string.digits


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(fingerprint_secret="unit-test-fingerprint-secret-0013")


def _password(rng: random.Random) -> str:
    return "".join(rng.choice(ALNUM) for _ in range(14))


@pytest.mark.parametrize(
    "template",
    [
        "DB_PASSWORD={v}",
        "password: {v}",
        'export POSTGRES_PASSWORD="{v}"',
        '{{"client_secret": "{v}"}}',
        "x-auth-token: {v}",
        "csrf_token={v}&next=/",
        "clientSecret = '{v}'",
        "MYSQL_PWD={v}",
    ],
)
def test_credential_assignments_lose_their_value(template: str, scanner: Scanner) -> None:
    value = _password(random.Random(template))
    out = scrub(template.format(v=value), scanner)
    assert value not in out
    assert REMOVED in out


@pytest.mark.parametrize(
    "text",
    [
        "max_tokens=100",
        "token_count: 3",
        "password=${DB_PASSWORD}",
        "status: 401, model: gpt-4o-mini",
        "Error code: 401 - {'error': {'message': 'Incorrect API key provided'}}",
    ],
)
def test_what_is_not_a_credential_stays(text: str, scanner: Scanner) -> None:
    assert remove_assignments(text) == text
    assert scrub(text, scanner) == text


def test_keys_headers_and_long_tokens_all_go(scanner: Scanner) -> None:
    rng = random.Random(13)
    key = make_key("openai-project", rng)
    opaque = "".join(rng.choice(ALNUM) for _ in range(40))
    text = f"curl -H 'Authorization: Bearer {key}' -d x; cookie {opaque}"
    out = scrub(text, scanner)
    assert key not in out and opaque not in out
    assert "Authorization: Bearer" in out


def test_a_failing_scanner_withholds_everything() -> None:
    class Broken:
        def scrub(self, text: str) -> str:
            raise TimeoutError("rule budget")

    assert scrub("DB_PASSWORD=abc and more", Broken()) == WITHHELD
    assert Scrubber(Broken())("anything") == WITHHELD


def test_ticket_error_text_and_close_reason_use_the_same_scrub(scanner: Scanner) -> None:
    """Finding 2 (the part outside keys/): ticket error text gets the long-token guard gap text gets."""
    rng = random.Random(2)
    opaque = "".join(rng.choice(ALNUM) for _ in range(40))
    secret = _password(rng)
    for field in (error_text, close_reason):
        out = field(f"401 with token {opaque}, DB_PASSWORD={secret}", scanner) or ""
        assert opaque not in out
        assert secret not in out
