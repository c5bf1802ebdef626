"""Delivery: each outbox action's time budget (``give_up_at``); given-up actions are kept as ``dead``.

Revision ID: 0006_delivery
Revises: 0005_tickets
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import supportbot.store.types

revision = "0006_delivery"
down_revision = "0005_tickets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("give_up_at", supportbot.store.types.UtcDateTime(), nullable=True))
    op.create_index("ix_outbox_finished", "outbox", ["status", "finished_at"])
    op.create_index("ix_processed_events_received", "processed_events", ["status", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_events_received", table_name="processed_events")
    op.drop_index("ix_outbox_finished", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("give_up_at")
