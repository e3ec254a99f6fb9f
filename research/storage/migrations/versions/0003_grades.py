"""Grades: a reviewer's rubric for an answer, with a mark per citation and authorities they added.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grades",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("answer_id", sa.Integer, sa.ForeignKey("answers.id"), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("accuracy", sa.Integer, nullable=False),
        sa.Column("completeness", sa.Integer, nullable=False),
        sa.Column("clarity", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("citation_marks", sa.JSON, nullable=False),
        sa.Column("missing_authorities", sa.JSON, nullable=False),
        sa.Column("comments", sa.Text, nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("answer_id", "reviewer", name="uq_grades_answer_reviewer"),
    )
    op.create_index("ix_grades_answer_id", "grades", ["answer_id"])


def downgrade() -> None:
    op.drop_table("grades")
