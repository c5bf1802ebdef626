"""FAQ questions and feedback, gaps and their (scrubbed) signals.

Revision ID: 0003_gaps
Revises: 0002_leaks
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import supportbot.store.types

revision = "0003_gaps"
down_revision = "0002_leaks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("thread_root", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("asked_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("directed", sa.Boolean(), nullable=False),
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answer_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("human_requested_at", supportbot.store.types.UtcDateTime(), nullable=True),
        sa.Column("human_requested_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "message_ts", name="uq_faq_questions_message"),
    )
    with op.batch_alter_table("faq_questions", schema=None) as batch_op:
        batch_op.create_index("ix_faq_questions_asked_at", ["asked_at"], unique=False)
        batch_op.create_index("ix_faq_questions_thread", ["channel", "thread_root"], unique=False)

    op.create_table(
        "gaps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("first_seen", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("last_seen", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("signal_count", sa.Integer(), nullable=False),
        sa.Column("signatures", sa.Text(), nullable=False),
        sa.Column("answered_entry_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("answered_at", supportbot.store.types.UtcDateTime(), nullable=True),
        sa.Column("answered_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("reopened_at", supportbot.store.types.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_gaps_key"),
    )
    with op.batch_alter_table("gaps", schema=None) as batch_op:
        batch_op.create_index("ix_gaps_last_seen", ["last_seen"], unique=False)

    op.create_table(
        "faq_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("vote", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["faq_questions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "user", name="uq_faq_feedback_vote"),
    )
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_faq_feedback_at", ["at"], unique=False)

    op.create_table(
        "gap_signals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gap_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("entry_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("checklist_step", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("source_ref", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=True),
        sa.ForeignKeyConstraint(
            ["gap_id"],
            ["gaps.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_ref", name="uq_gap_signals_source_ref"),
    )
    with op.batch_alter_table("gap_signals", schema=None) as batch_op:
        batch_op.create_index("ix_gap_signals_at", ["at"], unique=False)
        batch_op.create_index("ix_gap_signals_gap_at", ["gap_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gap_signals", schema=None) as batch_op:
        batch_op.drop_index("ix_gap_signals_gap_at")
        batch_op.drop_index("ix_gap_signals_at")

    op.drop_table("gap_signals")
    with op.batch_alter_table("faq_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_feedback_at")

    op.drop_table("faq_feedback")
    with op.batch_alter_table("gaps", schema=None) as batch_op:
        batch_op.drop_index("ix_gaps_last_seen")

    op.drop_table("gaps")
    with op.batch_alter_table("faq_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_questions_thread")
        batch_op.drop_index("ix_faq_questions_asked_at")

    op.drop_table("faq_questions")
