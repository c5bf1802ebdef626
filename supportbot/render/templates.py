"""Templates: every user-visible message, in English and Chinese.

Handlers return data; this module turns it into Slack text or Block Kit. There is one jinja2
Environment with StrictUndefined. Escaping is enforced, not hoped for:

* ``*.md.j2`` renders mrkdwn text. Every ``{{ value }}`` that is a plain ``str`` is escaped
  (``& < >``, and ``@channel``/``@here``/``@everyone`` defused) unless the code marked it as
  already-safe :class:`Mrkdwn`.
* ``*.json.j2`` renders Block Kit JSON (a message ``{"text", "blocks"}`` or a view). A plain ``str``
  may not be output at all: it must pass ``|text`` (mrkdwn-escaped JSON string), ``|plain`` (JSON
  string for plain_text fields), ``|input`` (a form's pre-filled value) or ``|json`` (our own data).
  Forgetting raises at render time, and
  every template is rendered in the tests.

So a customer's message echoed back can never ping anyone or inject a link.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import regex

from supportbot.infra.errors import SupportbotError
from supportbot.infra.paths import templates_dir
from supportbot.render import blockkit
from supportbot.text.lang import Language

LANGUAGES: tuple[Language, ...] = ("en", "zh")
_WORD_JOINER = "\u2060"
_BROADCAST = regex.compile(r"@(channel|here|everyone)\b", regex.IGNORECASE)
_SLACK_TOKEN = regex.compile(r"<([@#!])([^<>|]*)(?:\|([^<>]*))?>")
_LABELLED_LINK = regex.compile(r"<((?:https?|mailto):[^<>|\s]{1,3000}+)\|([^<>]{0,3000}+)>")
# A label that names a place: a URL, or a host name with at least one dot ("docs.example.com/x").
_LABEL_HOST = regex.compile(
    r"(?i)^[\s(\[]*+(?:[a-z][a-z0-9+.-]{0,20}+://)?(?:[^\s@/]{1,64}+@)?([a-z0-9-]++(?:\.[a-z0-9-]++)++)"
)


class Mrkdwn(str):
    """Text that is already valid, safe mrkdwn (escaped user input, or our own markup)."""


class JsonFragment(str):
    """A piece of JSON produced by one of the escaping filters."""


class TemplateError(SupportbotError, RuntimeError):
    """A template is missing or rendered something invalid; the message names the template."""


def escape_mrkdwn(value: object) -> Mrkdwn:
    """Escape text for Slack mrkdwn so it shows literally and mentions nobody."""
    if isinstance(value, Mrkdwn):
        return value
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Mrkdwn(_BROADCAST.sub(lambda match: "@" + _WORD_JOINER + match.group(1), text))


def neutralise_slack_markup(text: str) -> Mrkdwn:
    """Make already-formatted Slack text (as events deliver it) safe to repost.

    Links stay; user, group and broadcast mentions become plain text that pings no one.
    """

    def replace(match: regex.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "#":
            return "#" + (label or target)
        if sigil == "@":
            return "@" + _WORD_JOINER + (label or target)
        if target.startswith("subteam^"):
            return "@" + _WORD_JOINER + (label or target.split("^", 1)[1]).lstrip("@")
        return "@" + _WORD_JOINER + (label or target).lstrip("@")

    neutral = _LABELLED_LINK.sub(_honest_link, _SLACK_TOKEN.sub(replace, text))
    return Mrkdwn(_BROADCAST.sub(lambda match: "@" + _WORD_JOINER + match.group(1), neutral))


def _honest_link(match: regex.Match[str]) -> str:
    """A link whose label names another place than it leads to is reposted as its real address.

    ``<https://evil.example|https://docs.openai.com>`` would read as the docs in our repost, with the
    bot's name under it; words as a label ("the docs") are kept.
    """
    url, label = match.group(1), match.group(2)
    named = _LABEL_HOST.match(label.replace("&amp;", "&"))
    if named is None:
        return match.group()
    address = url.replace("&amp;", "&")
    host = address.rsplit("@", 1)[-1].split("?", 1)[0] if address.startswith("mailto:") else urlsplit(address).hostname
    target = (host or "").lower().removeprefix("www.")
    if named.group(1).lower().removeprefix("www.") == target:
        return match.group()
    return f"<{url}>"


def mention(user: object, fallback: str = "") -> Mrkdwn:
    """Our own markup for a Slack user id (``<@U…>``); anything that is not a user id gives ``fallback``."""
    if isinstance(user, str) and user[:1] in {"U", "W"} and user.isalnum():
        return Mrkdwn(f"<@{user}>")
    return escape_mrkdwn(fallback)


def clip(text: str, limit: int, marker: str = "…") -> str:
    """Shorten to at most ``limit`` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker


def _clip_escaped(text: str, limit: int) -> Mrkdwn:
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:  # never cut an entity in half
        cut = cut[:amp]
    return Mrkdwn(cut + "…")


def _finalize_markdown(value: Any) -> Any:
    if value is None:
        raise TemplateError("a template printed None; pass a value or use a default")
    if isinstance(value, (Mrkdwn, int, float)) and not isinstance(value, bool):
        return value
    return escape_mrkdwn(value)


def _finalize_json(value: Any) -> Any:
    if isinstance(value, JsonFragment):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return value
    raise TemplateError(f"unescaped value {type(value).__name__} in a Block Kit template; use |text, |plain or |json")


def _text_filter(value: Any, limit: int | None = None) -> JsonFragment:
    text = value if isinstance(value, Mrkdwn) else escape_mrkdwn(value)
    if limit is not None and len(text) > limit:
        text = _clip_escaped(str(value), limit) if not isinstance(value, Mrkdwn) else Mrkdwn(clip(text, limit))
    return JsonFragment(json.dumps(str(text), ensure_ascii=False))


def _plain_filter(value: Any, limit: int | None = None) -> JsonFragment:
    text = str(value)
    if limit is not None:
        text = clip(text, limit)
    return JsonFragment(json.dumps(text, ensure_ascii=False))


def _input_filter(value: Any, limit: int | None = None) -> JsonFragment:
    """A form input's initial value: plain text to edit, with Slack markup reduced to inert words.

    Links become their URL and mentions their name, so nothing pre-filled into a form can ping
    anyone or carry a hidden link when it is submitted and shown again.
    """

    def replace(match: regex.Match[str]) -> str:
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if not sigil:
            return target
        return "@" + _WORD_JOINER + (label or target).lstrip("@") if sigil != "#" else "#" + (label or target)

    text = regex.sub(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>", replace, str(value))
    text = _BROADCAST.sub(lambda match: "@" + _WORD_JOINER + match.group(1), text)
    if limit is not None:
        text = clip(text, limit)
    return JsonFragment(json.dumps(text, ensure_ascii=False))


_LINKABLE = regex.compile(r"^https?://[^\s<>|]+$")


def _link_filter(url: Any, label: Any) -> Mrkdwn:
    """``<url|label>`` for an http(s) URL; anything else (or nothing) leaves just the label, escaped."""
    shown = escape_mrkdwn(label)
    target = str(url or "")
    if not _LINKABLE.match(target):
        return shown
    return Mrkdwn(f"<{target.replace('&', '&amp;')}|{shown}>")


def _json_filter(value: Any) -> JsonFragment:
    return JsonFragment(json.dumps(value, ensure_ascii=False, default=str))


def _mrkdwn_filter(value: Any, limit: int | None = None) -> Mrkdwn:
    if limit is not None and not isinstance(value, Mrkdwn):
        return _clip_escaped(str(value), limit)
    return escape_mrkdwn(value)


def _compose(parts: Any) -> Mrkdwn:
    """Join our own markup (Mrkdwn, e.g. a mention we built) with text, escaping only the text."""
    return Mrkdwn("".join(escape_mrkdwn(part) for part in parts))


def _fmt_time(value: Any, pattern: str = "%Y-%m-%d %H:%M UTC") -> str:
    return value.strftime(pattern) if hasattr(value, "strftime") else str(value)


@dataclass(frozen=True)
class RenderedMessage:
    text: str
    blocks: list[dict[str, Any]]

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


class Renderer:
    """Loads ``templates/{en,zh}/``; one instance is shared by all threads (jinja2 is thread-safe)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or templates_dir()
        loader = jinja2.FileSystemLoader(str(self.folder))
        common: dict[str, Any] = {
            "loader": loader,
            "undefined": jinja2.StrictUndefined,
            "autoescape": False,
            "keep_trailing_newline": False,
            "trim_blocks": True,
            "lstrip_blocks": True,
        }
        self._markdown = jinja2.Environment(finalize=_finalize_markdown, **common)  # noqa: S701 - escaped by finalize
        self._json = jinja2.Environment(finalize=_finalize_json, **common)  # noqa: S701 - JSON, escaped by filters
        for env in (self._markdown, self._json):
            env.filters.update(
                text=_text_filter,
                plain=_plain_filter,
                input=_input_filter,
                link=_link_filter,
                json=_json_filter,
                mrkdwn=_mrkdwn_filter,
                compose=_compose,
                clip=clip,
                time=_fmt_time,
            )

    def names(self, language: Language = "en") -> list[str]:
        """Template names (without extension) available in one language."""
        base = self.folder / language
        return sorted(
            str(path.relative_to(base)).removesuffix(".md.j2").removesuffix(".json.j2") for path in base.rglob("*.j2")
        )

    def text(self, name: str, language: Language, /, **context: Any) -> Mrkdwn:
        """Render ``{language}/{name}.md.j2`` to mrkdwn."""
        template = self._get(self._markdown, name, language, ".md.j2")
        return Mrkdwn(self._render(template, name, context).strip())

    def message(self, name: str, language: Language, /, **context: Any) -> RenderedMessage:
        """Render ``{language}/{name}.json.j2`` to a message: ``{"text": …, "blocks": […]}``."""
        data = self._json_data(name, language, context)
        if not isinstance(data, dict) or "text" not in data:
            raise TemplateError(f"{language}/{name}: a message template must give an object with 'text'")
        try:
            blockkit.validate_message(data)
        except blockkit.BlockKitError as error:
            raise TemplateError(f"{language}/{name}: {error}") from None
        return RenderedMessage(text=str(data["text"]), blocks=list(data.get("blocks") or []))

    def view(self, name: str, language: Language, /, **context: Any) -> dict[str, Any]:
        """Render ``{language}/{name}.json.j2`` to a modal or App Home view."""
        data = self._json_data(name, language, context)
        if not isinstance(data, dict):
            raise TemplateError(f"{language}/{name}: a view template must give an object")
        try:
            blockkit.validate_view(data)
        except blockkit.BlockKitError as error:
            raise TemplateError(f"{language}/{name}: {error}") from None
        return data

    def _json_data(self, name: str, language: Language, context: Mapping[str, Any]) -> Any:
        template = self._get(self._json, name, language, ".json.j2")
        rendered = self._render(template, name, context)
        try:
            return json.loads(rendered)
        except json.JSONDecodeError as error:
            where = f"{error.msg} at line {error.lineno}"
            raise TemplateError(f"{language}/{name}: rendered invalid JSON ({where})") from None

    def _get(self, env: jinja2.Environment, name: str, language: Language, suffix: str) -> jinja2.Template:
        if language not in LANGUAGES:
            raise TemplateError(f"unsupported language {language!r}")
        try:
            return env.get_template(f"{language}/{name}{suffix}")
        except jinja2.TemplateNotFound:
            raise TemplateError(f"template {language}/{name}{suffix} does not exist") from None

    @staticmethod
    def _render(template: jinja2.Template, name: str, context: Mapping[str, Any]) -> str:
        try:
            return template.render(**context)
        except jinja2.UndefinedError as error:
            raise TemplateError(f"{template.name}: {error.message}") from None
