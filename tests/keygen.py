"""Synthetic keys for tests and benchmarks, generated at run time from a seeded ``random.Random``.

Nothing here is a real key: bodies are random, only prefixes and lengths follow the public formats.
Keep it that way; never paste a real-looking key literal into this file.

API
---
``make_key(rule_or_provider, rng)``
    Text the scanner must flag when it stands alone: the key itself for prefixed formats; a PEM block;
    a URL with a password; ``NAME=value`` for formats that are recognised only by context.
``make_planted(rule_or_provider, rng)``
    The same as a :class:`Planted`, which also says which part of the text the finding must cover.
``ALL_RULES`` / ``ALL_PROVIDERS``
    Every default rule id / provider that has a generator.
``CHAT_CONTEXTS`` / ``place(planted, context)``
    The ways people wrap a key in chat, and a helper that builds the message and the expected span.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "_-"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"
UPPER_ALNUM = string.ascii_uppercase + string.digits
OPENAI_MARKER = "T3Blbk" + "FJ"  # split so a line-based grep for key shapes never fires on this file


def _body(rng: random.Random, alphabet: str, length: int) -> str:
    # Edges of a random body are letters or digits: an '_' or '-' at the very end is rare in real keys
    # and would make the expected span ambiguous next to Slack _italic_ markup.
    if length <= 0:
        return ""
    middle = "".join(rng.choice(alphabet) for _ in range(max(0, length - 2)))
    edge = [char for char in alphabet if char in ALNUM]
    ends = [rng.choice(edge) for _ in range(min(2, length))]
    return (ends[0] + middle + ends[1]) if length >= 2 else ends[0]


@dataclass(frozen=True)
class Planted:
    """A generated secret: ``text`` to paste, and ``secret`` = text[start:end], what a finding covers."""

    rule: str
    text: str
    start: int
    end: int
    prefixed: bool  # the secret starts with a literal prefix the scanner can find across a line break

    @property
    def secret(self) -> str:
        return self.text[self.start : self.end]


def _hexes(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(HEX) for _ in range(length))


def _whole(rule: str, key: str, prefixed: bool = True) -> Planted:
    return Planted(rule, key, 0, len(key), prefixed)


def _in_context(rule: str, before: str, value: str, after: str = "") -> Planted:
    return Planted(rule, before + value + after, len(before), len(before) + len(value), False)


def _openai_project(rng: random.Random) -> Planted:
    kind, half = rng.choice([("proj", 74), ("proj", 58), ("svcacct", 74), ("svcacct", 46), ("admin", 58)])
    return _whole("openai-project", f"sk-{kind}-" + _body(rng, B64URL, half) + OPENAI_MARKER + _body(rng, B64URL, half))


def _pem(rng: random.Random) -> Planted:
    kind = rng.choice(["RSA ", "EC ", "OPENSSH ", ""])
    body = "".join(rng.choice(ALNUM + "+/") for _ in range(rng.choice([256, 400, 900])))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    head = f"-----BEGIN {kind}PRIVATE KEY-----\n"
    secret = "\n".join(lines)
    return Planted(
        "private-key", head + secret + f"\n-----END {kind}PRIVATE KEY-----", len(head), len(head) + len(secret), False
    )


def _url_credentials(rng: random.Random) -> Planted:
    scheme = rng.choice(["postgres", "mysql", "https", "redis", "amqp"])
    before = f"{scheme}://svc_user:"
    return _in_context("url-credentials", before, _body(rng, ALNUM, 20), "@db.internal.example:5432/app")


_GENERATORS: dict[str, Callable[[random.Random], Planted]] = {
    "openai-project": _openai_project,
    "openai-legacy": lambda rng: _whole(
        "openai-legacy", "sk-" + _body(rng, ALNUM, 20) + OPENAI_MARKER + _body(rng, ALNUM, 20)
    ),
    "openai-project-unmarked": lambda rng: _whole("openai-project-unmarked", "sk-proj-" + _body(rng, B64URL, 100)),
    "anthropic": lambda rng: _whole(
        "anthropic", rng.choice(["sk-ant-api03-", "sk-ant-admin01-"]) + _body(rng, B64URL, 93) + "AA"
    ),
    "openrouter": lambda rng: _whole("openrouter", "sk-or-v1-" + _body(rng, HEX, 64).lower()),
    "deepseek": lambda rng: _whole("deepseek", "sk-" + "".join(rng.choice(HEX) for _ in range(32))),
    "gateway-sk": lambda rng: _whole("gateway-sk", "sk-" + _body(rng, ALNUM, 48)),
    "google-api": lambda rng: _whole("google-api", "AIzaSy" + _body(rng, B64URL, 33)),
    "gemini-aq": lambda rng: _whole("gemini-aq", "AQ.Ab8RN6" + _body(rng, B64URL, 44)),
    "groq": lambda rng: _whole("groq", "gsk_" + _body(rng, ALNUM, 52)),
    "xai": lambda rng: _whole("xai", "xai-" + _body(rng, ALNUM, 80)),
    "huggingface": lambda rng: _whole("huggingface", "hf_" + _body(rng, ALNUM, 34)),
    "perplexity": lambda rng: _whole("perplexity", "pplx-" + _body(rng, ALNUM, 48)),
    "replicate": lambda rng: _whole("replicate", "r8_" + _body(rng, ALNUM, 37)),
    "together": lambda rng: _whole("together", "tgp_v1_" + _body(rng, B64URL, 43)),
    "github-token": lambda rng: _whole("github-token", f"gh{rng.choice('pousr')}_" + _body(rng, ALNUM, 36)),
    "github-fine-grained": lambda rng: _whole(
        "github-fine-grained", "github_pat_" + _body(rng, ALNUM, 22) + "_" + _body(rng, ALNUM, 59)
    ),
    "aws-access-key-id": lambda rng: _whole(
        "aws-access-key-id", rng.choice(["AKIA", "ASIA"]) + "".join(rng.choice(BASE32) for _ in range(16))
    ),
    "aws-secret-access-key": lambda rng: _in_context(
        "aws-secret-access-key",
        rng.choice(["aws_secret_access_key = ", "AWS_SECRET_ACCESS_KEY="]),
        _body(rng, ALNUM + "/+", 40),
    ),
    "stripe-live": lambda rng: _whole(
        "stripe-live", rng.choice(["sk", "rk"]) + "_live_" + _body(rng, ALNUM, rng.choice([24, 99]))
    ),
    "slack-token": lambda rng: _whole(
        "slack-token",
        f"xox{rng.choice('bp')}-"
        + "".join(rng.choice(string.digits) for _ in range(12))
        + "-"
        + "".join(rng.choice(string.digits) for _ in range(13))
        + "-"
        + _body(rng, ALNUM, 24),
    ),
    "slack-app-token": lambda rng: _whole(
        "slack-app-token",
        "xapp-1-A"
        + "".join(rng.choice(UPPER_ALNUM) for _ in range(10))
        + "-"
        + "".join(rng.choice(string.digits) for _ in range(13))
        + "-"
        + _body(rng, HEX, 64).lower(),
    ),
    "slack-webhook": lambda rng: _whole(
        "slack-webhook",
        "https://hooks.slack.com/services/T"
        + "".join(rng.choice(UPPER_ALNUM) for _ in range(8))
        + "/B"
        + "".join(rng.choice(UPPER_ALNUM) for _ in range(10))
        + "/"
        + _body(rng, ALNUM, 24),
        prefixed=False,
    ),
    "gitlab-token": lambda rng: _whole(
        "gitlab-token", rng.choice(["glpat-", "gldt-", "glrt-"]) + _body(rng, B64URL, 20)
    ),
    "npm-token": lambda rng: _whole("npm-token", "npm_" + _body(rng, ALNUM, 36)),
    "pypi-token": lambda rng: _whole("pypi-token", "pypi-AgEIcHlwaS5vcmc" + _body(rng, B64URL, rng.choice([70, 160]))),
    "alibaba-access-key-id": lambda rng: _whole(
        "alibaba-access-key-id", "LTAI" + _body(rng, ALNUM, rng.choice([12, 16, 20]))
    ),
    "tencent-secret-id": lambda rng: _whole("tencent-secret-id", "AKID" + _body(rng, ALNUM, 32)),
    "databricks-token": lambda rng: _whole("databricks-token", "dapi" + _hexes(rng, 32)),
    "sendgrid": lambda rng: _whole("sendgrid", "SG." + _body(rng, B64URL, 22) + "." + _body(rng, B64URL, 43)),
    "twilio-api-key": lambda rng: _whole("twilio-api-key", "SK" + _hexes(rng, 32)),
    "shopify-token": lambda rng: _whole("shopify-token", rng.choice(["shpat_", "shpss_"]) + _hexes(rng, 32)),
    "digitalocean-token": lambda rng: _whole("digitalocean-token", "dop_v1_" + _hexes(rng, 64)),
    "doppler-token": lambda rng: _whole("doppler-token", "dp.pt." + _body(rng, ALNUM, 43)),
    "langsmith": lambda rng: _whole(
        "langsmith", rng.choice(["lsv2_pt_", "lsv2_sk_"]) + _hexes(rng, 32) + "_" + _hexes(rng, 10)
    ),
    "baidu-qianfan": lambda rng: _whole(
        "baidu-qianfan", "bce-v3/ALTAK-" + _body(rng, ALNUM, 21) + "/" + _hexes(rng, 40)
    ),
    "zhipu": lambda rng: _whole(
        "zhipu", _hexes(rng, 32) + "." + rng.choice("ABCDEFGH") + rng.choice("abcdefgh") + _body(rng, ALNUM, 14), False
    ),
    "langfuse": lambda rng: _whole(
        "langfuse",
        "sk-lf-" + "-".join(_hexes(rng, size) for size in (8, 4, 4, 4, 12)),
    ),
    "tavily": lambda rng: _whole("tavily", rng.choice(["tvly-", "tvly-dev-"]) + _body(rng, ALNUM, 32)),
    "elevenlabs": lambda rng: _whole("elevenlabs", "sk_" + _hexes(rng, 48)),
    "stripe-webhook-secret": lambda rng: _whole("stripe-webhook-secret", "whsec_" + _body(rng, ALNUM, 32)),
    "linear": lambda rng: _whole("linear", "lin_api_" + _body(rng, ALNUM, 40)),
    "supabase": lambda rng: _whole("supabase", "sbp_" + _hexes(rng, 40)),
    "sentry-user-token": lambda rng: _whole("sentry-user-token", "sntryu_" + _hexes(rng, 64)),
    "postman": lambda rng: _whole("postman", "PMAK-" + _hexes(rng, 24) + "-" + _hexes(rng, 34)),
    "atlassian": lambda rng: _whole("atlassian", "ATATT3" + _body(rng, B64URL, 186)),
    "grafana-service-account": lambda rng: _whole(
        "grafana-service-account", "glsa_" + _body(rng, ALNUM, 32) + "_" + _hexes(rng, 8)
    ),
    "twilio-auth-token": lambda rng: _in_context(
        "twilio-auth-token", rng.choice(["TWILIO_AUTH_TOKEN=", "twilio_auth_token: '"]), _hexes(rng, 32)
    ),
    "private-key": _pem,
    "url-credentials": _url_credentials,
    "mistral": lambda rng: _in_context(
        "mistral", rng.choice(["MISTRAL_API_KEY=", "mistral_api_key: ", 'MISTRAL_API_KEY="']), _body(rng, ALNUM, 32)
    ),
    "cohere": lambda rng: _in_context(
        "cohere", rng.choice(["COHERE_API_KEY=", "co_api_key = '"]), _body(rng, ALNUM, 40)
    ),
    "azure-openai": lambda rng: _in_context(
        "azure-openai", rng.choice(["api-key: ", "AZURE_OPENAI_API_KEY="]), "".join(rng.choice(HEX) for _ in range(32))
    ),
    "bearer-token": lambda rng: _in_context(
        "bearer-token", "Authorization: Bearer ", _body(rng, ALNUM, rng.choice([32, 40, 64]))
    ),
    "api-key-assignment": lambda rng: _in_context(
        "api-key-assignment",
        rng.choice(['api_key="', "x-api-key: ", "apiKey: '", "OPENAI_API_KEY="]),
        _body(rng, ALNUM, 40),
    ),
}

PROVIDER_RULES: dict[str, str] = {
    "openai": "openai-project",
    "anthropic": "anthropic",
    "openrouter": "openrouter",
    "deepseek": "deepseek",
    "gateway": "gateway-sk",
    "google": "google-api",
    "groq": "groq",
    "xai": "xai",
    "huggingface": "huggingface",
    "perplexity": "perplexity",
    "replicate": "replicate",
    "together": "together",
    "github": "github-token",
    "aws": "aws-access-key-id",
    "stripe": "stripe-live",
    "slack": "slack-token",
    "pem": "private-key",
    "url": "url-credentials",
    "mistral": "mistral",
    "cohere": "cohere",
    "azure": "azure-openai",
    "generic": "api-key-assignment",
    "gitlab": "gitlab-token",
    "npm": "npm-token",
    "pypi": "pypi-token",
    "alibaba": "alibaba-access-key-id",
    "tencent": "tencent-secret-id",
    "databricks": "databricks-token",
    "sendgrid": "sendgrid",
    "twilio": "twilio-api-key",
    "shopify": "shopify-token",
    "digitalocean": "digitalocean-token",
    "doppler": "doppler-token",
    "langsmith": "langsmith",
    "baidu": "baidu-qianfan",
    "zhipu": "zhipu",
    "langfuse": "langfuse",
    "tavily": "tavily",
    "elevenlabs": "elevenlabs",
    "linear": "linear",
    "supabase": "supabase",
    "sentry": "sentry-user-token",
    "postman": "postman",
    "atlassian": "atlassian",
    "grafana": "grafana-service-account",
}

ALL_RULES: tuple[str, ...] = tuple(_GENERATORS)
ALL_PROVIDERS: tuple[str, ...] = tuple(PROVIDER_RULES)
# Rules whose generated text is the key itself, starting with a literal prefix.
PREFIXED_RULES: tuple[str, ...] = tuple(rule for rule in ALL_RULES if _GENERATORS[rule](random.Random(0)).prefixed)


def rule_for(rule_or_provider: str) -> str:
    if rule_or_provider in _GENERATORS:
        return rule_or_provider
    if rule_or_provider in PROVIDER_RULES:
        return PROVIDER_RULES[rule_or_provider]
    raise KeyError(f"no generator for {rule_or_provider!r}; known: {', '.join(ALL_RULES)}")


def make_planted(rule_or_provider: str, rng: random.Random) -> Planted:
    return _GENERATORS[rule_for(rule_or_provider)](rng)


def make_key(rule_or_provider: str, rng: random.Random) -> str:
    """Text that holds one synthetic key of this rule or provider (see the module docstring)."""
    return make_planted(rule_or_provider, rng).text


# --- Chat contexts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A chat message holding one planted secret at ``start:end`` (offsets into ``message``)."""

    message: str
    start: int
    end: int


Wrap = tuple[str, str]
# Text around the pasted key. Each keeps the key intact; the scanner must find exactly the secret.
WRAPS: dict[str, Wrap] = {
    "bare": ("", ""),
    "sentence": ("here is my key ", " can you check it"),
    "full-stop": ("my key is ", "."),
    "comma": ("key ", ", still 401"),
    "semicolon": ("key ", "; thanks"),
    "colon-after": ("", ": this one fails"),
    "exclamation": ("it fails with ", "!"),
    "question": ("is this right ", "?"),
    "paren": ("(key ", ")"),
    "backticks": ("key `", "` returns 401"),
    "code-block": ("```\nexport KEY=x\n", "\n```"),
    "bold": ("*", "*"),
    "italic": ("_", "_"),
    "strike": ("~", "~"),
    "double-quotes": ('"', '"'),
    "single-quotes": ("'", "'"),
    "smart-quotes": ("“", "”"),
    "angle": ("<", ">"),
    "slack-escaped-angle": ("&lt;", "&gt;"),
    "slack-amp-after": ("try ", "&amp;&amp; retry"),
    "cjk-glued": ("我的key是", "，谢谢"),
    "cjk-fullwidth-paren": ("密钥（", "）不能用"),
    "cjk-corner-quotes": ("「", "」报错401"),
    "cjk-fullwidth-colon": ("key：", "。"),
    "quote-block": ("> ", "\n> still failing"),
}
# Glue that is not a word: a key right after "Bearer" (no space), URL-encoded or JSON-escaped "=".
# Every key with a literal prefix is found there; place() skips the others.
GLUE_WRAPS: dict[str, Wrap] = {
    "bearer-glued": ("curl -H 'Authorization: Bearer", "'"),
    "url-encoded": ("https://app.example/cb?next=1&amp;key%3D", "%26x%3D1"),
    "json-escaped": ('{"q": "key\\u003d', '"}'),
}
# Glued to letters and digits: only rules with a distinctive prefix (``glued = true``) find these.
LETTER_GLUE_WRAPS: dict[str, Wrap] = {
    "letter-before": ("mykeyis", " thanks"),
    "digit-before": ("key1", " 谢谢"),
    "cjk-markup-glued": ("我的密钥是*_", "_*谢谢"),
}
# Keys with a "." or "/" inside (the run before a break holds no prefix) or a two-letter prefix ("SK"):
# a line break inside them is not bridged.
UNBRIDGED = frozenset({"sendgrid", "doppler-token", "baidu-qianfan", "twilio-api-key"})
# Characters that break a key without showing in Slack; inserted inside the secret.
BREAKERS: dict[str, str] = {
    "zwsp": "\u200b",
    "zwnj": "\u200c",
    "zwj": "\u200d",
    "word-joiner": "\u2060",
    "bom": "\ufeff",
    "soft-hyphen": "\u00ad",
    "line-break": "\n",
}
CHAT_CONTEXTS: tuple[str, ...] = (
    tuple(WRAPS) + tuple(GLUE_WRAPS) + tuple(f"broken-{name}" for name in BREAKERS) + ("slack-link",)
)


def place(planted: Planted, context: str, rng: random.Random | None = None) -> Placed | None:
    """``planted`` put into a chat message in the given context; None where it does not apply."""
    if context in WRAPS:
        before, after = WRAPS[context]
        return Placed(before + planted.text + after, len(before) + planted.start, len(before) + planted.end)
    if context in GLUE_WRAPS or context in LETTER_GLUE_WRAPS:
        if not planted.prefixed or planted.start != 0:
            return None
        before, after = GLUE_WRAPS.get(context) or LETTER_GLUE_WRAPS[context]
        return Placed(before + planted.text + after, len(before), len(before) + planted.end)
    if context == "slack-link":
        if planted.rule == "private-key" or "\n" in planted.text or planted.start != 0:
            return None
        before = "see <https://console.example.com/try?key="
        return Placed(
            before + planted.text + "&amp;mode=1|the console> for details",
            len(before),
            len(before) + len(planted.secret),
        )
    if context.startswith("broken-"):
        breaker = BREAKERS[context.removeprefix("broken-")]
        if breaker == "\n" and (not planted.prefixed or planted.rule in UNBRIDGED):
            return None  # only keys with a literal prefix can be recognised across a line break
        if planted.rule == "private-key" and breaker == "\n":
            return None
        secret = planted.secret
        cut = (rng or random.Random(len(secret))).randrange(len(secret) // 3, 2 * len(secret) // 3)
        text = planted.text[: planted.start + cut] + breaker + planted.text[planted.start + cut :]
        return Placed("key: " + text + " 谢谢", 5 + planted.start, 5 + planted.end + len(breaker))
    raise KeyError(context)
