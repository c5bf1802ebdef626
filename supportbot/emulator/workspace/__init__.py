"""The emulated workspace: who is there, which conversations exist, and everything said in them.

One re-entrant lock guards all state; every public method takes it, so the HTTP server's threads,
the driver and tests can use a Workspace concurrently. Permission rules (who may delete what)
live in the Web API layer: a simulated person acting through the driver is not a token.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from supportbot.emulator import defaults as d
from supportbot.emulator.model import Team, User, UserGroup
from supportbot.emulator.workspace.conversations import ConversationsMixin
from supportbot.emulator.workspace.ephemerals import EphemeralsMixin
from supportbot.emulator.workspace.files import FilesMixin
from supportbot.emulator.workspace.messages import MessagesMixin
from supportbot.emulator.workspace.people import PeopleMixin
from supportbot.emulator.workspace.state import WorkspaceState, random_id
from supportbot.emulator.workspace.tokens import TokensMixin
from supportbot.emulator.workspace.views import ViewsMixin

__all__ = ["Workspace", "WorkspaceState", "random_id"]


class Workspace(
    PeopleMixin,
    TokensMixin,
    ConversationsMixin,
    MessagesMixin,
    EphemeralsMixin,
    FilesMixin,
    ViewsMixin,
):
    """One emulated Slack workspace: the state of ``WorkspaceState`` with every concern's methods."""

    @classmethod
    def default(cls, *, clock: Callable[[], float] = time.time) -> Workspace:
        """The shared workspace every test, the console and the benchmarks start from."""
        ws = cls(clock=clock)
        ws.add_team(Team(d.EXTERNAL_TEAM, "Acme Corp", "acme-corp"))
        people = [
            User(d.ALICE, "alice", "Alice Martin", d.HOME_TEAM, role="customer"),
            User(d.LI_WEI, "li.wei", "Li Wei", d.HOME_TEAM, locale="zh-CN", tz="Asia/Shanghai", role="customer"),
            User(d.SAM, "sam", "Sam Rivera", d.HOME_TEAM, role="agent"),
            User(d.WANG, "wang", "Wang Fang", d.HOME_TEAM, locale="zh-CN", tz="Asia/Shanghai", role="agent"),
            User(d.LEE, "lee", "Lee Morgan", d.HOME_TEAM, role="lead"),
            User(d.ADMIN, "admin", "Workspace Admin", d.HOME_TEAM, is_admin=True, is_owner=True, role="admin"),
            User(d.EXT_BOB, "ext.bob", "Bob Acme", d.EXTERNAL_TEAM, tz="Europe/Berlin", role="external"),
        ]
        for person in people:
            ws.add_user(person)
        bot = ws.bot.id
        home_people = [p.id for p in people if p.team_id == d.HOME_TEAM]
        ws.add_channel(d.SUPPORT, "support", [d.ALICE, d.LI_WEI, d.SAM, d.WANG, d.LEE, d.ADMIN, bot])
        ws.add_channel(d.GENERAL, "general", [*home_people, bot])
        ws.add_channel(d.AGENTS, "support-agents", [d.SAM, d.WANG, d.LEE, d.ADMIN, bot], kind="private")
        ws.add_channel(d.LEADS, "leads", [d.LEE, d.ADMIN, bot])
        ws.add_channel(d.EXT_ACME, "ext-acme", [d.EXT_BOB, d.ALICE, d.SAM, bot], ext_shared=True)
        ws.add_usergroup(UserGroup(d.AGENTS_GROUP, "support-agents", "Support agents", d.HOME_TEAM, [d.SAM, d.WANG]))
        ws.add_usergroup(UserGroup(d.LEADS_GROUP, "support-leads", "Support leads", d.HOME_TEAM, [d.LEE]))
        ws.admin_token = d.ADMIN_TOKEN
        ws.register_token(d.ADMIN_TOKEN, d.ADMIN)
        for person in people:
            ws.bot_dm(person.id)
        return ws
