"""What providers and gateways say: error texts, masked key echoes, non-401 errors.

The texts are those of OpenAI, Anthropic, DeepSeek, OpenRouter, Azure OpenAI, Gemini, Groq,
Mistral, xAI, DashScope, Volcengine Ark and one-api/new-api as customers paste them (JSON bodies,
Python reprs, SDK tracebacks, client logs). Each entry says what it means for diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

from supportbot.triage.needles import set_needles

Family = Literal["auth", "other"]

_I = regex.IGNORECASE


@dataclass(frozen=True)
class Phrase:
    pattern: regex.Pattern[str]
    family: Family
    reason: str | None = None  # the finding it gives, if it points at one cause
    vendor_host: str | None = None  # whose text this is, when nobody else words it so


def _p(  # noqa: PLR0917 - a table row reads best positionally
    text: str,
    family: Family,
    reason: str | None = None,
    vendor_host: str | None = None,
    flags: int = _I,
    needles: tuple[str, ...] | None = None,
) -> Phrase:
    pattern = regex.compile(text, flags)
    if needles is not None:
        set_needles(pattern, needles)
    return Phrase(pattern, family, reason, vendor_host)


PHRASES: tuple[Phrase, ...] = (
    # --- whitespace: clients that refuse a header value with a line break or a leading space
    _p(r"Invalid header value b?['\"]", "auth", "header_value_error"),
    _p(r"Illegal header value", "auth", "header_value_error"),
    _p(
        r"Invalid (?:leading whitespace, reserved character\(s\), or return character\(s\)|return "
        r"character or leading space) in header",
        "auth",
        "header_value_error",
    ),
    _p(r"ERR_INVALID_CHAR|Invalid character in header content", "auth", "header_value_error"),
    _p(r"invalid header field value", "auth", "header_value_error"),
    _p(r"Unexpected char 0x[0-9a-f]{2} at \d{1,4} in \w{1,40} value", "auth", "header_value_error"),
    _p(
        r"Newline or carriage return character detected in HTTP status message or header",
        "auth",
        "header_value_error",
    ),
    # --- missing_header: the server or SDK says no key was sent
    _p(r"You didn'?t provide an API key", "auth", "vendor_says_missing"),
    _p(r"Missing bearer or basic authentication in header", "auth", "vendor_says_missing"),
    _p(r"x-api-key header is required", "auth", "vendor_says_missing"),
    _p(r"未提供令牌|未携带令牌|请求头中?(?:缺少|没有|未包含)\s*Authorization", "auth", "vendor_says_missing"),
    _p(r"No (?:cookie )?auth credentials found", "auth", "vendor_says_missing", "openrouter.ai"),
    _p(r"Missing Authentication header", "auth", "vendor_says_missing"),
    _p(r"API key is required in Authorization header|\bAPI_KEY_REQUIRED\b", "auth", "vendor_says_missing"),
    _p(r"Method doesn'?t allow unregistered callers", "auth", "vendor_says_missing"),
    _p(r"Access denied due to missing subscription key", "auth", "vendor_says_missing"),
    _p(
        r"(?:authorization|auth) header (?:is )?(?:missing|required|not (?:found|provided|present))",
        "auth",
        "vendor_says_missing",
    ),
    _p(
        r"\bno api[ _-]?key (?:was )?(?:provided|found|set)\b|\bmissing (?:api[ _-]?key|credentials)\b",
        "auth",
        "vendor_says_missing",
    ),
    _p(r"The api_key client option must be set", "auth", "sdk_no_key"),
    _p(r"OPENAI_API_KEY environment variable is missing or empty", "auth", "sdk_no_key"),
    _p(r"Could not resolve authentication method", "auth", "sdk_no_key"),
    _p(r"Did not find \w{0,40}api_key", "auth", "sdk_no_key"),
    _p(r"KeyError: ['\"][A-Z0-9_]{0,40}(?:API_KEY|TOKEN)['\"]", "auth", "sdk_no_key", flags=0),
    _p(r"proxy_set_header\s+Authorization\s+(?:\"\"|'')", "auth", "proxy_strips"),
    # --- disabled_key
    _p(
        r"该令牌状态不可用|令牌已(?:被)?(?:禁用|停用)|token status (?:is )?(?:unavailable|not available)",
        "auth",
        "key_disabled",
    ),
    _p(r"该令牌已过期|令牌已(?:过期|失效)", "auth", "key_expired"),
    _p(r"令牌已(?:被)?删除", "auth", "key_revoked"),
    _p(
        r"\bAPI key expired\b|\b(?:api[ _-]?key|key|token) (?:h"
        r"as )?expired\b|\bexpired (?:api[ _-]?)?(?:key|token)\b",
        "auth",
        "key_expired",
    ),
    _p(
        r"reported as leaked|determined to have been leaked|\bleaked,? (?:and )?(?:has been |was )?disabled",
        "auth",
        "key_leaked",
    ),
    _p(
        r"associated with a deactivated account|\baccount_de"
        r"activated\b|account (?:has been|is|was) deactivated",
        "auth",
        "account_deactivated",
    ),
    _p(
        r"\b(?:api[ _-]?key|key|token) (?:has been|was|is|got) "
        r"(?:been )?(?:disabled|deactivated|suspended|blocked)\b"
        r"|\b(?:disabled|deactivated|suspended) (?:api[ _-]?)?key\b|\bkey_disabled\b",
        "auth",
        "key_disabled",
        needles=("disabled", "deactivated", "suspended", "blocked"),
    ),
    _p(
        r"\b(?:api[ _-]?key|key|token) (?:has been|was|is|got) (?:been )?(?:revoked|deleted)\b"
        r"|\b(?:revoked|deleted) (?:api[ _-]?)?key\b",
        "auth",
        "key_revoked",
        needles=("revoked", "deleted"),
    ),
    _p(r"User not found\.?['\"]?,\s*['\"]code['\"]:\s*401", "auth", "user_not_found", "openrouter.ai"),
    _p(r"Authentication Fails \(no such user\)", "auth", "user_not_found", "api.deepseek.com"),
    # --- auth errors that name no single cause, but do tell whose server answered
    _p(r"platform\.openai\.com/account/api-keys", "auth", None, "api.openai.com"),
    _p(r"authentication_error.{0,80}x-api-key|invalid x-api-key", "auth", None, "api.anthropic.com"),
    _p(r"Authentication Fails", "auth", None, "api.deepseek.com"),
    _p(r"invalid subscription key or wrong API endpoint", "auth", None, "openai.azure.com"),
    _p(
        r"API_KEY_INVALID|API key not valid\. Please pass a valid API key|API Key not found\. Please pass",
        "auth",
        None,
        "generativelanguage.googleapis.com",
    ),
    _p(r"console\.x\.ai", "auth", None, "api.x.ai"),
    _p(r"help\.aliyun\.com/zh/model-studio/error-code", "auth", None, "dashscope.aliyuncs.com"),
    _p(r"The API key format is incorrect", "auth", None, "volces.com"),
    _p(r"x-groq-region", "auth", None, "api.groq.com"),
    _p(
        r"Incorrect API key provided|\binvalid_api_k"
        r"ey\b|Invalid API Key|无效的令牌|令牌无效|认证失败|鉴权失败|"
        r"身份验证失败|\bauthentication_error\b|\bAuthenticationE"
        r"rror\b|invalid (?:auth(?:entication|orization)? )?"
        r"token|\bPermissionDenied\b",
        "auth",
    ),
    # --- not a 401 cause: nothing is flagged for these
    _p(r"rate[ _-]?limit|Too Many Requests|请求过于频繁|限流|负载已饱和|\bRateLimitError\b", "other"),
    _p(
        r"Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|\boverloaded(?:_error)?\b|"
        r"\bInternalServerError\b|\bAPIConnectionError\b|\bAPITimeoutError\b|上游.{0,8}(?:错误|超时|异常)",
        "other",
    ),
    _p(
        r"insufficient_quota|exceeded your current quota|Insuffi"
        r"cient (?:Balance|credits|funds)|credit balance is too "
        r"low|额度已用尽|额度不足|余额不足|\bbilling_not_active\b|quota (?:exceeded|exhausted)",
        "other",
    ),
    _p(
        r"model_not_found|does not exist or you do not have acc"
        r"ess|The model [`'\"]?[\w./:-]{1,80}+[`'\"]? does not "
        r"exist|无可用渠道|模型不存在|not a valid model|Unknown model|model not found|invalid model",
        "other",
    ),
    _p(
        r"context_length_exceeded|maximum context length|p"
        r"rompt is too long|上下文长度|reduce the length of the "
        r"messages|too many tokens",
        "other",
    ),
    _p(
        r"(?:HTTP/[\d.]{1,3}\s+|status(?:[ _]?code)?\W{0,3}|Err"
        r"or code:\s*|[\"']code[\"']:\s*[\"']?|[\"']status[\"']:"
        r"\s*)(?:429|5\d\d)\b",
        "other",
        needles=("429", "50", "52"),
    ),
)

#: A gateway passed a provider's answer through; the provider's wording then says nothing about
#: where the customer's request went.
RELAY_MARKERS = regex.compile(
    r"\(request id: [^)\n]{4,80}+\)|\bone_api_error\b|\bnew_api_error\b|relay error|\(channel #?\d{1,6}|"
    r"upstream_error",
    _I,
)

# "Incorrect API key provided: <echo>." (OpenAI and look-alikes);
# DeepSeek's "Your api key: <echo> is invalid".
ECHOES = (
    regex.compile(r"Incorrect API key provided:[ ]?(?P<echo>[^\n]{1,160}?)\.(?=\s|$|[\"'\\,}])"),
    regex.compile(r"Your api key:\s*(?P<echo>\S{1,100}+) is invalid", _I),
)

_QUOTE_START = ('"', "'", "`", "“", "”", "‘", "’", '\\"', "\\'")
_PLACEHOLDER_ECHO = regex.compile(r"your|here|_key$|^key$|^api[-_]?key|replace|insert|<|\[|xxx", _I)
_UNSET = {"undefined", "null", "none", "nil", "ined", "ull"}
#: Prefixes OpenAI itself issues; any other prefix at OpenAI is a key from somewhere else.
OPENAI_OWN_PREFIXES = (
    "sk-proj-",
    "sk-svcacct-",
    "sk-admin-",
    "sk-None-",
    "sk-proj",
    "sk-svcacct",
    "sk-admin",
)


@dataclass(frozen=True)
class Echo:
    """What a provider says it received as the key, as it masked it."""

    text: str
    start: int
    end: int


def classify_echo(echo: str) -> str | None:
    """The reason an echoed key points at, for echoes that show their own cause."""
    value = echo.strip()
    if not value:
        return "empty_key"
    if value.startswith(_QUOTE_START) or value.endswith(_QUOTE_START):
        return "echo_quoted"
    lowered = value.lower()
    if lowered.startswith("bearer"):
        return "bearer_twice"
    if "://" in value or lowered.startswith(("http", "www.")):
        return "url_as_key"
    core = value.lstrip("*.…")
    if lowered in _UNSET or core.lower() in _UNSET:
        return "unset_key"
    if value.startswith(("$", "%", "{")) or core.startswith(("$", "{")):
        return "unexpanded_variable"
    if _PLACEHOLDER_ECHO.search(value):
        return "placeholder_key"
    if value[-1] in "}),;":
        return "stray_char"
    return None


def foreign_to_openai(echo: str) -> bool | None:
    """True: not an OpenAI key at all; False: OpenAI's own kind; None: cannot tell (plain ``sk-``)."""
    value = echo.strip()
    if value.startswith(OPENAI_OWN_PREFIXES):
        return False
    if value.startswith(("sk-ant", "sk-or-", "gsk_", "AIza", "xai-", "hf_", "r8_", "pplx-")):
        return True
    if value.startswith("sk-"):
        return None
    return bool(value) and value[0].isalnum()
