"""Revocation: when, by which revoker and with what outcome a leaked key was disabled; open offers (ask mode).

Revision ID: 0007_revocation
Revises: 0006_delivery
Create Date: 2026-12-04 16:47:00.053269
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import supportbot.store.types

revision = "0007_revocation"
down_revision = "0006_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoke_offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("masked", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("created_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.Column("expires_at", supportbot.store.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["leak_incidents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "key_id", name="uq_revoke_offer_key"),
    )
    with op.batch_alter_table("revoke_offers", schema=None) as batch_op:
        batch_op.create_index("ix_revoke_offers_expires_at", ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_revoke_offers_incident_id"), ["incident_id"], unique=False)

    with op.batch_alter_table("leak_incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revocation", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", supportbot.store.types.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("revoke_requested_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("leak_incidents", schema=None) as batch_op:
        batch_op.drop_column("revoke_requested_by")
        batch_op.drop_column("revoked_by")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("revocation")

    with op.batch_alter_table("revoke_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revoke_offers_incident_id"))
        batch_op.drop_index("ix_revoke_offers_expires_at")

    op.drop_table("revoke_offers")
