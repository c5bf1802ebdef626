"""A seeded, synthetic support-channel stream for the scanner benchmark.

Mixed English and Chinese questions, pasted code and curl commands, error payloads with request ids,
hashes, UUIDs, Slack mentions and timestamps, model names and base64 images; about one message in 150
holds a generated key, often wrapped the way people really paste (markup, CJK text, zero-width
characters, line breaks). Planted keys follow the vendors' documented shapes (:mod:`.vendor_keys`), not
the scanner's rules. Every planted key's span is recorded so recall can be measured.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from dataclasses import dataclass

from benchmarks.vendor_keys import SHAPES, VendorShape
from tests.keygen import CHAT_CONTEXTS, Planted, place

KEY_RATE = 150

_EN = [
    "Hi team, our calls to {url} started failing with 401 this morning, nothing changed on our side.",
    "Is {model} available on the gateway yet? The docs page still lists the old name.",
    "We rotated our key yesterday and now the SDK says invalid_api_key. Do we need to wait?",
    "How do I set a spending limit per key? I can't find it in the console.",
    "Getting timeouts on streaming responses after ~60s, is there a proxy limit?",
    "Thanks, that fixed it! The base URL had /v1 twice.",
    "Our CI uses the key from the secret manager, it works locally but not in GitHub Actions.",
    "Can you check request {req}? It returned 500 twice then succeeded.",
    "The invoice for {month} shows double usage for {model}, can someone look?",
    "<@{user}> could you take a look at this one? Customer is blocked.",
    "We see 429 rate_limit_exceeded at about 20 rpm, our plan should allow 500.",
    "Does the API support the responses endpoint or only chat completions?",
    "Quick question: is the api key tied to the project or to my user?",
    "Deployed the fix at {ts}, commit {sha}, please retry.",
    "FYI the status page says degraded performance for {model} in ap-southeast.",
    "Please don't paste keys here, use the secure form instead :pray:",
]
_ZH = [
    "你好，调用 {url} 一直返回 401，密钥是今天新建的，是不是还没生效？",
    "请问 {model} 现在支持函数调用吗？文档里没写清楚。",
    "我们的服务今天早上开始报错 invalid_api_key，昨天还好好的。",
    "怎么给每个 key 单独设置额度上限？后台找不到这个选项。",
    "流式输出大概六十秒就断了，是网关有超时限制吗？",
    "谢谢，已经解决了，是 base_url 多写了一个 /v1。",
    "请求 ID {req} 返回了 502，麻烦帮忙查一下日志。",
    "我们在 Docker 里跑，环境变量明明设置了，还是提示没有提供 API key。",
    "这个月的账单比上个月多了一倍，{model} 的用量不对，能核对一下吗？",
    "<@{user}> 帮忙看一下这个客户的问题，比较急。",
    "429 太多了，我们的套餐应该每分钟能调用五百次才对。",
    "新建的令牌提示状态不可用，需要管理员审核吗？",
    "提交 {sha} 已经上线，请再试一次。",
]
_MODELS = [
    "gpt-4o-mini",
    "gpt-4.1",
    "claude-3-5-sonnet-20241022",
    "deepseek-chat",
    "deepseek-reasoner",
    "gemini-2.0-flash",
    "qwen-max",
    "llama-3.3-70b-versatile",
    "grok-2-1212",
    "mistral-large-latest",
]
_URLS = [
    "https://api.example-gateway.com/v1",
    "https://openrouter.ai/api/v1/chat/completions",
    "https://api.deepseek.com/chat/completions",
    "http://10.0.3.7:3000/v1/chat/completions",
]


@dataclass(frozen=True)
class PlantedKey:
    message: int  # index of the message in the stream
    start: int
    end: int
    vendor: str
    context: str


@dataclass
class Stream:
    messages: list[str]
    planted: list[PlantedKey]

    @property
    def size_bytes(self) -> int:
        return sum(len(message.encode("utf-8", "surrogatepass")) + 1 for message in self.messages)


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        url=rng.choice(_URLS),
        model=rng.choice(_MODELS),
        req="req_" + _hex(rng, 24),
        month=rng.choice(["March", "四月", "May"]),
        user="U0" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(8)),
        ts=f"{rng.randrange(1_700_000_000, 1_800_000_000)}.{_hex(rng, 6)}",
        sha=_hex(rng, 40),
    )


def _code(rng: random.Random) -> str:
    model = rng.choice(_MODELS)
    return rng.choice(
        [
            '```python\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"], '
            f'base_url="{rng.choice(_URLS)}")\nresp = client.chat.completions.create(model="{model}", '
            'messages=[{"role": "user", "content": "hi"}])\nprint(resp.choices[0].message.content)\n```',
            f'```\ncurl {rng.choice(_URLS)} \\\n  -H "Authorization: Bearer $OPENAI_API_KEY" \\\n'
            f'  -H "Content-Type: application/json" \\\n'
            f'  -d \'{{"model": "{model}", "messages": []}}\'\n```',
            "```js\nconst client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: "
            f"'{rng.choice(_URLS)}' }});\n```",
            "```yaml\nllm:\n  provider: openai\n  api_key: ${OPENAI_API_KEY}\n  model: " + model + "\n```",
            "```\n# .env.example\nOPENAI_API_KEY=sk-your-key-here\nOPENAI_BASE_URL=" + rng.choice(_URLS) + "\n```",
            f"```\ndocker pull ghcr.io/example/gateway@sha256:{_hex(rng, 64)}\n```",
        ]
    )


def _error(rng: random.Random) -> str:
    request = f"{rng.randrange(10**17, 10**18)}{_hex(rng, 8)}"
    return rng.choice(
        [
            '{"error":{"message":"Incorrect API key provided: sk-'
            + _hex(rng, 4)
            + "*" * 30
            + _hex(rng, 4)
            + '. Check your key.","type":"invalid_request_error","code":"invalid_api_key"}}',
            '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},'
            f'"request_id":"req_{_hex(rng, 24)}"}}',
            '{"error":{"message":"无效的令牌 (request id: ' + request + ')","type":"new_api_error"}}',
            f'{{"id":"chatcmpl-{_hex(rng, 29)}","object":"chat.completion","model":"{rng.choice(_MODELS)}"}}',
            f'Traceback (most recent call last):\n  File "app.py", line {rng.randrange(10, 400)}, in <module>\n'
            "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: "
            "sk-proj-****...ab12.', 'code': 'invalid_api_key'}}",
            f"trace_id={uuid.UUID(int=rng.getrandbits(128))} span={_hex(rng, 16)} status=401 latency_ms="
            f"{rng.randrange(5, 900)}",
            "Error: 401 Unauthorized: You didn't provide an API key (use an Authorization header with Bearer auth).",
        ]
    )


def _noise(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.05:
        payload = base64.b64encode(rng.randbytes(rng.randrange(300, 3000))).decode()
        return f"screenshot: data:image/png;base64,{payload}"
    if kind < 0.15:
        lines = [
            f"{rng.randrange(10, 23)}:{rng.randrange(10, 59)}:{rng.randrange(10, 59)} INFO request "
            f"{uuid.UUID(int=rng.getrandbits(128))} model={rng.choice(_MODELS)} status="
            f"{rng.choice([200, 200, 200, 401, 429, 500])} tokens={rng.randrange(10, 4000)}"
            for _ in range(rng.randrange(5, 40))
        ]
        return "```\n" + "\n".join(lines) + "\n```"
    if kind < 0.3:
        return _code(rng)
    if kind < 0.45:
        return _error(rng)
    template = rng.choice(_ZH if rng.random() < 0.45 else _EN)
    return _fill(template, rng)


def _planted(shape: VendorShape, rng: random.Random) -> Planted:
    key = shape.make(rng)
    return Planted(shape.vendor, key, 0, len(key), shape.bridgeable)


def dense_keys(count: int = 10_000, seed: int = 13) -> tuple[str, list[str]]:
    """``count`` vendor-shaped keys, one a line (issue 13's file of 10,000 keys in about 0.58 MB)."""
    rng = random.Random(seed)
    keys = [SHAPES[index % len(SHAPES)].make(rng) for index in range(count)]
    return "".join(key + "\n" for key in keys), keys


def _key_message(rng: random.Random, index: int) -> tuple[str, list[PlantedKey]]:
    count = 2 if rng.random() < 0.1 else 1
    parts: list[str] = []
    planted: list[PlantedKey] = []
    offset = 0
    for number in range(count):
        shape = rng.choice(SHAPES)
        context = rng.choice(CHAT_CONTEXTS)
        placed = place(_planted(shape, rng), context, rng)
        if placed is None:
            placed = place(_planted(shape, rng), "sentence", rng)
            context = "sentence"
        assert placed is not None
        joiner = " 还有这个 " if rng.random() < 0.5 else " and "
        lead = "" if number == 0 else joiner
        offset += len(lead)
        parts.append(lead + placed.message)
        planted.append(PlantedKey(index, offset + placed.start, offset + placed.end, shape.vendor, context))
        offset += len(placed.message)
    return "".join(parts), planted


def generate(target_bytes: int = 10_500_000, seed: int = 20261123) -> Stream:
    """At least ``target_bytes`` of messages; the same seed always gives the same stream."""
    rng = random.Random(seed)
    messages: list[str] = []
    planted: list[PlantedKey] = []
    size = 0
    while size < target_bytes:
        if rng.randrange(KEY_RATE) == 0:
            message, keys = _key_message(rng, len(messages))
            planted.extend(keys)
        else:
            message = _noise(rng)
        messages.append(message)
        size += len(message.encode("utf-8")) + 1
    return Stream(messages, planted)
