"""Review of an answer: the reviewer's edited text beside the original, reviewer and date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("edited_text", sa.Text, nullable=True))
        batch.add_column(sa.Column("reviewer", sa.String(200), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewer")
        batch.drop_column("edited_text")
