# ruff: noqa: E501  (a table of patterns: one alternative per line reads best)
"""The cues :mod:`supportbot.triage.words` reads (one way of saying one cause each) and when they count."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from supportbot.triage.needles import set_needles

_I = regex.IGNORECASE
_GAP = r"[^\n。！？!?]"  # within one sentence
_CLAUSE = r"[^\n。！？!?，,；;]"  # within one clause


@dataclass(frozen=True)
class Cue:
    pattern: regex.Pattern[str]
    reason: str
    setup: bool = True
    """The words describe a setup, a cause only while something fails: skipped when the message says
    things work now. False for words that describe the failure itself ("typed by hand it works")."""
    also: tuple[regex.Pattern[str], ...] = ()
    """Things the message must also mention for the cue to count (a proxy, JSON, a file…)."""
    unless: regex.Pattern[str] | None = None
    """Something that, mentioned anywhere, means the cue does not apply."""


def rx(text: str, needles: tuple[str, ...] | None = None) -> regex.Pattern[str]:
    pattern = regex.compile(text, _I)
    if needles is not None:
        set_needles(pattern, needles)
    return pattern


_BASE_EN = r"(?:base[ _-]?url|baseurl|api[ _-]?base|base[ _-]?uri|base[ _-]?path|api[ _-]?url|endpoint|api[ _-]?host)"
_BASE_ZH = r"(?:base[ _-]?url|baseurl|api[ _-]?base|接口地址|请求地址|api[ \t]?地址|代理地址|服务地址|base[ \t]?地址|地址|域名|端点)"
# "max tokens", "prompt tokens"… are the model's tokens, not credentials.
_KEY_EN = r"(?:api[ _-]?)?(?:keys?|(?<!(?:max|prompt|completion|input|output|total|reasoning)[ _-])tokens?)"
_KEY_ZH = r"(?:api[ _-]?key|key|token|令牌|密钥|秘钥|权杖)"

TROUBLE = rx(
    r"\b40[13](?:s\b|\b)|unauthori[sz]ed|\binvalid\b|\bincorrect\b|\berror(?:s|ed)?\b|\bfail(?:s|ed|ing|ure)?\b|"
    r"does(?:n'?t| not) work|\bnot working\b|won'?t work|stopped working|\brejected\b|\bdenied\b|"
    r"AuthenticationError|PermissionDenied|\bno (?:authorization|auth) header\b|"
    r"报错|错误|失败|出错|不行|不能用|用不了|无效|拒绝|不通|未授权|没权限|不好使|不可用|(?:没有|缺少|没带)[ \t]?authorization",
    (
        "40",
        "unauthori",
        "invalid",
        "incorrect",
        "error",
        "fail",
        "work",
        "rejected",
        "denied",
        "permissiondenied",
        "header",
        "authorization",
        "报错",
        "错误",
        "失败",
        "出错",
        "不行",
        "不能用",
        "用不了",
        "无效",
        "拒绝",
        "不通",
        "未授权",
        "没权限",
        "不好使",
        "不可用",
    ),
)
RESOLVED = rx(
    r"\b(?:works?|working|worked|fixed|solved|resolved|sorted|thanks|thank[ \t]you|thx|all[ \t]good|as[ \t]planned|"
    r"(?:is|are|looks?)[ \t]fine)\b|解决了|搞定|好了|可以了|正常|没问题|"
    r"谢谢|感谢|成功",
    (
        "work",
        "fixed",
        "solved",
        "resolved",
        "sorted",
        "thank",
        "thx",
        "all good",
        "all\tgood",
        "as planned",
        "fine",
        "解决了",
        "搞定",
        "好了",
        "可以了",
        "正常",
        "没问题",
        "谢谢",
        "感谢",
        "成功",
    ),
)
QUESTION = rx(
    r"[?？](?![A-Za-z0-9_=&])|^[ \t]*+(?:how|what|can|could|should|do|does|is|are|which|where|why)\b|怎么|如何|能不能|可不可以|是否|请问|什么|为什么|哪|多少|吗[ \t]*+$|呢[ \t]*+$"
    r"|\bplease[ \t]add\b|\bfeature[ \t]request\b|\bwould[ \t]be[ \t](?:nice|great)\b|希望(?:能)?支持|建议支持|能否",
    (
        "?",
        "？",
        "how",
        "what",
        "can",
        "could",
        "should",
        "do",
        "is",
        "are",
        "which",
        "where",
        "why",
        "怎么",
        "如何",
        "能不能",
        "可不可以",
        "是否",
        "请问",
        "什么",
        "哪",
        "多少",
        "吗",
        "呢",
        "please",
        "feature",
        "would",
        "希望",
        "建议支持",
        "能否",
    ),
)
#: What sits between a customer and the API and may drop headers.
_PROXY_NAMES = (
    "proxy",
    "proxies",
    "nginx",
    "cloudflare",
    "gateway",
    "load balancer",
    "cdn",
    "waf",
    "worker",
    "ingress",
    "apisix",
    "kong",
    "envoy",
    "traefik",
    "zscaler",
    "firewall",
    "vpn",
    "apim",
    "api management",
    "alb",
    "elb",
    "haproxy",
    "istio",
    "akamai",
    "fastly",
    "squid",
    "caddy",
    "varnish",
)
_PROXY_EN = r"\b(?:" + "|".join(name.replace(" ", r"[ \t-]?") for name in _PROXY_NAMES) + r")\b"
_PROXY_ZH = ("代理", "反代", "网关", "中转", "负载均衡", "防火墙")
#: Needles: the last word of each name is in every way of writing it.
_PROXY_NEEDLES = tuple(dict.fromkeys(name.split()[-1] for name in _PROXY_NAMES))
_PROXY = rx(_PROXY_EN + "|" + "|".join(_PROXY_ZH), (*_PROXY_NEEDLES, *_PROXY_ZH))
_JSON = rx(
    r"json|接口|\bapi\b|\bsdk\b|调用|endpoint|\b401\b|request|请求",
    ("json", "接口", "api", "sdk", "调用", "endpoint", "401", "request", "请求"),
)
_NEWLINE = rx(
    r"newline|new line|line[ -]?break|line[ -]?feed|\\n|\\r|\bCRLF\b|换行|回车",
    ("newline", "new line", "line", "\\n", "\\r", "crlf", "换行", "回车"),
)
_FILE = rx(
    r"\$\([ \t]?cat[ \t]|`cat[ \t]|\bopen\([^)\n]{0,80}\)\.read\(|read_?text\(|readFileSync|--from-file|"
    r"\bfrom (?:a |the |that )?(?:\.?\w{1,20}[ \t])?(?:file|\w{1,30}\.txt)\b|\bfile\b|\.txt\b|\.key\b|"
    r"文件|档案|读取|读进|读出|\becho\b|\bsecrets?\b|kubectl|\bk8s\b|\bvault\b|\btxt\b",
    (
        "$(",
        "`cat",
        "open(",
        "read",
        "--from-file",
        "from",
        "file",
        ".txt",
        ".key",
        "文件",
        "档案",
        "读取",
        "读进",
        "读出",
        "echo",
        "secret",
        "kubectl",
        "k8s",
        "vault",
        "txt",
    ),
)
_KEY_MENTION = rx(
    r"\bkeys?\b|\btokens?\b|令牌|密钥|秘钥|权杖|api[ _-]?key", ("key", "token", "令牌", "密钥", "秘钥", "权杖")
)

CUES: tuple[Cue, ...] = (
    # -- wrong_base_url: the SDK's default host, because no base URL was set --------------------
    Cue(
        rx(
            rf"\b(?:didn'?t|did not|never|haven'?t|have not|hasn'?t|forgot to|forget to|without)[ \t]++"
            r"(?:(?:set|setting|changed?|changing|specif(?:y|ied|ying)|configured?|configuring|pass(?:ed|ing)?|updated?|"
            r"updating|add(?:ed|ing)?|touch(?:ed|ing)?|overrid(?:e|den|ing)|overriden|modif(?:y|ied|ying)|fill(?:ed)?|see|find)[ \t]++)?"
            rf"(?:the[ \t]++|a[ \t]++|any[ \t]++|my[ \t]++|our[ \t]++)?(?:custom[ \t]++)?(?:\w{{1,20}}[_.])?{_BASE_EN}"
            rf"|\b(?:left|leave|kept|keep)[ \t]++(?:the[ \t]++)?{_BASE_EN}[ \t]++(?:as[ \t]++|at[ \t]++)?(?:the[ \t]++)?default"
            rf"|\b(?:the[ \t]++)?default[ \t]++(?:openai[ \t]++)?(?:base[ _-]?url|endpoint|host|api[ _-]?url)\b"
            rf"|\b(?:using|use|with)[ \t]++the[ \t]++(?:sdk'?s?|openai'?s?|library'?s?)[ \t]++default"
            rf"|(?:\b|_){_BASE_EN}[ \t]++(?:is|was)[ \t]++(?:not|never)[ \t]++(?:set|changed|configured|overridden)"
            rf"|(?:\b|_){_BASE_EN}[ \t]++(?:is[ \t]++|was[ \t]++)?(?:left[ \t]++)?(?:empty|blank|unset)\b"
            r"|\bno[ \t]++(?:\w{0,20}_)?(?:base_?url|api_?base|base_?uri)\b"
            rf"|\b(?:only|just)[ \t]++(?:set|exported?|configured|changed|put[ \t]++in|added|swapped|replaced|switched|updated)[ \t]++"
            rf"(?:the[ \t]++|my[ \t]++|our[ \t]++)?(?:OPENAI_API_KEY|\w{{0,30}}_API_KEY|api[ _-]?key|key)\b"
            rf"|\b(?:still[ \t]++)?(?:sends?|sending|goes|going|calls?|calling|hits?|hitting|points?)[ \t]++"
            rf"(?:the[ \t]++)?(?:requests?[ \t]++)?(?:to[ \t]++)?api\.openai\.com",
            ("base", "url", "endpoint", "host", "default", "key", "api.openai.com"),
        ),
        "base_url_not_set",
    ),
    Cue(
        rx(
            rf"(?:没有?|未|忘了?|忘记|不)(?:改|修改|设置|设|配置|配|填|换|指定|更改|动|覆盖|替换|加|写)?过?(?:一下)?[ \t]?{_BASE_ZH}"
            rf"|{_BASE_ZH}[ \t]?(?:也|都|还)?(?:没有?|未)(?:改|修改|设置|设|配置|配|填|换|动|变|指定|覆盖|替换|加|写)"
            rf"|{_BASE_ZH}[ \t]?(?:是|就)?(?:留空|空着|为空|是空的|没填|不填)"
            rf"|(?:用|使用)(?:的是|的|紧|着)?{_GAP}{{0,3}}?(?:默认|预设|官方)(?:的|嘅)?[ \t]?(?:api[ \t]?)?(?:地址|接口地址|base[ _-]?url|端点|域名)"
            rf"|(?:只|就|仅)(?:有)?(?:配置|设置|设定|填|配|改|换|设)了?个?[ \t]?(?:OPENAI_API_KEY|\w{{0,30}}_API_KEY|{_KEY_ZH})"
            rf"|(?:只|就|仅|净系|净是)(?:是)?把?{_CLAUSE}{{0,12}}?{_KEY_ZH}{_CLAUSE}{{0,4}}?(?:换|改|替换|更换)",
            ("base", "url", "地址", "域名", "端点", "key", "token", "令牌", "密钥", "秘钥", "权杖"),
        ),
        "base_url_not_set",
    ),
    # The official SDK given a key and nothing else calls the provider's own host.
    Cue(
        rx(
            r"(?:\b(?:Async)?OpenAI|\bChatOpenAI)\([^)\n]{0,200}?\b(?:api_key|apiKey|openai_api_key)\b",
            ("openai(",),
        ),
        "base_url_not_set",
        unless=rx(
            r"base[ _-]?ur[li]|baseurl|api[ _-]?base|base[ _-]?path|endpoint|server_url",
            ("base", "endpoint", "server_url"),
        ),
    ),
    # -- whitespace: what a file, a document, a shell or an editor adds to the key ----------------
    Cue(_NEWLINE, "file_newline", setup=False, also=(_FILE, _KEY_MENTION)),
    Cue(
        rx(
            rf"\b(?:copied|copy[- ]?pasted|copy|pasted|grabbed)\b{_GAP}{{0,40}}?\b(?:from|out[ \t]of|off)\b{_GAP}{{0,30}}?"
            r"\b(?:docs?|documents?|google[ \t]doc|notion|confluence|word|pdf|e-?mail|wiki|excel|spreadsheet|sheet|"
            r"slack|teams|wechat|web[ \t]?page|chat|message|note|notes|onenote|feishu|lark|dingtalk)\b"
            rf"|(?:从|在|由){_GAP}{{0,12}}?(?:文档|飞书|钉钉|企业微信|微信|邮件|网页|pdf|word|notion|聊天记录|群里|表格|wiki|语雀|"
            rf"腾讯文档|石墨|line|teams|slack|备忘录|笔记){_GAP}{{0,12}}?(?:复制|拷贝|粘贴|贴|copy)"
            rf"|(?:复制|拷贝)(?:粘贴)?(?:过来)?的[ \t]?{_KEY_ZH}",
            ("cop", "pasted", "grabbed", "复制", "拷贝", "贴"),
        ),
        "copied_invisible",
    ),
    Cue(
        rx(
            r"\b(?:typ(?:e|ed|ing)|enter(?:ed|ing)?|writ(?:e|ten|ing))[ \t]++(?:it[ \t]++|the[ \t]++key[ \t]++)?"
            rf"(?:in[ \t]++)?(?:by[ \t]++hand|manually)\b{_GAP}{{0,30}}?\b(?:works?|worked|is[ \t]++fine|fine|ok)\b"
            r"|\bsame[ \t]++key[ \t]++typed[ \t]++(?:in[ \t]++)?(?:by[ \t]++hand|manually)"
            rf"|(?:手(?:动|工)?|自己)(?:打|敲|输入|输|键入){_GAP}{{0,12}}?(?:可以|好了|正常|能用|没问题|行|成功|就好|就得|得)",
            ("hand", "manually", "手", "自己"),
        ),
        "copied_invisible",
        setup=False,
    ),
    Cue(
        rx(
            r"(?m)(?:^|[ \t>`])set[ \t]++\w{0,60}(?:KEY|TOKEN|SECRET)\w{0,20}[ \t]?=[ \t]?[\"“”']",
            ("set ",),
        ),
        "shell_quotes",
        setup=False,
    ),
    Cue(
        rx(
            rf"\b(?:quotes?|quotation[ \t]marks?)\b{_GAP}{{0,30}}?\b(?:are|is|were|get|gets|got)?[ \t]?"
            r"(?:kept|included|preserved|left[ \t]in|part[ \t]of[ \t]the[ \t](?:api[ \t])?key|sent[ \t]along)"
            r"|\bkeeps?[ \t]++(?:the[ \t]++)?(?:double[ \t]++|single[ \t]++)?quotes\b"
            rf"|引号{_GAP}{{0,8}}?(?:也)?(?:被)?(?:当成|当作|算成|算进|带进|带上|变成|成了|保留|留着|发过去|一起发)",
            ("quot", "引号"),
        ),
        "shell_quotes",
        setup=False,
    ),
    Cue(
        rx(
            rf"(?:设置|设定|set|export|配置|粘贴|贴|填|写|存|保存){_GAP}{{0,20}}?(?:带了?|加了?|有加|用了)(?:双|单)?引号"
            r"|\bquotes[ \t]++around[ \t]++(?:it|the[ \t]++(?:api[ \t]++)?key|the[ \t]++value|the[ \t]++token)\b"
            r"|\b(?:key|value|token)[ \t]++(?:with|in)[ \t]++(?:the[ \t]++)?(?:double[ \t]++|single[ \t]++)?quotes\b"
            rf"|\b(?:with|in)[ \t]++(?:double[ \t]++)?quotes\b{_GAP}{{0,30}}?\b(?:cmd|windows|shell|env-?file|\.env)\b",
            ("quotes", "引号"),
        ),
        "shell_quotes",
    ),
    Cue(
        rx(
            r"\bBOM\b|byte[ \t]order[ \t]mark|utf-?8-?sig|\\ufeff|U\+FEFF|\ufeff|字节顺序(?:标记|记号)",
            (
                "bom",
                "byte order",
                "utf-8-sig",
                "utf8sig",
                "utf8-sig",
                "utf-8sig",
                "\\ufeff",
                "u+feff",
                "\ufeff",
                "字节顺序",
            ),
        ),
        "bom",
    ),
    # -- missing_header: the key sent some other way than "Authorization: Bearer <key>" ---------------
    Cue(
        rx(
            rf"\b{_KEY_EN}\b{_GAP}{{0,30}}?\b(?:is|are|goes|go)?[ \t]?(?:in|inside|into)[ \t]++(?:the[ \t]++)?"
            r"(?:request[ \t]++|json[ \t]++|post[ \t]++)?(?:body|payload)\b"
            r"|\b(?:send|sending|sent|put|putting|pass|passing)[ \t]++(?:the[ \t]++|our[ \t]++|my[ \t]++)?"
            r"(?:api[ _-]?)?key[ \t]++(?:inside|in)[ \t]++(?:the[ \t]++)?(?:json[ \t]++|request[ \t]++|post[ \t]++)?(?:body|payload)"
            rf"|{_KEY_ZH}{_GAP}{{0,8}}?(?:放|写|传|塞|带)(?:在|到|进)?[ \t]?(?:请求)?[ \t]?(?:body|请求体|主体|json|payload)"
            rf"|(?:body|请求体|payload)[ \t]?(?:里|中|里面)?(?:面)?{_CLAUSE}{{0,4}}?(?:传|放|带|写)(?:了)?[ \t]?{_KEY_ZH}",
            ("body", "payload", "请求体", "主体", "json"),
        ),
        "key_in_body",
    ),
    Cue(
        rx(
            r"[?&](?:api[_-]?key|key|token|access_token|apikey)="
            rf"|\b{_KEY_EN}\b{_GAP}{{0,40}}?\b(?:query[ \t](?:param(?:eter)?s?|string)|url[ \t]param(?:eter)?s?|in[ \t]the[ \t]url)\b"
            rf"|{_KEY_ZH}{_GAP}{{0,10}}?(?:拼|放|带|加|写|传)(?:在|到|进)?[ \t]?(?:url|网址|链接|query|查询|查找){_CLAUSE}{{0,12}}?(?:参数|里|上|后面)"
            rf"|(?:url|网址|链接|query|查询|查找)[ \t]?参数{_GAP}{{0,10}}?{_KEY_ZH}",
            ("key=", "token=", "query", "url", "网址", "链接", "查询", "查找"),
        ),
        "key_in_query",
    ),
    Cue(
        rx(
            r"authorization[\"'`]?[ \t]?[:=,][ \t]?[\"'`]?[ \t]?(?:Token|Basic|Key|Api-?Key)[ \t]",
            ("authorization",),
        ),
        "token_scheme",
        setup=False,
    ),
    Cue(
        rx(
            rf"authorization{_GAP}{{0,12}}?(?:写|用|填|是|放|send|sends|sending|set|uses?|using|with|as)\b?{_GAP}{{0,8}}?"
            r"[\"'`]?(?:Token|Basic)\b|\b(?:Token|Basic)[ \t]++(?:auth|scheme|prefix)\b",
            ("authorization", "token", "basic"),
        ),
        "token_scheme",
    ),
    Cue(
        rx(
            r"(?:-H|--header)[ \t=]++[\"']?api-key[ \t]?:|[\"']api-key[\"'][ \t]?:|(?<![\w-])api-key:[ \t]?[\w$<{]|"
            r"\bapi-key[ \t]?(?:header|请求头|头|标头)",
            ("api-key",),
        ),
        "api_key_header",
    ),
    # A header of one's own ("X-Auth-Token"): names with a hyphen, never Authorization itself.
    Cue(
        rx(
            rf"\b(?:api[ _-]?)?(?:key|token)\b{_GAP}{{0,20}}?\b(?:as|in|via|with)[ \t]++(?:an?[ \t]++|the[ \t]++)?[\"'`“‘]?"
            r"(?!authorization\b|proxy-authorization\b)[a-z][a-z0-9]{0,15}-[a-z0-9-]{1,30}[\"'`”’]?[ \t]++header\b",
            ("header",),
        ),
        "wrong_header_name",
    ),
    Cue(
        rx(
            r"(?m)\b(?:without|no|missing|forgot|forgot[ \t]the|didn'?t[ \t]add|without[ \t]the)[ \t]++[\"'`]?Bearer[\"'`]?"
            rf"(?:[ \t]++(?:prefix|scheme|word))?\b|\bjust[ \t]++the[ \t]++key\b{_GAP}{{0,20}}?\bno[ \t]++Bearer"
            r"|(?:没|没有|未|忘了?|不)(?:加|带|写)(?:上)?[ \t]?Bearer"
            r"|^[ \t]*+Authorization:[ \t]?\$\w{1,40}[ \t]*+(?:$|,|without)",
            ("bearer", "authorization:"),
        ),
        "no_bearer_scheme",
    ),
    Cue(
        rx(
            r"\bBearer[ \t]{1,3}Bearer\b"
            rf"|\b(?:includes?|contains?|already[ \t]has|already[ \t]includes|starts?[ \t]with)[ \t]++(?:the[ \t]++)?"
            rf"[\"'`]?Bearer\b{_GAP}{{0,50}}?\b(?:again|twice|double)"
            rf"|Bearer{_GAP}{{0,6}}?(?:两次|两个|重复|写了两遍)",
            ("bearer",),
        ),
        "bearer_twice",
        setup=False,
    ),
    # -- missing_header: something in between removes the header ---------------------------------
    Cue(
        rx(
            _PROXY_EN
            + rf"{_GAP}{{0,60}}?\b(?:drops?|dropped|dropping|strips?|stripped|stripping|removes?|removed|removing|eats|los(?:e|es|ing|t)|"
            r"swallows?|filters?|filtered|doesn'?t[ \t](?:forward|pass)|not[ \t](?:forwarding|passing))\b"
            rf"{_GAP}{{0,30}}?\b(?:authorization|auth|headers?|keys?|tokens?|bearer)\b"
            rf"|\b(?:authorization|auth|header)\b{_GAP}{{0,20}}?\b(?:is|was|gets|got|getting|being)?[ \t]?"
            r"(?:stripped|dropped|removed|lost|filtered|eaten|not[ \t]forwarded|disappears?|disappeared|vanish(?:es|ed)?|"
            r"goes[ \t]missing|went[ \t]missing|(?:seems|seem)[ \t]to[ \t](?:disappear|vanish|get[ \t]lost))\b"
            rf"|(?:authorization|鉴权|认证|请求头|header|标头){_GAP}{{0,10}}?(?:被|给)?(?:去掉|丢掉|丢了|丢失|过滤|删掉|拿掉|"
            r"吃掉|吞|剥离|不见|没了|没转发|没有转发|未转发|不转发|没透传|不透传)"
            r"|(?:没有?|未|不)(?:转发|透传|传递|带上?)[ \t]?(?:authorization|鉴权|认证|请求头|header|标头)"
            r"|(?:去掉|丢掉|过滤掉?|删掉|拿掉|吃掉|食了|吞了|剥离)(?:了)?[ \t]?(?:authorization|鉴权|认证|请求头|header|标头)",
            (
                *_PROXY_NEEDLES,
                "auth",
                "header",
                "鉴权",
                "认证",
                "请求头",
                "标头",
            ),
        ),
        "proxy_strips",
        setup=False,
        also=(_PROXY,),
    ),
    # -- wrong_base_url: a web page answered ----------------------------------------------------------
    Cue(
        rx(
            rf"\b(?:html|web[ \t]?page|login[ \t]page)\b{_GAP}{{0,30}}?\b(?:instead[ \t]of|rather[ \t]than|not)[ \t]"
            r"(?:a[ \t])?json\b"
            rf"|(?:html|网页|页面){_GAP}{{0,12}}?(?:而不是|不是)[ \t]?json",
            ("html", "page", "网页", "页面"),
        ),
        "html_response",
        setup=False,
    ),
    Cue(
        rx(
            rf"\b(?:returns?|returned|getting|get|got|comes?[ \t]back|came[ \t]back|coming[ \t]back|response[ \t]is)"
            rf"\b{_GAP}{{0,20}}?\b(?:html|web[ \t]?page|login[ \t]page)\b"
            rf"|(?:返回|回传|回应|响应|拿到|收到)(?:的是|了)?{_GAP}{{0,20}}?(?:html|网页|页面)",
            ("html", "page", "网页", "页面"),
        ),
        "html_response",
        also=(_JSON,),
    ),
    # -- disabled_key: someone removed, disabled or let the key expire ----------------------------------
    Cue(
        rx(
            r"\b(?:deleted|removed|revoked|disabled|deactivated|cleaned[ \t]up|purged|rotated[ \t]out)[ \t]++"
            r"(?:some[ \t]++|a[ \t]++few[ \t]++|several[ \t]++|all[ \t]++|our[ \t]++|the[ \t]++|my[ \t]++|a[ \t]++|an[ \t]++|"
            r"two[ \t]++|three[ \t]++|\d{1,3}[ \t]++)?(?:of[ \t]++(?:the|our)[ \t]++)?(?:old[ \t]++|unused[ \t]++)?"
            r"(?:api[ _-]?)?keys?\b"
            # Bare "tokens" are deleted from prompts too; only switching one off is about credentials.
            r"|\b(?:revoked|disabled|deactivated)[ \t]++(?:some[ \t]++|a[ \t]++few[ \t]++|several[ \t]++|all[ \t]++|our[ \t]++|"
            r"the[ \t]++|my[ \t]++|a[ \t]++|\d{1,3}[ \t]++)?(?:old[ \t]++)?(?:api[ _-]?|access[ _-]?)?tokens?\b"
            r"|\b(?:api[ _-]?|access[ _-]?)tokens?\b[ \t]++(?:was|were|got)[ \t]++deleted\b"
            r"|\b(?:key|token)s?\b[ \t]++(?:has[ \t]++|have[ \t]++)?(?:expired|was[ \t]++deleted|got[ \t]++deleted|"
            r"was[ \t]++revoked|was[ \t]++disabled|is[ \t]++disabled|got[ \t]++disabled|were[ \t]++deleted|got[ \t]++revoked)\b"
            r"|\b(?:key|token)(?:'s|s'?)?[ \t]++(?:expiry|expiration)(?:[ \t]++date)?[ \t]++(?:passed|was|is|hit)\b"
            r"|\b(?:keys?|tokens?)[ \t]++expires?[ \t]++after\b"
            rf"|\bclick(?:ed|s)?[ \t]++(?:on[ \t]++)?[\"'“‘]?(?:revoke|delete|disable|deactivate)\b{_GAP}{{0,40}}?\b(?:key|token)",
            ("key", "token"),
        ),
        "said_disabled",
    ),
    # A deleted "token" is a credential when something now fails, not a shortened prompt.
    Cue(
        rx(
            r"\b(?:deleted|removed|cleaned[ \t]up|purged)[ \t]++(?:the[ \t]++|our[ \t]++|my[ \t]++|a[ \t]++|an[ \t]++|some[ \t]++)?"
            r"(?:old[ \t]++|unused[ \t]++)?tokens?\b",
            ("token",),
        ),
        "said_disabled",
        also=(TROUBLE,),
    ),
    Cue(
        rx(
            # English verbs in Chinese sentences ("delete 咗几条 key") only with a Chinese particle after them.
            rf"(?:(?:删|删除|删掉|禁用|停用|吊销|作废|撤销|清理|清掉)(?:了|咗)?|(?:delete|disable|revoke)d?[ \t]?(?:了|咗|掉))"
            rf"{_CLAUSE}{{0,6}}?{_KEY_ZH}"
            rf"|{_KEY_ZH}{_CLAUSE}{{0,6}}?(?:被|给)?(?:删|删除|删掉|禁用|停用|吊销|作废|过了?期|到期|失效)",
            ("key", "token", "令牌", "密钥", "秘钥", "权杖"),
        ),
        "said_disabled",
    ),
)
