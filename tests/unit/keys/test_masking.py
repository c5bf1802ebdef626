from __future__ import annotations

import random

import pytest

from supportbot.keys import Finding, Scanner, mask_text
from supportbot.keys.masking import fingerprint, fingerprintable, mask_key, revealed_count, secret_bytes, strength_bits
from tests.keygen import make_key


@pytest.mark.parametrize(("length", "shown"), [(0, 0), (5, 0), (6, 1), (16, 2), (20, 3), (24, 4), (200, 4)])
def test_revealed_count(length: int, shown: int) -> None:
    assert revealed_count(length) == shown


def test_mask_key_keeps_prefix_and_tail() -> None:
    body = "Ab3dEf6hIj9lMn2pQr5tUv8x"
    assert mask_key("sk-proj-" + body, "sk-proj-") == "sk-proj-…Uv8x"
    assert mask_key(body) == "…" + body[-4:]
    assert mask_key("short", "") == "…"
    assert mask_key("sk-abc", "xx-") == "…c"  # a prefix the key does not start with is not kept


def test_mask_text_replaces_spans_and_ignores_bad_ones() -> None:
    text = "one KEYKEYKEY two"
    good = Finding(4, 13, "r", "p", "K…EY", "0" * 12)
    assert mask_text(text, [good]) == "one K…EY two"
    outside = Finding(10, 99, "r", "p", "x", "0" * 12)
    overlapping = Finding(5, 8, "r", "p", "x", "0" * 12)
    assert mask_text(text, [good, outside, overlapping]) == "one K…EY two"
    assert mask_text(text, []) == text


def test_fingerprint_is_keyed_hmac() -> None:
    assert fingerprint("k", b"a") != fingerprint("k", b"b")
    assert fingerprint("k", b"a") == fingerprint("k", b"a")
    assert len(fingerprint("k", b"a")) == 12
    assert int(fingerprint("k", b"a"), 16) >= 0


def test_scanner_fingerprint_ignores_invisible_characters(scanner: Scanner) -> None:
    key = make_key("openai", random.Random(4))
    assert scanner.fingerprint(key[:30] + "\u200b" + key[30:]) == scanner.fingerprint(key)
    assert scanner.fingerprint(key) == scanner.find(key)[0].key_id


def test_mask_method_masks_every_key(scanner: Scanner) -> None:
    rng = random.Random(6)
    keys = [make_key("deepseek", rng), make_key("github", rng)]
    masked = scanner.mask(f"a {keys[0]} b {keys[1]} c")
    assert keys[0] not in masked
    assert keys[1] not in masked
    assert masked.startswith("a sk-…")
    assert masked.endswith(" c")


def test_guessable_secrets_get_no_lasting_fingerprint() -> None:
    """Issue 13, finding 7: a password in a URL cannot be guessed back from a database dump, even with
    the deployment secret: its id is keyed by a secret that only the running process holds."""
    secret = "unit-test-fingerprint-secret-0007"
    first, second = Scanner(fingerprint_secret=secret), Scanner(fingerprint_secret=secret)
    text = "postgres://app:" + "hunter" + "2024@db.internal.example:5432/app"
    (finding,) = first.find(text)
    assert finding.rule == "url-credentials"
    guesses = ["hunter" + str(year) for year in range(1900, 2100)]
    candidates = {fingerprint(guess, secret_bytes(secret)) for guess in guesses}
    assert finding.key_id not in candidates
    assert finding.key_id == first.find(text)[0].key_id, "still one id within the process"
    assert finding.key_id != second.find(text)[0].key_id, "and nothing that links across processes"


def test_strength_estimate() -> None:
    assert not fingerprintable("hunter2024", machine_made=True)
    assert not fingerprintable("x" * 40, machine_made=False)
    rng = random.Random(7)
    assert fingerprintable("".join(rng.choice("abcdefghijkLMNOPQRST0123456789") for _ in range(32)), machine_made=True)
    assert strength_bits("") == 0.0
