"""Ids and tokens of the default emulated workspace.

Tests, the console and the benchmarks all share this workspace, so these names are a contract:
change them only together with everything that refers to them.
"""

from __future__ import annotations

from typing import Final

from supportbot.slack.manifest import BOT_SCOPES, USER_SCOPES

HOME_TEAM: Final = "T0HOME001"
EXTERNAL_TEAM: Final = "T0EXTRN01"
APP_ID: Final = "A0APP0001"

BOT_USER: Final = "U0BOT0001"
BOT_ID: Final = "B0BOT0001"
BOT_NAME: Final = "supportbot"

ALICE: Final = "U0CUST001"
LI_WEI: Final = "U0CUST002"
SAM: Final = "U0AGENT01"
WANG: Final = "U0AGENT02"
LEE: Final = "U0LEAD001"
ADMIN: Final = "U0ADMIN01"
EXT_BOB: Final = "U0EXTRN01"

SUPPORT: Final = "C0SUPPORT"
GENERAL: Final = "C0GENERAL"
AGENTS: Final = "G0AGENTS1"
LEADS: Final = "C0LEADS01"
EXT_ACME: Final = "C0EXTACME"

AGENTS_GROUP: Final = "S0AGENTS1"
LEADS_GROUP: Final = "S0LEADS01"

# Fake credentials that only the emulator accepts.
BOT_TOKEN: Final = "xoxb-emulator-bot-token"  # noqa: S105
ADMIN_TOKEN: Final = "xoxp-emulator-admin-token"  # noqa: S105
# The app-level token a Socket Mode app opens its connection with.
APP_TOKEN: Final = "xapp-emulator-app-token"  # noqa: S105
USER_TOKEN_PREFIX: Final = "xoxp-emulator-user-"  # noqa: S105

# What the installed app was granted, as the x-oauth-scopes header lists it: the manifest's scopes.
GRANTED_BOT_SCOPES: Final = BOT_SCOPES
GRANTED_USER_SCOPES: Final = USER_SCOPES


def user_token_for(name: str) -> str:
    """The user token the emulator issues to the user called ``name``."""
    return f"{USER_TOKEN_PREFIX}{name}"


def dm_id_for(user_id: str) -> str:
    """Id of the bot's direct-message channel with ``user_id``: ``D`` + the id without its first letter."""
    return "D" + user_id[1:]
