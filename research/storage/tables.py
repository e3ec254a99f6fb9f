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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from research.domain.answer import Answer
from research.domain.records import ReviewStatus, StoredAnswer
from research.domain.review import Grade


class Base(DeclarativeBase):
    """Declarative base of the app's tables."""


class ConversationRow(Base):
    """A research conversation about one matter."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter: Mapped[str] = mapped_column(String(200), index=True)
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
    conversation: Mapped[ConversationRow] = relationship(back_populates="answers")
    citations: Mapped[list[CitationRow]] = relationship(back_populates="answer", order_by="CitationRow.number")

    def to_stored(self) -> StoredAnswer:
        """The answer exactly as it was given, with its id, time and review status."""
        return StoredAnswer(self.id, self.conversation_id, utc(self.asked_at), self.status,
                            Answer.from_dict(json.loads(self.payload)), self.edited_text, self.reviewer,
                            utc(self.reviewed_at))


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

    def to_grade(self) -> Grade:
        """The rubric as the domain's Grade (citation numbers back to ints)."""
        return Grade(self.reviewer, self.accuracy, self.completeness, self.clarity, self.passed,
                     {int(k): v for k, v in self.citation_marks.items()}, tuple(self.missing_authorities),
                     self.comments)


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
