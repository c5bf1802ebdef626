"""Key rules as data: load the packaged TOML and any deployment files, and refuse unsafe patterns.

A rule file is TOML with one ``[[rules]]`` table per key format (see the header of ``rules.toml``).
Loading fails with :class:`RulesError`, which names the file, the rule id and the problem; the message
quotes only rule metadata, never scanned text.
"""

from __future__ import annotations

import importlib
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex
from regex import Pattern

from supportbot.infra.errors import SupportbotError

DEFAULT_RULES_NAME = "rules.toml"
# Ends of a key may not touch these: a key glued to Latin letters or digits is part of a longer word.
# Written out in ASCII because Unicode-aware classes count Chinese characters as word characters.
# Some glue is not a word, though: a missing space after "Bearer" (itself a common 401 cause), a
# URL-encoded character ("key%3Dsk-…") or a JSON \u escape ("\u003dsk-…") still starts a key.
LEFT_BOUNDARY = r"(?:(?<![A-Za-z0-9])|(?<=(?i:bearer)|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}))"
RIGHT_BOUNDARY = r"(?![A-Za-z0-9])"

_ID = regex.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_KNOWN_FIELDS = {
    "id",
    "provider",
    "description",
    "regex",
    "keywords",
    "entropy",
    "allowlist",
    "context",
    "boundaries",
    "glued",
}
# How long one adversarial probe of a deployment's rule may take before the rule is refused.
_PROBE_LIMIT_SECONDS = 0.05
_PROBE_LENGTH = 20_000


class RulesError(SupportbotError, ValueError):
    """A rule file cannot be used. The message names the file, the rule id (when known) and the problem."""

    def __init__(self, source: str, rule_id: str | None, problem: str) -> None:
        self.source = source
        self.rule_id = rule_id
        self.problem = problem
        where = f"{source}: rule '{rule_id}'" if rule_id else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Rule:
    """One key format. Build rules with :func:`load_rules` or :func:`rule_from_mapping`."""

    id: str
    regex: str
    keywords: tuple[str, ...]
    provider: str = ""
    description: str = ""
    entropy: float | None = None
    allowlist: tuple[str, ...] = ()
    context: bool = False
    boundaries: bool = True
    glued: bool = False
    source: str = "<memory>"
    pattern: Pattern[str] = field(init=False, repr=False, compare=False)
    allow_patterns: tuple[Pattern[str], ...] = field(init=False, repr=False, compare=False)
    has_key_group: bool = field(init=False, repr=False, compare=False)
    has_prefix_group: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.provider:
            object.__setattr__(self, "provider", self.id)
        # A distinctive prefix (sk-proj-, AIza, ghp_) is a key wherever it starts: no boundary on either side.
        wrapped = self.boundaries and not self.glued
        body = f"{LEFT_BOUNDARY}(?:{self.regex}){RIGHT_BOUNDARY}" if wrapped else self.regex
        try:
            regex.compile(self.regex)  # alone first: the boundary wrapper could hide an open bracket
            pattern = regex.compile(body)
            allow = tuple(regex.compile(item) for item in self.allowlist)
        except regex.error as error:
            raise RulesError(self.source, self.id, f"bad regex: {error}") from None
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "allow_patterns", allow)
        object.__setattr__(self, "has_key_group", "key" in pattern.groupindex)
        object.__setattr__(self, "has_prefix_group", "prefix" in pattern.groupindex)


@dataclass(frozen=True)
class Provider:
    """Who issues a key: the name people know, and where its owner disables or rotates it."""

    id: str
    name: str
    rotate_url: str = ""


def rule_from_mapping(data: dict[str, Any], source: str) -> Rule:
    """Validate one ``[[rules]]`` table and build its :class:`Rule`."""
    raw_id = data.get("id")
    rule_id = raw_id if isinstance(raw_id, str) else None
    if rule_id is None:
        raise RulesError(source, None, "a rule has no 'id' (a string is required)")
    if not _ID.match(rule_id):
        raise RulesError(source, rule_id, "the id may use only letters, digits, '.', '-' and '_'")
    unknown = sorted(set(data) - _KNOWN_FIELDS)
    if unknown:
        raise RulesError(source, rule_id, f"unknown field(s): {', '.join(unknown)}")
    pattern = data.get("regex")
    if not isinstance(pattern, str) or not pattern.strip():
        raise RulesError(source, rule_id, "missing field 'regex' (a non-empty string)")
    keywords = data.get("keywords")
    if (
        not isinstance(keywords, list)
        or not keywords
        or not all(isinstance(item, str) and item.strip() for item in keywords)
    ):
        raise RulesError(source, rule_id, "missing field 'keywords' (a non-empty list of non-empty strings)")
    entropy = data.get("entropy")
    if entropy is not None and (isinstance(entropy, bool) or not isinstance(entropy, int | float)):
        raise RulesError(source, rule_id, "'entropy' must be a number (bits per character)")
    allowlist = data.get("allowlist", [])
    if not isinstance(allowlist, list) or not all(isinstance(item, str) for item in allowlist):
        raise RulesError(source, rule_id, "'allowlist' must be a list of regex strings")
    for name in ("provider", "description"):
        if not isinstance(data.get(name, ""), str):
            raise RulesError(source, rule_id, f"'{name}' must be a string")
    for name in ("context", "boundaries", "glued"):
        if not isinstance(data.get(name, True), bool):
            raise RulesError(source, rule_id, f"'{name}' must be true or false")
    problem = catastrophic_reason(pattern)
    if problem:
        raise RulesError(source, rule_id, f"catastrophic pattern: {problem}")
    return Rule(
        id=rule_id,
        regex=pattern,
        keywords=_expand_keywords([item.strip() for item in keywords], source, rule_id),
        provider=data.get("provider", ""),
        description=data.get("description", ""),
        entropy=float(entropy) if entropy is not None else None,
        allowlist=tuple(allowlist),
        context=data.get("context", False),
        boundaries=data.get("boundaries", True),
        glued=data.get("glued", False),
        source=source,
    )


_KEYWORD_CLASS = regex.compile(r"\[([A-Za-z0-9-]{1,40})\]")
_MAX_EXPANDED_KEYWORDS = 4096


def _expand_keywords(keywords: list[str], source: str, rule_id: str) -> tuple[str, ...]:
    """Keywords with ``[0-9a-f]``-style classes spelled out: "[0-9a-f][0-9a-f]." is 256 literals.

    For formats without a literal prefix, a class keeps the keyword specific ("3f." rather than ".").
    """
    expanded: list[str] = []
    for keyword in keywords:
        parts = _KEYWORD_CLASS.split(keyword)
        variants = [""]
        for index, part in enumerate(parts):
            choices = _class_members(part) if index % 2 else [part]
            variants = [variant + choice for variant in variants for choice in choices]
            if len(variants) > _MAX_EXPANDED_KEYWORDS:
                raise RulesError(source, rule_id, f"keyword '{keyword}' expands to more than 4096 literals")
        expanded.extend(variants)
    return tuple(dict.fromkeys(expanded))


def _class_members(body: str) -> list[str]:
    members: list[str] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            members.extend(chr(code) for code in range(ord(body[index]), ord(body[index + 2]) + 1))
            index += 3
        else:
            members.append(body[index])
            index += 1
    return list(dict.fromkeys(members))


def parse_rules(text: str, source: str) -> list[Rule]:
    """Parse the text of one rule file."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(source, None, f"not valid TOML: {error}") from None
    tables = document.get("rules")
    if not isinstance(tables, list) or not tables:
        raise RulesError(source, None, "no [[rules]] tables found")
    rules: list[Rule] = []
    for table in tables:
        if not isinstance(table, dict):
            raise RulesError(source, None, "each [[rules]] entry must be a table")
        rules.append(rule_from_mapping(table, source))
    return rules


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    """The packaged rules, parsed and compiled once per process."""
    text = resources.files("supportbot.keys").joinpath(DEFAULT_RULES_NAME).read_text(encoding="utf-8")
    return tuple(parse_rules(text, f"supportbot/keys/{DEFAULT_RULES_NAME}"))


def parse_providers(text: str, source: str) -> dict[str, Provider]:
    """The ``[[providers]]`` tables of one rule file (none is fine), by provider id."""
    try:
        tables = tomllib.loads(text).get("providers", [])
    except tomllib.TOMLDecodeError as error:
        raise RulesError(source, None, f"not valid TOML: {error}") from None
    providers: dict[str, Provider] = {}
    for table in tables if isinstance(tables, list) else []:
        ident, name, url = (table.get(key, "") if isinstance(table, dict) else None for key in ("id", "name", "rotate"))
        if not (isinstance(ident, str) and ident and isinstance(name, str) and name and isinstance(url, str)):
            raise RulesError(source, None, "each [[providers]] entry needs a string id and name (and may have rotate)")
        if url and not url.startswith("https://"):
            raise RulesError(source, None, f"provider '{ident}': rotate must be an https:// URL")
        providers[ident] = Provider(ident, name, url)
    return providers


@lru_cache(maxsize=1)
def default_providers() -> dict[str, Provider]:
    """Display names and rotation pages of the providers the packaged rules name."""
    text = resources.files("supportbot.keys").joinpath(DEFAULT_RULES_NAME).read_text(encoding="utf-8")
    return parse_providers(text, f"supportbot/keys/{DEFAULT_RULES_NAME}")


def provider_info(provider_id: str) -> Provider:
    """The provider's name and rotation page; an unknown provider is shown by its id, with no page."""
    return default_providers().get(provider_id) or Provider(provider_id, provider_id)


def load_rule_file(path: Path) -> list[Rule]:
    """Read one deployment rule file and probe each of its rules against adversarial input."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise RulesError(str(path), None, f"cannot read the file ({reason})") from None
    rules = parse_rules(text, str(path))
    for rule in rules:
        problem = probe_rule(rule)
        if problem:
            raise RulesError(str(path), rule.id, f"catastrophic pattern: {problem}")
    return rules


def load_rules(*extra_files: Path) -> list[Rule]:
    """Deployment rules from ``extra_files`` (in order, highest priority first), then the defaults.

    Raises :class:`RulesError` for an unreadable file, a bad or missing field, a regex that does not
    compile, a pattern that backtracks catastrophically, or an id used twice.
    """
    rules: list[Rule] = []
    for path in extra_files:
        rules.extend(load_rule_file(Path(path)))
    rules.extend(default_rules())
    check_unique(rules)
    return rules


def check_unique(rules: Iterable[Rule]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise RulesError(rule.source, rule.id, f"duplicate rule id (also defined in {seen[rule.id]})")
        seen[rule.id] = rule.source


# --- Catastrophic-backtracking guard -------------------------------------------------------------------


def catastrophic_reason(pattern: str) -> str | None:
    """Why ``pattern`` may backtrack exponentially, or None.

    Flags a repeated group whose body can itself repeat without bound (``(a+)+``, ``(\\w*x?)*``): the
    classic shape of exponential backtracking. Patterns that Python's parser does not understand (the
    `regex` module accepts more) are left to :func:`probe_rule`.
    """
    try:
        parser: Any = importlib.import_module("re._parser")
        tree = parser.parse(pattern)
        constants: Any = importlib.import_module("re._constants")
    except Exception:
        return None
    return _nested_repeat(tree, constants, inside_unbounded=False)


_LARGE = 16


def _nested_repeat(items: Any, c: Any, *, inside_unbounded: bool) -> str | None:
    for op, arg in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, body = arg
            unbounded = high == c.MAXREPEAT or high > _LARGE
            if op is c.POSSESSIVE_REPEAT:
                continue
            if inside_unbounded and unbounded and (low != high or _can_vary(body, c)):
                return "a repeated group contains another unbounded repeat, e.g. (a+)+"
            found = _nested_repeat(body, c, inside_unbounded=inside_unbounded or (unbounded and low != high))
            if found:
                return found
        elif op is c.SUBPATTERN:
            found = _nested_repeat(arg[-1], c, inside_unbounded=inside_unbounded)
            if found:
                return found
        elif op is c.BRANCH:
            for branch in arg[1]:
                found = _nested_repeat(branch, c, inside_unbounded=inside_unbounded)
                if found:
                    return found
        elif op in (c.ASSERT, c.ASSERT_NOT):
            found = _nested_repeat(arg[1], c, inside_unbounded=False)
            if found:
                return found
        elif op is c.ATOMIC_GROUP:
            continue
    return None


def _can_vary(body: Any, c: Any) -> bool:
    """True when the repeated body matches strings of more than one length."""
    try:
        low, high = body.getwidth()
    except Exception:
        return True
    return bool(low != high)


def _probe_inputs(rule: Rule) -> list[str]:
    keywords = [word for word in rule.keywords if word] or ["x"]
    runs = ["a", "A", "0", "aA0", "-", "_", "a-", "=", " ", "\n", "a.", "a:", "/", "+", '"']
    inputs: list[str] = []
    for keyword in keywords[:3]:
        inputs.append((keyword + " ") * (_PROBE_LENGTH // (len(keyword) + 1)))
        inputs.append(keyword * (_PROBE_LENGTH // len(keyword)))
        for run in runs:
            inputs.append(keyword + run * (_PROBE_LENGTH // len(run)))
        inputs.append((keyword + "aA0_-" * 20 + "=:") * (_PROBE_LENGTH // (len(keyword) + 102)))
    inputs.append("(" * 2000 + "a" * 2000 + ")" * 2000)
    return inputs


def probe_rule(rule: Rule, limit: float = _PROBE_LIMIT_SECONDS) -> str | None:
    """Run ``rule`` over adversarial inputs; return a problem if any one takes longer than ``limit``."""
    for text in _probe_inputs(rule):
        started = time.perf_counter()
        try:
            for _ in rule.pattern.finditer(text, timeout=limit * 4):
                pass
        except TimeoutError:
            return f"did not finish within {limit * 4:.2f} s on a {len(text)}-character adversarial input"
        elapsed = time.perf_counter() - started
        if elapsed > limit:
            return f"took {elapsed * 1000:.0f} ms on a {len(text)}-character adversarial input"
    return None
