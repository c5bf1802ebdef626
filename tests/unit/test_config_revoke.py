"""Settings for disabling leaked keys at their source."""

from __future__ import annotations

import pytest

from supportbot.config import ConfigError, Settings

SECRET = "a-webhook-secret-of-enough-length"


def test_off_by_default_and_nothing_to_configure() -> None:
    settings = Settings.from_env({})
    assert (settings.revoke_mode, settings.revokers_configured) == ("off", False)


def test_both_revokers_parsed_and_their_secrets_never_shown() -> None:
    settings = Settings.from_env(
        {
            "SUPPORTBOT_REVOKE": "ASK",
            "SUPPORTBOT_REVOKE_WEBHOOK_URL": "https://gateway.example/hooks/revoke",
            "SUPPORTBOT_REVOKE_WEBHOOK_SECRET": SECRET,
            "SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL": "mysql://oneapi:hunter2hunter2@db:3306/oneapi",
            "SUPPORTBOT_REVOKE_ONEAPI_REDIS_URL": "redis://cache:6379/0",
            "SUPPORTBOT_REVOKE_ONEAPI_CACHE_SECRET": "new-api-crypto-secret",
        }
    )
    assert settings.revoke_mode == "ask" and settings.revokers_configured
    shown = repr(settings)
    for secret in (SECRET, "hunter2hunter2", "new-api-crypto-secret", "redis://cache"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SUPPORTBOT_REVOKE": "sometimes"}, "SUPPORTBOT_REVOKE: 'sometimes' is not one of off, ask, auto"),
        ({"SUPPORTBOT_REVOKE": "auto"}, "set SUPPORTBOT_REVOKE_WEBHOOK_URL or SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL"),
        (
            {
                "SUPPORTBOT_REVOKE_WEBHOOK_URL": "http://gateway.example/revoke",
                "SUPPORTBOT_REVOKE_WEBHOOK_SECRET": SECRET,
            },
            "SUPPORTBOT_REVOKE_WEBHOOK_URL: must use https",
        ),
        (
            {"SUPPORTBOT_REVOKE_WEBHOOK_URL": "https://gateway.example/revoke"},
            "SUPPORTBOT_REVOKE_WEBHOOK_SECRET: required",
        ),
        (
            {"SUPPORTBOT_REVOKE_WEBHOOK_URL": "https://g.example/r", "SUPPORTBOT_REVOKE_WEBHOOK_SECRET": "short"},
            "at least 16 characters",
        ),
        ({"SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL": "root:pw@tcp(db:3306)/oneapi"}, "must be mysql://"),
        ({"SUPPORTBOT_REVOKE_ONEAPI_REDIS_URL": "redis://cache:6379/0"}, "needs SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL"),
    ],
)
def test_problems_name_the_variable(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    assert fragment in str(raised.value)
    assert "pw@tcp" not in str(raised.value), "a connection string is never echoed"


def test_loopback_http_is_allowed_for_a_sidecar() -> None:
    settings = Settings.from_env(
        {"SUPPORTBOT_REVOKE_WEBHOOK_URL": "http://127.0.0.1:8787/revoke", "SUPPORTBOT_REVOKE_WEBHOOK_SECRET": SECRET}
    )
    assert settings.revoke_webhook_url == "http://127.0.0.1:8787/revoke"
