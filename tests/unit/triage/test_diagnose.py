"""diagnose(): each check from every kind of paste, near misses, ordering, evidence without keys."""

from __future__ import annotations

import pytest

from supportbot.triage import CHECK_ORDER, CheckId, diagnose
from tests.unit.triage.cases import ALL, NEAR_MISSES, Case
from tests.unit.triage.conftest import KEYS, assert_names_cause, fake_scrub, identity, plant


@pytest.mark.parametrize("case", ALL, ids=[f"{c.check}:{c.id}" for c in ALL])
def test_names_the_cause(case: Case, settings, bare_settings) -> None:
    assert_names_cause(case, settings if case.official else bare_settings)


@pytest.mark.parametrize(("name", "text"), NEAR_MISSES, ids=[n for n, _ in NEAR_MISSES])
def test_near_misses_name_nothing(name: str, text: str, settings) -> None:
    assert diagnose(plant(text), settings, scrub=fake_scrub) == []


@pytest.mark.parametrize("case", [c for c in ALL if "<<" in c.text], ids=lambda c: c.id)
def test_evidence_never_holds_a_key_even_with_a_scrubber_that_misses_it(case: Case, settings) -> None:
    for check in diagnose(plant(case.text), settings, scrub=identity):
        for key in KEYS.values():
            for field in (check.evidence, check.excerpt, check.subject or ""):
                assert key not in field
                # not even a long piece of it
                assert not any(key[i : i + 16] in field for i in range(len(key) - 16))


def test_evidence_goes_through_the_injected_scrubber(settings) -> None:
    seen: list[str] = []

    def scrub(text: str) -> str:
        seen.append(text)
        return text.replace("Bearer", "[scrubbed]")

    checks = diagnose('curl https://api.llmrelay.com/v1/models -H "Authorization: Bearer  $KEY"', settings, scrub=scrub)
    assert seen
    assert "[scrubbed]" in checks[0].evidence


def test_at_most_one_check_per_id_ordered_by_score(settings) -> None:
    text = plant(
        'client = OpenAI(base_url="http://api.llmrelay.com/v1/chat/completions", api_key=" <<KEY>>")\n'
        'Error code: 401 - Incorrect API key provided: "sk-abc****...wxyz". You can find your API key at '
        "https://platform.openai.com/account/api-keys.\n该令牌已过期"
    )
    checks = diagnose(text, settings, scrub=fake_scrub)
    ids = [c.check for c in checks]
    assert len(ids) == len(set(ids))
    assert [c.score for c in checks] == sorted((c.score for c in checks), reverse=True)
    assert set(ids) >= {
        CheckId.WHITESPACE,
        CheckId.WRONG_BASE_URL,
        CheckId.DUPLICATED_PATH,
        CheckId.DISABLED_KEY,
    }


def test_strong_evidence_outranks_weak(settings) -> None:
    # A quoted echo (certain) against a host nobody knows (weak): whitespace comes first.
    text = (
        "curl https://relay.somewhere.io/v1/models\n"
        'Incorrect API key provided: "sk-abc****...wxyz". You can find your API key at '
        "https://platform.openai.com/account/api-keys."
    )
    checks = diagnose(text, settings, scrub=fake_scrub)
    assert checks[0].check == CheckId.WHITESPACE
    assert CheckId.MISSING_HEADER in [c.check for c in checks]  # the curl sends no key at all


def test_ties_follow_the_checklist_order(settings) -> None:
    checks = diagnose(
        "After I rotated my key, the app gets 401.\n请求头里忘了加 Authorization", settings, scrub=fake_scrub
    )
    assert [c.check for c in checks] == [CheckId.MISSING_HEADER, CheckId.DISABLED_KEY]
    assert CHECK_ORDER.index(CheckId.MISSING_HEADER) < CHECK_ORDER.index(CheckId.DISABLED_KEY)


def test_wrong_base_url_needs_the_official_base_to_judge_hosts(bare_settings, settings) -> None:
    text = 'client = OpenAI(base_url="https://api.llmrealy.com/v1")'
    assert diagnose(text, bare_settings, scrub=fake_scrub) == []
    assert diagnose(text, settings, scrub=fake_scrub)[0].subject == "https://api.llmrealy.com/v1"


def test_several_official_bases(settings) -> None:
    two = settings.with_overrides(api_base_urls=("https://api.llmrelay.com/v1", "https://cn.llmrelay.com/v1"))
    text = 'client = OpenAI(base_url="https://cn.llmrelay.com/v1")'
    assert diagnose(text, two, scrub=fake_scrub) == []
    assert diagnose(text, settings, scrub=fake_scrub)[0].reason == "website_host"


def test_relayed_provider_error_is_not_blamed_on_the_base_url(settings) -> None:
    # one-api passed OpenAI's answer through (its request id is appended): the gateway's upstream
    # key is at fault, not the customer's base URL.
    text = (
        '{"error":{"message":"Incorrect API key provided: sk-proj-****...abcd. You can find your API key at '
        "https://platform.openai.com/account/api-keys. (request"
        ' id: 2026110112000012345678)","type":"one_api_error"}}'
    )
    assert CheckId.WRONG_BASE_URL not in [c.check for c in diagnose(text, settings, scrub=fake_scrub)]


def test_generic_invalid_key_names_no_single_cause(settings) -> None:
    text = '{"error":{"message":"无效的令牌 (request id: 2026110112000012345678)","type":"one_api_error"}}'
    assert diagnose(text, settings, scrub=fake_scrub) == []


def test_slack_escaping_is_undone(settings) -> None:
    text = "curl &lt;https://api.llmrelay.com/v1/chat/completions/chat/completions&gt; -H 'Authorization: Bearer $K'"
    assert diagnose(text, settings, scrub=fake_scrub)[0].check == CheckId.DUPLICATED_PATH


def test_forty_thousand_characters_stay_fast(settings) -> None:
    import time

    text = (
        "POST /v1/chat/completions HTTP/1.1\nHost: api.llmrelay.com\nAuthorization: Bearer sk-" + "a1" * 24 + "\n\n"
    ) * 400
    text = text[:40_000]
    start = time.perf_counter()
    diagnose(text, settings, scrub=fake_scrub)
    assert time.perf_counter() - start < 1.0  # generous; benchmarks/diagnose_speed.py shows the real figures


@pytest.fixture(scope="module")
def scanner():  # type: ignore[no-untyped-def]
    from supportbot.config import Settings
    from supportbot.keys import Scanner

    return Scanner.from_settings(Settings(), fingerprint_secret="triage-tests-" + "0" * 20)


@pytest.mark.parametrize("case", [c for c in ALL if "<<" in c.text], ids=lambda c: c.id)
def test_the_masked_copy_gives_the_same_diagnosis(case: Case, settings, bare_settings, scanner) -> None:
    # The Slack layer deletes a message with a key and walks the checklist on its masked copy.
    chosen = settings if case.official else bare_settings
    original = diagnose(plant(case.text), chosen, scrub=scanner.scrub)
    masked = diagnose(scanner.mask(plant(case.text)), chosen, scrub=scanner.scrub)
    assert [c.check for c in masked][:1] == [c.check for c in original][:1] == [case.check]


def test_evidence_keeps_its_meaning_after_the_real_scrubber(settings, scanner) -> None:
    text = plant('curl https://api.llmrelay.com/v1/models -H "Authorization: Bearer \\"<<KEY>>\\""')
    check = diagnose(text, settings, scrub=scanner.scrub)[0]
    assert check.reason == "quoted_key"
    assert '`Bearer "sk-…"`' in check.evidence
    assert KEYS["KEY"][3:15] not in check.evidence


def test_pasted_base_urls_for_the_probe() -> None:
    from supportbot.triage import pasted_base_urls

    text = (
        'client = OpenAI(base_url="https://api.llmrelay.com/v1/chat/completions")\n'
        "curl https://gw.example.org/v1/models?key=abc -H 'Authorization: Bearer $K'\n"
        "see https://platform.openai.com/docs for details"
    )
    assert pasted_base_urls(text) == ["https://gw.example.org/v1", "https://api.llmrelay.com/v1"]
