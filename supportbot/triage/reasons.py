"""Reason codes: which check each belongs to and how it reads in English.

Templates key their translations on these codes, so a code, once shipped, keeps its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportbot.triage.checks import CheckId


@dataclass(frozen=True)
class Reason:
    check: CheckId
    base_score: float
    message: str


_W, _M, _U, _D, _K = (
    CheckId.WHITESPACE,
    CheckId.MISSING_HEADER,
    CheckId.WRONG_BASE_URL,
    CheckId.DUPLICATED_PATH,
    CheckId.DISABLED_KEY,
)

REASONS: dict[str, Reason] = {
    # whitespace
    "quoted_key": Reason(_W, 0.9, "Quote marks are sent as part of the key"),
    "smart_quotes": Reason(_W, 0.9, "Typographic quotes (“ ” ‘ ’) sit around or in the key"),
    "newline_in_key": Reason(_W, 0.9, "The key ends with (or contains) a line break"),
    "space_in_key": Reason(_W, 0.8, "The key has a space or tab before, after or inside it"),
    "double_space": Reason(_W, 0.75, "Two spaces after 'Bearer', so the key starts with a space"),
    "invisible_char": Reason(_W, 0.9, "An invisible character (zero-width or non-breaking space) is in the key"),
    "stray_char": Reason(_W, 0.7, "A stray character is stuck to the key"),
    "header_value_error": Reason(_W, 0.9, "The HTTP client refused the header value (whitespace or a line break)"),
    "echo_quoted": Reason(_W, 0.95, "The server's echo of the key starts with a quote mark"),
    "said_whitespace": Reason(_W, 0.5, "The customer mentions spaces or quotes around the key"),
    "file_newline": Reason(_W, 0.75, "The key is read from a file and keeps the file's line break"),
    "copied_invisible": Reason(
        _W, 0.7, "The key was copied from a document or chat, which can add invisible characters or spaces"
    ),
    "shell_quotes": Reason(_W, 0.8, "The shell keeps the quote marks as part of the key (cmd.exe 'set X=\"…\"')"),
    "bom": Reason(_W, 0.8, "A byte order mark (BOM) from the file sits in front of the key"),
    # missing_header
    "vendor_says_missing": Reason(_M, 0.9, "The server says no key arrived"),
    "sdk_no_key": Reason(_M, 0.9, "The SDK found no key to send (environment variable not loaded)"),
    "no_auth_header": Reason(_M, 0.8, "The request carries no Authorization header"),
    "no_bearer_scheme": Reason(_M, 0.85, "The Authorization header lacks the 'Bearer ' scheme"),
    "bearer_twice": Reason(_M, 0.9, "'Bearer' is sent twice (the key itself starts with 'Bearer')"),
    "empty_key": Reason(_M, 0.85, "The key is empty"),
    "unset_key": Reason(_M, 0.9, "The key is 'undefined'/'null': the environment variable was not loaded"),
    "placeholder_key": Reason(_M, 0.8, "The key is still a placeholder from a template"),
    "unexpanded_variable": Reason(_M, 0.85, "A variable name is sent literally instead of its value"),
    "underscore_header": Reason(_M, 0.5, "A header name with underscores, which proxies such as nginx drop"),
    "wrong_header_name": Reason(_M, 0.35, "The key goes in another header than 'Authorization: Bearer'"),
    "proxy_strips": Reason(_M, 0.8, "A proxy in between seems to drop the Authorization header"),
    "said_missing": Reason(_M, 0.6, "The customer says the header or key is not set"),
    "key_in_body": Reason(_M, 0.75, "The key is sent in the request body, not in the Authorization header"),
    "key_in_query": Reason(_M, 0.8, "The key is sent as a URL query parameter, not in the Authorization header"),
    "token_scheme": Reason(
        _M, 0.85, "The Authorization header uses another scheme ('Token', 'Basic') instead of 'Bearer'"
    ),
    "api_key_header": Reason(
        _M, 0.75, "The key is sent in an 'api-key' header; this API reads 'Authorization: Bearer'"
    ),
    # wrong_base_url
    "website_host": Reason(_U, 0.85, "The website or console address is used instead of the API base URL"),
    "website_path": Reason(_U, 0.75, "A web page path is used instead of the API base URL"),
    "missing_v1": Reason(_U, 0.8, "The base URL lacks its version path (such as /v1)"),
    "http_scheme": Reason(_U, 0.7, "http:// instead of https:// (redirects drop the header or change the method)"),
    "typo_host": Reason(_U, 0.85, "The host name looks like a typo of the official API host"),
    "other_vendor_host": Reason(_U, 0.8, "The request goes to another provider's host"),
    "unknown_host": Reason(_U, 0.35, "The request goes to a host that is not the official API base"),
    "url_as_key": Reason(_U, 0.9, "A URL was put where the key belongs (base URL and key swapped?)"),
    "key_as_url": Reason(_U, 0.85, "A key was put where the base URL belongs"),
    "other_vendor_answered": Reason(_U, 0.6, "The error text comes from another provider, so the request went there"),
    "key_sent_to_other_vendor": Reason(_U, 0.85, "Another provider rejected this key: the base URL was never changed"),
    "html_response": Reason(_U, 0.6, "An HTML page came back: the URL points at a website, not the API"),
    "said_website": Reason(_U, 0.5, "The customer says the website or console address is configured"),
    "base_url_not_set": Reason(_U, 0.75, "No base URL is set, so the SDK calls its default host, not this API"),
    "probe_not_api": Reason(_U, 0.9, "Calling this base URL's /models shows it is not the API"),
    # duplicated_path
    "doubled_path": Reason(_D, 0.95, "The endpoint path appears twice in the URL"),
    "base_has_endpoint": Reason(_D, 0.9, "The base URL already ends with an endpoint; the SDK appends it again"),
    "doubled_v1": Reason(_D, 0.85, "The version path /v1 appears twice"),
    # disabled_key
    "key_disabled": Reason(_K, 0.9, "The key is disabled"),
    "key_expired": Reason(_K, 0.9, "The key has expired"),
    "key_revoked": Reason(_K, 0.85, "The key was revoked or deleted"),
    "key_leaked": Reason(_K, 0.9, "The key was reported as leaked and blocked"),
    "account_deactivated": Reason(_K, 0.8, "The account behind the key is deactivated"),
    "user_not_found": Reason(_K, 0.6, "The service no longer knows this key (expired or deleted)"),
    "old_key_in_use": Reason(
        _K, 0.75, "The key the server saw is not the one in the configuration: an old key is in use"
    ),
    "rotated": Reason(_K, 0.55, "The key was rotated recently; an old copy may still be in use somewhere"),
    "said_disabled": Reason(_K, 0.6, "The customer says the key was disabled, expired or deleted"),
}
