"""A sample context for every template. Each feature adds its templates' samples here.

``HOSTILE`` is substituted into every string value by the template test, to prove that nothing a
user typed can ping anyone or inject markup.
"""

from __future__ import annotations

from typing import Any

from supportbot.render import Mrkdwn

HOSTILE = "<!channel> <@U0ADMIN01> @here & <https://evil.example|x> `code`"

SAMPLES: dict[str, dict[str, Any]] = {
    "support/help": {"lines": [Mrkdwn("`/support help` — show this list")], "is_agent": False, "configured": False},
    "help/help": {},
    "support/unknown_subcommand": {"subcommand": "frobnicate"},
    "support/not_allowed": {"role": "agent", "subcommand": "tickets"},
    "support/failed": {"subcommand": "tickets"},
}
