from __future__ import annotations

from pathlib import Path

import pytest

from supportbot.config import DEFAULT_DATABASE_URL, ConfigError, Settings


def test_empty_environment_gives_safe_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.slack_bot_token is None
    assert settings.support_channels is None
    assert settings.api_base_urls == ()
    assert settings.default_language == "en"
    assert (settings.digest_day, settings.digest_hour) == (0, 9)
    assert settings.log_format == "text"
    assert (settings.db_connect_timeout, settings.db_statement_timeout, settings.db_pool_timeout) == (5, 15, 2)
    assert settings.missing_for_http() == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]


def test_full_environment_is_parsed(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rules]]\n")
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "s3cr3t",
            "SLACK_ADMIN_USER_TOKEN": "xoxp-admin",
            "SUPPORTBOT_SLACK_API_URL": "http://127.0.0.1:9/api",
            "DATABASE_URL": "postgresql://u@localhost/db",
            "SUPPORTBOT_API_BASE_URL": "https://api.example.com/v1/, https://backup.example.com/v1",
            "SUPPORTBOT_AGENT_CHANNEL": "G0AGENTS1",
            "SUPPORTBOT_AGENTS": "U0AGENT01,@support-agents,S0AGENTS1",
            "SUPPORTBOT_LEADS": "U0LEAD001",
            "SUPPORTBOT_SUPPORT_CHANNELS": "C0SUPPORT, C0EXTACME",
            "SUPPORTBOT_KNOWLEDGE_DIR": str(tmp_path),
            "SUPPORTBOT_RULES_FILE": str(rules),
            "SUPPORTBOT_FINGERPRINT_SECRET": "a" * 32,
            "SUPPORTBOT_PROBE": "yes",
            "SUPPORTBOT_DEFAULT_LANGUAGE": "zh-CN",
        }
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+psycopg://u@localhost/db"
    assert settings.api_base_urls == ("https://api.example.com/v1", "https://backup.example.com/v1")
    assert settings.agents == ("U0AGENT01", "@support-agents", "S0AGENTS1")
    assert settings.support_channels == ("C0SUPPORT", "C0EXTACME")
    assert settings.knowledge_dir == tmp_path
    assert settings.rules_file == rules
    assert settings.probe_enabled is True
    assert settings.default_language == "zh"
    assert not settings.is_sqlite


def test_every_problem_is_reported_at_once_naming_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(
            {
                "SLACK_BOT_TOKEN": "xapp-1-wrong-kind",
                "SUPPORTBOT_AGENT_CHANNEL": "#support",
                "DATABASE_URL": "mysql://x",
                "SUPPORTBOT_PROBE": "maybe",
                "SUPPORTBOT_AGENTS": "sam",
                "SUPPORTBOT_FINGERPRINT_SECRET": "short",
            }
        )
    names = [problem.split(":")[0] for problem in raised.value.problems]
    assert names == [
        "SLACK_BOT_TOKEN",
        "DATABASE_URL",
        "SUPPORTBOT_AGENT_CHANNEL",
        "SUPPORTBOT_AGENTS",
        "SUPPORTBOT_FINGERPRINT_SECRET",
        "SUPPORTBOT_PROBE",
    ]


def test_secret_values_are_never_echoed_in_errors_or_repr() -> None:
    token = "xapp-this-is-a-secret-value"
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": "has space"})
    assert token not in str(raised.value)
    assert "has space" not in str(raised.value)
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-visible?", "SUPPORTBOT_FINGERPRINT_SECRET": "f" * 20})
    assert "xoxb-visible?" not in repr(settings)
    assert "f" * 20 not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("SUPPORTBOT_KNOWLEDGE_DIR", "/does/not/exist", "is not a folder"),
        ("SUPPORTBOT_RULES_FILE", "/does/not/exist.toml", "is not a readable file"),
        ("SUPPORTBOT_API_BASE_URL", "api.example.com/v1", "is not a full"),
        ("DATABASE_URL", "postgres://u@h/db", "postgresql+psycopg://"),
        ("SUPPORTBOT_LEAK_RECHECK_SECONDS", "5", "out of range"),
        ("SUPPORTBOT_LEAK_RECHECK_SECONDS", "soon", "not a whole number"),
        ("SUPPORTBOT_DEFAULT_LANGUAGE", "fr", "not a supported language"),
        ("SUPPORTBOT_SUPPORT_CHANNELS", "C0SUPPORT,support", "support"),
        ("SUPPORTBOT_DIGEST_DAY", "mo", "not a weekday"),
        ("SUPPORTBOT_DIGEST_DAY", "friyay", "not a weekday"),
        ("SUPPORTBOT_DIGEST_HOUR", "24", "out of range"),
        ("SUPPORTBOT_DIGEST_HOUR", "9am", "not a whole number"),
        ("SUPPORTBOT_LOG_FORMAT", "xml", "not a log format"),
        ("SUPPORTBOT_DB_STATEMENT_TIMEOUT", "0", "out of range"),
        ("SUPPORTBOT_DB_POOL_TIMEOUT", "soon", "not a whole number"),
    ],
)
def test_malformed_values_are_explained(name: str, value: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({name: value})
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(f"{name}: ")
    assert fragment in raised.value.problems[0]


@pytest.mark.parametrize(("value", "day"), [("mon", 0), ("Friday", 4), ("sun", 6), ("WED", 2), ("thurs", 3)])
def test_digest_day_takes_weekday_names(value: str, day: int) -> None:
    settings = Settings.from_env({"SUPPORTBOT_DIGEST_DAY": value, "SUPPORTBOT_DIGEST_HOUR": "0"})
    assert (settings.digest_day, settings.digest_hour) == (day, 0)


def test_fingerprint_secret_can_come_from_a_file(tmp_path: Path) -> None:
    """Issue 13, finding 7: the secret can live outside the database, e.g. a mounted secret file."""
    secret_file = tmp_path / "fingerprint"
    secret_file.write_text("f" * 16 + "0123456789abcdef\n", encoding="utf-8")
    settings = Settings.from_env({"SUPPORTBOT_FINGERPRINT_SECRET_FILE": str(secret_file)})
    assert settings.fingerprint_secret == "f" * 16 + "0123456789abcdef"
    with pytest.raises(ConfigError) as both:
        Settings.from_env(
            {"SUPPORTBOT_FINGERPRINT_SECRET_FILE": str(secret_file), "SUPPORTBOT_FINGERPRINT_SECRET": "x" * 32}
        )
    assert "not both" in str(both.value)
    with pytest.raises(ConfigError) as missing:
        Settings.from_env({"SUPPORTBOT_FINGERPRINT_SECRET_FILE": str(tmp_path / "absent")})
    assert "SUPPORTBOT_FINGERPRINT_SECRET_FILE: cannot read" in str(missing.value)
    secret_file.write_text("short", encoding="utf-8")
    with pytest.raises(ConfigError) as short:
        Settings.from_env({"SUPPORTBOT_FINGERPRINT_SECRET_FILE": str(secret_file)})
    assert "SUPPORTBOT_FINGERPRINT_SECRET_FILE: must be at least 16" in str(short.value)
    assert "short" not in str(short.value)
