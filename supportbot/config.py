"""Settings, read once from the environment and passed down.

This is the only module that reads environment variables. Every other module receives a
:class:`Settings` (or plain values taken from it). Errors name the variable and what is wrong
with it, and never echo a secret's value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import regex

from supportbot.infra.errors import SupportbotError
from supportbot.revoke.urls import webhook_url_problem
from supportbot.text.lang import Language

DEFAULT_DATABASE_URL = "sqlite:///supportbot.db"
# prometheus_client reads its multiprocess folder from this variable, in every process.
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

_CHANNEL_ID = regex.compile(r"^[CGD][A-Z0-9]{2,}$")
_USER_ID = regex.compile(r"^[UW][A-Z0-9]{2,}$")
_SUBTEAM_ID = regex.compile(r"^S[A-Z0-9]{2,}$")
_HANDLE = regex.compile(r"^@[a-z0-9][a-z0-9._-]{0,79}$", regex.IGNORECASE)
_TRUE = {"1", "true", "yes", "on"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(SupportbotError, ValueError):
    """One or more settings are missing or malformed; ``problems`` lists each, naming the variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Settings:
    """Everything supportbot is configured with. Build it with :meth:`from_env`."""

    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_admin_user_token: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    api_base_urls: tuple[str, ...] = ()
    agent_channel: str | None = None
    leads_channel: str | None = None
    agents: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    support_channels: tuple[str, ...] | None = None
    knowledge_dir: Path | None = None
    rules_file: Path | None = None
    fingerprint_secret: str | None = field(default=None, repr=False)
    probe_enabled: bool = False
    default_language: Language = "en"
    log_level: str = "INFO"
    leak_recheck_seconds: int = 300
    outbox_threads: int = 4
    # Delivery: how often Slack is asked whether our tokens still work; how long a database turn may
    # be waited for; how long handled events and finished outbox actions are kept.
    auth_check_seconds: int = 30
    outbox_lease_seconds: int = 60
    db_wait_seconds: int = 10
    event_retention_days: int = 3
    outbox_retention_days: int = 14
    # PostgreSQL: give up rather than hang, so Slack's redelivery can try again (seconds).
    db_connect_timeout: int = 5
    db_statement_timeout: int = 15
    db_pool_timeout: int = 2
    log_format: Literal["text", "json"] = "text"
    # Where the processes of `run --processes N` count their metrics (prometheus_client's multiprocess mode).
    metrics_dir: str | None = None
    # The leads' weekly digest: weekday (0 = Monday) and hour (UTC) it is due.
    digest_day: int = 0
    digest_hour: int = 9
    # Disabling leaked keys at their source (README: "Disabling leaked keys at their source").
    revoke_mode: Literal["off", "ask", "auto"] = "off"
    revoke_webhook_url: str | None = field(default=None, repr=False)  # may carry a token in its query
    revoke_webhook_secret: str | None = field(default=None, repr=False)
    revoke_oneapi_database_url: str | None = field(default=None, repr=False)
    revoke_oneapi_redis_url: str | None = field(default=None, repr=False)
    revoke_oneapi_cache_secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate settings; raise :class:`ConfigError` listing every problem at once."""
        env = os.environ if environ is None else environ
        problems: list[str] = []
        reader = _Reader(env, problems)
        settings = cls(
            slack_bot_token=reader.token("SLACK_BOT_TOKEN", "xoxb-"),
            slack_signing_secret=reader.secret("SLACK_SIGNING_SECRET"),
            slack_app_token=reader.token("SLACK_APP_TOKEN", "xapp-"),
            slack_admin_user_token=reader.token("SLACK_ADMIN_USER_TOKEN", "xoxp-"),
            slack_api_url=reader.url("SUPPORTBOT_SLACK_API_URL", allow_http=True, trailing_slash=True),
            database_url=reader.database_url("DATABASE_URL"),
            api_base_urls=reader.url_list("SUPPORTBOT_API_BASE_URL"),
            agent_channel=reader.channel("SUPPORTBOT_AGENT_CHANNEL"),
            leads_channel=reader.channel("SUPPORTBOT_LEADS_CHANNEL"),
            agents=reader.principals("SUPPORTBOT_AGENTS"),
            leads=reader.principals("SUPPORTBOT_LEADS"),
            support_channels=reader.channel_list("SUPPORTBOT_SUPPORT_CHANNELS"),
            knowledge_dir=reader.path("SUPPORTBOT_KNOWLEDGE_DIR", want_dir=True),
            rules_file=reader.path("SUPPORTBOT_RULES_FILE", want_dir=False),
            fingerprint_secret=reader.fingerprint_secret(
                "SUPPORTBOT_FINGERPRINT_SECRET", file_variable="SUPPORTBOT_FINGERPRINT_SECRET_FILE"
            ),
            probe_enabled=reader.flag("SUPPORTBOT_PROBE"),
            default_language=reader.language("SUPPORTBOT_DEFAULT_LANGUAGE"),
            log_level=reader.log_level("SUPPORTBOT_LOG_LEVEL"),
            leak_recheck_seconds=reader.integer("SUPPORTBOT_LEAK_RECHECK_SECONDS", 300, low=10, high=86_400),
            outbox_threads=reader.integer("SUPPORTBOT_OUTBOX_THREADS", 4, low=1, high=64),
            auth_check_seconds=reader.integer("SUPPORTBOT_AUTH_CHECK_SECONDS", 30, low=5, high=60),
            outbox_lease_seconds=reader.integer("SUPPORTBOT_OUTBOX_LEASE_SECONDS", 60, low=3, high=3600),
            db_wait_seconds=reader.integer("SUPPORTBOT_DB_WAIT_SECONDS", 10, low=1, high=120),
            event_retention_days=reader.integer("SUPPORTBOT_EVENT_RETENTION_DAYS", 3, low=1, high=365),
            outbox_retention_days=reader.integer("SUPPORTBOT_OUTBOX_RETENTION_DAYS", 14, low=1, high=3650),
            db_connect_timeout=reader.integer("SUPPORTBOT_DB_CONNECT_TIMEOUT", 5, low=2, high=300),
            db_statement_timeout=reader.integer("SUPPORTBOT_DB_STATEMENT_TIMEOUT", 15, low=1, high=3600),
            db_pool_timeout=reader.integer("SUPPORTBOT_DB_POOL_TIMEOUT", 2, low=1, high=300),
            log_format=reader.log_format("SUPPORTBOT_LOG_FORMAT"),
            metrics_dir=reader.secret(METRICS_DIR_ENV),
            digest_day=reader.weekday("SUPPORTBOT_DIGEST_DAY", default=0),
            digest_hour=reader.integer("SUPPORTBOT_DIGEST_HOUR", 9, low=0, high=23),
            revoke_mode=reader.revoke_mode("SUPPORTBOT_REVOKE"),
            revoke_webhook_url=reader.webhook_url("SUPPORTBOT_REVOKE_WEBHOOK_URL"),
            revoke_webhook_secret=reader.secret("SUPPORTBOT_REVOKE_WEBHOOK_SECRET"),
            revoke_oneapi_database_url=reader.gateway_database_url("SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL"),
            revoke_oneapi_redis_url=reader.redis_url("SUPPORTBOT_REVOKE_ONEAPI_REDIS_URL"),
            revoke_oneapi_cache_secret=reader.secret("SUPPORTBOT_REVOKE_ONEAPI_CACHE_SECRET"),
        )
        _check_revocation(settings, problems)
        if problems:
            raise ConfigError(problems)
        return settings

    @property
    def revokers_configured(self) -> bool:
        return bool(self.revoke_webhook_url or self.revoke_oneapi_database_url)

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some fields replaced (tests and the console use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def missing_for_http(self) -> list[str]:
        """Variables that `supportbot run --http` cannot do without."""
        return [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
            )
            if not value
        ]

    def missing_for_socket_mode(self) -> list[str]:
        """Variables that Socket Mode cannot do without."""
        return [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_APP_TOKEN", self.slack_app_token),
            )
            if not value
        ]


def _check_revocation(settings: Settings, problems: list[str]) -> None:
    """Settings that are each fine alone but not together."""
    if settings.revoke_mode != "off" and not settings.revokers_configured:
        problems.append(
            "SUPPORTBOT_REVOKE: set SUPPORTBOT_REVOKE_WEBHOOK_URL or SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL "
            "(or leave SUPPORTBOT_REVOKE=off)"
        )
    if settings.revoke_webhook_url and not settings.revoke_webhook_secret:
        problems.append("SUPPORTBOT_REVOKE_WEBHOOK_SECRET: required with SUPPORTBOT_REVOKE_WEBHOOK_URL")
    if settings.revoke_webhook_secret and len(settings.revoke_webhook_secret) < 16:
        problems.append("SUPPORTBOT_REVOKE_WEBHOOK_SECRET: must be at least 16 characters")
    if settings.revoke_oneapi_redis_url and not settings.revoke_oneapi_database_url:
        problems.append(
            "SUPPORTBOT_REVOKE_ONEAPI_REDIS_URL: needs SUPPORTBOT_REVOKE_ONEAPI_DATABASE_URL (the key is read there)"
        )


def export_metrics_dir(folder: str) -> None:
    """Hand the metrics folder to prometheus_client, which reads it from the environment (in the
    processes forked after this, too)."""
    os.environ[METRICS_DIR_ENV] = folder


class _Reader:
    """Parses one variable at a time, recording problems instead of raising at the first."""

    def __init__(self, env: Mapping[str, str], problems: list[str]) -> None:
        self._env = env
        self._problems = problems

    def _raw(self, name: str) -> str | None:
        value = self._env.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def _bad(self, name: str, why: str) -> None:
        self._problems.append(f"{name}: {why}")

    def secret(self, name: str) -> str | None:
        value = self._raw(name)
        if value is not None and any(ch.isspace() for ch in value):
            self._bad(name, "contains whitespace; paste the value exactly as Slack shows it")
            return None
        return value

    def token(self, name: str, prefix: str) -> str | None:
        value = self.secret(name)
        if value is not None and not value.startswith(prefix):
            # The value itself is never echoed: it is a credential.
            self._bad(name, f"should start with '{prefix}' (is another kind of Slack token set here?)")
            return None
        return value

    def fingerprint_secret(self, name: str, *, file_variable: str) -> str | None:
        """The secret from ``name``, or from the file ``file_variable`` names (a mounted secret).

        Kept outside the database on purpose: a database dump alone must not let anyone test guesses
        against the stored fingerprints.
        """
        value = self.secret(name)
        path = self._raw(file_variable)
        if path is not None:
            if value is not None:
                self._bad(file_variable, f"set either {name} or {file_variable}, not both")
                return None
            try:
                value = Path(path).expanduser().read_text(encoding="utf-8").strip() or None
            except (OSError, UnicodeDecodeError) as error:
                self._bad(file_variable, f"cannot read {path} ({type(error).__name__})")
                return None
            if value is None or any(ch.isspace() for ch in value):
                self._bad(file_variable, f"{path} must hold the secret alone, on one line")
                return None
            name = file_variable
        if value is not None and len(value) < 16:
            self._bad(
                name,
                "must be at least 16 characters; generate one with: python -c 'import secrets; "
                "print(secrets.token_hex(32))'",
            )
            return None
        return value

    def url(self, name: str, *, allow_http: bool, trailing_slash: bool = False) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        return self._check_url(name, value, allow_http=allow_http, trailing_slash=trailing_slash)

    def _check_url(self, name: str, value: str, *, allow_http: bool, trailing_slash: bool) -> str | None:
        parts = urlsplit(value)
        schemes = {"https", "http"} if allow_http else {"https"}
        if parts.scheme not in schemes or not parts.netloc:
            self._bad(name, f"'{value}' is not a full {' or '.join(sorted(schemes))} URL")
            return None
        if trailing_slash and not value.endswith("/"):
            value += "/"
        return value

    def url_list(self, name: str) -> tuple[str, ...]:
        value = self._raw(name)
        if value is None:
            return ()
        urls: list[str] = []
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            checked = self._check_url(name, item.rstrip("/"), allow_http=True, trailing_slash=False)
            if checked is not None:
                urls.append(checked)
        return tuple(urls)

    def database_url(self, name: str) -> str:
        value = self._raw(name)
        if value is None:
            return DEFAULT_DATABASE_URL
        if value.startswith("postgres://"):
            self._bad(name, "use the scheme 'postgresql+psycopg://' (SQLAlchemy does not accept 'postgres://')")
            return DEFAULT_DATABASE_URL
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not (value.startswith("sqlite:///") or value.startswith("postgresql+psycopg://")):
            self._bad(name, "must be 'sqlite:///path/to/file.db' or 'postgresql+psycopg://user@host/db'")
            return DEFAULT_DATABASE_URL
        return value

    def channel(self, name: str) -> str | None:
        value = self._raw(name)
        if value is not None and not _CHANNEL_ID.match(value):
            self._bad(
                name, f"'{value}' is not a Slack channel id (like C0123ABCD); names such as #support change, ids do not"
            )
            return None
        return value

    def channel_list(self, name: str) -> tuple[str, ...] | None:
        value = self._raw(name)
        if value is None:
            return None
        channels = tuple(part.strip() for part in value.split(",") if part.strip())
        bad = [item for item in channels if not _CHANNEL_ID.match(item)]
        if bad:
            self._bad(name, f"not Slack channel ids: {', '.join(bad)}")
            return None
        return channels

    def principals(self, name: str) -> tuple[str, ...]:
        value = self._raw(name)
        if value is None:
            return ()
        items = tuple(part.strip() for part in value.split(",") if part.strip())
        bad = [item for item in items if not (_USER_ID.match(item) or _SUBTEAM_ID.match(item) or _HANDLE.match(item))]
        if bad:
            self._bad(name, f"expected user ids (U…), user-group ids (S…) or handles (@team); got: {', '.join(bad)}")
            return ()
        return items

    def path(self, name: str, *, want_dir: bool) -> Path | None:
        value = self._raw(name)
        if value is None:
            return None
        path = Path(value).expanduser()
        if want_dir and not path.is_dir():
            self._bad(name, f"'{value}' is not a folder")
            return None
        if not want_dir and not path.is_file():
            self._bad(name, f"'{value}' is not a readable file")
            return None
        return path

    def flag(self, name: str) -> bool:
        value = (self._raw(name) or "").lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self._bad(name, f"'{value}' is not a yes/no value (use 1 or 0)")
        return False

    def language(self, name: str) -> Language:
        value = (self._raw(name) or "en").lower()
        if value.startswith("zh"):
            return "zh"
        if value.startswith("en"):
            return "en"
        self._bad(name, f"'{value}' is not a supported language (en or zh)")
        return "en"

    def log_level(self, name: str) -> str:
        value = (self._raw(name) or "INFO").upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            self._bad(name, f"'{value}' is not one of DEBUG, INFO, WARNING, ERROR")
            return "INFO"
        return value

    def log_format(self, name: str) -> Literal["text", "json"]:
        value = (self._raw(name) or "text").lower()
        if value == "json":
            return "json"
        if value != "text":
            self._bad(name, f"'{value}' is not a log format (text or json)")
        return "text"

    def weekday(self, name: str, *, default: int) -> int:
        value = (self._raw(name) or WEEKDAYS[default]).lower()
        for index, day in enumerate(_DAY_NAMES):
            # "mon", "monday" and anything between are as clear as each other.
            if len(value) >= 3 and day.startswith(value):
                return index
        self._bad(name, f"'{value}' is not a weekday; use one of {', '.join(WEEKDAYS)}")
        return default

    def revoke_mode(self, name: str) -> Literal["off", "ask", "auto"]:
        value = (self._raw(name) or "off").lower()
        if value in {"off", "ask", "auto"}:
            return value  # type: ignore[return-value]
        self._bad(name, f"'{value}' is not one of off, ask, auto")
        return "off"

    def webhook_url(self, name: str) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        problem = webhook_url_problem(value)
        if problem is not None:
            self._bad(name, problem)
            return None
        return value

    def gateway_database_url(self, name: str) -> str | None:
        value = self._raw(name)
        if value is None:
            return None
        scheme = value.split("://", 1)[0].split("+", 1)[0] if "://" in value else ""
        if scheme not in {"mysql", "mariadb", "postgresql", "postgres", "sqlite"}:
            # The value may hold a password: name the expected forms, never echo it.
            self._bad(name, "must be mysql://user:password@host/db, postgresql://user@host/db or sqlite:///path")
            return None
        return value

    def redis_url(self, name: str) -> str | None:
        value = self._raw(name)
        if value is not None and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            self._bad(name, "must be a redis://host:6379/0 (or rediss://) URL")
            return None
        return value

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self._bad(name, f"'{value}' is not a whole number")
            return default
        if not low <= number <= high:
            self._bad(name, f"{number} is out of range ({low} to {high})")
            return default
        return number
