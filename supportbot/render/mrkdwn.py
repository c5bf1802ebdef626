"""FAQ entry bodies (Markdown) as Slack mrkdwn.

Entries use a small part of Markdown: paragraphs, numbered and bulleted lists, ``inline code``,
fenced code blocks, ``**bold**``, ``[links](https://…)`` and ``#`` headings. Slack's mrkdwn differs
(``*bold*``, ``<url|label>``, no headings), and text must be escaped (``&lt;your key&gt;`` shows as
``<your key>``). Escaping comes first, so nothing written in an entry, including a deployment's own
entries, can turn into a mention or a link that was not written as a Markdown link.

A few lines of conversion instead of a Markdown library: the libraries that target mrkdwn do not
escape ``<`` and ``&``, and that escaping is the part that matters here.
"""

from __future__ import annotations

import regex

from supportbot.render.templates import Mrkdwn, escape_mrkdwn

_FENCE = regex.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", regex.DOTALL | regex.MULTILINE)
_INLINE_CODE = regex.compile(r"`[^`\n]+`")
_BOLD = regex.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
# Neither label nor URL holds a "[", so a run of brackets or links is read once, not once per bracket.
_LINK = regex.compile(r"\[([^\[\]\n]++)\]\((https?://[^\s()|<>[]++)\)")
_HEADING = regex.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", regex.MULTILINE)
_BULLET = regex.compile(r"^([ \t]*)[-*+][ \t]+", regex.MULTILINE)
_PLACEHOLDER = "\x00{}\x00"
_RESTORE = regex.compile(r"\x00(\d+)\x00")


def markdown_to_mrkdwn(markdown: str) -> Mrkdwn:
    """Convert an entry body to safe mrkdwn."""
    kept: list[str] = []

    def keep(text: str) -> str:
        kept.append(text)
        return _PLACEHOLDER.format(len(kept) - 1)

    text = markdown.replace("\x00", "")
    # Code is shown as written: protect it from the bold/link rules, escape it like everything else.
    text = _FENCE.sub(lambda m: keep("```\n" + str(escape_mrkdwn(m.group(1).rstrip("\n"))) + "\n```"), text)
    text = _INLINE_CODE.sub(lambda m: keep(str(escape_mrkdwn(m.group()))), text)
    text = _LINK.sub(lambda m: keep(f"<{_escape_url(m.group(2))}|{_escape_label(m.group(1))}>"), text)
    text = str(escape_mrkdwn(text))
    text = _HEADING.sub(lambda m: f"*{m.group(1)}*", text)
    text = _BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _RESTORE.sub(lambda m: kept[int(m.group(1))], text)
    return Mrkdwn(text.strip())


def _escape_url(url: str) -> str:
    return url.replace("&", "&amp;")


def _escape_label(label: str) -> str:
    return str(escape_mrkdwn(label)).replace("|", "¦")
