"""diagnose() and detect_report() take anything a customer can paste without failing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportbot.config import Settings
from supportbot.triage import CHECK_ORDER, detect_report, diagnose
from supportbot.triage.needles import needles_of

GATEWAY = Settings(api_base_urls=("https://api.llmrelay.com/v1",))

# Fragments that steer the parsers into their less travelled paths, mixed with arbitrary text.
FRAGMENTS = st.sampled_from(
    [
        "curl ",
        " -H '",
        ' -H "',
        "Authorization: ",
        "Bearer ",
        "api_key=",
        "base_url=",
        '"',
        "'",
        "`",
        "\\\n",
        "https://",
        "api.llmrelay.com",
        "/v1",
        "/chat/completions",
        "{",
        "}",
        "(",
        ")",
        'f"',
        "${",
        "$KEY",
        "\n",
        "Incorrect API key provided: ",
        "Your api key: ",
        "POST /v1/chat/completions HTTP/1.1\n",
        "Host: ",
        "401",
        "该令牌状态不可用",
        "\u200b",
        "“",
        "<http://x.com|x.com>",
        "&lt;",
        "OPENAI_API_KEY=",
        "- ",
        ": ",
        "sk-",
    ]
)
PASTES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PASTES)
def test_diagnose_never_fails_and_keeps_its_promises(text: str) -> None:
    checks = diagnose(text, GATEWAY, scrub=lambda s: s)
    ids = [check.check for check in checks]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(CHECK_ORDER)
    assert [c.score for c in checks] == sorted((c.score for c in checks), reverse=True)
    assert all(0 < c.score < 1 and c.evidence for c in checks)


@settings(max_examples=100, deadline=None)
@given(PASTES)
def test_detect_never_fails(text: str) -> None:
    assert isinstance(detect_report(text).is_401, bool)


@given(st.text(alphabet="ab|()[]?*+{}\\.^$1,", max_size=30))
def test_needle_reader_never_fails_on_odd_patterns(source: str) -> None:
    import regex

    try:
        pattern = regex.compile(source)
    except regex.error:
        return
    needles = needles_of(pattern)
    if needles is not None:
        # every match must contain one of the needles
        for match in pattern.finditer("ab|()[]?*+{}\\.^$1," * 2):
            if match.group(0):
                assert any(n in match.group(0).lower() for n in needles), (source, needles, match.group(0))
