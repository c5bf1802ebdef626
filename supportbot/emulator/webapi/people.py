"""auth.test, api.test, users.*, usergroups.*, team.info and bots.info."""

from __future__ import annotations

from supportbot.emulator.model import JSONDict
from supportbot.emulator.serialize import user_json, usergroup_json
from supportbot.emulator.webapi.base import ApiContext, ApiError, method, page


@method("api.test", auth=False)
def api_test(ctx: ApiContext) -> JSONDict:
    error = ctx.params.text("error")
    if error:
        raise ApiError(error, extra={"args": dict(ctx.params.data)})
    return {"args": dict(ctx.params.data)}


@method("auth.test")
def auth_test(ctx: ApiContext) -> JSONDict:
    user = ctx.user
    team = ctx.ws.teams[user.team_id]
    body: JSONDict = {
        "url": f"https://{team.domain}.slack.com/",
        "team": team.name,
        "user": user.name,
        "team_id": team.id,
        "user_id": user.id,
        "is_enterprise_install": False,
    }
    if ctx.is_bot:
        body["bot_id"] = user.bot_id
    return body


@method("users.info")
def users_info(ctx: ApiContext) -> JSONDict:
    user = ctx.ws.users.get(ctx.params.required("user"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_json(ctx.ws, user, include_locale=ctx.params.flag("include_locale"))}


@method("users.list")
def users_list(ctx: ApiContext) -> JSONDict:
    ws = ctx.ws
    members = [u for u in ws.users.values() if u.team_id == ws.home.id]
    chunk, next_cursor = page(members, ctx.params, default_limit=200)
    include_locale = ctx.params.flag("include_locale")
    return {
        "members": [user_json(ws, u, include_locale=include_locale) for u in chunk],
        "cache_ts": int(ws.clock()),
        "response_metadata": {"next_cursor": next_cursor},
    }


@method("usergroups.list")
def usergroups_list(ctx: ApiContext) -> JSONDict:
    include_users = ctx.params.flag("include_users")
    groups = [usergroup_json(g, include_users=include_users) for g in ctx.ws.usergroups.values()]
    return {"usergroups": groups}


@method("usergroups.users.list")
def usergroups_users_list(ctx: ApiContext) -> JSONDict:
    group = ctx.ws.usergroups.get(ctx.params.required("usergroup"))
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group.users)}


@method("team.info")
def team_info(ctx: ApiContext) -> JSONDict:
    team_id = ctx.params.text("team") or ctx.user.team_id
    team = ctx.ws.teams.get(team_id)
    if team is None:
        raise ApiError("team_not_found")
    return {
        "team": {
            "id": team.id,
            "name": team.name,
            "domain": team.domain,
            "email_domain": "",
            "icon": {"image_default": True},
        }
    }


@method("bots.info")
def bots_info(ctx: ApiContext) -> JSONDict:
    bot = ctx.ws.bot
    if ctx.params.text("bot", bot.bot_id) != bot.bot_id:
        raise ApiError("bot_not_found")
    return {
        "bot": {
            "id": bot.bot_id,
            "deleted": False,
            "name": bot.name,
            "updated": 1_700_000_000,
            "app_id": ctx.ws.app_id,
            "user_id": bot.id,
            "icons": {},
        }
    }
