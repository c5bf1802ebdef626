"""Tickets: the five customer fields (time, model, status, scrubbed error text, masked key id) and workflow.

Revision ID: 0005_tickets
Revises: 0004_triage
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import supportbot.store.types

revision = "0005_tickets"
down_revision = "0004_triage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("masked_key_id", sqlmodel.sql.sqltypes.AutoString(length=48), nullable=True),
        sa.Column("submission_key", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("requester", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("filed_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("assignee", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("created_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("closed_at", supportbot.store.types.UtcDateTime(), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("close_reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("card_channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("card_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_key", name="uq_tickets_submission"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_assignee"), ["assignee"], unique=False)
        batch_op.create_index("ix_tickets_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_tickets_state_created", ["state", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_state_created")
        batch_op.drop_index("ix_tickets_created_at")
        batch_op.drop_index(batch_op.f("ix_tickets_assignee"))

    op.drop_table("tickets")
