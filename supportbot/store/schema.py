"""The whole schema: importing this module registers every table on ``SQLModel.metadata``."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from supportbot.store import faq, gaps, leaks, revoke, tables, tickets, triage  # noqa: F401  (importing registers the tables)


def metadata() -> MetaData:
    return SQLModel.metadata
