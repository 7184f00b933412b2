"""detector state, window tally, one open case per brand

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crisiswatch.db.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detector_state",
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", crisiswatch.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"]),
        sa.PrimaryKeyConstraint("brand_id"),
    )
    with op.batch_alter_table("window", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tally", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("crisis_case", schema=None) as batch_op:
        batch_op.create_index(
            "uq_crisis_case_open_brand",
            ["brand_id"],
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("crisis_case", schema=None) as batch_op:
        batch_op.drop_index("uq_crisis_case_open_brand")
    with op.batch_alter_table("window", schema=None) as batch_op:
        batch_op.drop_column("tally")
    op.drop_table("detector_state")
