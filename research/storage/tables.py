"""The app database's tables as SQLAlchemy ORM rows, and how a row reads back as a domain record.

The schema is created and changed only by the Alembic migrations in `research/storage/migrations`, which
compare themselves against `Base.metadata`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import overload

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from research.domain.accounts import Matter, Role, User
from research.domain.answer import Answer
from research.domain.records import ReviewStatus, StoredAnswer
from research.domain.review import RUBRIC_VERSION, Grade


class Base(DeclarativeBase):
    """Declarative base of the app's tables."""


class ConversationRow(Base):
    """A research conversation about one matter."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    matter: Mapped[str] = mapped_column(String(200), index=True)  # the matter's name (matters are never renamed)
    associate: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answers: Mapped[list[AnswerRow]] = relationship(back_populates="conversation", order_by="AnswerRow.id")


class AnswerRow(Base):
    """One question and its answer, stored as given (the full answer JSON plus searchable columns)."""

    __tablename__ = "answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    standalone_question: Mapped[str] = mapped_column(Text)
    jurisdictions: Mapped[list] = mapped_column(JSON)
    mode: Mapped[str] = mapped_column(String(20))
    brief_answer: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    abstained: Mapped[bool] = mapped_column(Boolean)
    unsupported_sentences: Mapped[int] = mapped_column(Integer)
    prompt_version: Mapped[str | None] = mapped_column(String(50), nullable=True)
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    law_versions: Mapped[dict] = mapped_column(JSON)
    timings_ms: Mapped[dict] = mapped_column(JSON)
    payload: Mapped[str] = mapped_column(Text)  # Answer.to_dict() as JSON: what is shown again
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.DRAFT, index=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    edited_text: Mapped[str | None] = mapped_column(Text, nullable=True)  # the reviewer's edit; `text` stays
    reviewer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approval_override: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    conversation: Mapped[ConversationRow] = relationship(back_populates="answers")
    citations: Mapped[list[CitationRow]] = relationship(back_populates="answer", order_by="CitationRow.number")

    def to_stored(self, grades: tuple[Grade, ...] = (), reviews: int = 0) -> StoredAnswer:
        """The answer exactly as it was given, with its id, time and review status, and the grades shown with it
        (of `reviews` in all)."""
        return StoredAnswer(self.id, self.conversation_id, utc(self.asked_at), self.status,
                            Answer.from_dict(json.loads(self.payload)), self.edited_text, self.reviewer,
                            utc(self.reviewed_at), grades, reviews, bool(self.approval_override))


class GradeRow(Base):
    """A reviewer's rubric for an answer (one per reviewer and answer; grading again replaces it)."""

    __tablename__ = "grades"
    __table_args__ = (UniqueConstraint("answer_id", "reviewer", name="uq_grades_answer_reviewer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    accuracy: Mapped[int] = mapped_column(Integer)
    completeness: Mapped[int] = mapped_column(Integer)
    clarity: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    citation_marks: Mapped[dict] = mapped_column(JSON)
    missing_authorities: Mapped[list] = mapped_column(JSON)
    comments: Mapped[str] = mapped_column(Text)
    graded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blind: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    rubric_version: Mapped[str] = mapped_column(String(20), default=RUBRIC_VERSION, server_default="1")

    def to_grade(self) -> Grade:
        """The rubric as the domain's Grade (citation numbers back to ints)."""
        return Grade(self.reviewer, self.accuracy, self.completeness, self.clarity, self.passed,
                     {int(k): v for k, v in self.citation_marks.items()}, tuple(self.missing_authorities),
                     self.comments, utc(self.graded_at), self.blind, self.rubric_version)


class CitationRow(Base):
    """A citation of an answer: the quoted span, its offsets in the source and its support status."""

    __tablename__ = "citations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    authority_id: Mapped[str] = mapped_column(String(200), index=True)
    citation: Mapped[str] = mapped_column(Text)
    pin: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    answer: Mapped[AnswerRow] = relationship(back_populates="citations")


class UserRow(Base):
    """An account: a name, a role and an argon2 hash of the password (never the password)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def to_user(self) -> User:
        """The account as the domain's User (without its hash)."""
        return User(self.id, self.name, Role(self.role), self.disabled)


class ApiTokenRow(Base):
    """A bearer token of the HTTP API: its SHA-256 (never the token), whose it is, and until when it works."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class BrowserSessionRow(Base):
    """A signed-in browser session of the app: the SHA-256 of the secret its cookie holds, whose it is, when it was
    last used and when it ended (signed out or expired)."""

    __tablename__ = "browser_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class IndexReleaseRow(Base):
    """An ingest published to the API nodes: the artifact version every node must serve."""

    __tablename__ = "index_releases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(100))


class SignInAttemptRow(Base):
    """A sign-in attempt under a name (known or not), for rate limiting failures."""

    __tablename__ = "sign_in_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class MatterRow(Base):
    """A client matter; its members are the only users who see what is filed under it."""

    __tablename__ = "matters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def to_matter(self) -> Matter:
        """The matter as the domain's Matter."""
        return Matter(self.id, self.name)


class MembershipRow(Base):
    """A user's membership of a matter."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("matter_id", "user_id", name="uq_memberships_matter_user"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class AuditRow(Base):
    """One record of the audit trail; `digest` chains it to the record before it (research/storage/audit.py)."""

    __tablename__ = "audit_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50), index=True)
    matter: Mapped[str] = mapped_column(String(200), index=True)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    previous_digest: Mapped[str] = mapped_column(String(64), unique=True)  # a chain cannot fork
    digest: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The last record of the audit trail (one row): appending locks it, so records form one chain."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    records: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))


class DocumentRow(Base):
    """A private document uploaded to a matter: the file is kept in the data directory under `stored_name`."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # the extracted text that quotes and offsets refer to
    page_starts: Mapped[list] = mapped_column(JSON)  # offset of each page's first character in `text`
    stored_name: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentPassageRow(Base):
    """A passage of a private document with its embedding, searchable only inside its matter."""

    __tablename__ = "document_passages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, normalised


def utc_now() -> datetime:
    """The current time in UTC, as every timestamp is stored."""
    return datetime.now(UTC)


@overload
def utc(moment: datetime) -> datetime: ...
@overload
def utc(moment: None) -> None: ...
def utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite returns naive datetimes: they were stored in UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
