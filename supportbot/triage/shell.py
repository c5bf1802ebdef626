"""curl commands as customers paste them: multi-line, quoted, with variables."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from supportbot.triage.text import finditer, search
from supportbot.triage.values import VAR

MAX_COMMAND = 8_000
MAX_WORDS = 160  # a real curl command has a few dozen; past this it is not one

_CURL = regex.compile(r"(?<![\w./-])curl(?:\.exe)?(?=[ \t]|\\\n)")
_TOKEN = regex.compile(
    r"""
    [ \t]*+
    (?: (?P<word>(?:[^\s'"\\;|&]++|'[^']*+(?:'|$)|"(?:[^"\\]++|\\.)*+(?:"|$)|\\[^\n]|&(?!&))++)
      | (?P<cont>(?:\\|`|\^)\n)
      | (?P<stop>\n|[;|]|&&)
      | (?P<other>.|$)
    )
    """,
    regex.VERBOSE | regex.DOTALL,
)
_VAR_REF = regex.compile(r"\$(?:\{[^}\n]{1,80}+\}|[A-Za-z_][A-Za-z0-9_]{0,80}+|\d)|%[A-Za-z_][A-Za-z0-9_]{0,80}+%")

# Options followed by a separate argument (so that argument is not taken for the URL).
_WITH_ARG = frozenset(
    {
        "-d",
        "--data",
        "--data-raw",
        "--data-binary",
        "--data-ascii",
        "--data-urlencode",
        "--json",
        "-F",
        "--form",
        "-o",
        "--output",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-b",
        "--cookie",
        "-c",
        "--cookie-jar",
        "-x",
        "--proxy",
        "-m",
        "--max-time",
        "--connect-timeout",
        "-w",
        "--write-out",
        "-K",
        "--config",
        "--cacert",
        "--cert",
        "-E",
        "--key",
        "-T",
        "--upload-file",
        "--resolve",
        "--retry",
        "-r",
        "--range",
        "-X",
        "--request",
        "-H",
        "--header",
        "-u",
        "--user",
        "--url",
        "--oauth2-bearer",
        "--proxy-user",
        "--interface",
        "--limit-rate",
        "--max-filesize",
        "--aws-sigv4",
    }
)


@dataclass(frozen=True)
class Word:
    """A shell word after unquoting; ``VAR`` stands where the shell would expand a variable."""

    value: str
    literal_dollar: bool  # a "$NAME" inside single quotes: sent as is, not expanded


@dataclass(frozen=True)
class Curl:
    """One curl command: where it stands in the text and what it would send."""

    start: int
    end: int
    urls: tuple[Word, ...] = ()
    headers: tuple[Word, ...] = ()
    user: Word | None = None
    oauth2_bearer: bool = False
    method: str | None = None
    follows_redirects: bool = False
    truncated: bool = False  # longer than MAX_COMMAND: options after the cut were not read


_SEGMENT = regex.compile(
    r"""'(?P<single>[^']*+)'?|"(?P<double>(?:[^"\\]++|\\.)*+)"?|\\(?P<escaped>.)|(?P<bare>[^'"\\]++)""",
    regex.DOTALL,
)
_DOUBLE_ESCAPE = regex.compile(r"""\\(["\\$`\n])""")


def _unquote(word: str) -> Word:
    """Shell unquoting: single quotes literal, double quotes and bare text expand ``$VARS``."""
    out: list[str] = []
    literal_dollar = False
    for segment in _SEGMENT.finditer(word):
        single, double, escaped, bare = segment.group("single", "double", "escaped", "bare")
        if single is not None:
            literal_dollar = literal_dollar or (
                ("$" in single or "%" in single) and _VAR_REF.search(single) is not None
            )
            out.append(single)
        elif double is not None:
            out.append(
                _VAR_REF.sub(VAR, _DOUBLE_ESCAPE.sub(r"\1", double))
                if "$" in double or "%" in double
                else _DOUBLE_ESCAPE.sub(r"\1", double)
            )
        elif escaped is not None:
            out.append(escaped)
        elif bare is not None:
            out.append(_VAR_REF.sub(VAR, bare) if "$" in bare or "%" in bare else bare)
    return Word("".join(out), literal_dollar)


def _words(text: str, pos: int) -> tuple[list[str], int, bool]:
    words: list[str] = []
    end = min(len(text), pos + MAX_COMMAND)
    last = pos
    for match in finditer(_TOKEN, text, pos, end):
        last = match.end()
        kind = match.lastgroup
        if kind == "stop":
            return words, match.start(), False
        if kind == "word":
            words.append(match.group("word"))
            if len(words) >= MAX_WORDS:
                return words, last, True
    return words, last, end < len(text)


MAX_HEADERS = 30
_USED = frozenset({"-H", "--header", "-u", "--user", "--oauth2-bearer", "-X", "--request", "--url"})


def find_curls(text: str, limit: int = 40) -> list[Curl]:
    """The first ``limit`` curl commands in ``text`` with their URL(s) and headers."""
    commands: list[Curl] = []
    next_free = 0
    while len(commands) < limit:
        # Search again after each command instead of stepping over every "curl" inside it.
        match = search(_CURL, text, next_free)
        if match is None:
            break
        raw_words, end, truncated = _words(text, match.end())
        next_free = max(end, match.end())
        commands.append(_read_command(raw_words, match.start(), end, truncated=truncated))
    return commands


def _read_command(raw_words: list[str], start: int, end: int, *, truncated: bool) -> Curl:
    """The URL(s), headers and auth options of one command's shell words."""
    urls: list[Word] = []
    headers: list[Word] = []
    user: Word | None = None
    oauth2_bearer = False
    method: str | None = None
    follows_redirects = False
    i = 0
    while i < len(raw_words):
        raw = raw_words[i]
        name, attached = raw, None
        if raw.startswith("--") and "=" in raw:
            name, attached = raw.split("=", 1)
        elif raw.startswith("-H") and len(raw) > 2:
            name, attached = "-H", raw[2:]
        if name in _WITH_ARG:
            if attached is None:
                if i + 1 >= len(raw_words):
                    break
                i += 1
                attached = raw_words[i]
            if name not in _USED or (name in {"-H", "--header"} and len(headers) >= MAX_HEADERS):
                i += 1
                continue  # a body, an output file…: skipped without reading it
            argument = _unquote(attached)
            if name in {"-H", "--header"}:
                if argument not in headers and len(headers) < MAX_HEADERS:
                    headers.append(argument)
            elif name in {"-u", "--user"}:
                user = argument
            elif name == "--oauth2-bearer":
                oauth2_bearer = True
            elif name in {"-X", "--request"}:
                method = argument.value.upper()
            elif name == "--url":
                urls.append(argument)
        elif raw.startswith("-"):
            if raw in {"-L", "--location", "--location-trusted"} or (not raw.startswith("--") and "L" in raw[1:]):
                follows_redirects = True
        elif any(char in raw for char in "/.$") and len(urls) < 4:
            word = _unquote(raw)
            if "/" in word.value or "." in word.value or word.value.startswith(VAR):
                urls.append(word)
        i += 1
    return Curl(
        start,
        end,
        tuple(urls),
        tuple(headers),
        user,
        oauth2_bearer=oauth2_bearer,
        method=method,
        follows_redirects=follows_redirects,
        truncated=truncated,
    )
