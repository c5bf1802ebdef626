"""Name the likely causes of a 401 from whatever the customer pasted.

One pass per kind of thing customers paste, all over the same normalised text:

* provider and gateway error texts, including the masked key they echo back (:mod:`.vendors`);
* curl commands (:mod:`.shell`) and raw HTTP requests;
* ``name = value`` / ``name: value`` in code, ``.env``, YAML and header lines (:mod:`.values`);
* URLs wherever they appear, judged against the official base URL(s) (:mod:`.baseurl`);
* paths in logs, HTML answers;
* what the customer says in their own words, English or Chinese (:mod:`.words`).

The text is folded to Simplified Chinese first (:mod:`supportbot.text.traditional`), so Traditional
wording is read by the same cues; excerpts of what the customer wrote quote the original.

Each pass records findings; findings of one check are merged into one :class:`Check`. When the
paste reports an error that is not a 401 cause (429, 5xx, quota, model, context length) and no
401 wording, nothing is named at all.
"""

from __future__ import annotations

import bisect
import sys
from dataclasses import dataclass, field

from supportbot.config import Settings
from supportbot.text.traditional import Folded, fold_mapped
from supportbot.triage import patterns as pt
from supportbot.triage.baseurl import ROLE_FACTOR, Role, assess
from supportbot.triage.checks import CHECK_ORDER, Check, CheckId, Finding
from supportbot.triage.reasons import REASONS
from supportbot.triage.shell import Curl, find_curls
from supportbot.triage.text import (
    Scrub,
    clean_excerpt,
    finditer,
    line_at,
    mask_value,
    normalize,
    search,
)
from supportbot.triage.urls import Official, Url, officials_from, parse_url, split_endpoint, vendor_of
from supportbot.triage.values import VAR, Value, read_value
from supportbot.triage.vendors import ECHOES, PHRASES, RELAY_MARKERS, classify_echo, foreign_to_openai
from supportbot.triage.wire import authorization_problems, key_problems, keylike
from supportbot.triage.words import read_words


def _shown(label: str, value: str) -> str:
    # Written without "name: value" so the scrubber's header rule leaves the (already masked)
    # value visible: its spaces and quotes are the evidence.
    return f"{label} value `{mask_value(value)}`"


def _api_like(path: str) -> bool:
    lowered = path.lower()
    return "/v1" in lowered or bool(split_endpoint(path)[1])


@dataclass
class _Run:
    """One diagnosis: the passes share what earlier ones found (spans read, keys, hosts, flags).

    ``text`` is the paste folded to Simplified Chinese; excerpts of prose quote ``source.original``.
    """

    text: str
    officials: tuple[Official, ...]
    source: Folded | None = None
    lowered: str = ""
    judged: set[tuple[Url, str, bool]] = field(default_factory=set)
    findings: dict[CheckId, list[Finding]] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)
    claimed_urls: list[tuple[int, int]] = field(default_factory=list)
    config_keys: list[str] = field(default_factory=list)
    echo_tails: list[tuple[str, str, str]] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    vendor_hosts: list[tuple[str, int]] = field(default_factory=list)
    auth_msg: bool = False
    other_msg: bool = False
    relay: bool = False
    header_with_key: bool = False
    official_seen: bool = False

    # -- recording ---------------------------------------------------------------------------
    def add(
        self,
        reason: str,
        *,
        excerpt: str = "",
        factor: float = 1.0,
        subject: str | None = None,
        note: str = "",
    ) -> None:
        spec = REASONS[reason]
        finding = Finding(reason, min(0.99, spec.base_score * factor), excerpt, subject, note)
        self.findings.setdefault(spec.check, []).append(finding)

    @staticmethod
    def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
        if not spans:
            return False
        if len(spans) > 1 and spans[-1][0] < spans[-2][0]:
            spans.sort()
        index = bisect.bisect_right(spans, (pos, sys.maxsize)) - 1
        # Spans may nest or overlap a little; look back over the few that start before ``pos``.
        return any(spans[i][0] <= pos < spans[i][1] for i in range(index, max(-1, index - 8), -1))

    def quote(self, pos: int, *, limit: int = 240) -> str:
        """The customer's own line around ``pos`` (a position in the folded text), as they wrote it."""
        if self.source is None:
            return line_at(self.text, pos, limit=limit)
        return line_at(self.source.original, self.source.origin(pos), limit=limit)

    def is_official(self, host: str) -> bool:
        return any(o.host == host or o.host.endswith("." + host) for o in self.officials)

    # -- passes ------------------------------------------------------------------------------
    def run(self) -> None:
        self.lowered = lowered = self.text.lower()
        self.official_seen = any(official.host in lowered for official in self.officials)
        self.relay = search(RELAY_MARKERS, self.text) is not None
        self.phrases()
        self.echoes()
        if "curl" in lowered:
            seen: set[str] = set()
            for command in find_curls(self.text, pt.MAX_CURLS):
                body = self.text[command.start : command.end]
                self.spans.append((command.start, command.end))
                if body not in seen:
                    seen.add(body)
                    self.curl(command)
        self.raw_requests()
        self.assignments()
        self.urls()
        self.paths()
        self.html()
        self.prose()
        self.words()
        self.combinations()

    def phrases(self) -> None:
        for phrase in PHRASES:
            for match in finditer(phrase.pattern, self.text):
                if phrase.family == "other":
                    self.other_msg = True
                    break
                self.auth_msg = True
                if phrase.vendor_host is not None:
                    self.vendor_hosts.append((phrase.vendor_host, match.start()))
                if phrase.reason is not None:
                    self.add(phrase.reason, excerpt=self.quote(match.start()))
                break  # one hit per phrase is enough to know what it says

    def echoes(self) -> None:
        for pattern in ECHOES:
            for match in finditer(pattern, self.text):
                echo = match.group("echo").strip()
                excerpt = self.quote(match.start())
                reason = classify_echo(echo)
                after = self.text[match.end() : match.end() + 160].lower()
                at = (
                    "api.openai.com"
                    if "platform.openai.com" in after
                    else "api.x.ai"
                    if "console.x.ai" in after
                    else "api.deepseek.com"
                    if pattern is ECHOES[1]
                    else None
                )
                if reason is not None:
                    self.add(reason, excerpt=excerpt, factor=1.05 if reason != "stray_char" else 1.0)
                if at is None or self.relay or self.is_official(at):
                    continue
                foreign = foreign_to_openai(echo) if at == "api.openai.com" else not echo.startswith("xai-")
                vendor = vendor_of(at) or at
                if reason is None and (foreign or (foreign is None and self.officials)):
                    self.add(
                        "key_sent_to_other_vendor",
                        # The paste also shows our own host: the answer may have been relayed.
                        factor=0.7 if self.official_seen else 1.0,
                        excerpt=excerpt,
                        subject=f"https://{at}",
                        note=f"{vendor} answered",
                    )
                tail = pt.ECHO_TAIL.match(echo)
                if tail is not None:
                    self.echo_tails.append((tail.group("head"), tail.group("tail"), excerpt))

    def curl(self, command: Curl) -> None:
        first = command.urls[0].value.split("?", 1)[0].replace(VAR, "$…") if command.urls else ""
        excerpt_base = f"curl … {first}".rstrip()
        authed = command.user is not None or command.oauth2_bearer
        for header in command.headers:
            name, colon, value = header.value.partition(":")
            lname = name.strip().lower()
            if not colon:
                continue
            if lname in pt.AUTH_HEADERS:
                authed = True
                problems = (
                    authorization_problems(value, expands=not header.literal_dollar)
                    if lname == "authorization"
                    else key_problems(value.strip(), expands=not header.literal_dollar)
                )
                if header.literal_dollar and "$" in value:
                    problems = ["unexpanded_variable", *problems]
                for reason in dict.fromkeys(problems):
                    self.add(reason, excerpt=_shown(f"curl header {name.strip()},", value.lstrip(" ")), factor=1.05)
                if any(keylike(part) for part in value.split()):
                    self.header_with_key = True
            elif lname == "bearer":
                authed = True
                self.add("no_bearer_scheme", excerpt=_shown(f"curl header {name.strip()},", value.lstrip(" ")))
            elif "_" in lname and any(word in lname for word in ("key", "auth", "token")):
                authed = True
                self.add("underscore_header", excerpt=_shown(f"curl header {name.strip()},", value.lstrip(" ")))
        if command.user is not None:
            self.add(
                "no_bearer_scheme",
                excerpt="curl -u … (Basic auth)",
                factor=0.7,
                note="curl -u sends Basic auth, not 'Authorization: Bearer'",
            )
        api_call = False
        for word in command.urls:
            value = word.value
            if "key=" in value:
                authed = True
            path = value[value.find("/", value.find("//") + 2 if "//" in value else 0) :] if "/" in value else ""
            api_call = api_call or _api_like(path)
            url = parse_url(value)
            if url is not None:
                self.judge_url(url, "request", excerpt=f"curl {url.display()}")
        if not authed and api_call and not command.truncated:
            self.add("no_auth_header", excerpt=excerpt_base, note="curl sends no key")

    def raw_requests(self) -> None:
        for match in finditer(pt.REQUEST_LINE, self.text):
            if self.inside(match.start(), self.spans):
                continue
            headers: dict[str, str] = {}
            pos = match.end() + 1
            for _ in range(60):
                if pos >= len(self.text):
                    break
                line = pt.HEADER_LINE.match(self.text, pos)
                if line is None or (self.text.find("\n", pos) not in (line.end(), -1) and line.end() != len(self.text)):
                    break
                headers[line.group("name").lower()] = line.group("value")
                pos = line.end() + 1
            target = match.group("target")
            host = headers.get("host", "").strip()
            url = parse_url(target) if "://" in target else parse_url(host + target) if host else None
            if url is not None:
                judged = Url("", url.host, url.port, url.path) if "://" not in target else url
                self.judge_url(judged, "request", excerpt=f"{match.group('method')} {judged.display()}")
            path = url.path if url is not None else target.split("?", 1)[0]
            if not (pt.AUTH_HEADERS & headers.keys()) and _api_like(path):
                self.add(
                    "no_auth_header",
                    excerpt=f"{match.group('method')} {path}",
                    note="the request has no Authorization header",
                )

    def _names(self) -> list[tuple[int, int]]:
        """Spans of identifiers that hold a hint word (``api_key``, ``OPENAI_BASE_URL``…)."""
        text, lowered = self.text, self.lowered
        spans: dict[int, int] = {}
        for word in pt.HINT_WORDS:
            index = lowered.find(word)
            while index != -1 and len(spans) < pt.MAX_SITES * 4:
                if self.inside(index, self.spans):  # curl commands were read already
                    index = lowered.find(word, index + len(word))
                    continue
                back = pt.NAME_BACK.match(text, max(0, index - 60), index)
                ahead = pt.NAME_AHEAD.match(text, index + len(word), index + len(word) + 60)
                start = back.start() if back is not None else index
                end = ahead.end() if ahead is not None else index + len(word)
                while start < end and text[start] in ".-$0123456789":
                    start += 1
                spans.setdefault(start, end)
                index = lowered.find(word, end)
        return sorted(spans.items())

    def assignments(self) -> None:
        sites: list[tuple[str, str, str, int, int, bool]] = []
        for start, end in self._names():
            if len(sites) >= pt.MAX_SITES:
                break
            name = self.text[start:end].rstrip(".-")
            kind = pt.name_kind(name)
            if kind is None or self.inside(start, self.spans):
                continue
            lead = self.text[start - 1 : start]
            after = start + len(name)
            if lead in {'"', "'"}:
                if self.text[after : after + 1] != lead:
                    continue
                after += 1
            separator = pt.SEPARATOR.match(self.text, after, min(len(self.text), after + 40))
            if separator is None or separator.group("sep") == "==":
                continue
            sep = separator.group("sep")
            name_start = start - len(lead) if lead in {'"', "'"} else start
            line_start = self.text.rfind("\n", 0, name_start) + 1
            before = self.text[line_start:name_start].strip()
            at_line_start = before in {"", "-", "export", "set", "$env:"} or before.startswith(("-", "#", "//"))
            sites.append((kind, name, sep, separator.end(), name_start, at_line_start and sep in {":", "="}))
        for match in finditer(pt.HEADER_CALL, self.text):
            kind = "auth" if match.group("name").lower() == "authorization" else "key"
            sites.append((kind, match.group("name"), ",", match.end(), match.start(), False))
        seen: set[tuple[str, str, str]] = set()
        for kind, name, sep, pos, start, bare_ok in sites:
            line_end = self.text.find("\n", pos)
            same = (kind, name, self.text[pos : pos + 300 if line_end == -1 else min(line_end, pos + 300)])
            if same in seen:
                self.claimed_urls.append((start, pos + len(same[2])))
                continue
            seen.add(same)
            value = read_value(self.text, pos, bare_ok=bare_ok)
            self.site(kind, name, sep, value, start, bare_ok)

    def site(  # noqa: PLR0917 - one call site, a private helper
        self, kind: str, name: str, sep: str, value: Value, start: int, bare_ok: bool
    ) -> None:
        if value.kind == "expr" or (value.kind == "empty" and not (bare_ok and sep == "=")):
            return
        shown = _shown(name, value.text)
        line_start = self.text.rfind("\n", 0, start) + 1
        env_style = bare_ok and sep == "=" and self.text[start - 1 : start] != " "
        compose_list = self.text[line_start:start].strip() == "-" and sep == "=" and value.kind == "literal"
        expands = env_style or (bare_ok and sep == ":")
        if kind == "auth":
            problems = authorization_problems(value.text, expands=not value.unexpanded)
            if value.unexpanded and "unexpanded_variable" not in problems:
                problems.append("unexpanded_variable")
            for reason in problems:
                self.add(reason, excerpt=shown, factor=1.0 if value.kind != "bare" else 0.95)
            if any(keylike(part) for part in value.text.split()):
                self.header_with_key = True
        elif kind == "bearer_header":
            self.add("no_bearer_scheme", excerpt=shown, note="a header named 'Bearer'")
        elif kind == "key":
            text = value.text
            if value.kind == "bare":
                problems = [r for r in key_problems(text) if r not in {"space_in_key", "quoted_key"}]
                if text[:1] in "\"'" and keylike(text.strip("\"' ")):
                    problems.append("quoted_key")  # an unclosed quote is kept as part of the value
            else:
                problems = key_problems(text, expands=expands and not value.unexpanded)
                if compose_list and text == text.strip() and keylike(text):
                    self.add("quoted_key", excerpt=shown, factor=0.85, note="a compose list entry keeps its quotes")
            for reason in problems:
                self.add(reason, excerpt=shown)
            core = text.strip().strip("\"'")
            if keylike(core) and VAR not in core:
                self.config_keys.append(core)
        elif kind in {"base", "url"}:
            self.base_value(kind, value, shown, start, name)

    def base_value(self, kind: str, value: Value, shown: str, start: int, name: str) -> None:
        text = value.text.strip()
        self.claimed_urls.append((start, value.end))
        if kind == "base" and keylike(text) and "/" not in text and "." not in text.replace("-", ""):
            self.add("key_as_url", excerpt=f"{name} value `{mask_value(text)}`")
            return
        url = parse_url(text) if not text.startswith(VAR) else None
        path = url.path if url is not None else (text[text.find("/") :] if "/" in text else "")
        role: Role = "base" if kind == "base" else "request"
        if role == "base" and split_endpoint(path)[1] and not split_endpoint(path)[1].startswith("/models"):
            factor = 0.75 if name.lower().replace("_", "").endswith("apiurl") else 1.0
            display = url.display() if url is not None else path
            self.add("base_has_endpoint", excerpt=f"{name} = {display}", factor=factor, subject=display)
        if url is not None:
            window = self.text[max(0, start - 300) : start]
            anthropic = "anthropic" in name.lower() or window.rfind("Anthropic") > window.rfind("OpenAI")
            self.judge_url(url, role, excerpt=f"{name} = {url.display()}", anthropic=anthropic)

    def judge_url(self, url: Url, role: Role, *, excerpt: str, anthropic: bool = False) -> None:
        key = (url, role, anthropic)
        if key in self.judged:
            return
        self.judged.add(key)
        if role != "prose" and url.scheme in {"https", "http", ""}:
            base, _ = split_endpoint(url.path)
            shown = Url(url.scheme or "https", url.host, url.port, base).display()
            if shown not in self.bases:
                self.bases.append(shown)
        for verdict in assess(url, role, self.officials, anthropic=anthropic, official_seen=self.official_seen):
            self.add(
                verdict.reason,
                excerpt=excerpt,
                factor=verdict.factor * ROLE_FACTOR[role],
                subject=url.display(),
                note=verdict.note,
            )

    def urls(self) -> None:
        seen: set[tuple[str, str]] = set()
        raw_seen: set[str] = set()
        for examined, match in enumerate(finditer(pt.URL, self.text)):
            if examined >= 4 * pt.MAX_URLS or len(raw_seen) >= pt.MAX_URLS:
                break
            if match.group(0) in raw_seen:
                continue
            raw_seen.add(match.group(0))
            if self.inside(match.start(), self.spans) or self.inside(match.start(), self.claimed_urls):
                continue
            url = parse_url(match.group(0))
            if url is None:
                continue
            line_start = self.text.rfind("\n", 0, match.start()) + 1
            lead_start = max(line_start, match.start() - 60)
            role: Role = "prose"
            if search(pt.REQUEST_HINT, self.text, lead_start, match.start()) is not None:
                role = "request"
            elif search(pt.BASE_HINT, self.text, lead_start, match.start()) is not None:
                self.base_value("base", Value(match.group(0), "literal", match.end()), "", match.start(), "base URL")
                continue
            if (url.display(), role) in seen or len(seen) >= pt.MAX_URLS:
                continue
            seen.add((url.display(), role))
            self.judge_url(url, role, excerpt=url.display())
        if not self.officials:
            return
        for examined, match in enumerate(finditer(pt.HOSTNAME, self.text, 0, min(len(self.text), pt.PROSE_SPAN))):
            if examined >= 4 * pt.MAX_URLS or len(raw_seen) >= 2 * pt.MAX_URLS:
                break
            if match.group(0) in raw_seen:
                continue
            raw_seen.add(match.group(0))
            if self.inside(match.start(), self.spans) or self.inside(match.start(), self.claimed_urls):
                continue
            url = parse_url(match.group(0))
            if url is None or (url.display(), "prose") in seen or len(seen) >= pt.MAX_URLS:
                continue
            if search(pt.BASE_HINT, self.text, max(0, match.start() - 40), match.start()) is not None:
                self.base_value("base", Value(match.group(0), "literal", match.end()), "", match.start(), "base URL")
                continue
            seen.add((url.display(), "prose"))
            self.judge_url(url, "prose", excerpt=url.display())

    def paths(self) -> None:
        for match in finditer(pt.DOUBLED, self.text):
            excerpt = self.quote(match.start(), limit=160)
            reason = "doubled_v1" if match.group(0).lower().startswith("/v1/v1") else "doubled_path"
            self.add(reason, excerpt=excerpt)
        for match in finditer(pt.LOG_PATH, self.text):
            path = match.group("path") or match.group("path2") or ""
            base, endpoint = split_endpoint(path)
            if not endpoint or base:
                continue
            expected = next((o.url.path for o in self.officials if o.url.path), "/v1" if not self.officials else "")
            if expected and not (endpoint == "/messages" and expected == "/v1"):
                factor = 0.8 if self.officials else 0.6
                self.add(
                    "missing_v1",
                    excerpt=self.quote(match.start(), limit=160),
                    factor=factor,
                    note=f"requests go to {path} instead of {expected}{endpoint}",
                )

    def html(self) -> None:
        match = search(pt.HTML, self.text)
        if match is not None and search(pt.ERROR_CONTEXT, self.text) is not None:
            self.add("html_response", excerpt=self.quote(match.start(), limit=100))

    def prose(self) -> None:
        for pattern, reason, guarded in pt.PROSE:
            for match in finditer(pattern, self.text):
                lead = self.text[max(0, match.start() - 24) : match.start()]
                if guarded and (search(pt.NEGATION_LEAD, lead) or search(pt.QUESTION_LEAD, lead)):
                    continue
                self.add(reason, excerpt=self.quote(match.start(), limit=160))
                break

    def words(self) -> None:
        named = {f.reason for f in self.findings.get(CheckId.WHITESPACE, [])}
        for said in read_words(self.text, reported=self.auth_msg):
            if said.reason == "copied_invisible" and "said_whitespace" in named:
                continue  # they already name what the copy brought along; that is the better quote
            self.add(said.reason, excerpt=self.quote(said.start, limit=160))

    def combinations(self) -> None:
        missing = [f for f in self.findings.get(CheckId.MISSING_HEADER, []) if f.reason == "vendor_says_missing"]
        if missing and self.header_with_key:
            self.add(
                "proxy_strips",
                excerpt=missing[0].excerpt,
                factor=1.2,
                note="the paste sends a key, yet the server saw none",
            )
        elif missing and search(pt.PROXY_WORDS, self.text) is not None:
            self.add("proxy_strips", excerpt=missing[0].excerpt, factor=0.7)
        if self.officials and not self.relay and not self.official_seen:
            for host, pos in self.vendor_hosts:
                if self.is_official(host):
                    continue
                vendor = vendor_of(host) or host
                self.add(
                    "other_vendor_answered",
                    excerpt=self.quote(pos),
                    subject=f"https://{host}",
                    note=f"{vendor}'s wording, not {self.officials[0].url.display()}",
                )
                break
        if self.echo_tails and self.config_keys:
            _head, tail, excerpt = self.echo_tails[0]
            if not any(key.endswith(tail) for key in self.config_keys):
                self.add(
                    "old_key_in_use",
                    excerpt=excerpt,
                    note=f"the server saw a key ending in …{tail}; the configuration has another",
                )

    # -- result ------------------------------------------------------------------------------
    def checks(self, scrub: Scrub) -> list[Check]:
        if self.other_msg and not self.auth_msg:
            return []
        checks: list[Check] = []
        for check, findings in self.findings.items():
            ordered = sorted(findings, key=lambda f: -f.score)
            best = ordered[0]
            second = next((f.score for f in ordered[1:] if f.reason != best.reason), 0.0)
            score = round(min(0.99, best.score + 0.1 * second), 3)
            excerpt = clean_excerpt(best.excerpt, scrub) if best.excerpt else ""
            message = REASONS[best.reason].message
            if best.note:
                message += f" ({clean_excerpt(best.note, scrub, limit=120)})"
            evidence = f"{message}: {excerpt}" if excerpt else message
            subject = clean_excerpt(best.subject, scrub, limit=300) if best.subject else None
            checks.append(Check(check, evidence, score, best.reason, excerpt, subject))
        checks.sort(key=lambda c: (-c.score, CHECK_ORDER.index(c.check)))
        return checks


def diagnose(text: str, settings: Settings, *, scrub: Scrub) -> list[Check]:
    """The likely causes of a 401 in ``text``, most likely first, at most one per check id.

    ``scrub`` masks keys (``supportbot.keys.Scanner(...).scrub``); every excerpt passes through
    it and then through a second guard that shortens any long token, so no evidence holds a key.
    """
    folded = fold_mapped(normalize(text))
    run = _Run(folded.text, officials_from(settings.api_base_urls), folded)
    run.run()
    return run.checks(scrub)


def pasted_base_urls(text: str) -> list[str]:
    """Base URLs the paste configures or calls (endpoint path removed), for the optional probe."""
    run = _Run(normalize(text), ())
    run.run()
    return list(run.bases)
