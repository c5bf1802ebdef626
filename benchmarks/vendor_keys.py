"""Synthetic keys in the shapes vendors document, for the scanner benchmark.

Written from each vendor's documentation and the facts in ``shared/reference/key-formats.md`` (prefix,
alphabet, length), on purpose *not* from ``supportbot/keys/rules.toml``: a benchmark whose planted keys
come from the rules that find them measures nothing. Bodies are random (a seeded ``random.Random``);
nothing here is a real key.
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
LETTERS = string.ascii_letters
B64URL = ALNUM + "_-"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"
DIGITS = string.digits
MARKER = "T3Blbk" + "FJ"  # base64 of "OpenAI", split so a grep for key shapes never fires on this file


def _run(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _edge_safe(rng: random.Random, alphabet: str, length: int) -> str:
    # Real bodies seldom end in '_' or '-'; keep both ends alphanumeric so the span is unambiguous.
    body = _run(rng, alphabet, length)
    return rng.choice(ALNUM) + body[1:-1] + rng.choice(ALNUM) if length > 2 else body


@dataclass(frozen=True)
class VendorShape:
    vendor: str
    make: Callable[[random.Random], str]
    # Whether a line break inside the key can be bridged: the key starts with a literal prefix of
    # three or more characters and has no '.' or '/' after it.
    bridgeable: bool = True


SHAPES: tuple[VendorShape, ...] = (
    # AI providers and gateways
    VendorShape(
        "openai-project",
        lambda rng: "sk-proj-" + _edge_safe(rng, B64URL, 74) + MARKER + _edge_safe(rng, B64URL, 74),
    ),
    VendorShape(
        "openai-service-account",
        lambda rng: "sk-svcacct-" + _edge_safe(rng, B64URL, 74) + MARKER + _edge_safe(rng, B64URL, 74),
    ),
    VendorShape("openai-legacy", lambda rng: "sk-" + _run(rng, ALNUM, 20) + MARKER + _run(rng, ALNUM, 20)),
    VendorShape("anthropic", lambda rng: "sk-ant-api03-" + _edge_safe(rng, B64URL, 93) + "AA"),
    VendorShape("deepseek", lambda rng: "sk-" + _run(rng, HEX, 32)),
    VendorShape("one-api-gateway", lambda rng: "sk-" + _run(rng, ALNUM, 48)),
    VendorShape("openrouter", lambda rng: "sk-or-v1-" + _run(rng, HEX, 64)),
    VendorShape("gemini", lambda rng: "AIzaSy" + _edge_safe(rng, B64URL, 33)),
    VendorShape("groq", lambda rng: "gsk_" + _run(rng, ALNUM, 52)),
    VendorShape("xai", lambda rng: "xai-" + _run(rng, ALNUM, 80)),
    VendorShape("huggingface", lambda rng: "hf_" + _run(rng, LETTERS, 34)),
    VendorShape("perplexity", lambda rng: "pplx-" + _run(rng, ALNUM, 48)),
    VendorShape("replicate", lambda rng: "r8_" + _run(rng, ALNUM, 37)),
    VendorShape("together", lambda rng: "tgp_v1_" + _edge_safe(rng, B64URL, 43)),
    VendorShape("zhipu", lambda rng: _run(rng, HEX, 32) + "." + rng.choice("ABCDEFGHJK") + _run(rng, ALNUM, 15), False),
    VendorShape("baidu-qianfan", lambda rng: "bce-v3/ALTAK-" + _run(rng, ALNUM, 21) + "/" + _run(rng, HEX, 40), False),
    VendorShape("langfuse", lambda rng: "sk-lf-" + str(uuid.UUID(int=rng.getrandbits(128), version=4))),
    VendorShape("langsmith", lambda rng: "lsv2_pt_" + _run(rng, HEX, 32) + "_" + _run(rng, HEX, 10)),
    VendorShape("tavily", lambda rng: "tvly-" + _run(rng, ALNUM, 32)),
    VendorShape("elevenlabs", lambda rng: "sk_" + _run(rng, HEX, 48), False),
    # Credentials pasted with them (.env files, CI settings)
    VendorShape("github-classic", lambda rng: "ghp_" + _run(rng, ALNUM, 36)),
    VendorShape("github-fine-grained", lambda rng: "github_pat_" + _run(rng, ALNUM, 22) + "_" + _run(rng, ALNUM, 59)),
    VendorShape("gitlab", lambda rng: "glpat-" + _edge_safe(rng, B64URL, 20)),
    VendorShape("npm", lambda rng: "npm_" + _run(rng, ALNUM, 36)),
    VendorShape("pypi", lambda rng: "pypi-AgEIcHlwaS5vcmc" + _edge_safe(rng, B64URL, 160)),
    VendorShape("aws", lambda rng: "AKIA" + _run(rng, BASE32, 16)),
    VendorShape("alibaba", lambda rng: "LTAI" + _run(rng, ALNUM, 20)),
    VendorShape("tencent", lambda rng: "AKID" + _run(rng, ALNUM, 32)),
    VendorShape("databricks", lambda rng: "dapi" + _run(rng, HEX, 32)),
    VendorShape("sendgrid", lambda rng: "SG." + _edge_safe(rng, B64URL, 22) + "." + _edge_safe(rng, B64URL, 43), False),
    VendorShape("twilio-api-key", lambda rng: "SK" + _run(rng, HEX, 32), False),
    VendorShape("shopify", lambda rng: "shpat_" + _run(rng, HEX, 32)),
    VendorShape("digitalocean", lambda rng: "dop_v1_" + _run(rng, HEX, 64)),
    VendorShape("doppler", lambda rng: "dp.pt." + _run(rng, ALNUM, 43), False),
    VendorShape("stripe-secret", lambda rng: "sk_live_" + _run(rng, ALNUM, 99)),
    VendorShape("stripe-restricted", lambda rng: "rk_live_" + _run(rng, ALNUM, 107)),
    VendorShape(
        "slack-bot",
        lambda rng: "xoxb-" + _run(rng, DIGITS, 12) + "-" + _run(rng, DIGITS, 13) + "-" + _run(rng, ALNUM, 24),
    ),
)
