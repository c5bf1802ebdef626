"""The ``link`` filter: a working Slack link for an http(s) URL, only the label for anything else."""

from __future__ import annotations

from supportbot.render.templates import Mrkdwn, Renderer

RENDERER = Renderer()


def render(source: str, **context: object) -> str:
    template = RENDERER._markdown.from_string(source)
    return template.render(**context)


def test_a_url_becomes_a_link_with_an_escaped_label() -> None:
    out = render('{{ url | link("Open <it> & see") }}', url="https://example.slack.com/archives/C1/p1?a=1&b=2")
    assert out == "<https://example.slack.com/archives/C1/p1?a=1&amp;b=2|Open &lt;it&gt; &amp; see>"


def test_anything_else_is_just_the_label() -> None:
    for url in ("<!channel> <https://evil.example|x>", "javascript:alert(1)", "", None, "https://a b"):
        assert render('{{ url | link("Open") }}', url=url) == "Open"


def test_the_result_survives_compose() -> None:
    source = '{{ [url | link("Open"), " in ", where] | compose }}'
    out = render(source, url="https://x.example/p", where=Mrkdwn("<#C1>"))
    assert out == "<https://x.example/p|Open> in <#C1>"
