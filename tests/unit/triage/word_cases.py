# ruff: noqa: E501  (a table of messages: long lines are the data)
"""401s described in words, the way customers of a gateway write them in threads and tickets.

English, Simplified and Traditional Chinese (Taiwan and Hong Kong wording), with and without a
status code, sometimes with a bit of pasted config around the words. Written for these tests after
the kinds of report seen in public issue threads of OpenAI-compatible SDKs, one-api/new-api and
proxies; keys are synthetic (<<KEY>> markers filled in at run time). The official base is
https://api.llmrelay.com/v1.
"""

from __future__ import annotations

from tests.unit.triage.cases import Case, K, M, U, W

NO_BASE_URL = [
    Case(
        "en-only-set-key-not-base",
        "I only set OPENAI_API_KEY and didn't change base_url, still 401",
        U,
        "base_url_not_set",
    ),
    Case(
        "en-never-set-base",
        "Getting 401 Unauthorized. I never set a base URL, just exported the key from your dashboard.",
        U,
        "base_url_not_set",
    ),
    Case(
        "en-forgot-base",
        "ah wait, I think I forgot to set the base_url in the client — it's erroring with invalid api key",
        U,
        "base_url_not_set",
    ),
    Case(
        "en-default-endpoint",
        "we're using the default endpoint of the openai python sdk with your key and get AuthenticationError",
        U,
        "base_url_not_set",
    ),
    Case(
        "en-still-goes-to-openai",
        "401 again. Looks like the SDK still sends requests to api.openai.com even though I use your key",
        U,
    ),
    Case(
        "en-without-base-url",
        "Calling the API without specifying base_url returns 401 incorrect api key",
        U,
        "base_url_not_set",
    ),
    Case(
        "en-left-base-default",
        "I left the base url as default in Cursor and put in the key you gave me, it says unauthorized",
        U,
        "base_url_not_set",
    ),
    Case("cn-only-key", "我只配置了 OPENAI_API_KEY，base_url 没改，一直报 401", U, "base_url_not_set"),
    Case("cn-no-base-set", "没有设置 base_url，直接用官方 SDK 调用，返回 401 认证失败", U, "base_url_not_set"),
    Case(
        "cn-forgot-base", "忘了改接口地址了吗？我就填了个 key，报错 Incorrect API key provided", U, "base_url_not_set"
    ),
    Case("cn-default-address", "用的是默认地址，key 是你们后台生成的，提示令牌无效", U, "base_url_not_set"),
    Case("tw-only-key", "我只有設定 OPENAI_API_KEY，base_url 沒有改，一直回傳 401", U, "base_url_not_set"),
    Case("tw-no-base", "沒設定 base url，直接用官方套件呼叫，出現認證失敗", U, "base_url_not_set"),
    Case("hk-default", "用緊預設嘅 API 地址，金鑰係你哋後台攞嘅，但係話 401 Unauthorized", U, "base_url_not_set"),
]

FILE_NEWLINE = [
    Case(
        "en-cat-key-file",
        "we read the key with `$(cat key.txt)` and I think the newline gets in, 401 every time",
        W,
        "file_newline",
    ),
    Case(
        "en-read-file-trailing-newline",
        "The key is loaded with open('key.txt').read() and the server says invalid key. Could the trailing newline be the problem?",
        W,
        "file_newline",
    ),
    Case(
        "en-secret-file-newline",
        "Our k8s secret was created from a file with echo, so the key ends with a newline I guess — 401 since then",
        W,
        "file_newline",
    ),
    Case(
        "en-file-newline-plain", "key comes from a file, there's a line break at the end of the file", W, "file_newline"
    ),
    Case("cn-cat-file", "key 是用 $(cat key.txt) 读进来的，感觉把换行也带上了，一直 401", W, "file_newline"),
    Case("cn-file-newline", "密钥是从文件里读取的，文件末尾有个换行，调用报认证失败", W, "file_newline"),
    Case("tw-file-newline", "金鑰是從檔案讀進來的，好像多了一個換行字元，呼叫都回 401", W, "file_newline"),
]

COPIED = [
    Case("en-shared-doc", "I copied the key from a shared doc, typed by hand it works", W, "copied_invisible"),
    Case(
        "en-notion",
        "Copied the API key out of our Notion page and now every call is 401. Same key typed manually is fine.",
        W,
        "copied_invisible",
    ),
    Case("en-email-pdf", "got 401 with the key I pasted from the PDF you emailed us", W, "copied_invisible"),
    Case("en-slack-copy", "401 invalid token — I copy-pasted the key from a Word document", W, "copied_invisible"),
    Case("cn-feishu", "key 是从飞书文档里复制的，一直 401，手动敲一遍就好了", W, "copied_invisible"),
    Case("cn-wechat", "从微信聊天记录里复制的令牌，调用提示无效的令牌", W, "copied_invisible"),
    Case("cn-typed-works", "复制粘贴的 key 不行，手打的就可以，奇怪", W, "copied_invisible"),
    Case("tw-shared-doc", "金鑰是從共用文件複製過來的，手動輸入就可以，貼上就認證失敗", W, "copied_invisible"),
    Case("tw-line", "從 LINE 對話複製的金鑰，呼叫一直回傳 401", W, "copied_invisible"),
]

SHELL_QUOTES = [
    Case("en-cmd-set-quotes", 'On Windows cmd I did set OPENAI_API_KEY="<<KEY>>" and now I get 401', W, "shell_quotes"),
    Case(
        "en-cmd-set-placeholder",
        'set LLMRELAY_KEY="sk-xxxx"\npython app.py\n-> AuthenticationError 401',
        W,
        "shell_quotes",
    ),
    Case(
        "en-quotes-kept",
        "401 — I think the quotes are kept as part of the key when I set it in cmd.exe",
        W,
        "shell_quotes",
    ),
    Case(
        "en-env-file-quotes",
        "docker --env-file keeps the quotes around the key in my .env, so the key is sent with quotes and it's 401",
        W,
        "shell_quotes",
    ),
    Case("cn-cmd-set", 'Windows 命令行里 set OPENAI_API_KEY="<<KEY>>"，然后运行脚本报 401', W, "shell_quotes"),
    Case("cn-quotes-kept", "在 cmd 里设置环境变量的时候带了双引号，引号好像也被当成 key 了", W, "shell_quotes"),
    Case("tw-cmd", "在命令提示字元用 set 設定金鑰時有加雙引號，結果一直 401", W, "shell_quotes"),
]

BOM = [
    Case(
        "en-bom-env",
        "The .env was saved by Notepad as UTF-8 with BOM and the first variable is the key, 401 invalid_api_key",
        W,
        "bom",
    ),
    Case("en-bom-short", "Found it? there's a BOM at the start of key.txt, getting 401", W, "bom"),
    Case("en-feff", "the server log shows the header value starts with \\ufeff and we get unauthorized", W, "bom"),
    Case("cn-bom", "key 文件是记事本保存的，带 BOM，读出来调用一直 401", W, "bom"),
    Case("tw-bom", "設定檔是用記事本存成 UTF-8 BOM，讀出來的金鑰呼叫會認證失敗", W, "bom"),
]

AUTH_SCHEME = [
    Case("en-no-auth-header-body", "the request has no Authorization header, the key is in the body", M, "key_in_body"),
    Case("en-key-in-json-body", "We send the api key inside the JSON body as api_key and get 401", M, "key_in_body"),
    Case("en-query-param", "we pass it as `?api_key=` and get 401 Unauthorized", M, "key_in_query"),
    Case(
        "en-query-url",
        "401 when calling https://api.llmrelay.com/v1/models?api_key=$LLMRELAY_KEY from the browser",
        M,
        "key_in_query",
    ),
    Case("en-query-words", "We put the key in the URL as a query parameter, the response is 401", M, "key_in_query"),
    Case("en-token-scheme", 'headers = {"Authorization": "Token " + key}\n# 401 Unauthorized', M),
    Case(
        "en-token-words", "We send 'Authorization: Token <key>' like our other APIs and it says 401", M, "token_scheme"
    ),
    Case(
        "en-api-key-header",
        'curl https://api.llmrelay.com/v1/chat/completions -H "api-key: $LLMRELAY_KEY" -d @body.json\n401',
        M,
        "api_key_header",
    ),
    Case(
        "en-api-key-header-words",
        "We use the api-key header like on Azure and get 401 from your endpoint",
        M,
        "api_key_header",
    ),
    Case(
        "en-x-api-key-openai", "Sending x-api-key header to /v1/chat/completions returns 401 missing authorization", M
    ),
    Case("en-no-bearer", "Authorization: $KEY without Bearer, 401", M, "no_bearer_scheme"),
    Case(
        "en-no-bearer-words",
        "I set the Authorization header to just the key, no Bearer prefix, getting 401",
        M,
        "no_bearer_scheme",
    ),
    Case(
        "en-bearer-bearer",
        "The log shows `Authorization: Bearer Bearer sk-...` and the response is 401",
        M,
        "bearer_twice",
    ),
    Case(
        "en-key-includes-bearer",
        "our config value already includes 'Bearer ' and the client adds it again, 401",
        M,
        "bearer_twice",
    ),
    Case("en-no-header", "Looking at the request in devtools there is no Authorization header at all, 401", M),
    Case("cn-body", "请求头里没有 Authorization，key 放在 body 里传的，返回 401", M, "key_in_body"),
    Case("cn-query", "我们是把 key 拼在 URL 参数里（?api_key=）传的，一直 401", M, "key_in_query"),
    Case("cn-token-scheme", "Authorization 写的是 Token 加上 key，报 401", M, "token_scheme"),
    Case("cn-api-key-header", "用的是 api-key 请求头（Azure 那种写法），调用你们的接口返回 401", M, "api_key_header"),
    Case("cn-no-bearer", "Authorization 里直接放的 key，没加 Bearer，报 401", M, "no_bearer_scheme"),
    Case("cn-bearer-twice", "日志里看到 Bearer Bearer 两个，返回认证失败", M, "bearer_twice"),
    Case("tw-body", "請求標頭沒有 Authorization，金鑰是放在 body 裡面，回傳 401", M, "key_in_body"),
    Case("tw-query", "金鑰用網址參數 ?key= 帶過去，結果認證失敗", M, "key_in_query"),
    Case("tw-no-bearer", "Authorization 直接放金鑰，沒有加 Bearer，一直 401", M, "no_bearer_scheme"),
]

PROXY = [
    Case(
        "en-proxy-drops",
        "we go through a corporate proxy that drops the Authorization header, so we get 401",
        M,
        "proxy_strips",
    ),
    Case(
        "en-nginx-strips",
        "Behind our nginx reverse proxy the Authorization header gets stripped, direct calls work",
        M,
        "proxy_strips",
    ),
    Case(
        "en-cloudflare-removes",
        "I think Cloudflare worker removes the auth header before it reaches you, 401 only through the worker",
        M,
        "proxy_strips",
    ),
    Case(
        "en-header-lost-via-proxy",
        "Through the proxy the header is lost, calling directly works. 401 otherwise",
        M,
        "proxy_strips",
    ),
    Case("cn-proxy", "经过公司代理以后 Authorization 头被去掉了，直连是好的，走代理就 401", M, "proxy_strips"),
    Case("cn-nginx", "我们自己的 nginx 反代把 Authorization 请求头丢了，一直返回 401", M, "proxy_strips"),
    Case("tw-proxy", "透過公司的代理伺服器，Authorization 標頭好像被拿掉了，直接連就正常", M, "proxy_strips"),
]

HTML = [
    Case("en-html-instead-json", "HTML coming back instead of JSON, then the SDK says 401", U, "html_response"),
    Case(
        "en-html-page",
        "the response is an HTML page, not JSON. is my base url wrong? also 401 in between",
        U,
        "html_response",
    ),
    Case(
        "en-unexpected-token",
        "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
        U,
        "html_response",
    ),
    Case("cn-html", "返回的是一个 HTML 网页而不是 JSON，然后报 401", U, "html_response"),
    Case("cn-html-login", "调用接口返回了登录页面的 html，不是 json", U, "html_response"),
    Case("tw-html", "回傳的是 HTML 網頁，不是 JSON，接著就認證失敗", U, "html_response"),
]

KEY_GONE = [
    Case("en-teammate-deleted", "a teammate deleted some keys yesterday and now we get 401", K, "said_disabled"),
    Case(
        "en-admin-disabled",
        "Our admin disabled a few tokens in the console this morning; since then the worker fails with 401",
        K,
        "said_disabled",
    ),
    Case("en-key-expired", "I think our key expired last week, everything returns 401 invalid api key", K),
    Case(
        "en-cleaned-up", "We cleaned up old API keys on Friday, since then prod gets unauthorized", K, "said_disabled"
    ),
    Case(
        "en-someone-revoked", "someone on my team may have revoked the key, 401 incorrect api key", K, "said_disabled"
    ),
    Case("cn-colleague-deleted", "昨天同事删了几个 key，今天就一直 401", K, "said_disabled"),
    Case("cn-expired", "令牌好像到期了，调用提示认证失败", K, "said_disabled"),
    Case("cn-disabled-admin", "管理员把我们的令牌停用了吗？一直返回无效的令牌", K),
    Case("tw-deleted", "昨天同事把幾個金鑰刪掉了，今天呼叫就一直 401", K, "said_disabled"),
    Case("tw-expired", "金鑰好像過期了，一直回傳無效的令牌", K, "said_disabled"),
    Case("hk-disabled", "同事話已經停用咗嗰條金鑰，而家一直 401", K, "said_disabled"),
]


#: Written after the cues above, as a check on unseen phrasings (all passed on the first run but five,
#: which led to wider cues: "401s", "no openai_api_base", a header that "seems to disappear", HTML
#: named without "JSON" next to it).
SECOND_ROUND = [
    Case(
        "second-en-00",
        "Hey, we're getting 401s. We never configured a custom base URL — just dropped your key into the openai client.",
        U,
    ),
    Case("second-en-01", "langchain ChatOpenAI with only openai_api_key=... passed, no openai_api_base, error 401", U),
    Case("second-en-02", "I didn't touch the endpoint setting in Dify, only pasted the key; says invalid API key", U),
    Case("second-zh-03", "请求默认还是发到 openai 官方了，我没改 base url，报 key 无效", U),
    Case("second-zh-04", "只填了 API Key 沒填 API 位址，結果顯示 401", U),
    Case(
        "second-en-05",
        "Our script reads the key via `KEY=$(cat /run/secrets/llm_key)`; the file was written on Windows so there's a \\r at the end. 401",
        W,
    ),
    Case(
        "second-en-06",
        "I'm loading the token from a txt file with fs.readFileSync and I bet there's a trailing newline. Unauthorized.",
        W,
    ),
    Case("second-zh-07", "把 key 写在 txt 文件里再读出来用，读出来末尾有换行符，所以一直 401 吧", W),
    Case(
        "second-en-08",
        "pasted the key from our Confluence page into the env var and it's rejected; if I type it myself it's accepted",
        W,
    ),
    Case(
        "second-en-09",
        "The key I copied from the welcome email doesn't work (401), but copying from the dashboard works",
        W,
    ),
    Case("second-zh-10", "從 Google 文件複製的 key 會 401，自己打就沒問題", W),
    Case("second-zh-11", '在 Windows 上 set OPENAI_API_KEY="xxx" 之後呼叫失敗', W),
    Case(
        "second-en-12",
        "Our .env file has a BOM so python-dotenv reads '\\ufeffOPENAI_API_KEY' and the key is missing -> 401",
        W,
    ),
    Case("second-en-13", "Is it possible the key has a zero-width space? I copied it from Slack and get 401", W),
    Case("second-en-14", "We authenticate with the header `Authorization: Token <key>` and get 401 Unauthorized", M),
    Case("second-en-15", "our client sends the key as a URL parameter ?key=... and your API says 401", M),
    Case("second-en-16", 'The http client puts the api key in the POST body ("api_key": "..."), we get 401', M),
    Case("second-zh-17", "我们用的是 x-api-key 头调用 /v1/chat/completions，返回 401", M),
    Case("second-zh-18", "把 key 放在 query 参数里传的，401", M),
    Case("second-zh-19", "Authorization 頭直接寫金鑰沒有 Bearer，回傳 401", M),
    Case(
        "second-en-20",
        "looks like our API gateway (Kong) strips the Authorization header before forwarding, we get 401 from you",
        M,
    ),
    Case(
        "second-en-21",
        "Requests from our office go through Zscaler, and the Authorization header seems to disappear; 401 only from the office",
        M,
    ),
    Case("second-zh-22", "公司的代理会把 Authorization 头过滤掉，所以一直 401", M),
    Case("second-zh-23", "經過 nginx 之後 Authorization 標頭不見了，直接打 API 正常", M),
    Case(
        "second-en-24",
        "header value ends up as 'Bearer Bearer sk-...' because our env var already had Bearer in it; 401",
        M,
    ),
    Case("second-en-25", "the response body is an HTML page (<!doctype html>) instead of JSON and status 401", U),
    Case("second-en-26", "JSONDecodeError: Expecting value: line 1 column 1 — the API returned an html page", U),
    Case("second-zh-27", "返回的不是 JSON，是一整个网页的 HTML，状态码 401", U),
    Case("second-en-28", "My colleague revoked our old key last night and now the bot says 401", K),
    Case("second-en-29", "the key was deleted by mistake from the console, we get invalid api key", K),
    Case("second-zh-30", "同事把 token 禁用了，现在调用一直报认证失败", K),
    Case("second-zh-31", "金鑰已經過期了嗎？一直 401", K),
    Case("second-en-32", "our api key expired yesterday, all calls 401 since then", K),
    Case("second-zh-33", "令牌被管理员删除了，返回无效的令牌", K),
]

SECOND_ROUND_NEAR_MISSES = [
    ("second-near-miss-00", "How do I rotate keys without downtime?"),
    ("second-near-miss-01", "What is the base URL for your API?"),
    ("second-near-miss-02", "Can we use a proxy in front of your API?"),
    ("second-near-miss-03", "Is there a way to get responses as HTML instead of JSON?"),
    ("second-near-miss-04", "请问 key 可以放在 URL 参数里吗？"),
    ("second-near-miss-05", "我们删除了旧的项目，怎么导出账单？"),
    ("second-near-miss-06", "Where can I find the docs on streaming?"),
    ("second-near-miss-07", "同事離職了，要怎麼轉移帳號？"),
    ("second-near-miss-08", "Our nginx config works fine, thanks for the help!"),
    ("second-near-miss-09", "我从文档复制了示例代码，运行成功了，谢谢"),
    ("second-near-miss-10", "Can you add Token auth support in the future?"),
    ("second-near-miss-11", "We got a 429 after going through our proxy"),
    ("second-near-miss-12", "上游返回 502 Bad Gateway"),
    ("second-near-miss-13", "The copied key works now, thanks!"),
]

#: A third round after widening the cues for plain statements (no "401" in them): one miss left out
#: ("浏览器里看到返回的是 html 页面" names no API, so HTML alone is not taken for a cause).
THIRD_ROUND = [
    Case("third-en-00", "Using langchain, I didn't set openai_api_base, getting AuthenticationError", U),
    Case("third-en-01", "the worker reads the token with File.ReadAllText and the token ends in \\r\\n", W),
    Case("third-en-02", "key was pasted from a Teams message, invisible char maybe", W),
    Case("third-en-03", "our old key was disabled by your system? calls are 401", K),
    Case("third-en-04", "We authenticate with ?key= in the URL like Gemini", M),
    Case("third-en-05", "we're sending Authorization: Basic with the key as password", M),
    Case("third-zh-06", "API 返回 401，我们的 Authorization 头写的是 Token xxx", M),
    Case("third-zh-07", "请求经过 API 网关之后 Authorization 丢失了", M),
    Case("third-zh-09", "令牌昨天被我删掉了，重新建了一个还是 401", K),
    Case("third-zh-10", "同事把 key 贴在飞书文档里，我复制下来用就 401", W),
    Case("third-zh-11", 'Windows 上用 set API_KEY="sk-xxx" 设置的', W),
]

THIRD_ROUND_NEAR_MISSES = [
    ("third-near-miss-00", "We deleted the old keys as planned after rotating, all good."),
    ("third-near-miss-01", "FYI we moved our keys to Vault last week."),
    ("third-near-miss-02", "Our nginx proxy is configured per your docs."),
    ("third-near-miss-03", "We send the key in the Authorization header as Bearer."),
    ("third-near-miss-04", "The dashboard shows HTML charts."),
    ("third-near-miss-05", "I copied the key into our secret manager."),
    ("third-near-miss-06", "Our team deleted the test project."),
    ("third-near-miss-07", "昨天我们把旧的 key 都删了，新的已经配置好了"),
    ("third-near-miss-08", "默认地址是什么"),
    ("third-near-miss-09", "新年快乐！"),
    ("third-near-miss-10", "We use the default model gpt-4o-mini."),
    ("third-near-miss-11", "我们用的是默认的模型"),
    ("third-near-miss-12", "thanks, setting base_url fixed it"),
    ("third-near-miss-13", "The key works when I call with curl, the problem is streaming is slow"),
    ("third-near-miss-14", "Billing page shows the wrong currency"),
    ("third-near-miss-15", "Please add support for the api-key header like Azure"),
    ("third-near-miss-16", "我们的代理服务器在新加坡"),
    ("third-near-miss-17", "密钥管理页面打不开"),
]

#: A fourth round (21/25 right and one false alarm on the first run; then: more verbs, APIM, "没有转发",
#: "key's expiry", the SDK constructor given only a key, and a question sentence reporting nothing).
FOURTH_ROUND = [
    Case("fourth-en-00", "Using the OpenAI Node SDK, I haven't overridden the baseURL. 401 incorrect key", U),
    Case("fourth-en-01", "OPENAI_BASE_URL is not set in our container, we get Unauthorized", U),
    Case("fourth-zh-02", "在 Cursor 里只填了 API Key，没有覆盖 OpenAI Base URL，提示 401", U),
    Case("fourth-zh-03", "base_url 留空了，key 用的是你们的，报认证失败", U),
    Case("fourth-zh-04", "我沒有填 Base URL，只貼了金鑰，就一直 401", U),
    Case(
        "fourth-en-05",
        "the k8s secret was created with echo so the token has a newline at the end; requests get 401",
        W,
    ),
    Case("fourth-zh-06", ".env 里写成 OPENAI_API_KEY='sk-xxx'，docker 读取的时候引号也带上了，接口 401", W),
    Case("fourth-zh-07", "從 PDF 複製的金鑰無法使用，回傳 401", W),
    Case("fourth-en-08", "Key copied from the onboarding email has a weird character at the end, 401", W),
    Case("fourth-zh-09", "我是从邮件里复制的令牌，调用报 401，是不是有隐藏字符", W),
    Case("fourth-en-10", "we're passing the key via the X-API-Key header on /v1/chat/completions and get 401", M),
    Case("fourth-zh-11", "body 里传了 api_key 字段，没有加请求头，返回 401", M),
    Case("fourth-en-12", "We use Basic auth with the key as the username, 401", M),
    Case("fourth-zh-13", "密钥写在 URL 后面 ?key=xxx，接口返回 401", M),
    Case("fourth-en-14", "Azure APIM strips the Authorization header and your API returns 401", M),
    Case("fourth-zh-15", "反向代理没有转发 Authorization，所以后端 401", M),
    Case("fourth-zh-16", "header 写成了 Authorization: Bearer Bearer xxx，報 401", M),
    Case("fourth-en-17", "got <!DOCTYPE html> back from the API instead of JSON", U),
    Case("fourth-zh-18", "SDK 报错 JSONDecodeError，看了一下返回的是 html 页面", U),
    Case("fourth-en-19", "Is it possible our key got revoked? We get 401 since this morning", K),
    Case("fourth-en-20", "I deleted the old token by mistake and the service now gets 401", K),
    Case("fourth-en-21", "the key's expiry date passed yesterday, 401 now", K),
    Case("fourth-zh-22", "我把旧令牌删了，结果生产环境一直 401", K),
    Case("fourth-zh-23", "金鑰被停用了嗎？一直回傳 401", K),
    Case("fourth-zh-24", "令牌过期了吧，全都是 401", K),
    Case(
        "fourth-sdk-key-only",
        'client = OpenAI(api_key=os.environ["LLMRELAY_KEY"])\nopenai.AuthenticationError: Error code: 401',
        U,
        "base_url_not_set",
    ),
    Case(
        "fourth-langchain-key-only",
        'llm = ChatOpenAI(model="gpt-4o", openai_api_key=key)  # 401 Unauthorized',
        U,
        "base_url_not_set",
    ),
]

FOURTH_ROUND_NEAR_MISSES = [
    ("fourth-near-miss-00", "How do I set OPENAI_BASE_URL for your API?"),
    ("fourth-near-miss-01", "Thanks, the key copied from the console works now"),
    ("fourth-near-miss-02", "what's the best way to store keys in k8s secrets?"),
    ("fourth-near-miss-03", "能把 API Key 放在请求体里吗？"),
    ("fourth-near-miss-04", "We use nginx as a reverse proxy in front of our app, any recommended config?"),
    ("fourth-near-miss-05", "Does the API return HTML error pages or JSON?"),
    ("fourth-near-miss-06", "When does a key expire?"),
    ("fourth-near-miss-07", "令牌会过期吗？"),
    ("fourth-near-miss-08", "金鑰可以設定到期時間嗎？"),
    ("fourth-near-miss-09", "Our CI pipeline failed because of a flaky test"),
    ("fourth-near-miss-10", "同事删除了一个群聊"),
    ("fourth-near-miss-11", "I copied your example from the docs and it worked right away, thanks"),
    ("fourth-near-miss-12", "我们打算下周轮换所有 key"),
    ("fourth-near-miss-13", "Is there a rate limit per key?"),
    ("fourth-near-miss-14", "Please add Basic auth support"),
    (
        "fourth-sdk-with-base",
        'client = OpenAI(api_key=k, base_url="https://api.llmrelay.com/v1")\nprint(client.models.list())',
    ),
]

#: Taiwan wording (金鑰, 標頭, 請求主體, 防火牆), all but one right on the first run.
TAIWAN = [
    Case("taiwan-00", "用 Python SDK 只設定了 api_key，沒有設定 base_url，回傳 401", U),
    Case("taiwan-01", "金鑰是從 Notion 複製貼上的，結果一直驗證失敗，手動輸入就正常", W),
    Case("taiwan-02", "我們把金鑰放在請求主體（body）裡面傳送，伺服器回 401", M),
    Case("taiwan-03", "Authorization 標頭寫成 Token 加金鑰，回傳 401", M),
    Case("taiwan-04", "公司防火牆好像會把 Authorization 標頭過濾掉，所以一直 401", M),
    Case("taiwan-05", "同事昨天停用了我們的金鑰，現在全部 401", K),
    Case("taiwan-06", "回應的是一個 HTML 登入頁面，不是 JSON", U),
    Case("taiwan-07", "用 cmd 的 set 設定 OPENAI_API_KEY 時加了引號，引號也被當成金鑰了", W),
]

TAIWAN_NEAR_MISSES = [
    ("taiwan-near-miss-00", "請問金鑰要怎麼輪換？"),
    ("taiwan-near-miss-01", "你們有支援串流輸出嗎？"),
    ("taiwan-near-miss-02", "謝謝，改了 base_url 之後就正常了"),
    ("taiwan-near-miss-03", "發票要在哪裡申請？"),
    ("taiwan-near-miss-04", "同事刪除了測試用的專案"),
    ("taiwan-near-miss-05", "我們公司有用代理伺服器，需要注意什麼嗎？"),
    ("taiwan-near-miss-06", "回傳的 JSON 格式很清楚，謝謝"),
    ("taiwan-near-miss-07", "請問有沒有 HTML 格式的文件？"),
]

#: A fifth round with Slack markup, code blocks and mixed languages (10/15 on the first run; then: "only
#: swapped the key", more proxies by name, an `api-key:` header line, "clicked Revoke", "keys expire after").
FIFTH_ROUND = [
    Case(
        "fifth-en-00",
        "hey team :wave: getting `401 Unauthorized` from `<https://api.llmrelay.com/v1/chat/completions|api.llmrelay.com/v1/chat/completions>` — we're behind an Istio ingress and I suspect it strips the auth header",
        M,
    ),
    Case(
        "fifth-en-01",
        "```\nopenai.AuthenticationError: Error code: 401\n```\nfwiw I never changed the base url in our config, just swapped the key",
        U,
    ),
    Case(
        "fifth-zh-02",
        "报错如下：\n```\nError code: 401 - {'error': {'message': 'Incorrect API key provided'}}\n```\n我只是把 OPENAI_API_KEY 换成了你们的 key，别的都没动",
        U,
    ),
    Case("fifth-en-03", "401 :( the key lives in a .txt file we read at startup, maybe it has a trailing \\n?", W),
    Case("fifth-en-04", "Our devops guy says the ALB removes Authorization headers &gt;_&lt; anyway we get 401", M),
    Case("fifth-en-05", "curl returns 401; we add the key as `?token=...` at the end of the URL", M),
    Case("fifth-zh-06", "调用一直 401，我们的 header 是 `api-key: sk-xxx`，参考的 Azure 文档", M),
    Case(
        "fifth-en-07", "Someone in our org clicked 'Revoke' on the key in your dashboard, I think. 401s all morning", K
    ),
    Case(
        "fifth-en-08",
        "the token in our env was generated 90 days ago and your keys expire after 90 days right? anyway 401",
        K,
    ),
    Case("fifth-en-09", "Pasted the key from my password manager notes app and it fails with invalid_api_key", W),
    Case("fifth-en-10", 'From Windows PowerShell I ran set OPENAI_API_KEY="sk-..." then the script → 401', W),
    Case("fifth-zh-11", "新同事把 key 从企业微信复制到 .env 里，部署后一直认证失败", W),
    Case("fifth-zh-12", "請問是不是金鑰被刪除了？我們今天早上開始一直 401", K),
    Case("fifth-zh-13", "我們的 nginx 設定沒有轉發 Authorization 標頭，所以 API 一直 401", M),
    Case("fifth-zh-14", "返回的是 Cloudflare 的 HTML 验证页面，状态码 401", U),
]

FIFTH_ROUND_NEAR_MISSES = [
    ("fifth-near-miss-00", "hey team :wave: is there a status page for the API?"),
    ("fifth-near-miss-01", "```\npip install openai\n```\nwhich version of the SDK do you recommend?"),
    ("fifth-near-miss-02", "我们准备把 key 放到 Vault 里统一管理"),
    ("fifth-near-miss-03", "Can our Istio ingress forward streaming responses?"),
    ("fifth-near-miss-04", "what's your policy on key expiry?"),
    ("fifth-near-miss-05", "金鑰可以設定只允許特定 IP 嗎？"),
    ("fifth-near-miss-06", "Our SRE team removed the old load balancer yesterday, everything's fine"),
    ("fifth-near-miss-07", "你们的 API 支持 HTML 格式的输出吗"),
]

#: A sixth round on files, BOM, quotes and HTML (18/20 on the first run; then: "txt" as a file, "quotes
#: around it", 粘贴…带了引号).
SIXTH_ROUND = [
    Case("sixth-zh-00", "用 Python 的 open('key.txt').read() 读的密钥，没有 strip，会不会带了换行？现在 401", W),
    Case("sixth-zh-01", "密钥存在 txt 里，Windows 上编辑过，末尾可能有 \\r\\n，接口报 401", W),
    Case("sixth-en-02", "We use `export OPENAI_API_KEY=$(cat secret.txt)` and the file ends with CRLF. 401", W),
    Case("sixth-zh-03", "PowerShell 读文件 Get-Content key.txt 得到的值后面有换行吗？一直 401", W),
    Case(
        "sixth-en-04", "the .env file is UTF-8 BOM encoded (saved from Notepad), first line is the key, unauthorized", W
    ),
    Case("sixth-zh-05", "配置文件是 UTF-8 with BOM，第一行就是 API_KEY，读出来前面多了个不可见字符，401", W),
    Case("sixth-zh-06", 'Windows 批处理里 set "KEY=sk-xxx" 写成了 set KEY="sk-xxx"，引号被带进去了，一直 401', W),
    Case("sixth-en-07", "In our GitHub Actions secret I pasted the key with quotes around it, now 401", W),
    Case("sixth-zh-08", "我在 GitHub Secrets 里粘贴 key 的时候带了引号，现在 401", W),
    Case("sixth-en-09", "The endpoint answers with an HTML error page rather than JSON, status 401", U),
    Case("sixth-zh-10", "SDK 报 Unexpected token '<'，应该是返回了网页，401", U),
    Case("sixth-zh-11", "请求返回一个 HTML 的 nginx 默认页面，然后客户端报 401", U),
    Case("sixth-en-12", "Our corporate proxy removes the Authorization header unless we whitelist the domain; 401", M),
    Case(
        "sixth-zh-13",
        '我们通过 Nginx 转发到你们的 API，但是 nginx 配置了 proxy_set_header Authorization ""，导致 401',
        M,
    ),
    Case("sixth-zh-14", "key 放在 query string 里面传（?api_key=xxx），返回 401 未授权", M),
    Case("sixth-zh-15", "请求头写的是 Authorization: sk-xxx，没有 Bearer 前缀，401", M),
    Case("sixth-zh-16", "前端 fetch 的时候 headers 里写了 'Authorization': 'Bearer ' + 'Bearer ' + key，401", M),
    Case("sixth-zh-17", "我们的 key 上周过期了吗？现在全 401", K),
    Case("sixth-zh-18", "管理员在后台把所有旧令牌都作废了，我们的服务一直 401", K),
    Case("sixth-en-19", "Our account admin rotated out all keys older than 30 days last night; since then 401", K),
]

SIXTH_ROUND_NEAR_MISSES = [
    ("sixth-near-miss-00", "怎么把 key 存到 txt 文件里比较安全？"),
    ("sixth-near-miss-01", "BOM 是什么？"),
    ("sixth-near-miss-02", "我们想在 GitHub Actions 里调用你们的 API，有示例吗？"),
    ("sixth-near-miss-03", "返回的 JSON 里 usage 字段是什么意思？"),
    ("sixth-near-miss-04", "请问 Authorization 头的格式是什么？"),
    ("sixth-near-miss-05", "令牌的有效期可以设置多久？"),
    ("sixth-near-miss-06", "The HTML report you sent is great"),
    ("sixth-near-miss-07", "我们的 nginx 配置已经改好了，现在正常了，谢谢"),
]

#: A seventh round: tools by name and written Cantonese (6/15 on the first run; then: Cantonese particles
#: read as Mandarin, 由…copy, 自己打就得, "lose the header", a header of one's own, "…所以 401？").
SEVENTH_ROUND = [
    Case(
        "seventh-en-00",
        "In Cline I picked 'OpenAI' as provider and pasted your key, didn't see a base URL field. 401",
        U,
    ),
    Case("seventh-zh-01", "Dify 里添加 OpenAI 供应商时 API Base 没填，只填了 key，测试连接 401", U),
    Case("seventh-en-02", "LlamaIndex OpenAI(api_key=...) with default settings returns 401 invalid api key", U),
    Case("seventh-zh-03", "我哋淨係改咗 API key，base url 冇改，依家一直 401", U),
    Case("seventh-zh-04", "條 key 係由 Word 文件度 copy 出嚟，一直話 401，自己打就得", W),
    Case("seventh-zh-05", "我哋公司個 proxy 會食咗 Authorization header，所以成日 401", M),
    Case("seventh-zh-06", "我哋將 key 放喺 URL 嘅 query 參數度，回覆 401", M),
    Case("seventh-zh-07", "同事琴日 delete 咗幾條 key，今日就 401", K),
    Case("seventh-zh-08", "個 key 過咗期，所以 401？", K),
    Case(
        "seventh-en-09", "the key is injected from AWS Secrets Manager and has a trailing newline; 401 from your API", W
    ),
    Case("seventh-en-10", "Terraform wrote the key into the k8s secret with a newline at the end, our pods get 401", W),
    Case("seventh-en-11", "Requests through our Kong gateway lose the Authorization header; direct curl works", M),
    Case("seventh-en-12", "Our SDK wrapper sends the key as 'X-Auth-Token' header, getting 401", M),
    Case("seventh-en-13", "got a 401 and the body was an HTML page from Cloudflare, not JSON", U),
    Case("seventh-en-14", "the admin deleted my API key by accident, every call is 401 now", K),
]

SEVENTH_ROUND_NEAR_MISSES = [
    ("seventh-near-miss-00", "Cline 可以接你们的 API 吗？"),
    ("seventh-near-miss-01", "我哋想試下 Dify，有冇教學？"),
    ("seventh-near-miss-02", "Is LlamaIndex supported?"),
    ("seventh-near-miss-03", "We store keys in AWS Secrets Manager, is that recommended?"),
    ("seventh-near-miss-04", "點樣用 curl 測試條 key？"),
    ("seventh-near-miss-05", "我哋已經換咗新 key，依家正常喇，唔該"),
    ("key-in-authorization-header", "We send the key as the Authorization header, works fine"),
]

WORDS = (
    NO_BASE_URL
    + FILE_NEWLINE
    + COPIED
    + SHELL_QUOTES
    + BOM
    + AUTH_SCHEME
    + PROXY
    + HTML
    + KEY_GONE
    + SECOND_ROUND
    + THIRD_ROUND
    + FOURTH_ROUND
    + TAIWAN
    + FIFTH_ROUND
    + SIXTH_ROUND
    + SEVENTH_ROUND
)

#: Messages in the same words that report no 401 (how-to questions, other errors, things that work).
WORD_NEAR_MISSES = [
    ("en-how-set-base", "How do I set base_url in the Python SDK?"),
    ("en-base-works", "I set base_url to your endpoint and it works great now, thanks!"),
    ("en-how-query", "Can I pass the key as a ?api_key= query parameter instead of a header?"),
    ("en-html-docs", "Your docs page returns HTML with broken CSS on mobile"),
    ("en-teammate-deleted-channel", "a teammate deleted some channels yesterday, can you restore them?"),
    ("en-proxy-question", "Do you support calls through a corporate proxy?"),
    ("en-read-from-file-how", "What's the best way to read the key from a file in production?"),
    ("en-rate-limit-proxy", "through the proxy we get 429 Too Many Requests, rate limit reached"),
    ("en-copied-code", "I copied the example code from your docs, how do I stream the response?"),
    ("en-bearer-doc", "Should the header be 'Authorization: Bearer <key>'?"),
    ("en-quota", "the key is fine but we ran out of quota, insufficient_quota"),
    ("en-expired-invoice", "our invoice expired, can you resend it?"),
    ("cn-how-base", "base_url 应该怎么填？"),
    ("cn-html-question", "能不能返回 HTML 格式的内容？"),
    ("cn-deleted-message", "同事昨天删了几条消息，能找回来吗"),
    ("cn-proxy-support", "你们支持通过代理访问吗？"),
    ("cn-copy-doc", "从文档里复制的示例代码怎么改成流式输出？"),
    ("cn-quota", "余额不足了，怎么充值"),
    ("tw-how-base", "請問 base_url 要怎麼設定？"),
    ("tw-deleted-question", "刪除金鑰之後還能復原嗎？"),
    ("tw-quota", "額度用完了，要怎麼加值？"),
    ("tw-model", "呼叫 gpt-5 回傳模型不存在"),
    *SECOND_ROUND_NEAR_MISSES,
    *THIRD_ROUND_NEAR_MISSES,
    *FOURTH_ROUND_NEAR_MISSES,
    *TAIWAN_NEAR_MISSES,
    *FIFTH_ROUND_NEAR_MISSES,
    *SIXTH_ROUND_NEAR_MISSES,
    *SEVENTH_ROUND_NEAR_MISSES,
    # Words shared with the model's own vocabulary and with other troubles.
    ("proxy-drops-websockets", "our proxy drops websocket connections after 60s"),
    ("max-tokens-in-body", "we set max tokens in the request body"),
    ("tokens-deleted-from-prompt", "we deleted some tokens from the prompt to make it shorter"),
    ("status-page-html", "The status page returns HTML, the api is fine"),
    ("prompt-tokens-in-body", "We put the prompt tokens in the body"),
]

__all__ = ["WORDS", "WORD_NEAR_MISSES"]
