"""Requests written out in the paste: curl commands (:mod:`..shell`) and raw HTTP requests."""

from __future__ import annotations

from supportbot.triage import patterns as pt
from supportbot.triage.passes.found import Found, Sighting, found, shown
from supportbot.triage.passes.paste import Paste
from supportbot.triage.passes.spans import inside
from supportbot.triage.shell import Curl
from supportbot.triage.text import finditer
from supportbot.triage.urls import Url, parse_url, split_endpoint
from supportbot.triage.values import VAR
from supportbot.triage.wire import authorization_problems, key_problems, keylike

#: Header lines read after a request line before giving up on finding its end.
MAX_HEADER_LINES = 60


def api_like(path: str) -> bool:
    """The path goes to an API (a version segment or a known endpoint), not a web page."""
    lowered = path.lower()
    return "/v1" in lowered or bool(split_endpoint(path)[1])


def _url_path(value: str) -> str:
    """The path of a curl URL word, with or without a scheme."""
    if "/" not in value:
        return ""
    return value[value.find("/", value.find("//") + 2 if "//" in value else 0) :]


def _curl(command: Curl) -> list[Found]:
    reported: list[Found] = []
    first = command.urls[0].value.split("?", 1)[0].replace(VAR, "$…") if command.urls else ""
    authed = command.user is not None or command.oauth2_bearer
    for header in command.headers:
        name, colon, value = header.value.partition(":")
        lname = name.strip().lower()
        if not colon:
            continue
        excerpt = shown(f"curl header {name.strip()},", value.lstrip(" "))
        if lname in pt.AUTH_HEADERS:
            authed = True
            problems = (
                authorization_problems(value, expands=not header.literal_dollar)
                if lname == "authorization"
                else key_problems(value.strip(), expands=not header.literal_dollar)
            )
            if header.literal_dollar and "$" in value:
                problems = ["unexpanded_variable", *problems]
            reported.extend(found(reason, excerpt=excerpt, factor=1.05) for reason in dict.fromkeys(problems))
        elif lname == "bearer":
            authed = True
            reported.append(found("no_bearer_scheme", excerpt=excerpt))
        elif "_" in lname and any(word in lname for word in ("key", "auth", "token")):
            authed = True
            reported.append(found("underscore_header", excerpt=excerpt))
    if command.user is not None:
        reported.append(
            found(
                "no_bearer_scheme",
                excerpt="curl -u … (Basic auth)",
                factor=0.7,
                note="curl -u sends Basic auth, not 'Authorization: Bearer'",
            )
        )
    api_call = False
    for word in command.urls:
        value = word.value
        if "key=" in value:
            authed = True
        api_call = api_call or api_like(_url_path(value))
        url = parse_url(value)
        if url is not None:
            reported.append(Sighting(url, "request", f"curl {url.display()}"))
    if not authed and api_call and not command.truncated:
        reported.append(found("no_auth_header", excerpt=f"curl … {first}".rstrip(), note="curl sends no key"))
    return reported


def curls(paste: Paste) -> tuple[Found, ...]:
    """Each distinct curl command's auth headers and options, and the URL(s) it calls."""
    return tuple(item for command in paste.curls for item in _curl(command))


def curl_sends_key(paste: Paste) -> bool:
    """A curl command puts something key-shaped in an auth header."""
    for command in paste.curls:
        for header in command.headers:
            name, colon, value = header.value.partition(":")
            if colon and name.strip().lower() in pt.AUTH_HEADERS and any(keylike(part) for part in value.split()):
                return True
    return False


def _headers(text: str, pos: int) -> dict[str, str]:
    """The header lines from ``pos`` on, lower-cased names; stops at the first line that is not one."""
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        if pos >= len(text):
            break
        line = pt.HEADER_LINE.match(text, pos)
        if line is None or (text.find("\n", pos) not in (line.end(), -1) and line.end() != len(text)):
            break
        headers[line.group("name").lower()] = line.group("value")
        pos = line.end() + 1
    return headers


def raw_requests(paste: Paste) -> tuple[Found, ...]:
    """``POST /v1/… HTTP/1.1`` requests outside curl commands: where they go, and whether they carry a key."""
    text = paste.text
    reported: list[Found] = []
    for match in finditer(pt.REQUEST_LINE, text):
        if inside(match.start(), paste.curl_spans):
            continue
        headers = _headers(text, match.end() + 1)
        target = match.group("target")
        host = headers.get("host", "").strip()
        url = parse_url(target) if "://" in target else parse_url(host + target) if host else None
        if url is not None:
            judged = Url("", url.host, url.port, url.path) if "://" not in target else url
            reported.append(Sighting(judged, "request", f"{match.group('method')} {judged.display()}"))
        path = url.path if url is not None else target.split("?", 1)[0]
        if not (pt.AUTH_HEADERS & headers.keys()) and api_like(path):
            reported.append(
                found(
                    "no_auth_header",
                    excerpt=f"{match.group('method')} {path}",
                    note="the request has no Authorization header",
                )
            )
    return tuple(reported)
