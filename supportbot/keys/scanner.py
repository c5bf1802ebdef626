"""Find API keys in chat text: one keyword pass decides, only candidates pay for rules.

The hot path is every Slack message and every log record. So :meth:`Scanner.find` first runs a single
Aho-Corasick pass over the lower-cased text for all rule keywords and the invisible characters that can
hide a keyword; most messages stop there. A candidate is cleaned (invisible characters out, Slack
entities decoded) only when it needs it, only the rules whose keywords occurred run, and a second view
with suspicious line breaks joined is built only when a key prefix sits right before a break. In a long
text (a file, a chunk of one) the pass also records where each keyword is, and each rule runs only
around its own keywords: every packaged rule has a bounded width and every match holds a keyword.

It fails closed. A rule that errors or runs out of time cannot vouch for the rest of the text, so every
long opaque token there is reported as a ``suspect`` finding (masked like any key), and the rule id is
reported through :attr:`ScanResult.degraded` and the ``on_degraded`` callback (the Slack edge counts and
logs it; this module has no metrics). Text longer than :data:`MAX_WINDOW` is matched in overlapping
windows, so no single regex call sees more than that.

A :class:`Scanner` holds only compiled state and a bounded cache of rule lists (safe to share), so one instance is
shared by all threads.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import ahocorasick_rs
import regex

from supportbot.keys.masking import fingerprint as _fingerprint
from supportbot.keys.masking import fingerprintable, mask_key, mask_text, secret_bytes
from supportbot.keys.normalise import INVISIBLE, View, clean_view, joined_view
from supportbot.keys.rules import Rule, check_unique, default_rules, load_rules
from supportbot.keys.scrub import remove_header_values
from supportbot.keys.shape import plausible_context_value, random_enough
from supportbot.keys.spans import (
    SUSPECT_TIER,
    Candidate,
    Finding,
    ScanResult,
    as_text,
    data_uri_spans,
    inside,
    max_width,
    merge_spans,
    resolve,
    trim_context_value,
)

if TYPE_CHECKING:
    from supportbot.config import Settings

# Backstop only: every default rule finishes in well under a few milliseconds on 40,000 characters.
DEFAULT_TIMEOUT_SECONDS = 0.25
WITHHELD = "[text withheld: it could not be checked for keys]"
#: The rule id of a finding the scanner could not rule out: a long opaque token in text that a rule
#: failed to check. Callers treat it like any key.
SUSPECT = "suspect"
#: The rule id reported as degraded when the scanner itself failed, not one rule.
SCANNER_FAILED = "scanner"
# Slack messages hold at most 40,000 characters; longer text (files, the CLI) is matched in windows of
# this many characters, each overlapping the next by more than the longest key (a PEM block).
MAX_WINDOW = 100_000
WINDOW_OVERLAP = 13_000

_INVISIBLE_SET = frozenset(INVISIBLE)
_SURROGATE = regex.compile("[\ud800-\udfff]")
_RULES_CACHE_SIZE = 4096
# A DFA costs a few milliseconds more to build and scans a fifth faster than the default NFA (measured).
_DFA = ahocorasick_rs.Implementation.DFA
_MIN_POSITION_WORD = 3
# Texts longer than this are matched rule by rule only around each rule's keywords.
REGION_MIN = 8_192
_WHITESPACE = regex.compile(r"\s+")
# Prefixes that can open a key cut by a line break: key characters, perhaps ending in a dot ("AQ.").
_JOINABLE = regex.compile(r"^[A-Za-z0-9_-]++\.?$")
# Two-character keywords ("sk", "e.") are no key prefix worth bridging a line break for.
_MIN_JOIN_WORD = 3
# What a key could be when no rule can say: a long run of key characters holding a letter and a digit.
_OPAQUE = regex.compile(r"(?<![A-Za-z0-9_+/=.-])[A-Za-z0-9_+/=.-]{16,}+")
_HAS_DIGIT = regex.compile(r"[0-9]")
_HAS_LETTER = regex.compile(r"[A-Za-z]")
_SUSPECT_RULE = Rule(id=SUSPECT, regex=_OPAQUE.pattern, keywords=(), provider="unknown", boundaries=False)
# The suspect pass is one simple linear pattern; it gets its own budget, as the rules' may be what ran out.
_SUSPECT_TIMEOUT_SECONDS = 1.0


class Scanner:
    """Finds, masks and fingerprints keys. Build once (rules compile here) and share between threads."""

    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        *,
        fingerprint_secret: str | bytes,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        on_degraded: Callable[[str], None] | None = None,
    ) -> None:
        chosen = list(default_rules()) if rules is None else list(rules)
        check_unique(chosen)
        secret = secret_bytes(fingerprint_secret)
        if not secret:
            raise ValueError("the fingerprint secret is empty")
        self._secret = secret
        # Ids for guessable secrets (passwords in URLs): never stored anywhere, gone with the process.
        self._ephemeral = secrets.token_bytes(32)
        self._timeout = timeout
        self._on_degraded = on_degraded
        self._rules = tuple(chosen)
        self._order = {rule.id: index for index, rule in enumerate(chosen)}
        by_keyword: dict[str, set[int]] = {}
        for index, rule in enumerate(chosen):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword.lower(), set()).add(index)
        self._by_keyword = {word: tuple(sorted(indexes)) for word, indexes in by_keyword.items()}
        patterns = sorted(set(self._by_keyword) | _INVISIBLE_SET)
        self._automaton = ahocorasick_rs.AhoCorasick(patterns, implementation=_DFA)
        # Long texts: one pass that also gives positions, over the keywords of three characters or more.
        # Two-character keywords ("e.", "sk0") occur everywhere in a long text; their rules simply run
        # over all of it.
        self._short_rules = tuple(
            index for index, rule in enumerate(chosen) if any(len(word) < _MIN_POSITION_WORD for word in rule.keywords)
        )
        positioned = sorted({word for word in self._by_keyword if len(word) >= _MIN_POSITION_WORD} | _INVISIBLE_SET)
        self._position_automaton = ahocorasick_rs.AhoCorasick(positioned, implementation=_DFA)
        self._patterns = positioned
        self._pattern_rules = [
            tuple(index for index in self._by_keyword.get(pattern, ()) if index not in self._short_rules)
            for pattern in positioned
        ]
        self._widths = tuple(max_width(rule) for rule in chosen)
        # Rules matched over the whole of a long text: no bounded width, or keywords too short to place.
        self._anywhere = frozenset(self._short_rules) | {i for i, width in enumerate(self._widths) if width is None}
        self._rules_cache: dict[frozenset[str], list[Rule]] = {}
        join_words = sorted(
            {
                word.lower()
                for rule in chosen
                if not rule.context and rule.boundaries  # a key that starts with its keyword
                for word in rule.keywords
                if len(word) >= _MIN_JOIN_WORD and _JOINABLE.match(word)
            }
        )
        self._join_automaton = ahocorasick_rs.AhoCorasick(join_words) if join_words else None
        joinable = set(join_words)
        self._joinable = [pattern in joinable for pattern in positioned]

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        fingerprint_secret: str | bytes | None = None,
        on_degraded: Callable[[str], None] | None = None,
    ) -> Scanner:
        """Default rules plus ``settings.rules_file``; the secret is the argument, else the setting."""
        secret = fingerprint_secret if fingerprint_secret is not None else settings.fingerprint_secret
        if not secret:
            raise ValueError("no fingerprint secret: set SUPPORTBOT_FINGERPRINT_SECRET")
        extra = [settings.rules_file] if settings.rules_file is not None else []
        return cls(load_rules(*extra), fingerprint_secret=secret, on_degraded=on_degraded)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    # --- public API ---------------------------------------------------------------------------------

    def scan(self, text: str) -> ScanResult:
        """Keys in ``text`` and the rules that could not check all of it. Never raises.

        A rule that fails leaves ``suspect`` findings over every long opaque token it did not check, so
        a failure never reads as "no key".
        """
        return self._scan(text, first_only=False)

    def find(self, text: str) -> list[Finding]:
        """Keys in ``text``, sorted by start, never overlapping. Never raises (see :meth:`scan`)."""
        return self._scan(text, first_only=False).findings

    def has_key(self, text: str) -> bool:
        """True when ``text`` holds at least one key, or may hold one that a failed rule could not rule out."""
        return bool(self._scan(text, first_only=True).findings)

    def mask(self, text: str, findings: Sequence[Finding] | None = None) -> str:
        """``text`` with every key replaced by its masked form."""
        text = as_text(text)
        return mask_text(text, self.find(text) if findings is None else findings)

    def scrub(self, text: str) -> str:
        """For anything stored or shown: keys masked and credential header values removed."""
        try:
            text = as_text(text)
            return remove_header_values(self.mask(text), timeout=self._timeout)
        except Exception:
            return WITHHELD

    def fingerprint(self, key: str) -> str:
        """The ``key_id`` a finding of ``key`` gets (whitespace and invisible characters ignored)."""
        return _fingerprint(_normalise_key(key), self._secret)

    # --- internals ------------------------------------------------------------------------------------

    def _keywords_in(self, lowered: str) -> set[str]:
        try:
            return set(self._automaton.find_matches_as_strings(lowered, overlapping=True))
        except UnicodeEncodeError:  # lone surrogates; same length, so nothing shifts
            cleaned = _SURROGATE.sub("\ufffd", lowered)
            return set(self._automaton.find_matches_as_strings(cleaned, overlapping=True))

    def _scan(self, text: object, *, first_only: bool) -> ScanResult:
        plain = as_text(text)
        degraded: list[str] = []
        try:
            candidates = self._windows(plain, degraded, first_only=first_only)
            findings = [self._finding(item) for item in resolve(candidates)]
        except Exception:
            degraded.append(SCANNER_FAILED)
            findings = [self._finding(item) for item in self._suspects(View(plain), 0)]
        if not degraded:
            return ScanResult(findings)
        unique = tuple(dict.fromkeys(degraded))
        if self._on_degraded is not None:
            for rule_id in unique:
                try:
                    self._on_degraded(rule_id)
                except Exception:  # noqa: S112 - a failing observer must not undo the findings
                    continue
        return ScanResult(findings, unique)

    def _windows(self, text: str, degraded: list[str], *, first_only: bool) -> list[Candidate]:
        if len(text) <= MAX_WINDOW:
            return self._candidates(text, degraded, first_only=first_only)
        found: list[Candidate] = []
        start = 0
        while start < len(text):
            piece = self._candidates(text[start : start + MAX_WINDOW], degraded, first_only=first_only)
            found.extend(item._replace(start=item.start + start, end=item.end + start) for item in piece)
            if found and first_only:
                break
            if start + MAX_WINDOW >= len(text):
                break
            start += MAX_WINDOW - WINDOW_OVERLAP
        return found

    def _candidates(self, text: str, degraded: list[str], *, first_only: bool) -> list[Candidate]:
        if not text:
            return []
        lowered = text.lower()
        long_text = len(text) > REGION_MIN
        # Long texts (files, the CLI) hold every common keyword somewhere: one pass with positions
        # lets each rule run only around its own keywords instead of over the whole text.
        positions = self._keyword_positions(lowered) if long_text else None
        hits = self._keywords_in(lowered) if positions is None else {self._patterns[item[0]] for item in positions}
        if not hits:
            return []
        hidden = not hits.isdisjoint(_INVISIBLE_SET)
        if hidden or "&" in text:
            view = clean_view(text)
            lowered = view.text.lower()
            positions = self._keyword_positions(lowered) if long_text else None
            if hidden:
                hits = self._keywords_in(lowered)
        else:
            view = View(text)
        rules = self._rules_for(hits)
        if positions is not None and self._short_rules:
            rules = self._with_short_rules(rules)
        if not rules:
            return []
        regions = None
        if positions is not None and len(lowered) == len(view.text):  # else a position could be off
            regions = self._keyword_regions(positions, len(view.text))
        excluded = data_uri_spans(text) if "base64," in text else []
        found = self._match(view, rules, excluded, degraded, regions, first_only=first_only)
        if found and first_only:
            return found
        joined = None
        if "\n" in view.text:
            if positions is not None:
                prefixes = sorted(start for pattern, start, _ in positions if self._joinable[pattern])
            else:
                prefixes = self._prefix_starts(lowered)
            if prefixes:
                joined = joined_view(view, self._holds_prefix, self._opens_key, prefixes)
        if joined is not None:
            # Only matches across a removed break are new; elsewhere the joined text is the same.
            seams = self._seam_regions(joined) if long_text else None
            found.extend(self._match(joined, rules, excluded, degraded, seams, first_only=first_only))
        return found

    def _with_short_rules(self, rules: list[Rule]) -> list[Rule]:
        indexes = {self._order[rule.id] for rule in rules} | set(self._short_rules)
        return [self._rules[index] for index in sorted(indexes)]

    def _keyword_positions(self, lowered: str) -> list[tuple[int, int, int]] | None:
        """Every keyword occurrence as (pattern index, start, end), or None when it cannot be had."""
        try:
            return self._position_automaton.find_matches_as_indexes(lowered, overlapping=True)
        except UnicodeEncodeError:
            return None

    def _keyword_regions(self, positions: list[tuple[int, int, int]], length: int) -> dict[int, list[tuple[int, int]]]:
        """Per rule index: merged spans around its keywords' positions (rules with no width are absent)."""
        starts: dict[int, list[int]] = {}
        for pattern, start, _ in positions:
            for index in self._pattern_rules[pattern]:
                starts.setdefault(index, []).append(start)
        regions: dict[int, list[tuple[int, int]]] = {}
        for index, points in starts.items():
            width = self._widths[index]
            if width is not None:
                regions[index] = merge_spans([(point - width, point + width + 1) for point in points], length)
        return regions

    def _seam_regions(self, joined: View) -> dict[int, list[tuple[int, int]]]:
        seams = joined.seams()
        return {
            index: merge_spans([(point - width - 1, point + width + 1) for point in seams], len(joined.text))
            for index, width in enumerate(self._widths)
            if width is not None
        }

    def _prefix_starts(self, lowered: str) -> list[int]:
        if self._join_automaton is None:
            return []
        try:
            found = self._join_automaton.find_matches_as_indexes(lowered, overlapping=True)
        except UnicodeEncodeError:
            found = self._join_automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", lowered), overlapping=True)
        return sorted(start for _, start, _ in found)

    def _holds_prefix(self, lowered: str) -> bool:
        if self._join_automaton is None:
            return False
        try:
            return bool(self._join_automaton.find_matches_as_indexes(lowered))
        except UnicodeEncodeError:
            return bool(self._join_automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", lowered)))

    def _opens_key(self, run: str) -> bool:
        """True when ``run`` (the text after a line break) starts with a key prefix: a new key, not the rest."""
        if self._join_automaton is None:
            return False
        head = _SURROGATE.sub("\ufffd", run[:32].lower())
        return any(start == 0 for _, start, _ in self._join_automaton.find_matches_as_indexes(head))

    def _rules_for(self, hits: set[str]) -> list[Rule]:
        key = frozenset(hits)
        cached = self._rules_cache.get(key)
        if cached is not None:
            return cached
        indexes: set[int] = set()
        for word in hits:
            indexes.update(self._by_keyword.get(word, ()))
        chosen = [self._rules[index] for index in sorted(indexes)]
        if len(self._rules_cache) < _RULES_CACHE_SIZE:  # the same few keyword sets recur; racing threads agree
            self._rules_cache[key] = chosen
        return chosen

    def _match(
        self,
        view: View,
        rules: list[Rule],
        excluded: list[tuple[int, int]],
        degraded: list[str],
        regions: dict[int, list[tuple[int, int]]] | None,
        *,
        first_only: bool,
    ) -> list[Candidate]:
        text = view.text
        whole = [(0, len(text))]
        found: list[Candidate] = []
        for rule in rules:
            index = self._order[rule.id]
            spans = whole if regions is None else regions.get(index, whole if index in self._anywhere else [])
            checked = 0  # the rule vouches for text[:checked]
            try:
                for start, end in spans:
                    checked = start
                    for match in rule.pattern.finditer(text, start, end, timeout=self._timeout):
                        checked = match.start()
                        if match.end() == end < len(text):
                            continue  # cut by the region's end; the key's own region holds all of it
                        candidate = self._check(view, rule, match)
                        checked = match.end()
                        if candidate is None or inside(candidate, excluded):
                            continue
                        found.append(candidate)
                        if first_only:
                            return found
            except Exception:
                # A timeout or an error must not read as "no key": what the rule did not check is suspect.
                degraded.append(rule.id)
                found.extend(self._suspects(view, checked))
                if found and first_only:
                    return found
        return found

    def _suspects(self, view: View, start: int) -> list[Candidate]:
        """Every long opaque token in ``view.text[start:]``, as ``suspect`` candidates."""
        text = view.text
        found: list[Candidate] = []
        try:
            for match in _OPAQUE.finditer(text, start, timeout=_SUSPECT_TIMEOUT_SECONDS):
                token = match.group().rstrip(".")
                if len(token) < 16 or not _HAS_DIGIT.search(token) or not _HAS_LETTER.search(token):
                    continue
                found.append(self._suspect(view, match.start(), match.start() + len(token)))
        except Exception:
            # Not even tokens could be told apart: everything from here on is withheld as one span.
            return [self._suspect(view, start, len(text))] if start < len(text) else []
        return found

    def _suspect(self, view: View, start: int, end: int) -> Candidate:
        original_start, original_end = view.to_original(start, end)
        key = _normalise_key(view.text[start:end])
        return Candidate(original_start, original_end, SUSPECT_TIER, 0, _SUSPECT_RULE, key, "")

    def _check(self, view: View, rule: Rule, match: regex.Match[str]) -> Candidate | None:
        text = view.text
        if rule.has_key_group:
            start, end = match.span("key")
            if start < 0:
                return None
        else:
            start, end = match.span()
        if rule.context:
            end = trim_context_value(text, start, end)
        elif (
            text[end - 1] == "_"
            and start > 0
            and text[start - 1] == "_"
            and rule.pattern.fullmatch(text, start, end - 1)
        ):
            end -= 1  # Slack _italic_: the closing underscore is markup when the rest still matches
        key = text[start:end]
        prefix = self._prefix(rule, match, key, start)
        secret = key[len(prefix) :]
        if any(allowed.search(key) for allowed in rule.allow_patterns):
            return None
        if rule.context:
            if not plausible_context_value(secret, rule.entropy):
                return None
        elif not random_enough(secret, rule.entropy):
            return None
        original_start, original_end = view.to_original(start, end)
        return Candidate(
            original_start,
            original_end,
            1 if rule.context else 0,
            self._order[rule.id],
            rule,
            _normalise_key(key),
            prefix,
        )

    @staticmethod
    def _prefix(rule: Rule, match: regex.Match[str], key: str, key_start: int) -> str:
        if rule.has_prefix_group:
            prefix_start, prefix_end = match.span("prefix")
            if prefix_start == key_start and prefix_end > prefix_start:
                return key[: prefix_end - prefix_start]
            return ""
        lowered = key.lower()
        best = ""
        for keyword in rule.keywords:
            if len(keyword) > len(best) and lowered.startswith(keyword.lower()):
                best = key[: len(keyword)]
        return best

    def _finding(self, candidate: Candidate) -> Finding:
        lasting = fingerprintable(
            candidate.key[len(candidate.prefix) :], machine_made=candidate.rule.entropy is not None
        )
        return Finding(
            start=candidate.start,
            end=candidate.end,
            rule=candidate.rule.id,
            provider=candidate.rule.provider,
            masked=mask_key(candidate.key, candidate.prefix),
            key_id=_fingerprint(candidate.key, self._secret if lasting else self._ephemeral),
        )


def _normalise_key(key: str) -> str:
    cleaned = _WHITESPACE.sub("", key)
    if any(char in _INVISIBLE_SET for char in cleaned):
        cleaned = "".join(char for char in cleaned if char not in _INVISIBLE_SET)
    return cleaned


def find_keys(text: str, scanner: Scanner) -> list[Finding]:
    """Keys in ``text`` found by ``scanner`` (see :meth:`Scanner.find`)."""
    return scanner.find(text)
