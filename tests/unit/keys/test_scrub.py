from __future__ import annotations

import random

import pytest

from supportbot.keys import Scanner
from supportbot.keys.scrub import REMOVED, remove_header_values
from tests.keygen import make_key

CASES = {
    "raw http": ("Authorization: Bearer abc123token\nHost: x", "Authorization: Bearer [removed]\nHost: x"),
    "curl double": (
        'curl -H "Authorization: Bearer abc123" https://x',
        'curl -H "Authorization: Bearer [removed]" https://x',
    ),
    "curl single x-api-key": ("curl -H 'x-api-key: abc123' u", "curl -H 'x-api-key: [removed]' u"),
    "proxy auth basic": ("Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: Basic [removed]"),
    "json": ('{"Authorization": "Bearer abc", "x": 1}', '{"Authorization": "Bearer [removed]", "x": 1}'),
    "json api-key": ('{"api-key": "abc123"}', '{"api-key": "[removed]"}'),
    "yaml": ("headers:\n  x-goog-api-key: abc123\n", "headers:\n  x-goog-api-key: [removed]\n"),
    "env": ("OPENAI_API_KEY=abc123\nDEBUG=1", "OPENAI_API_KEY=[removed]\nDEBUG=1"),
    "python dict": ("{'x-api-key': 'abc123'}", "{'x-api-key': '[removed]'}"),
    "python f-string": ("{'Authorization': f'Bearer {key}'}", "{'Authorization': f'Bearer [removed]'}"),
    "js template": ("{Authorization: `Bearer ${key}`}", "{Authorization: `Bearer [removed]`}"),
    "dict variable kept": ('{"x-api-key": api_key}', '{"x-api-key": api_key}'),
    "no header": ("the key is fine", "the key is fine"),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_remove_header_values(text: str, expected: str) -> None:
    assert remove_header_values(text) == expected


def test_scrub_is_idempotent() -> None:
    once = remove_header_values("Authorization: Bearer abc")
    assert remove_header_values(once) == once == f"Authorization: Bearer {REMOVED}"


def test_scrub_masks_keys_and_removes_headers(scanner: Scanner) -> None:
    rng = random.Random(8)
    key, other = make_key("openai", rng), make_key("deepseek", rng)
    text = f'curl -H "Authorization: Bearer {key}" -d x\nmy other key is {other}.'
    scrubbed = scanner.scrub(text)
    assert key not in scrubbed
    assert other not in scrubbed
    assert 'Authorization: Bearer [removed]"' in scrubbed
    assert "my other key is sk-…" in scrubbed
