"""The app database (SQLAlchemy): conversations by matter, and every answer exactly as it was given.

SQLite in the data directory by default, PostgreSQL when RESEARCH_DATABASE_URL points to one.
The schema is created and changed only by the Alembic migrations in `research/migrations`; opening
the database upgrades it to the latest revision. Each write is one short transaction, and answers
are ordered by their own ids, so concurrent sessions cannot overwrite or interleave each other's rows.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    relationship,
    sessionmaker,
)

from research.domain.answer import Answer, SupportStatus
from research.domain.records import (
    Conversation,
    ConversationSummary,
    QueuedAnswer,
    ReviewStatus,
    StoredAnswer,
)
from research.domain.review import AnswerFacts, Grade, GradedAnswer

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class ConversationNotFound(LookupError):
    """No conversation has this id."""


class AnswerNotFound(LookupError):
    """No answer has this id."""


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



def _now() -> datetime:
    return datetime.now(timezone.utc)


def upgrade(url: str) -> None:
    """Bring the database at `url` to the latest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


class AppDatabase:
    """Conversations and answers in the app database."""

    def __init__(self, url: str, migrate: bool = True):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            upgrade(url)
        self.engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def create_conversation(self, matter: str, associate: str = "") -> int:
        """A new conversation for a matter; returns its id."""
        matter = matter.strip()
        if not matter:
            raise ValueError("A conversation needs a matter name.")
        with self._sessions.begin() as session:
            row = ConversationRow(matter=matter[:200], associate=associate.strip()[:200],
                                  created_at=_now(), updated_at=_now())
            session.add(row)
            session.flush()
            return row.id

    def add_answer(self, conversation_id: int, answer: Answer) -> int:
        """Store an answer in a conversation; returns the answer's id."""
        with self._sessions.begin() as session:
            conversation = session.get(ConversationRow, conversation_id)
            if conversation is None:
                raise ConversationNotFound(f"no conversation {conversation_id}")
            row = AnswerRow(
                conversation_id=conversation_id, question=answer.question,
                standalone_question=answer.standalone_question, jurisdictions=list(answer.jurisdictions),
                mode=answer.mode, brief_answer=answer.brief_answer, text=answer.text, abstained=answer.abstained,
                unsupported_sentences=sum(1 for s in answer.sentences if s.status != SupportStatus.VERIFIED),
                prompt_version=answer.prompt_version, model=answer.model, law_versions=answer.law_versions,
                timings_ms=answer.timings_ms, payload=json.dumps(answer.to_dict()), status=ReviewStatus.DRAFT, asked_at=_now(),
                citations=[CitationRow(number=c.number, authority_id=c.authority_id, citation=c.citation, pin=c.pin,
                                       quote=c.quote, start=c.start, end=c.end, status=c.status)
                           for c in answer.citations])
            session.add(row)
            conversation.updated_at = _now()
            session.flush()
            return row.id

    def approve(self, answer_id: int, reviewer: str, edited_text: str | None = None,
                when: datetime | None = None) -> None:
        """Approve an answer as `reviewer`, optionally with an edited text kept beside the original."""
        if not reviewer.strip():
            raise ValueError("An approval needs the reviewer's name.")
        with self._sessions.begin() as session:
            row = session.get(AnswerRow, answer_id)
            if row is None:
                raise AnswerNotFound(f"no answer {answer_id}")
            row.status, row.reviewer, row.reviewed_at = ReviewStatus.APPROVED, reviewer.strip()[:200], when or _now()
            if edited_text is not None and edited_text.strip() and edited_text.strip() != row.text.strip():
                row.edited_text = edited_text.strip()

    def record_grade(self, answer_id: int, grade: Grade, when: datetime | None = None) -> None:
        """Store a reviewer's grade of an answer (replacing that reviewer's earlier grade of it)."""
        with self._sessions.begin() as session:
            answer = session.get(AnswerRow, answer_id)
            if answer is None:
                raise AnswerNotFound(f"no answer {answer_id}")
            grade.check({c.number for c in answer.citations})
            row = session.scalars(select(GradeRow).where(GradeRow.answer_id == answer_id,
                                                         GradeRow.reviewer == grade.reviewer.strip())).first()
            if row is None:
                row = GradeRow(answer_id=answer_id, reviewer=grade.reviewer.strip())
                session.add(row)
            row.accuracy, row.completeness, row.clarity = grade.accuracy, grade.completeness, grade.clarity
            row.passed, row.comments = grade.passed, grade.comments
            row.citation_marks = {str(k): v for k, v in grade.citation_marks.items()}
            row.missing_authorities = list(grade.missing_authorities)
            row.graded_at = when or _now()

    def review_queue(self, matter: str = "", jurisdiction: str = "", associate: str = "") -> list[QueuedAnswer]:
        """Answers awaiting approval, oldest first, optionally of one matter, jurisdiction or associate."""
        with self._sessions() as session:
            query = (select(AnswerRow, ConversationRow).join(ConversationRow)
                     .where(AnswerRow.status != ReviewStatus.APPROVED).order_by(AnswerRow.asked_at, AnswerRow.id))
            if matter:
                query = query.where(ConversationRow.matter == matter)
            if associate:
                query = query.where(ConversationRow.associate == associate)
            return [q for q in _queued(session, query) if not jurisdiction or jurisdiction in q.stored.answer.jurisdictions]

    def answer(self, answer_id: int) -> QueuedAnswer:
        """One answer with its matter, associate and grades; AnswerNotFound when there is none."""
        with self._sessions() as session:
            row = session.get(AnswerRow, answer_id)
            if row is None:
                raise AnswerNotFound(f"no answer {answer_id}")
            return QueuedAnswer(_stored(row), row.conversation.matter, row.conversation.associate,
                                [_grade(g) for g in _grades_of(session, answer_id)])

    def graded(self) -> list[GradedAnswer]:
        """Every grade, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(select(GradeRow).order_by(GradeRow.graded_at, GradeRow.id)).all()
            return [GradedAnswer(r.answer_id, _grade(r), _utc(r.graded_at)) for r in rows]

    def answer_facts(self) -> list[AnswerFacts]:
        """What quality reporting needs of every answer."""
        with self._sessions() as session:
            grades: dict[int, list[GradeRow]] = {}
            for g in session.scalars(select(GradeRow).order_by(GradeRow.graded_at)):
                grades.setdefault(g.answer_id, []).append(g)
            facts = []
            for a, c in session.execute(select(AnswerRow, ConversationRow).join(ConversationRow).order_by(AnswerRow.id)):
                mine = grades.get(a.id, [])
                decided = _utc(a.reviewed_at) or (_utc(mine[0].graded_at) if mine else None)
                sentences = len(json.loads(a.payload)["sentences"])
                facts.append(AnswerFacts(a.id, c.matter, tuple(a.jurisdictions), _utc(a.asked_at), decided,
                                         a.abstained, a.unsupported_sentences, sentences,
                                         tuple(_grade(g) for g in mine)))
            return facts

    def approved(self) -> list[QueuedAnswer]:
        """Approved answers with their grades, oldest first."""
        with self._sessions() as session:
            query = (select(AnswerRow, ConversationRow).join(ConversationRow)
                     .where(AnswerRow.status == ReviewStatus.APPROVED).order_by(AnswerRow.asked_at, AnswerRow.id))
            return _queued(session, query)

    def conversation(self, conversation_id: int) -> Conversation:
        """A conversation with its stored answers; ConversationNotFound when there is none."""
        with self._sessions() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(f"no conversation {conversation_id}")
            return Conversation(row.id, row.matter, row.associate, row.created_at,
                                [_stored(a) for a in row.answers])

    def conversations(self, text: str = "", matter: str = "", limit: int = 200) -> list[ConversationSummary]:
        """Conversations, newest first; `text` searches matters, questions and answers."""
        with self._sessions() as session:
            query = select(ConversationRow).order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc())
            if matter:
                query = query.where(ConversationRow.matter == matter)
            if text.strip():
                pattern = f"%{text.strip().lower()}%"
                hits = select(AnswerRow.conversation_id).where(or_(
                    func.lower(AnswerRow.question).like(pattern), func.lower(AnswerRow.text).like(pattern)))
                query = query.where(or_(func.lower(ConversationRow.matter).like(pattern), ConversationRow.id.in_(hits)))
            rows = session.scalars(query.limit(limit)).all()
            return [ConversationSummary(r.id, r.matter, r.associate, r.created_at, r.updated_at, len(r.answers),
                                        r.answers[0].question if r.answers else "") for r in rows]

    def matters(self) -> list[str]:
        """Distinct matter names, alphabetically."""
        with self._sessions() as session:
            return list(session.scalars(select(ConversationRow.matter).distinct().order_by(ConversationRow.matter)))



def _queued(session, query) -> list[QueuedAnswer]:
    """Answers of a (AnswerRow, ConversationRow) query with their matter, associate and grades."""
    return [QueuedAnswer(_stored(a), c.matter, c.associate, [_grade(g) for g in _grades_of(session, a.id)])
            for a, c in session.execute(query).all()]


def _grades_of(session, answer_id: int) -> list[GradeRow]:
    return list(session.scalars(select(GradeRow).where(GradeRow.answer_id == answer_id).order_by(GradeRow.id)))


def _grade(row: GradeRow) -> Grade:
    return Grade(row.reviewer, row.accuracy, row.completeness, row.clarity, row.passed,
                 {int(k): v for k, v in row.citation_marks.items()}, tuple(row.missing_authorities), row.comments)


def _stored(row: AnswerRow) -> StoredAnswer:
    return StoredAnswer(row.id, row.conversation_id, _utc(row.asked_at), row.status,
                        Answer.from_dict(json.loads(row.payload)), row.edited_text, row.reviewer, _utc(row.reviewed_at))


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

