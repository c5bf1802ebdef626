"""401 checklist walks: one row per walk, its state machine JSON and its outcome (no key, no message text).

Revision ID: 0004_triage
Revises: 0003_gaps
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import supportbot.store.types

revision = "0004_triage"
down_revision = "0003_gaps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triage_walks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("finished_at", supportbot.store.types.UtcDateTime(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("posted_thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("step_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("walk", sa.Integer(), nullable=False),
        sa.Column("requester", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("fixed_by", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("last_step", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("steps_tried", sa.Integer(), nullable=False),
        sa.Column("diagnosed_first", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("first_guess_right", sa.Boolean(), nullable=True),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("error_status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("error_model", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("error_text", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("masked_key", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("gap_signalled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "origin", name="uq_triage_walk_origin"),
        sa.UniqueConstraint("channel", "thread_ts", "walk", name="uq_triage_walk_thread"),
    )
    with op.batch_alter_table("triage_walks", schema=None) as batch_op:
        batch_op.create_index("ix_triage_walks_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_triage_walks_posted_thread", ["channel", "posted_thread_ts"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triage_walks", schema=None) as batch_op:
        batch_op.drop_index("ix_triage_walks_posted_thread")
        batch_op.drop_index("ix_triage_walks_created_at")

    op.drop_table("triage_walks")
