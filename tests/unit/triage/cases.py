# ruff: noqa: E501  (a table of pasted texts: long lines are the data)
r"""Realistic pastes for each check, in every form customers paste them.

Vendor texts are those customers have posted in public issue threads (see the test ids: vendor and
what the text is); keys are synthetic (<<KEY>> markers, filled in at run time).
The official API base in these cases is https://api.llmrelay.com/v1 unless a case says "bare".
"""

from __future__ import annotations

from dataclasses import dataclass

from supportbot.triage import CheckId


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    check: CheckId
    reason: str | None = None
    official: bool = True


W, M, U, D, K = (
    CheckId.WHITESPACE,
    CheckId.MISSING_HEADER,
    CheckId.WRONG_BASE_URL,
    CheckId.DUPLICATED_PATH,
    CheckId.DISABLED_KEY,
)

OPENAI_LINK = "You can find your API key at https://platform.openai.com/account/api-keys."

WHITESPACE = [
    Case(
        "curl-escaped-quotes-in-bearer",
        'curl https://api.llmrelay.com/v1/chat/completions \\\n  -H "Content-Type: application/json" \\\n'
        '  -H "Authorization: Bearer \\"<<KEY>>\\"" \\\n  -d \'{"model": "gpt-4o-mini", "messages": []}\'',
        W,
        "quoted_key",
    ),
    Case(
        "curl-double-quotes-inside-single",
        "curl https://api.llmrelay.com/v1/models -H 'Authorization: Bearer \"<<KEY>>\"'",
        W,
        "quoted_key",
    ),
    Case(
        "curl-two-spaces-after-bearer",
        'curl https://api.llmrelay.com/v1/models -H "Authorization: Bearer  <<KEY>>"',
        W,
        "double_space",
    ),
    Case(
        "raw-http-quoted-key",
        'POST /v1/chat/completions HTTP/1.1\nHost: api.llmrelay.com\nAuthorization: Bearer "<<KEY>>"\n'
        'Content-Type: application/json\n\n{"model":"gpt-4o"}',
        W,
        "quoted_key",
    ),
    Case(
        "python-sdk-leading-space",
        'from openai import OpenAI\nclient = OpenAI(api_key=" <<KEY>>", base_url="https://api.llmrelay.com/v1")',
        W,
        "space_in_key",
    ),
    Case(
        "python-escaped-newline",
        'import openai\nopenai.api_key = "<<KEY>>\\n"\nopenai.base_url = "https://api.llmrelay.com/v1"',
        W,
        "newline_in_key",
    ),
    Case(
        "js-sdk-typographic-quotes",
        'const openai = new OpenAI({ apiKey: "“<<KEY>>”", baseURL: "https://api.llmrelay.com/v1" });',
        W,
        "smart_quotes",
    ),
    Case(
        "js-template-literal-quotes",
        'fetch("https://api.llmrelay.com/v1/chat/completions", {\n  headers: { Authorization: `Bearer "${process.env.KEY}"` },\n})',
        W,
        "quoted_key",
    ),
    Case(
        "dotenv-zero-width-space",
        "OPENAI_BASE_URL=https://api.llmrelay.com/v1\nOPENAI_API_KEY=<<KEY>>\u200b",
        W,
        "invisible_char",
    ),
    Case("dotenv-line-break-before-closing-quote", 'OPENAI_API_KEY="<<KEY>>\n"', W, "newline_in_key"),
    Case(
        "yaml-quotes-inside-quotes",
        "model_list:\n  - model_name: gpt-4o\n    litellm_params:\n      api_key: \"'<<KEY>>'\"",
        W,
        "quoted_key",
    ),
    Case(
        "compose-environment-list-keeps-quotes",
        'services:\n  app:\n    environment:\n      - OPENAI_API_KEY="<<KEY>>"',
        W,
        "quoted_key",
    ),
    Case(
        "python-http-client-invalid-header-value",
        'Traceback (most recent call last):\n  File "/usr/lib/python3.11/http/client.py", line 1271, in putheader\n'
        "    raise ValueError('Invalid header value %r' % (values[i],))\nValueError: Invalid header value b'Bearer <<KEY>>\\n'",
        W,
        "header_value_error",
    ),
    Case(
        "httpx-h11-illegal-header-value",
        "h11._util.LocalProtocolError: Illegal header value b'Bearer <<KEY>> '",
        W,
        "header_value_error",
    ),
    Case(
        "requests-invalid-leading-whitespace",
        "requests.exceptions.InvalidHeader: Invalid leading whitespace, reserved character(s), or return character(s) "
        "in header value: ' Bearer <<KEY>>'",
        W,
        "header_value_error",
    ),
    Case(
        "node-err-invalid-char",
        'TypeError [ERR_INVALID_CHAR]: Invalid character in header content ["Authorization"]',
        W,
        "header_value_error",
    ),
    Case(
        "openai-echo-with-quotes-json",
        '{"error":{"message":"Incorrect API key provided: \\"sk-proj****...vQA\\". '
        + OPENAI_LINK
        + '","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
        W,
        "echo_quoted",
    ),
    Case(
        "openai-echo-with-quotes-python-repr-traceback",
        "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: "
        '"sk-proj****...vQA". ' + OPENAI_LINK + "', 'type': 'invalid_request_error', 'param': None, "
        "'code': 'invalid_api_key'}}",
        W,
        "echo_quoted",
    ),
    Case(
        "deepseek-echo-stray-brace",
        '{"error":{"message":"Authentication Fails, Your api key: ****eek} is invalid","type":"authentication_error",'
        '"param":null,"code":"invalid_request_error"}}',
        W,
        "stray_char",
        official=False,
    ),
    Case(
        "chinese-prose-key-has-line-break",
        "调用接口一直返回 401，复制过来的 key 末尾好像带了换行，怎么排查？",
        W,
        "said_whitespace",
    ),
]

MISSING = [
    Case(
        "openai-no-key-json",
        '{"error":{"message":"You didn\'t provide an API key. You need to provide your API key in an Authorization header '
        "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
        "you're accessing the API from your browser and are prompted for a username and password. You can obtain an "
        'API key from https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,'
        '"code":null}}',
        M,
        "vendor_says_missing",
    ),
    Case(
        "dashscope-no-key-json",
        '{"error":{"message":"You didn\'t provide an API key. You need to provide your API key in an Authorization '
        'header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). ","type":"invalid_request_error","code":null}}',
        M,
        "vendor_says_missing",
    ),
    Case(
        "openai-responses-missing-bearer-codex-log",
        "unexpected status 401 Unauthorized: Missing bearer or basic authentication in header, url: "
        "https://api.openai.com/v1/responses",
        M,
        "vendor_says_missing",
    ),
    Case(
        "anthropic-x-api-key-required",
        '{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"},'
        '"request_id":"req_011CeoTSFhazbsMgs7N3Vw7V"}',
        M,
        "vendor_says_missing",
    ),
    Case(
        "openrouter-no-auth-credentials",
        '{"error":{"message":"No auth credentials found","code":401}}',
        M,
        "vendor_says_missing",
    ),
    Case(
        "openrouter-no-cookie-auth-credentials",
        "[错误]:连接失败 401 No cookie auth credentials found",
        M,
        "vendor_says_missing",
    ),
    Case(
        "openrouter-2024-missing-authentication-header",
        "{'message': 'Missing Authentication header or invalid API key', 'code': 401}",
        M,
        "vendor_says_missing",
    ),
    Case(
        "relay-api-key-required",
        '401 {"code":"API_KEY_REQUIRED","message":"API key is required in Authorization header (Bearer scheme), '
        'x-api-key header, or x-goog-api-key header"}',
        M,
        "vendor_says_missing",
    ),
    Case(
        "one-api-no-token",
        '{"error":{"message":"未提供令牌 (request id: 2026110112000012345678)","type":"one_api_error"}}',
        M,
        "vendor_says_missing",
    ),
    Case(
        "gemini-unregistered-callers-403",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or "
        "other form of API consumer identity to call this API.",
        M,
        "vendor_says_missing",
    ),
    Case(
        "curl-without-authorization",
        'curl https://api.llmrelay.com/v1/chat/completions \\\n  -H "Content-Type: application/json" \\\n'
        '  -d \'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}\'',
        M,
        "no_auth_header",
    ),
    Case(
        "curl-key-without-bearer",
        'curl https://api.llmrelay.com/v1/models -H "Authorization: <<KEY>>"',
        M,
        "no_bearer_scheme",
    ),
    Case(
        "curl-single-quoted-variable",
        "curl https://api.llmrelay.com/v1/models \\\n  -H 'Authorization: Bearer $OPENAI_API_KEY'",
        M,
        "unexpanded_variable",
    ),
    Case(
        "curl-bearer-twice",
        'curl https://api.llmrelay.com/v1/models -H "Authorization: Bearer Bearer $OPENAI_API_KEY"',
        M,
        "bearer_twice",
    ),
    Case(
        "curl-header-name-with-underscore",
        'curl https://api.llmrelay.com/v1/models -H "api_key: <<KEY>>"',
        M,
        "underscore_header",
    ),
    Case(
        "raw-http-without-authorization",
        "POST /v1/chat/completions HTTP/1.1\nHost: api.llmrelay.com\nContent-Type: application/json\n\n{}",
        M,
        "no_auth_header",
    ),
    Case(
        "python-plain-string-not-f-string",
        'headers = {"Authorization": "Bearer {api_key}", "Content-Type": "application/json"}\n'
        'requests.post("https://api.llmrelay.com/v1/chat/completions", headers=headers, json=body)',
        M,
        "unexpanded_variable",
    ),
    Case(
        "js-double-quotes-not-template",
        'headers: { "Authorization": "Bearer ${apiKey}" }',
        M,
        "unexpanded_variable",
    ),
    Case(
        "js-bearer-without-space",
        "const headers = { Authorization: 'Bearer' + apiKey };",
        M,
        "no_bearer_scheme",
    ),
    Case("dotenv-empty-key", "OPENAI_BASE_URL=https://api.llmrelay.com/v1\nOPENAI_API_KEY=\n", M, "empty_key"),
    Case(
        "dotenv-template-placeholder",
        "OPENAI_API_KEY=your_api_key_here\nOPENAI_BASE_URL=https://api.llmrelay.com/v1",
        M,
        "placeholder_key",
    ),
    Case(
        "python-env-var-name-as-key",
        'client = OpenAI(api_key="OPENAI_API_KEY", base_url="https://api.llmrelay.com/v1")',
        M,
        "unexpanded_variable",
    ),
    Case(
        "python-sdk-key-not-set-traceback",
        'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    client = OpenAI()\n'
        "openai.OpenAIError: The api_key client option must be set either by passing api_key to the client or by "
        "setting the OPENAI_API_KEY environment variable",
        M,
        "sdk_no_key",
    ),
    Case(
        "node-sdk-key-missing",
        "OpenAIError: The OPENAI_API_KEY environment variable is missing or empty; either provide it, or instantiate "
        "the OpenAI client with an apiKey option, like new OpenAI({ apiKey: 'My API Key' }).",
        M,
        "sdk_no_key",
    ),
    Case(
        "anthropic-sdk-no-auth-method",
        'TypeError: "Could not resolve authentication method. Expected either api_key or auth_token to be set."',
        M,
        "sdk_no_key",
    ),
    Case(
        "openai-echo-undefined",
        '{"error":{"message":"Incorrect API key provided: undefined. '
        + OPENAI_LINK
        + '","type":"invalid_request_error",'
        '"param":null,"code":"invalid_api_key"}}',
        M,
        "unset_key",
    ),
    Case(
        "deepseek-echo-null",
        '{"error":{"message":"Authentication Fails, Your api key: ****null is invalid","type":"authentication_error",'
        '"param":null,"code":"invalid_request_error"}}',
        M,
        "unset_key",
        official=False,
    ),
    Case(
        "openai-echo-template-placeholder",
        "Error code: 401 - {'error': {'message': 'Incorrect API key provided: ADD_YOUR*****HERE. "
        + OPENAI_LINK
        + "', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}",
        M,
        "placeholder_key",
    ),
    Case(
        "deepseek-echo-variable-name",
        '{"error":{"message":"Authentication Fails, Your api key: ****_KEY is invalid","type":"authentication_error",'
        '"param":null,"code":"invalid_request_error"}}',
        M,
        "placeholder_key",
        official=False,
    ),
    Case(
        "browser-devtools-bearer-undefined",
        "Request URL: https://api.llmrelay.com/v1/chat/completions\nRequest Method: POST\nStatus Code: 401 "
        "Unauthorized\nauthorization: Bearer undefined\ncontent-type: application/json",
        M,
        "unset_key",
    ),
    Case(
        "nginx-proxy-clears-authorization",
        'location /v1/ {\n    proxy_pass https://api.llmrelay.com/v1/;\n    proxy_set_header Authorization "";\n}',
        M,
        "proxy_strips",
    ),
    Case(
        "proxy-drops-header-though-curl-sends-it",
        'curl https://relay.mycompany.com/v1/models -H "Authorization: Bearer <<KEY>>"\n'
        '{"error":{"message":"未提供令牌 (request id: 2026110112000012345678)","type":"one_api_error"}}',
        M,
        "proxy_strips",
    ),
    Case("curl-basic-auth", "curl -u :<<KEY>> https://api.llmrelay.com/v1/models", M, "no_bearer_scheme"),
    Case(
        "chinese-prose-forgot-header",
        "请求头里忘了加 Authorization，返回 401 Unauthorized",
        M,
        "said_missing",
    ),
]

WRONG_BASE = [
    Case(
        "openai-incorrect-key-gateway-key-base-never-changed",
        '{"error":{"message":"Incorrect API key provided: sk-VKMIs***************************************wjh3. '
        + OPENAI_LINK
        + '","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
        U,
        "key_sent_to_other_vendor",
    ),
    Case(
        "openai-incorrect-key-reseller-prefix",
        "401 Incorrect API key provided: kod-460f****...2829. " + OPENAI_LINK,
        U,
        "key_sent_to_other_vendor",
        official=False,
    ),
    Case(
        "openai-echo-url-as-key",
        "Error: 401 Incorrect API key provided: https://****...lETQ. " + OPENAI_LINK,
        U,
        "url_as_key",
    ),
    Case(
        "xai-groq-key-sent-to-grok",
        '{"code":"Client specified an invalid argument","error":"Incorrect API key provided: gs***tF. You can obtain an '
        'API key from https://console.x.ai."}',
        U,
        "key_sent_to_other_vendor",
    ),
    Case(
        "azure-invalid-subscription-key",
        '{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure '
        'to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}',
        U,
        "other_vendor_answered",
    ),
    Case(
        "gemini-api-key-invalid-400",
        '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",'
        '"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":'
        '"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]}}',
        U,
        "other_vendor_answered",
    ),
    Case(
        "anthropic-invalid-x-api-key",
        "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', "
        "'message': 'invalid x-api-key'}}",
        U,
        "other_vendor_answered",
    ),
    Case(
        "deepseek-real-looking-echo",
        '{"error":{"message":"Authentication Fails, Your api key: ****a1b2 is invalid","type":"authentication_error",'
        '"param":null,"code":"invalid_request_error"}}',
        U,
        "key_sent_to_other_vendor",
    ),
    Case(
        "groq-invalid-api-key-with-headers",
        "HTTP/1.1 401 Unauthorized\nx-groq-region: us-west-1\nx-request-id: req_01jaaaaaaaaaaaaaaaaaaaaaaa\n\n"
        '{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}',
        U,
        "other_vendor_answered",
    ),
    Case(
        "python-base-url-is-website",
        'client = OpenAI(base_url="https://llmrelay.com", api_key=os.environ["KEY"])',
        U,
        "website_host",
    ),
    Case(
        "js-base-url-is-console",
        'const client = new OpenAI({ baseURL: "https://console.llmrelay.com/token" });',
        U,
        "website_host",
    ),
    Case(
        "dotenv-missing-v1",
        "OPENAI_BASE_URL=https://api.llmrelay.com\nOPENAI_API_KEY=<<KEY>>",
        U,
        "missing_v1",
    ),
    Case("python-legacy-api-base-http", 'openai.api_base = "http://api.llmrelay.com/v1"', U, "http_scheme"),
    Case("python-typo-host", 'client = OpenAI(base_url="https://api.llmrealy.com/v1")', U, "typo_host"),
    Case(
        "langchain-kwarg-other-vendor",
        'llm = ChatOpenAI(model="gpt-4o", openai_api_key=key, openai_api_base="https://api.openai.com/v1")',
        U,
        "other_vendor_host",
    ),
    Case(
        "curl-to-openai-with-gateway-key",
        'curl https://api.openai.com/v1/chat/completions -H "Authorization: Bearer <<KEY>>"',
        U,
        "other_vendor_host",
    ),
    Case(
        "raw-http-typo-host",
        "GET /v1/models HTTP/1.1\nHost: api.llmrelay.co\nAuthorization: Bearer <<KEY>>\n",
        U,
        "typo_host",
    ),
    Case(
        "yaml-website-path",
        "openai:\n  base_url: https://llmrelay.com/console\n  api_key: <<KEY>>",
        U,
        "website_host",
    ),
    Case(
        "httpx-log-http-scheme",
        'INFO:httpx:HTTP Request: POST http://api.llmrelay.com/v1/chat/completions "HTTP/1.1 401 Unauthorized"',
        U,
        "http_scheme",
    ),
    Case(
        "nginx-access-log-missing-v1",
        '203.0.113.7 - - [01/Nov/2026:12:00:00 +0800] "POST /chat/completions HTTP/1.1" 404 153 "-" "OpenAI/Python 1.52.0"',
        U,
        "missing_v1",
    ),
    Case(
        "swapped-key-and-base-url",
        'client = OpenAI(api_key="https://api.llmrelay.com/v1", base_url="<<KEY>>")',
        U,
        "url_as_key",
    ),
    Case(
        "node-html-instead-of-json",
        "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON\n    at JSON.parse (<anonymous>)",
        U,
        "html_response",
    ),
    Case(
        "chinese-prose-website-as-base",
        "base_url 填的是官网 https://llmrelay.com ，调用一直报 401",
        U,
        "website_host",
    ),
    Case(
        "slack-linked-typo-host",
        "I use <http://api.llmrelay.cn/v1|api.llmrelay.cn/v1> and get 401 Unauthorized",
        U,
        "typo_host",
    ),
]

DUPLICATED = [
    Case(
        "openai-invalid-url-doubled-python-repr",
        "openai.NotFoundError: Error code: 404 - {'error': {'message': 'Invalid URL (POST "
        "/v1/chat/completions/chat/completions)', 'type': 'invalid_request_error', 'param': None, 'code': None}}",
        D,
        "doubled_path",
    ),
    Case(
        "python-base-url-ends-with-endpoint",
        'client = OpenAI(base_url="https://api.llmrelay.com/v1/chat/completions", api_key=os.getenv("LLMRELAY_KEY"))',
        D,
        "base_has_endpoint",
    ),
    Case(
        "js-base-url-ends-with-endpoint",
        'const openai = new OpenAI({\n  baseURL: "https://api.llmrelay.com/v1/chat/completions",\n  apiKey: process.env.KEY,\n});',
        D,
        "base_has_endpoint",
    ),
    Case(
        "dotenv-base-ends-with-endpoint",
        "OPENAI_BASE_URL=https://api.llmrelay.com/v1/chat/completions",
        D,
        "base_has_endpoint",
    ),
    Case(
        "toml-config-moneyprinter",
        'openai_base_url = "https://api.llmrelay.com/v1/chat/completions"',
        D,
        "base_has_endpoint",
    ),
    Case(
        "langchain-openai-api-base-endpoint",
        'ChatOpenAI(openai_api_base="https://api.llmrelay.com/v1/chat/completions", model="gpt-4o")',
        D,
        "base_has_endpoint",
    ),
    Case(
        "nginx-access-log-doubled",
        '198.51.100.4 - - [01/Nov/2026:09:15:02 +0000] "POST /v1/chat/completions/chat/completions HTTP/1.1" 404 19',
        D,
        "doubled_path",
    ),
    Case(
        "client-log-doubled-v1",
        'HTTP Request: POST https://api.llmrelay.com/v1/v1/chat/completions "HTTP/1.1 404 Not Found"',
        D,
        "doubled_v1",
    ),
    Case(
        "anthropic-base-url-with-v1",
        "ANTHROPIC_BASE_URL=https://api.llmrelay.com/v1\nANTHROPIC_AUTH_TOKEN=<<KEY>>",
        D,
        "doubled_v1",
    ),
    Case(
        "chinese-prose-base-with-endpoint",
        "我的 baseURL 填的是 https://api.llmrelay.com/v1/chat/completions ，一直 404",
        D,
        "base_has_endpoint",
    ),
]

DISABLED = [
    Case(
        "new-api-token-disabled",
        "{'error': {'message': '该令牌状态不可用 (request id: 20241029105800334407026WGK1hBhC)','type': 'new_api_error'}}",
        K,
        "key_disabled",
    ),
    Case(
        "one-api-token-expired",
        '{"error":{"message":"该令牌已过期 (request id: 2026110112000012345678)","type":"one_api_error"}}',
        K,
        "key_expired",
    ),
    Case(
        "gemini-key-reported-leaked",
        "Your API key was reported as leaked. Please use another API key.",
        K,
        "key_leaked",
        official=False,
    ),
    Case(
        "openai-leak-email",
        "Your OpenAI API key was determined to have been leaked, which has triggered a key disable "
        "and this friendly notification email.",
        K,
        "key_leaked",
        official=False,
    ),
    Case(
        "openai-account-deactivated",
        '{"error":{"message":"This key is associated with a deactivated account. If you feel this is an error, contact '
        'us through our help center at help.openai.com.","type":"invalid_request_error","code":"account_deactivated"}}',
        K,
        "account_deactivated",
        official=False,
    ),
    Case(
        "openrouter-user-not-found-expired-key",
        "{'error': {'message': 'User not found.', 'code': 401}}",
        K,
        "user_not_found",
        official=False,
    ),
    Case(
        "deepseek-no-such-user",
        '{"error":{"message":"Authentication Fails (no such user)","type":"authentication_error","param":null,'
        '"code":"invalid_request_error"}}',
        K,
        "user_not_found",
        official=False,
    ),
    Case(
        "gemini-style-key-expired",
        '{"error":{"code":400,"message":"API key expired. Please renew the API key.","status":"INVALID_ARGUMENT"}}',
        K,
        "key_expired",
        official=False,
    ),
    Case(
        "english-prose-rotation",
        "After I rotated my key this morning the cron worker gets 401 Unauthorized",
        K,
        "rotated",
    ),
    Case("chinese-prose-rotation", "昨天重新生成了 key，把旧的删了，今天 worker 一直 401", K, "rotated"),
    Case("chinese-prose-key-disabled", "401 了，后台显示这个令牌已被禁用", K, "key_disabled"),
    Case(
        "echo-differs-from-configured-key",
        "OPENAI_API_KEY=<<PROJKEY>>\n\nError code: 401 - Incorrect API key provided: sk-proj-****...Zq9x. "
        + OPENAI_LINK,
        K,
        "old_key_in_use",
        official=False,
    ),
]

MORE = [
    Case(
        "mistral-detail-unauthorized-at-mistral-host",
        'curl https://api.mistral.ai/v1/models -H "Authorization: Bearer $LLMRELAY_KEY"\n{"detail":"Unauthorized"}',
        U,
        "other_vendor_host",
    ),
    Case(
        "mistral-message-unauthorized-sdk-base",
        'client = Mistral(api_key=key, server_url="https://codestral.mistral.ai")\n'
        '{"message":"Unauthorized","request_id":"c61f2f15feca71626a990e3740f99245"}',
        U,
        "other_vendor_host",
    ),
    Case(
        "js-shorthand-base-url",
        'const baseURL = "https://llmrelay.com/console";\nconst client = new OpenAI({ baseURL });',
        U,
        "website_host",
    ),
    Case(
        "anthropic-ts-sdk-website",
        'const anthropic = new Anthropic({ baseURL: "https://www.llmrelay.com" });',
        U,
        "website_host",
    ),
    Case(
        "anthropic-python-sdk-base-with-v1",
        'client = anthropic.Anthropic(base_url="https://api.llmrelay.com/v1", api_key=os.environ["LLMRELAY_KEY"])',
        D,
        "doubled_v1",
    ),
    Case(
        "curl-long-header-option-without-bearer",
        "curl --request GET \\\n  --url https://api.llmrelay.com/v1/models \\\n  --header 'Authorization: <<KEY>>'",
        M,
        "no_bearer_scheme",
    ),
    Case(
        "curl-header-equals-form-empty-bearer",
        'curl https://api.llmrelay.com/v1/models --header="Authorization: Bearer "',
        M,
        "empty_key",
    ),
    Case(
        "windows-cmd-caret-continuation",
        'curl https://api.llmrelay.com/v1/chat/completions ^\n  -H "Content-Type: application/json" ^\n  -d "{}"',
        M,
        "no_auth_header",
    ),
]

ALL = WHITESPACE + MISSING + WRONG_BASE + DUPLICATED + DISABLED + MORE

NEAR_MISSES = [
    (
        "openai-429-rate-limit",
        '{"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, '
        "Used 29000, Requested 2000. Please try again in 2s. Visit https://platform.openai.com/account/rate-limits to learn "
        'more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}',
    ),
    (
        "openai-429-insufficient-quota",
        "openai.RateLimitError: Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check your "
        "plan and billing details.', 'type': 'insufficient_quota', 'param': None, 'code': 'insufficient_quota'}}",
    ),
    (
        "anthropic-529-overloaded",
        '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    ),
    (
        "one-api-401-quota-used-up",
        "401 {message: '该令牌额度已用尽 (request id: 202401051503129912612881ruBxkTI)', type: 'one_api_error'}",
    ),
    (
        "one-api-no-channel-for-model",
        '{"error":{"message":"当前分组 default 下对于模型 gpt-5 无可用渠道 (request id: '
        '2026110112000012345678)","type":"one_api_error"}}',
    ),
    (
        "openai-model-not-found",
        "Error code: 404 - {'error': {'message': 'The model `gpt-5-ultra` does not exist or you do not have access to it.', "
        "'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}",
    ),
    (
        "openai-context-length",
        "Error code: 400 - {'error': {'message': \"This model's maximum context length is 128000 tokens. However, your "
        "messages resulted in 130123 tokens.\", 'type': 'invalid_request_error', 'param': 'messages', 'code': "
        "'context_length_exceeded'}}",
    ),
    (
        "deepseek-402-insufficient-balance",
        '{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}',
    ),
    (
        "nginx-502-html",
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n</body>",
    ),
    (
        "429-with-http-base-in-config",
        'client = OpenAI(base_url="http://api.llmrelay.com/v1")\nopenai.RateLimitError: Error code: 429 - Too Many Requests',
    ),
    ("how-do-i-create-a-key", "How do I create a key?"),
    ("chinese-how-to-create-token", "请问怎么创建令牌？在哪里看 API Key？"),
    ("chinese-how-to-rotate", "怎么轮换 key 才不影响线上服务？"),
    (
        "correct-python-config",
        'client = OpenAI(base_url="https://api.llmrelay.com/v1", api_key=os.environ["LLMRELAY_API_KEY"])',
    ),
    ("correct-curl", 'curl -sS "https://api.llmrelay.com/v1/models" -H "Authorization: Bearer $API_KEY"'),
    ("correct-curl-with-env-base", 'curl -sS "$BASE_URL/models" -H "Authorization: Bearer $API_KEY"'),
    (
        "self-redacted-key",
        'curl https://api.llmrelay.com/v1/models -H "Authorization: Bearer sk-xxxxxxxxxxxx"',
    ),
    ("slack-autolinked-official-host", "my base url is <http://api.llmrelay.com/v1|api.llmrelay.com/v1>"),
    ("anthropic-sdk-correct-base", 'client = anthropic.Anthropic(base_url="https://api.llmrelay.com")'),
    ("mistral-body-alone-names-no-cause", '{"detail":"Unauthorized"}'),
    ("local-proxy-http", 'client = OpenAI(base_url="http://localhost:3000/v1", api_key=key)'),
    ("dotenv-quoted-key-is-fine", 'OPENAI_API_KEY="<<KEY>>"\nOPENAI_BASE_URL=https://api.llmrelay.com/v1'),
    (
        "docs-link-in-prose",
        "I read https://platform.openai.com/docs/api-reference and the llmrelay.com docs.",
    ),
]
