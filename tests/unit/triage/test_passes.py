"""Each diagnosis pass on a small paste: what it reports, and what it leaves to other passes."""

from __future__ import annotations

import pytest

from supportbot.text.traditional import fold_mapped
from supportbot.triage.checks import CheckId, Finding
from supportbot.triage.passes import addresses, combine, config, prose, requests, vendor
from supportbot.triage.passes.found import Sighting, found, judge
from supportbot.triage.passes.merge import merge
from supportbot.triage.passes.paste import Paste, read_paste
from supportbot.triage.passes.spans import LOOK_BACK, Span, inside, inside_growing
from supportbot.triage.urls import officials_from, parse_url
from tests.unit.triage.conftest import KEYS, OFFICIAL, identity, plant

OFFICIALS = officials_from((OFFICIAL,))
OPENAI_LINK = "You can find your API key at https://platform.openai.com/account/api-keys."


def _paste(text: str) -> Paste:
    return read_paste(plant(text), OFFICIALS)


def _reasons(items: tuple[Finding | Sighting, ...]) -> list[str]:
    return [item.reason for item in items if isinstance(item, Finding)]


def _sightings(items: tuple[Finding | Sighting, ...]) -> list[tuple[str, str]]:
    return [(item.url.display(), item.role) for item in items if isinstance(item, Sighting)]


# ---------------------------------------------------------------- spans


def test_inside_finds_the_span_holding_a_position() -> None:
    spans = [Span(0, 10), Span(20, 30)]
    assert inside(5, spans)
    assert inside(20, spans)
    assert not inside(10, spans)
    assert not inside(35, spans)
    assert not inside(0, [])


def test_inside_looks_back_over_a_bounded_number_of_spans() -> None:
    def spans(short: int) -> list[Span]:
        return [Span(0, 100), *(Span(start, start + 1) for start in range(10, 10 + short))]

    assert inside(50, spans(LOOK_BACK - 1))
    assert not inside(50, spans(LOOK_BACK))


def test_inside_growing_sorts_when_the_newest_span_breaks_the_order() -> None:
    claimed = [Span(50, 60), Span(0, 10)]
    assert inside_growing(5, claimed)
    assert claimed == [Span(0, 10), Span(50, 60)]


# ---------------------------------------------------------------- the paste


def test_read_paste_keeps_one_curl_per_command_text_and_every_span() -> None:
    once = "curl https://api.llmrelay.com/v1/models -H 'Authorization: Bearer <<KEY>>'"
    paste = _paste(f"{once}\n{once}\ncurl https://api.llmrelay.com/v1/chat/completions")
    assert len(paste.curls) == 2
    assert len(paste.curl_spans) == 3
    assert [span.start for span in paste.curl_spans] == [0, len(plant(once)) + 1, 2 * len(plant(once)) + 2]


def test_read_paste_reads_each_repeated_site_once_and_claims_the_repeat() -> None:
    line = "OPENAI_BASE_URL=https://api.llmrelay.com/v1\n"
    paste = _paste(line * 2)
    assert [(site.kind, site.name) for site in paste.sites] == [("base", "OPENAI_BASE_URL")]
    assert paste.claims == (Span(0, len(line) - 1), Span(len(line), 2 * len(line) - 1))


def test_read_paste_tells_429_wording_from_401_wording() -> None:
    rate_limited = _paste("Rate limit reached for gpt-4o 429")
    assert (rate_limited.other_msg, rate_limited.auth_msg) == (True, False)
    assert _paste("Incorrect API key provided: undefined.").auth_msg


def test_quote_gives_the_customers_own_traditional_wording() -> None:
    folded = fold_mapped("我的金鑰已經被刪除了")
    paste = read_paste(folded.text, OFFICIALS, folded)
    assert paste.text != folded.original
    assert paste.quote(3) == "我的金鑰已經被刪除了"


# ---------------------------------------------------------------- vendor texts and echoes


def test_phrases_name_what_the_error_text_says() -> None:
    paste = _paste("You didn't provide an API key. You need to provide your API key in an Authorization header")
    assert _reasons(vendor.phrases(paste)) == ["vendor_says_missing"]


def test_echoes_read_the_key_the_provider_saw() -> None:
    assert _reasons(vendor.echoes(_paste(f"Incorrect API key provided: undefined. {OPENAI_LINK}"))) == ["unset_key"]


def test_a_foreign_key_echoed_by_openai_was_sent_to_another_vendor() -> None:
    paste = _paste(f"Incorrect API key provided: kod-460f****...2829. {OPENAI_LINK}")
    (finding,) = vendor.echoes(paste)
    assert (finding.reason, finding.subject) == ("key_sent_to_other_vendor", "https://api.openai.com")
    assert vendor.echo_tails(paste)[0][:2] == ("kod-460f", "2829")


def test_a_relayed_echo_says_nothing_about_where_requests_went() -> None:
    paste = _paste(f"Incorrect API key provided: kod-460f****...2829. {OPENAI_LINK} (request id: 20260101abcd)")
    assert vendor.echoes(paste) == ()
    assert vendor.echo_tails(paste) == ()


# ---------------------------------------------------------------- requests


def test_curl_reports_header_problems_and_the_urls_it_calls() -> None:
    paste = _paste(
        "curl https://api.llmrelay.com/v1/models -H 'Authorization: Bearer  <<KEY>>'\n"
        "curl https://api.llmrelay.com/v1/chat/completions"
    )
    reported = requests.curls(paste)
    assert _reasons(reported) == ["double_space", "no_auth_header"]
    assert _sightings(reported) == [
        ("https://api.llmrelay.com/v1/models", "request"),
        ("https://api.llmrelay.com/v1/chat/completions", "request"),
    ]
    assert requests.curl_sends_key(paste)


def test_raw_request_without_a_key_header() -> None:
    paste = _paste("POST /v1/chat/completions HTTP/1.1\nHost: www.llmrelay.com\nContent-Type: application/json\n\n{}")
    reported = requests.raw_requests(paste)
    assert _reasons(reported) == ["no_auth_header"]
    assert _sightings(reported) == [("www.llmrelay.com/v1/chat/completions", "request")]


def test_raw_request_inside_a_curl_command_is_left_to_the_curl_pass() -> None:
    paste = _paste("curl https://api.llmrelay.com/v1/models \\\nPOST /v1/models HTTP/1.1")
    assert requests.raw_requests(paste) == ()


# ---------------------------------------------------------------- configuration


def test_assignments_judge_keys_and_base_urls() -> None:
    paste = _paste(
        "OPENAI_API_KEY=<<KEY>>\nOPENAI_BASE_URL=https://api.llmrelay.com/v1/chat/completions\n"
        'api_key = " <<OTHERKEY>>"\nBASE_URL=<<KEY>>'
    )
    reported = config.assignments(paste)
    assert _reasons(reported) == ["base_has_endpoint", "space_in_key", "key_as_url"]
    assert _sightings(reported) == [("https://api.llmrelay.com/v1/chat/completions", "base")]
    assert config.config_keys(paste) == (KEYS["KEY"], KEYS["OTHERKEY"])
    assert not config.config_sends_key(paste)


def test_an_authorization_value_with_a_key_is_sent() -> None:
    paste = _paste('"Authorization": "Bearer <<KEY>>"')
    assert config.assignments(paste) == ()
    assert config.config_sends_key(paste)


# ---------------------------------------------------------------- addresses


def test_urls_take_their_role_from_what_stands_before_them() -> None:
    paste = _paste(
        "the base url is www.llmrelay.com and I POST https://api.llmrelay.com/chat/completions\n"
        "see https://docs.llmrelay.com/guide"
    )
    assert _sightings(addresses.urls(paste)) == [
        ("https://api.llmrelay.com/chat/completions", "request"),
        ("https://docs.llmrelay.com/guide", "prose"),
        ("www.llmrelay.com", "base"),
    ]


def test_urls_skip_what_curl_commands_and_sites_hold() -> None:
    paste = _paste("curl https://api.gw.example.com/v1/models\nOPENAI_BASE_URL=https://api.gw.example.com/v1")
    assert addresses.urls(paste) == ()


def test_host_names_without_a_scheme_are_read_only_against_an_official_base() -> None:
    text = "I call api.llmrelay.co/v1 now"
    assert _sightings(addresses.urls(_paste(text))) == [("api.llmrelay.co/v1", "prose")]
    assert addresses.urls(read_paste(text)) == ()


def test_paths_find_doubled_and_missing_version_segments() -> None:
    paste = _paste('POST /v1/v1/chat/completions HTTP/1.1\n127.0.0.1 "POST /chat/completions HTTP/1.1" 401')
    (doubled, missing) = addresses.paths(paste)
    assert (doubled.reason, missing.reason) == ("doubled_v1", "missing_v1")
    assert missing.note == "requests go to /chat/completions instead of /v1/chat/completions"


def test_html_counts_only_in_an_error_context() -> None:
    assert _reasons(addresses.html(_paste("<!DOCTYPE html> error 401"))) == ["html_response"]
    assert addresses.html(_paste("<!DOCTYPE html><p>welcome</p>")) == ()


# ---------------------------------------------------------------- found and judged


def test_found_scores_from_the_base_score_capped_below_certainty() -> None:
    assert found("space_in_key").score == 0.8
    assert found("space_in_key", factor=0.5).score == 0.4
    assert found("doubled_path", factor=2).score == 0.99


def test_judge_replaces_the_first_sighting_in_place_and_ignores_repeats() -> None:
    url = parse_url("https://www.llmrelay.com/v1")
    assert url is not None
    before, after = found("space_in_key"), found("doubled_path")
    seen = Sighting(url, "base", "base_url = https://www.llmrelay.com/v1")
    judged = judge([before, seen, after, seen], OFFICIALS, official_seen=False)
    assert [f.reason for f in judged.findings] == ["space_in_key", "website_host", "doubled_path"]
    assert judged.bases == ("https://www.llmrelay.com/v1",)


def test_judge_keeps_mentions_out_of_the_base_urls() -> None:
    url = parse_url("https://api.gw.example.com/v1")
    assert url is not None
    judged = judge([Sighting(url, "prose", "")], OFFICIALS, official_seen=False)
    assert judged == ((), ())


# ---------------------------------------------------------------- words


def test_prose_skips_a_guarded_cue_after_a_negation() -> None:
    assert _reasons(prose.prose(_paste("my key was disabled yesterday"))) == ["said_disabled"]
    assert prose.prose(_paste("how do I know if my key was disabled")) == ()


def test_words_leave_copied_invisible_to_an_earlier_said_whitespace() -> None:
    paste = _paste("复制的 key 前后有空格，从飞书文档里复制的，一直 401，手动敲一遍就好了")
    earlier = prose.prose(paste)
    assert _reasons(earlier) == ["said_whitespace"]
    assert "copied_invisible" in _reasons(prose.words(paste, ()))
    assert "copied_invisible" not in _reasons(prose.words(paste, earlier))


# ---------------------------------------------------------------- combinations and merge


def test_a_key_sent_yet_reported_missing_points_at_a_proxy() -> None:
    missing = found("vendor_says_missing", excerpt="You didn't provide an API key.")
    sent = _paste("curl https://api.llmrelay.com/v1/models -H 'Authorization: Bearer <<KEY>>'")
    (strips,) = combine.combine(sent, [missing])
    assert (strips.reason, strips.score, strips.excerpt) == ("proxy_strips", 0.96, missing.excerpt)
    (proxy,) = combine.combine(_paste("we go through nginx"), [missing])
    assert proxy.score == pytest.approx(0.56)
    assert combine.combine(sent, []) == ()


def test_another_providers_wording_names_where_the_request_went() -> None:
    (answered,) = combine.combine(_paste("Authentication Fails, Your api key: ****abcd is invalid"), [])
    assert (answered.reason, answered.subject) == ("other_vendor_answered", "https://api.deepseek.com")


def test_an_echo_of_another_key_than_the_configured_one_is_an_old_key() -> None:
    echo = f"Incorrect API key provided: sk-ab***...{KEYS['KEY'][-4:]}. {OPENAI_LINK}"
    same = combine.combine(_paste(f"{echo}\nOPENAI_API_KEY=<<KEY>>"), [])
    other = combine.combine(_paste(f"{echo}\nOPENAI_API_KEY=<<OTHERKEY>>"), [])
    # OpenAI's wording without our host also says the request went to OpenAI.
    assert [f.reason for f in same] == ["other_vendor_answered"]
    assert [f.reason for f in other] == ["other_vendor_answered", "old_key_in_use"]


def test_merge_lets_the_best_finding_speak_and_adds_a_tenth_of_another_reason() -> None:
    findings = [
        found("missing_v1", excerpt="POST /chat/completions"),
        found("space_in_key", excerpt="api_key value ` x`"),
        found("quoted_key", excerpt="secret here", note="a note"),
    ]
    checks = merge(findings, lambda text: text.replace("secret", "[masked]"))
    assert [(c.check, c.reason, c.score) for c in checks] == [
        (CheckId.WHITESPACE, "quoted_key", 0.98),
        (CheckId.WRONG_BASE_URL, "missing_v1", 0.8),
    ]
    assert checks[0].excerpt == "[masked] here"
    assert checks[0].evidence == "Quote marks are sent as part of the key (a note): [masked] here"
    assert merge([], identity) == []
