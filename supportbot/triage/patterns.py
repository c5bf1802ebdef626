"""What diagnosis looks for: the patterns, cue phrases and name tables the passes share.

Each pattern is linear (possessive quantifiers, bounded repeats); most have needles (see
:mod:`.needles`), so they run only on pastes that can match them.
"""

from __future__ import annotations

import regex

from supportbot.triage.needles import set_needles

_I = regex.IGNORECASE

HINT_WORDS = ("key", "token", "base", "url", "endpoint", "host", "authorization", "bearer")
# The rest of an identifier around a hint word, read backwards and forwards from it.
NAME_BACK = regex.compile(r"[A-Za-z0-9_$.-]{0,60}+", regex.REVERSE)
NAME_AHEAD = regex.compile(r"[A-Za-z0-9_$.-]{0,60}+")
SEPARATOR = regex.compile(r"(?<![ \t])\]?[ \t]*+(?P<sep>:=|=>|==|=|:(?!//)|\((?=[ \t]*+[\"'`]))")
MAX_SITES = 150
MAX_URLS = 80
MAX_CURLS = 40
#: Host names without a scheme are looked for only here: a customer's own words come first, logs after.
PROSE_SPAN = 10_000
HEADER_CALL = set_needles(
    regex.compile(r"""["'](?P<name>authorization|x-api-key|api-key)["'][ \t]*+,[ \t]*+""", _I),
    ("authorization", "api-key"),
)
REQUEST_LINE = regex.compile(
    r"(?m)^[ \t]{0,8}+(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[ \t]++(?P<target>\S{1,2000}+)"
    r"[ \t]++HTTP/[\d.]{1,3}+[ \t]*+$"
)
HEADER_LINE = regex.compile(r"[ \t]{0,8}+(?P<name>[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}+):[ \t]*+(?P<value>[^\n]{0,4000}+)")
URL = regex.compile(r"https?://[^\s\"'<>`\\)\]}|,，。；、）】]{1,2000}+", _I)
REQUEST_HINT = regex.compile(
    r"(?:HTTP Request:[ \t]*+(?:GET|POST|PUT|PATCH|DELETE)?|Request URL:|\burl[\"']?[ \t]*+[:=][ \t]*+[\"']?|"
    r"\b(?:GET|POST|PUT|PATCH|DELETE)|(?:fetch|get|post|put|request|urlopen|Request|create)\([ \t]*+[\"'`]?)"
    r"[ \t]*+$",
    _I,
)
BASE_HINT = regex.compile(
    r"(?:base[ _-]?url|api[ _-]?base|baseURL|接口地址|请求地址|API[ \t]*+地址|代理地址|域名)[^\n]{0,24}+$", _I
)
HOSTNAME = regex.compile(
    r"(?<![\w.@/:-])(?:[a-z0-9][a-z0-9-]{0,62}+\.){1,6}+(?:com|net|org|io|ai|cn|dev|app|co|xyz|top|cc|me|tech|"
    r"cloud|site|pro|vip|link|club|one|fun|info|biz|us|uk|jp|hk|tw|sg|so|sh|to|run|chat|ltd|store|online|work|icu|"
    r"space|im|ink|asia|wiki|life|world|host|fyi|gg)(?![\w-])(?:/[^\s\"'<>`)\]}，。]{0,300}+)?",
    _I,
)
DOUBLED = regex.compile(
    r"/(?:v1/)?(?:chat/completions|completions|responses|embeddings|messages)(?:/v1)?/"
    r"(?:chat/completions|completions|responses|embeddings|messages|models)(?![\w-])|/v1/v1(?![\w-])",
    _I,
)
LOG_PATH = regex.compile(
    r"(?:\b(?:GET|POST|PUT|PATCH|DELETE)[ \t]++(?P<path>/[^\s\"?)]{1,500}+)[^\s\"]*+[ \t]++HTTP/|"
    r"Invalid URL \((?:GET|POST|PUT|DELETE) (?P<path2>/[^\s)?]{1,500}+))"
)
HTML = regex.compile(r"<!DOCTYPE html|<html[\s>]|Unexpected token '?<'?|Unexpected token < in JSON", _I)
ERROR_CONTEXT = regex.compile(r"error|exception|traceback|\b40[0-9]\b|错误|报错|失败", _I)
PROXY_WORDS = regex.compile(r"nginx|cloudflare|反向代理|反代|\bproxy\b|\bcdn\b|\bwaf\b|中转|网关", _I)
QUESTION_LEAD = regex.compile(
    r"(?:怎么|怎样|如何|是否|要不要|能不能|how (?:do|can|to|should)|can i|should i|"
    r"what happens)[^\n.。!！]{0,14}$",
    _I,
)
NEGATION_LEAD = regex.compile(r"(?:没有|没|并没|不是|未|\bno\b|\bnot\b|n't|\bnever\b)[ \t]{0,2}+$", _I)
ECHO_TAIL = regex.compile(r"^(?P<head>[A-Za-z0-9_-]{2,14}+)[*.…]{2,}+(?P<tail>[A-Za-z0-9_-]{2,6}+)$")

PROSE: tuple[tuple[regex.Pattern[str], str, bool], ...] = (
    # (pattern, reason, guard against negation/questions)
    (
        regex.compile(
            r"(?:没有?|未|忘了?|忘记)(?:加|带|传|设置|填|写)?上?[ \t"
            r"]*+(?:Authorization|Bearer|请求头|鉴权头|认证头)"
            r"|(?:不带|缺少|少了|漏了|漏掉)[ \t]*+(?:Bearer|Authorization)"
            r"|\b(?:forgot|forget|without|missing|no)[ \t]++(?:the[ \t]++)?(?:Bearer|Authorization)\b",
            _I,
        ),
        "said_missing",
        False,
    ),
    (
        regex.compile(
            r"环境变量.{0,6}(?:没有?|未)(?:生效|加载|读到|读取)|读不到环境变量|"
            r"\benv(?:ironment)?[ \t]*+var(?:iable)?s?\b.{0,30}\b(?:not|isn'?t|wasn'?t|aren'?t)[ \t]++"
            r"(?:set|loaded|picked up|read)",
            _I,
        ),
        "said_missing",
        False,
    ),
    (
        regex.compile(
            r"(?:填|写|用|配置|设置)(?:的|了|成)?(?:是)?[ "
            r"\t]*+(?:官网|网站|控制台|后台)(?:地址|首页|的?网址)?"
            r"|\b(?:used|set|put|entered|using)[ \t]++(?:the[ \t]++)?(?:website|dashboard|console|homepage)"
            r"[ \t]++(?:url|address|link)\b",
            _I,
        ),
        "said_website",
        True,
    ),
    (
        regex.compile(
            r"(?:key|令牌|密钥|秘钥|token)[ \t]*+(?:已经|"
            r"已)?被?(?:禁用|停用|封禁|过期|失效|删除|删掉|吊销|作废)"
            r"|\b(?:my|the|our)[ \t]++(?:api[ \t]++)?key[ \t]++(?:was|has been|got|is)[ \t]++"
            r"(?:disabled|revoked|deleted|expired|deactivated|banned|blocked)\b",
            _I,
        ),
        "said_disabled",
        True,
    ),
    (
        regex.compile(
            r"\b(?:rotated|regenerated|re-generated|reset|rolled|replaced)[ \t]++(?:the[ \t]++|my[ \t]++|our"
            r"[ \t]++|an?[ \t]++)?(?:api[ \t]++)?keys?\b|\b(?:"
            r"created|generated|made)[ \t]++a[ \t]++new[ \t]++"
            r"(?:api[ \t]++)?key\b|(?:换了|重新生成了?|重置"
            r"了?|轮换了?|更换了?|新建了|新生成了)(?:一个|一下)?新?的?"
            r"[ \t]*+(?:key|令牌|密钥|API[ \t]*+Key)",
            _I,
        ),
        "rotated",
        True,
    ),
    (
        regex.compile(
            r"(?:key|令牌|密钥)[ \t]*+(?:前后|后面|前面|末尾|里"
            r"面?|中间)?.{0,4}(?:多了|有|带了?|包含)(?:一个|个)?"
            r"(?:空格|引号|换行|回车)|\b(?:extra|trailing|leading)"
            r"[ \t]++(?:space|whitespace|newline|quote)s?\b",
            _I,
        ),
        "said_whitespace",
        True,
    ),
)

for _pattern, _needles in (
    (REQUEST_LINE, (" http/1", " http/2", " http/3")),
    (DOUBLED, ("completions/", "responses/", "embeddings/", "messages/", "/v1/v1")),
    (LOG_PATH, (" http/", "invalid url")),
    (HTML, ("<!doctype", "<html", "unexpected token")),
    (PROSE[0][0], ("authorization", "bearer", "请求头", "鉴权头", "认证头")),
    (PROSE[1][0], ("环境变量", "env")),
    (PROSE[2][0], ("官网", "网站", "控制台", "后台", "website", "dashboard", "console", "homepage")),
    (
        PROSE[3][0],
        (
            "禁用",
            "停用",
            "封禁",
            "过期",
            "失效",
            "删除",
            "删掉",
            "吊销",
            "作废",
            "disabled",
            "revoked",
            "deleted",
            "expired",
            "deactivated",
            "banned",
            "blocked",
        ),
    ),
    (
        PROSE[4][0],
        (
            "rotat",
            "regenerat",
            "re-generat",
            "reset",
            "rolled",
            "replaced",
            " new ",
            "换了",
            "重新生成",
            "重置",
            "轮换",
            "更换",
            "新建了",
            "新生成了",
        ),
    ),
    (PROSE[5][0], ("空格", "引号", "换行", "回车", "extra", "trailing", "leading")),
):
    set_needles(_pattern, _needles)

KEY_NAMES = ("apikey", "authtoken", "accesstoken", "openaikey", "secretkey", "apitoken", "deepseekkey")
BASE_NAMES = ("baseurl", "apibase", "apiurl", "endpoint", "apihost", "basepath", "apibaseurl", "baseuri")
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "x-goog-api-key", "proxy-authorization"})


def name_kind(name: str) -> str | None:
    normalized = name.lower().replace("_", "").replace("-", "").replace(".", "").replace("$", "")
    if normalized == "authorization":
        return "auth"
    if normalized == "bearer":
        return "bearer_header"
    if normalized.endswith(KEY_NAMES) or normalized in {"xapikey", "xgoogapikey"}:
        return "key"
    if normalized.endswith(BASE_NAMES):
        return "base"
    if normalized in {"url", "requesturl", "apiendpointurl"}:
        return "url"
    return None
