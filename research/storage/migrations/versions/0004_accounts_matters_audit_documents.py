"""Accounts, matters and their members, sign-in attempts, the audit trail and private documents.

Every conversation now belongs to a matter row: the matters named by existing conversations are created (with no
members: an admin adds them with `research matters add`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_attempts_name", "sign_in_attempts", ["name"])
    op.create_index("ix_sign_in_attempts_at", "sign_in_attempts", ["at"])
    matters = op.create_table(
        "matters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("matter_id", sa.Integer, sa.ForeignKey("matters.id"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.UniqueConstraint("matter_id", "user_id", name="uq_memberships_matter_user"),
    )
    op.create_index("ix_memberships_matter_id", "memberships", ["matter_id"])
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("matter", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("previous_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_records_action", "audit_records", ["action"])
    op.create_index("ix_audit_records_matter", "audit_records", ["matter"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "records": 0, "digest": "0" * 64}])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("matter_id", sa.Integer, sa.ForeignKey("matters.id"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("page_starts", sa.JSON, nullable=False),
        sa.Column("stored_name", sa.String(100), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_documents_matter_id", "documents", ["matter_id"])
    op.create_table(
        "document_passages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("matter_id", sa.Integer, sa.ForeignKey("matters.id"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_document_passages_document_id", "document_passages", ["document_id"])
    op.create_index("ix_document_passages_matter_id", "document_passages", ["matter_id"])

    conversations = sa.table("conversations", sa.column("id", sa.Integer), sa.column("matter", sa.String),
                             sa.column("matter_id", sa.Integer))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("matter_id", sa.Integer, nullable=True))
    connection = op.get_bind()
    names = [r[0] for r in connection.execute(sa.select(conversations.c.matter).distinct())]
    now = sa.func.current_timestamp()
    for name in names:
        connection.execute(sa.insert(matters).values(name=name, created_at=now))
        matter_id = connection.execute(sa.select(matters.c.id).where(matters.c.name == name)).scalar_one()
        connection.execute(sa.update(conversations).where(conversations.c.matter == name)
                           .values(matter_id=matter_id))
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column("matter_id", existing_type=sa.Integer, nullable=False)
        batch.create_foreign_key("fk_conversations_matter_id", "matters", ["matter_id"], ["id"])
        batch.create_index("ix_conversations_matter_id", ["matter_id"])


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_matter_id")
        batch.drop_constraint("fk_conversations_matter_id", type_="foreignkey")
        batch.drop_column("matter_id")
    for table in ("document_passages", "documents", "audit_head", "audit_records", "memberships", "matters",
                  "sign_in_attempts", "users"):
        op.drop_table(table)
