"""Leak incidents and their keys (masked form and fingerprint only).

Revision ID: 0002_leaks
Revises: 0001_foundation
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import supportbot.store.types

revision = "0002_leaks"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leak_incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("author_team", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("keys_found", sa.Integer(), nullable=False),
        sa.Column("deletion", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("deletion_reason", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reposted", sa.Boolean(), nullable=False),
        sa.Column("warned", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.Column("alert_channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("alert_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("still_visible_checks", sa.Integer(), nullable=False),
        sa.Column("handled_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("handled_at", supportbot.store.types.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "message_ts", "source", name="uq_leak_incident_message"),
    )
    with op.batch_alter_table("leak_incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leak_incidents_author"), ["author"], unique=False)
        batch_op.create_index("ix_leak_incidents_created_at", ["created_at"], unique=False)

    op.create_table(
        "leak_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("masked", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["leak_incidents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leak_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leak_keys_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index("ix_leak_keys_key_id_seen", ["key_id", "seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leak_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_leak_keys_key_id_seen")
        batch_op.drop_index(batch_op.f("ix_leak_keys_incident_id"))

    op.drop_table("leak_keys")
    with op.batch_alter_table("leak_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_leak_incidents_created_at")
        batch_op.drop_index(batch_op.f("ix_leak_incidents_author"))

    op.drop_table("leak_incidents")
