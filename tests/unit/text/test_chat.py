"""Text kept from chat: flattened, nameless, scrubbed, and with no random-looking token left."""

from __future__ import annotations

import random
import string

import pytest

from supportbot.text.chat import (
    HIDDEN,
    MAX_STORED_CHARS,
    for_output,
    hide_token_like,
    identity,
    looks_random,
    plain_text,
    storable,
)

ALNUM = string.ascii_letters + string.digits


def _body(rng: random.Random, length: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def synthetic_keys(seed: int) -> list[str]:
    """Key-shaped strings made at run time (random bodies, public prefixes split so no grep fires)."""
    rng = random.Random(seed)
    return [
        "sk-" + "proj-" + _body(rng, 48),
        "sk-" + _body(rng, 48),
        "sk-" + "ant-api03-" + _body(rng, 93, ALNUM + "-_"),
        "AI" + "za" + _body(rng, 35, ALNUM + "-_"),
        "gh" + "p_" + _body(rng, 36),
        "sk-" + _body(rng, 32, "0123456789abcdef"),
    ]


def test_plain_text_drops_people_and_markup() -> None:
    slack = (
        "<@U0123ABCD> hi <!subteam^S0GROUP|@support> <#C0SUPPORT1|general> <!here> "
        "see <https://a.example|docs> &lt;key&gt; &amp; U0ABC12345"
    )
    expected = "@someone hi @someone #general here see docs (https://a.example) <key> & @someone"
    assert plain_text(slack) == expected


def test_plain_text_keeps_words_that_look_a_little_like_ids() -> None:
    assert plain_text("401 UNAUTHORIZED from WEBSOCKETS") == "401 UNAUTHORIZED from WEBSOCKETS"
    assert plain_text("<https://a.example/x>") == "https://a.example/x"


@pytest.mark.parametrize("seed", range(20))
def test_generated_keys_are_hidden(seed: int) -> None:
    for key in synthetic_keys(seed):
        out = hide_token_like(f"my key is {key}, why 401?")
        assert key not in out
        assert key[-8:] not in out
        assert HIDDEN in out


@pytest.mark.parametrize(
    "name",
    [
        "gpt-4o-2024-08-06",
        "claude-3-5-sonnet-20241022",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "text-embedding-3-small",
        "550e8400-e29b-41d4-a716-446655440000",
        "OPENAI_API_BASE_URL",
        "HTTPSConnectionPool",
        "/v1/chat/completions",
        "application/x-www-form-urlencoded",
    ],
)
def test_names_paths_and_ids_stay_readable(name: str) -> None:
    assert not looks_random(name)
    assert hide_token_like(f"using {name} here") == f"using {name} here"


def test_storable_scrubs_after_flattening_and_before_clipping() -> None:
    calls: list[str] = []

    def scrub(text: str) -> str:
        calls.append(text)
        return text.replace("secret-word", "[removed]")

    long_tail = " tail" * 200
    out = storable("<@U0123ABCD> the secret-word is here" + long_tail, scrub)
    assert calls == ["@someone the secret-word is here" + long_tail]
    assert out.startswith("@someone the [removed] is here")
    assert len(out) == MAX_STORED_CHARS and out.endswith("…")


def test_for_output_scrubs_again() -> None:
    key = synthetic_keys(99)[0]
    assert key not in for_output(f"old row with {key}", identity)
    assert for_output("fine", lambda text: text.upper()) == "FINE"
