"""``supportbot check``: everything a configuration needs, tried before going live.

Each check is one :class:`Check` naming the variable at fault and the fix. Settings are validated
first; Slack is then asked about each token (``auth.test``, whose ``x-oauth-scopes`` header lists
the scopes granted), the channels the bot must be in, and the agents and leads; the knowledge
folder, the rules file and the database are loaded as ``run`` would. Nothing is written: a SQLite
file that does not exist yet is not created.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from supportbot.config import ConfigError, Settings
from supportbot.keys import Scanner
from supportbot.knowledge.base import KnowledgeBase
from supportbot.slack.errors import SlackError
from supportbot.slack.manifest import BOT_SCOPES, USER_SCOPES
from supportbot.slack.port import SlackPort
from supportbot.store import migrate
from supportbot.store.db import PoolSettings, Store, StoreError

_REJECTED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
_CHECK_SECRET = "preflight-check-only-0123456789"  # noqa: S105 - scanner needs one; nothing is fingerprinted


@dataclass(frozen=True)
class Check:
    """One line of the report. ``status``: ``ok``, ``fail``, or ``skip`` (could not be tried)."""

    name: str
    status: str
    detail: str
    variable: str | None = None
    fix: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "fail"


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return not any(check.failed for check in self.checks)

    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "fail": 0, "skip": 0}
        for check in self.checks:
            counts[check.status] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "counts": self.counts(), "checks": [asdict(check) for check in self.checks]}


def run_checks(environ: Mapping[str, str] | None = None) -> Report:
    """Every check for the configuration in ``environ`` (None: the process environment)."""
    try:
        settings = Settings.from_env(environ)
    except ConfigError as error:
        checks = [_setting_problem(problem) for problem in error.problems]
        checks.append(Check("other checks", "skip", "they need the settings above fixed first"))
        return Report(tuple(checks))
    return Report((Check("settings", "ok", "every variable is well-formed"), *_checks(settings)))


def _setting_problem(problem: str) -> Check:
    variable, _, why = problem.partition(": ")
    return Check("settings", "fail", why or problem, variable=variable, fix=f"correct {variable} (see the README)")


def _checks(settings: Settings) -> Iterator[Check]:
    yield from _slack_checks(settings)
    yield _knowledge_check(settings)
    yield _rules_check(settings)
    yield _database_check(settings)


def _slack_checks(settings: Settings) -> Iterator[Check]:
    if not settings.slack_bot_token:
        yield Check(
            "bot token",
            "fail",
            "not set",
            variable="SLACK_BOT_TOKEN",
            fix="copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
        )
        return
    if not settings.slack_signing_secret and not settings.slack_app_token:
        yield Check(
            "request verification",
            "fail",
            "neither is set: HTTP mode needs the signing secret, Socket Mode the app-level token",
            variable="SLACK_SIGNING_SECRET",
            fix="copy the Signing Secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)",
        )
    port = SlackPort(
        bot_token=settings.slack_bot_token,
        admin_token=settings.slack_admin_user_token,
        base_url=settings.slack_api_url,
        timeout=10.0,
    )
    try:
        bot_name = yield from _bot_token_checks(port)
        yield from _admin_token_checks(port, settings, bot_ok=bot_name is not None)
        yield from _app_token_check(settings)
        if bot_name is not None:
            yield from _channel_checks(port, settings, bot_name)
            yield from _principal_checks(port, settings)
        else:
            yield Check("channels and people", "skip", "they need a working SLACK_BOT_TOKEN")
    finally:
        port.close()


def _rejected(variable: str, error: SlackError, fix: str) -> Check:
    if error.code in _REJECTED:
        return Check("auth.test", "fail", f"Slack rejected the token ({error.code})", variable=variable, fix=fix)
    return Check("auth.test", "fail", f"could not ask Slack ({error})", variable=variable, fix=_REACH_FIX)


_REACH_FIX = "check the network path to Slack (and SUPPORTBOT_SLACK_API_URL if set)"


def _scopes_check(name: str, variable: str, granted: frozenset[str] | None, needed: tuple[str, ...]) -> Check:
    if granted is None:
        return Check(name, "skip", "Slack did not list the granted scopes", variable=variable)
    missing = [scope for scope in needed if scope not in granted]
    if not missing:
        return Check(name, "ok", f"all {len(needed)} scopes granted", variable=variable)
    return Check(
        name,
        "fail",
        f"missing {', '.join(missing)}",
        variable=variable,
        fix="add them under OAuth & Permissions (or print the manifest: supportbot manifest), then reinstall the app",
    )


def _bot_token_checks(port: SlackPort) -> Generator[Check, None, str | None]:
    """The bot's checks; returns its user name when the token works."""
    try:
        identity, granted = port.granted("auth.test")
    except SlackError as error:
        yield _rejected("SLACK_BOT_TOKEN", error, "copy the Bot User OAuth Token (xoxb-…) again and restart")
        return None
    if not identity.get("bot_id"):
        yield Check(
            "auth.test",
            "fail",
            "this token belongs to a person, not to the app's bot user",
            variable="SLACK_BOT_TOKEN",
            fix="use the Bot User OAuth Token (xoxb-…)",
        )
        return None
    team = identity.get("team") or identity.get("team_id")
    yield Check(
        "auth.test", "ok", f"bot @{identity.get('user')} ({identity.get('user_id')}) in {team}", "SLACK_BOT_TOKEN"
    )
    yield _scopes_check("bot scopes", "SLACK_BOT_TOKEN", granted, BOT_SCOPES)
    return str(identity.get("user") or "supportbot")


def _admin_token_checks(port: SlackPort, settings: Settings, *, bot_ok: bool) -> Iterator[Check]:
    variable = "SLACK_ADMIN_USER_TOKEN"
    if not settings.slack_admin_user_token:
        yield Check("admin token", "ok", "not set: leaked keys are not deleted; authors and agents are warned instead")
        return
    fix = "copy the User OAuth Token (xoxp-…) of a workspace admin or owner who installed the app"
    try:
        identity, granted = port.granted("auth.test", token="admin")  # noqa: S106 - which token, not one
    except SlackError as error:
        yield _rejected(variable, error, fix)
        return
    user_id = str(identity.get("user_id") or "")
    if identity.get("bot_id"):
        yield Check("admin token", "fail", "this is a bot token", variable=variable, fix=fix)
        return
    if bot_ok:
        try:
            user = port.call("users.info", user=user_id).get("user") or {}
        except SlackError as error:
            user = {}
            yield Check("admin token", "skip", f"could not look up its user ({error.code})", variable=variable)
        if user and not (user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")):
            yield Check(
                "admin token",
                "fail",
                f"{user_id} is not a workspace admin or owner: Slack will refuse to delete members' messages",
                variable=variable,
                fix=fix,
            )
            return
    yield Check("admin token", "ok", f"acts as {identity.get('user')} ({user_id})", variable=variable)
    yield _scopes_check("admin scopes", variable, granted, USER_SCOPES)


def _app_token_check(settings: Settings) -> Iterator[Check]:
    if not settings.slack_app_token:
        return
    variable = "SLACK_APP_TOKEN"
    app_port = SlackPort(bot_token=settings.slack_app_token, base_url=settings.slack_api_url, timeout=10.0)
    try:
        # Only an app-level token with connections:write may open a Socket Mode connection.
        app_port.call("apps.connections.open")
    except SlackError as error:
        yield Check(
            "app token",
            "fail",
            f"Slack refused to open a Socket Mode connection ({error.code})",
            variable=variable,
            fix="create an App-Level Token with connections:write under Basic Information",
        )
        return
    finally:
        app_port.close()
    yield Check("app token", "ok", "Socket Mode connections can be opened", variable=variable)


def _channel_checks(port: SlackPort, settings: Settings, bot_name: str) -> Iterator[Check]:
    wanted: list[tuple[str, str]] = []
    if settings.agent_channel:
        wanted.append(("SUPPORTBOT_AGENT_CHANNEL", settings.agent_channel))
    else:
        yield Check(
            "agents' channel",
            "ok",
            "not set: ticket cards and leak alerts have nowhere to go",
            variable="SUPPORTBOT_AGENT_CHANNEL",
        )
    if settings.leads_channel:
        wanted.append(("SUPPORTBOT_LEADS_CHANNEL", settings.leads_channel))
    wanted.extend(("SUPPORTBOT_SUPPORT_CHANNELS", channel) for channel in settings.support_channels or ())
    for variable, channel in wanted:
        yield _membership(port, variable, channel, bot_name)


def _membership(port: SlackPort, variable: str, channel: str, bot_name: str) -> Check:
    fix = f"invite the bot: /invite @{bot_name} in {channel} (or correct {variable})"
    try:
        info = port.call("conversations.info", channel=channel).get("channel") or {}
    except SlackError as error:
        if error.code == "channel_not_found":
            # A private channel the bot is not in looks exactly like one that does not exist.
            return Check("channel", "fail", f"{channel} not found, or private and the bot is not in it", variable, fix)
        return Check("channel", "fail", f"could not look up {channel} ({error.code})", variable, _REACH_FIX)
    name = f"#{info.get('name')}" if info.get("name") else channel
    if not info.get("is_member"):
        return Check("channel", "fail", f"the bot is not in {name} ({channel})", variable, fix)
    return Check("channel", "ok", f"the bot is in {name} ({channel})", variable)


def _principal_checks(port: SlackPort, settings: Settings) -> Iterator[Check]:
    groups: dict[str, str] | None = None
    for variable, principals in (("SUPPORTBOT_AGENTS", settings.agents), ("SUPPORTBOT_LEADS", settings.leads)):
        if not principals:
            yield Check("people", "ok", "not set: workspace admins and owners have this role", variable)
            continue
        unresolved: list[str] = []
        for principal in principals:
            if principal.startswith(("U", "W")):
                try:
                    port.call("users.info", user=principal)
                except SlackError:
                    unresolved.append(principal)
                continue
            if groups is None:
                groups = _user_groups(port)
            key = principal[1:].lower() if principal.startswith("@") else principal
            if key not in groups and principal not in groups.values():
                unresolved.append(principal)
        if unresolved:
            yield Check(
                "people",
                "fail",
                f"not found in this workspace: {', '.join(unresolved)}",
                variable,
                "use member ids (U…), user-group ids (S…) or user-group handles (@team) that exist",
            )
        else:
            yield Check("people", "ok", f"{len(principals)} resolved", variable)


def _user_groups(port: SlackPort) -> dict[str, str]:
    try:
        data = port.call("usergroups.list")
    except SlackError:
        return {}
    return {str(item.get("handle", "")).lower(): str(item.get("id")) for item in data.get("usergroups") or []}


def _knowledge_check(settings: Settings) -> Check:
    variable = "SUPPORTBOT_KNOWLEDGE_DIR"
    try:
        knowledge = KnowledgeBase.from_settings(settings)
    except (ValueError, OSError) as error:
        return Check("knowledge", "fail", str(error), variable, "fix the file named above; the bot would not start")
    where = str(settings.knowledge_dir) if settings.knowledge_dir else "the shipped entries"
    return Check("knowledge", "ok", f"{len(knowledge.ids())} FAQ entries from {where}", variable)


def _rules_check(settings: Settings) -> Check:
    variable = "SUPPORTBOT_RULES_FILE"
    try:
        scanner = Scanner.from_settings(settings, fingerprint_secret=_CHECK_SECRET)
    except (ValueError, OSError) as error:
        return Check("key rules", "fail", str(error), variable, "fix the rule named above; the bot would not start")
    return Check("key rules", "ok", f"{len(scanner.rules)} key formats", variable)


def _database_check(settings: Settings) -> Check:
    variable = "DATABASE_URL"
    if settings.is_sqlite:
        path = Path(settings.database_url.removeprefix("sqlite:///")).expanduser()
        if not path.exists():
            if not path.resolve().parent.is_dir():
                return Check("database", "fail", f"the folder for {path} does not exist", variable, "create it")
            return Check("database", "ok", f"{path} will be created on the first run", variable)
    try:
        store = Store(
            settings.database_url,
            PoolSettings(size=1, overflow=0, pool_timeout=5, connect_timeout=settings.db_connect_timeout),
        )
    except StoreError as error:
        return Check("database", "fail", str(error), variable, "correct DATABASE_URL")
    try:
        if not store.ping():
            return Check(
                "database",
                "fail",
                f"cannot connect to {store.display_url}",
                variable,
                "check the server, user and password",
            )
        if migrate.is_current(store):
            return Check("database", "ok", f"{store.display_url} is reachable and at the current schema", variable)
        if store.is_sqlite:
            return Check("database", "ok", f"{store.display_url} will be migrated on the next run", variable)
        return Check(
            "database",
            "fail",
            f"{store.display_url} is not at the current schema",
            variable,
            "run: supportbot db upgrade",
        )
    finally:
        store.close()
