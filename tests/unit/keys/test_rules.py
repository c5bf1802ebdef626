"""Rule files: the deployment example, and every way a rule file can be wrong."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from supportbot.config import Settings
from supportbot.keys import RulesError, Scanner, default_rules, load_rules, parse_rules, provider_info
from supportbot.keys.rules import catastrophic_reason, default_providers, parse_providers, probe_rule

ACME = """
[[rules]]
id = "acme-live"
regex = '''lr_live_[A-Za-z0-9]{32}'''
keywords = ["lr_live_"]
"""


def _acme_key(seed: int) -> str:
    rng = random.Random(seed)
    return "lr_live_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))


def test_deployment_rule_is_found_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(ACME)
    scanner = Scanner(load_rules(path), fingerprint_secret="s" * 20)
    key = _acme_key(1)
    (finding,) = scanner.find(f"我的key是{key}，谢谢")
    assert (finding.rule, finding.provider) == ("acme-live", "acme-live")
    assert finding.masked == "lr_live_…" + key[-4:]
    assert {rule.id for rule in scanner.rules} >= {"acme-live", "openai-project"}


def test_from_settings_reads_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(ACME)
    settings = Settings(rules_file=path, fingerprint_secret="s" * 20)
    scanner = Scanner.from_settings(settings)
    assert scanner.find(_acme_key(2))[0].rule == "acme-live"


def test_from_settings_secret_argument_wins_and_missing_secret_fails() -> None:
    key = _acme_key(3).replace("lr_live_", "gsk_") + "A" * 20
    with_setting = Scanner.from_settings(Settings(fingerprint_secret="a" * 20))
    with_argument = Scanner.from_settings(Settings(fingerprint_secret="a" * 20), fingerprint_secret="b" * 20)
    assert with_setting.fingerprint(key) != with_argument.fingerprint(key)
    with pytest.raises(ValueError, match="SUPPORTBOT_FINGERPRINT_SECRET"):
        Scanner.from_settings(Settings())


def test_deployment_rule_wins_a_tie_with_a_default(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(ACME.replace("acme-live", "acme-sk").replace("lr_live_", "sk-").replace("{32}", "{48}"))
    scanner = Scanner(load_rules(path), fingerprint_secret="s" * 20)
    key = "sk-" + _acme_key(4)[8:] * 2 + "Q" * 0
    assert scanner.find(key[:51])[0].rule == "acme-sk"


def _rule(rule_id: str, body: str) -> str:
    return f'[[rules]]\nid = "{rule_id}"\n{body}\n'


BAD = {
    "bad regex": (_rule("x1", "regex = '''sk-[a-z'''\nkeywords = [\"sk-\"]"), "bad regex"),
    "missing regex": (_rule("x2", 'keywords = ["sk-"]'), "missing field 'regex'"),
    "missing keywords": (_rule("x3", "regex = 'a'"), "missing field 'keywords'"),
    "missing id": ("[[rules]]\nregex = 'a'\nkeywords = [\"a\"]\n", "no 'id'"),
    "unknown field": (_rule("x4", "regex = 'a'\nkeywords = [\"a\"]\nentrpy = 3"), "unknown field"),
    "nested repeat": (_rule("x5", "regex = '''(a+)+b'''\nkeywords = [\"a\"]"), "catastrophic"),
    "polynomial blow-up": (_rule("x6", "regex = '''(?:.*a){12}c'''\nkeywords = [\"a\"]"), "catastrophic"),
    "not toml": ("[[rules]\nid=", "not valid TOML"),
    "no rules": ("title = 'x'\n", "no [[rules]]"),
    "duplicate of default": (_rule("deepseek", "regex = 'q'\nkeywords = [\"q\"]"), "duplicate rule id"),
}


@pytest.mark.parametrize(("text", "problem"), BAD.values(), ids=BAD.keys())
def test_bad_rule_file_names_file_rule_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RulesError) as raised:
        load_rules(path)
    message = str(raised.value)
    assert str(path) in message or "rules.toml" in message
    assert problem in message
    rule_id = raised.value.rule_id
    if rule_id:
        assert f"'{rule_id}'" in message


def test_duplicate_within_one_file(tmp_path: Path) -> None:
    path = tmp_path / "dup.toml"
    path.write_text(ACME + ACME)
    with pytest.raises(RulesError, match="duplicate rule id"):
        load_rules(path)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")


def test_default_rules_pass_static_and_probe_checks() -> None:
    for rule in default_rules():
        assert catastrophic_reason(rule.regex) is None, rule.id
        assert probe_rule(rule, limit=0.5) is None, rule.id


def test_parse_rules_keeps_order() -> None:
    rules = parse_rules(ACME + ACME.replace("acme-live", "acme-2"), "mem")
    assert [rule.id for rule in rules] == ["acme-live", "acme-2"]


def test_every_provider_a_rule_names_has_a_name_and_a_safe_rotation_link() -> None:
    known = default_providers()
    for rule in default_rules():
        assert rule.provider in known, rule.id
        info = provider_info(rule.provider)
        assert info.name
        assert info.rotate_url == "" or info.rotate_url.startswith("https://")
    assert provider_info("acme-live").name == "acme-live"
    assert provider_info("acme-live").rotate_url == ""


def test_new_credential_formats_name_their_vendor_and_rotation_page() -> None:
    for provider in ("gitlab", "npm", "pypi", "alibaba", "tencent", "databricks", "sendgrid", "twilio"):
        assert provider_info(provider).rotate_url.startswith("https://"), provider
    for provider in ("shopify", "digitalocean", "doppler", "langsmith", "baidu", "zhipu", "langfuse", "tavily"):
        assert provider_info(provider).rotate_url.startswith("https://"), provider
    assert provider_info("elevenlabs").name == "ElevenLabs"


def test_bad_provider_table_is_refused() -> None:
    with pytest.raises(RulesError, match="https"):
        parse_providers('[[providers]]\nid = "x"\nname = "X"\nrotate = "http://x.example"\n', "test.toml")
    with pytest.raises(RulesError, match="id and name"):
        parse_providers('[[providers]]\nid = "x"\n', "test.toml")


def test_keyword_classes_are_spelled_out() -> None:
    (rule,) = parse_rules(
        """
[[rules]]
id = "hexdot"
regex = '''[0-9a-f]{8}\\.[A-Z]{4}'''
keywords = ["[0-9a-f][0-9a-f].", "zz"]
""",
        "test.toml",
    )
    assert len(rule.keywords) == 257
    assert {"00.", "af.", "ff.", "zz"} <= set(rule.keywords)


def test_a_keyword_class_may_not_explode() -> None:
    text = """
[[rules]]
id = "huge"
regex = '''x[0-9a-z]{5}'''
keywords = ["[0-9a-z][0-9a-z][0-9a-z]"]
"""
    with pytest.raises(RulesError, match="4096"):
        parse_rules(text, "test.toml")
