"""URLs and hosts: parsing what customers paste and comparing it with the official API base."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

#: Paths an SDK appends to the base URL, longest first so "/chat/completions" wins over "/completions".
ENDPOINTS: tuple[str, ...] = (
    "/audio/transcriptions",
    "/images/generations",
    "/chat/completions",
    "/audio/speech",
    "/completions",
    "/moderations",
    "/embeddings",
    "/responses",
    "/messages",
    "/rerank",
    "/models",
)

# Hosts of other providers' APIs; a gateway customer whose request goes here has the wrong base URL.
VENDOR_API_HOSTS: dict[str, str] = {
    "api.openai.com": "OpenAI",
    "api.anthropic.com": "Anthropic",
    "api.deepseek.com": "DeepSeek",
    "openrouter.ai": "OpenRouter",
    "openai.azure.com": "Azure OpenAI",
    "cognitiveservices.azure.com": "Azure OpenAI",
    "generativelanguage.googleapis.com": "Google Gemini",
    "api.groq.com": "Groq",
    "api.mistral.ai": "Mistral",
    "codestral.mistral.ai": "Mistral",
    "api.x.ai": "xAI",
    "dashscope.aliyuncs.com": "Alibaba DashScope",
    "dashscope-intl.aliyuncs.com": "Alibaba DashScope",
    "volces.com": "Volcengine Ark",
    "api.moonshot.cn": "Moonshot",
    "api.moonshot.ai": "Moonshot",
    "open.bigmodel.cn": "Zhipu",
    "api.siliconflow.cn": "SiliconFlow",
    "api.together.xyz": "Together",
    "api.perplexity.ai": "Perplexity",
    "api.cohere.ai": "Cohere",
    "api.cohere.com": "Cohere",
    "api.fireworks.ai": "Fireworks",
    "qianfan.baidubce.com": "Baidu Qianfan",
    "api.minimax.chat": "MiniMax",
    "api.hunyuan.cloud.tencent.com": "Tencent Hunyuan",
}

# Consoles and documentation of providers; they appear in error texts as links, never as a base.
VENDOR_WEB_HOSTS: frozenset[str] = frozenset(
    {
        "platform.openai.com",
        "help.openai.com",
        "openai.com",
        "chatgpt.com",
        "chat.openai.com",
        "console.anthropic.com",
        "docs.anthropic.com",
        "anthropic.com",
        "claude.ai",
        "platform.deepseek.com",
        "chat.deepseek.com",
        "deepseek.com",
        "console.x.ai",
        "x.ai",
        "help.aliyun.com",
        "bailian.console.aliyun.com",
        "aistudio.google.com",
        "ai.google.dev",
        "console.groq.com",
        "console.mistral.ai",
        "docs.mistral.ai",
        "github.com",
        "developers.cloudflare.com",
    }
)

_WEB_PATH_WORDS = frozenset(
    {
        "console",
        "dashboard",
        "panel",
        "login",
        "register",
        "signin",
        "signup",
        "token",
        "tokens",
        "keys",
        "api-keys",
        "apikeys",
        "account",
        "settings",
        "pricing",
        "docs",
        "doc",
        "playground",
        "topup",
        "log",
        "logs",
        "user",
        "home",
        "admin",
        "wallet",
        "detail",
        "chat",
        "help",
    }
)


@dataclass(frozen=True)
class Url:
    """A URL reduced to what diagnosis looks at; never holds userinfo, query or fragment text."""

    scheme: str
    host: str
    port: int | None
    path: str
    has_fragment: bool = False

    def display(self) -> str:
        scheme = f"{self.scheme}://" if self.scheme else ""
        port = f":{self.port}" if self.port is not None else ""
        return f"{scheme}{self.host}{port}{self.path}"

    @property
    def site(self) -> str:
        return registrable(self.host)


@lru_cache(maxsize=4096)
def parse_url(raw: str) -> Url | None:
    """Parse ``raw`` (with or without scheme); None when it has no usable host."""
    raw = raw.strip().strip("\"'`").rstrip(".,;:)]}>")
    if not raw or "\x00" in raw.split("/", 3)[2 if "://" in raw else 0]:
        return None
    candidate = raw if "://" in raw else "//" + raw
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or ("." not in host and host != "localhost"):
        return None
    path = parts.path.rstrip("/")
    return Url(parts.scheme.lower(), host, port, path, has_fragment=bool(parts.fragment))


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    # The list ships inside the package (about 0.07 s to parse), so nothing is downloaded at run time.
    return PublicSuffixList()


@lru_cache(maxsize=4096)
def registrable(host: str) -> str:
    """The registrable domain by the Public Suffix List: ``api.gw.example.com`` → ``example.com``.

    Hosting platforms are suffixes there too, so ``mygw.vercel.app`` and ``other.vercel.app`` are
    two sites (two customers of Vercel), not one. An IP address, a bare public suffix or a name
    the list cannot place stands for itself.
    """
    if is_ip(host):
        return host
    return _suffixes().privatesuffix(host) or host


@lru_cache(maxsize=4096)
def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_local(host: str) -> bool:
    """Hosts on the customer's own machine or network: a local proxy, not a wrong base URL."""
    if host in {"localhost", "host.docker.internal"} or host.endswith((".local", ".internal", ".lan", ".localhost")):
        return True
    if is_ip(host):
        address = ipaddress.ip_address(host.strip("[]"))
        return not address.is_global
    return False


def vendor_of(host: str) -> str | None:
    """The provider whose API lives at ``host`` (suffix match), if any."""
    for suffix, name in VENDOR_API_HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    return None


def is_vendor_web(host: str) -> bool:
    return host in VENDOR_WEB_HOSTS or (host.startswith("www.") and host[4:] in VENDOR_WEB_HOSTS)


def split_endpoint(path: str) -> tuple[str, str]:
    """``/v1/chat/completions`` → (``/v1``, ``/chat/completions``); no endpoint → (path, "")."""
    lowered = path.lower()
    index = lowered.find("/models/")
    if index != -1 and "/" not in lowered[index + len("/models/") :]:
        return path[:index], path[index:]
    for endpoint in ENDPOINTS:
        if lowered.endswith(endpoint):
            return path[: len(path) - len(endpoint)], path[len(path) - len(endpoint) :]
    return path, ""


def looks_like_web_path(path: str) -> bool:
    words = [part for part in path.lower().split("/") if part]
    return bool(words) and words[0] in _WEB_PATH_WORDS


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance, giving up (``limit + 1``) once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True)
class Official:
    """One of the gateway's official API base URLs (``SUPPORTBOT_API_BASE_URL``)."""

    url: Url

    @property
    def host(self) -> str:
        return self.url.host


def officials_from(bases: Iterable[str]) -> tuple[Official, ...]:
    found: list[Official] = []
    for base in bases:
        url = parse_url(base)
        if url is not None:
            found.append(Official(url))
    return tuple(found)


@lru_cache(maxsize=1024)
def typo_of(host: str, officials: tuple[Official, ...]) -> Official | None:
    """The official whose host ``host`` is a near miss of (a typo, not another name)."""
    for official in officials:
        target = official.host
        if host == target:
            continue
        limit = 1 if len(target) < 10 else 2
        if distance(host, target, limit) <= limit:
            return official
        site, target_site = registrable(host), registrable(target)
        if site != target_site and distance(site, target_site, limit) <= limit:
            return official
    return None
