"""Blind double review: whether a grade was given blind, the rubric version it used, and approval by override.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grades") as batch:
        batch.add_column(sa.Column("blind", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("rubric_version", sa.String(20), nullable=False, server_default="1"))
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("approval_override", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("approval_override")
    with op.batch_alter_table("grades") as batch:
        batch.drop_column("rubric_version")
        batch.drop_column("blind")
