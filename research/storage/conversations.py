"""Conversations by matter and the answers filed in them: filing an answer, reopening and searching the history.

Walled: the store acts for one user and sees only the matters they belong to (research/storage/walls.py).
Each write is one short transaction with its audit record, and answers are ordered by their own ids, so
concurrent sessions cannot overwrite or interleave each other's rows.
"""

from __future__ import annotations

import json

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import Permission
from research.domain.answer import Answer, SupportStatus
from research.domain.records import Conversation, ConversationSummary, ReviewStatus
from research.storage.audit import AuditLog
from research.storage.tables import AnswerRow, CitationRow, ConversationRow, GradeRow, MatterRow, utc, utc_now
from research.storage.walls import Wall


class ConversationNotFound(LookupError):
    """No conversation has this id."""


class ConversationStore:
    """One user's conversations and their answers, as given."""

    def __init__(self, sessions: sessionmaker[Session], wall: Wall, audit: AuditLog):
        self._sessions = sessions
        self._wall = wall
        self._audit = audit

    def check_matter(self, matter: str) -> str:
        """The matter's name if the user may ask in it; NotAMember (or AccessDenied) otherwise, before any work."""
        with self._sessions() as session:
            return self._wall.enter_by_name(session, Permission.ASK, matter).name

    def create(self, matter: str) -> int:
        """A new conversation of the user in a matter they belong to; returns its id."""
        if not matter.strip():
            raise ValueError("A conversation needs a matter name.")
        with self._sessions.begin() as session:
            matter_row = self._wall.enter_by_name(session, Permission.ASK, matter)
            row = ConversationRow(matter_id=matter_row.id, matter=matter_row.name, associate=self._wall.user.name,
                                  created_at=utc_now(), updated_at=utc_now())
            session.add(row)
            session.flush()
            self._audit.append(session, self._wall.user.name, "conversation started", matter_row.name,
                               conversation_id=row.id)
            return row.id

    def add_answer(self, conversation_id: int, answer: Answer) -> int:
        """Store an answer in a conversation of a matter the user belongs to; returns the answer's id. The audit
        record keeps the question, the authorities retrieved and what produced the answer."""
        with self._sessions.begin() as session:
            conversation = self._conversation(session, conversation_id, Permission.ASK)
            row = AnswerRow(
                conversation_id=conversation_id, question=answer.question,
                standalone_question=answer.standalone_question, jurisdictions=list(answer.jurisdictions),
                mode=answer.mode, brief_answer=answer.brief_answer, text=answer.text, abstained=answer.abstained,
                unsupported_sentences=sum(1 for s in answer.sentences if s.status != SupportStatus.VERIFIED),
                prompt_version=answer.prompt_version, model=answer.model, law_versions=answer.law_versions,
                timings_ms=answer.timings_ms, payload=json.dumps(answer.to_dict()), status=ReviewStatus.DRAFT,
                asked_at=utc_now(),
                citations=[CitationRow(number=c.number, authority_id=c.authority_id, citation=c.citation, pin=c.pin,
                                       quote=c.quote, start=c.start, end=c.end, status=c.status)
                           for c in answer.citations])
            session.add(row)
            conversation.updated_at = utc_now()
            session.flush()
            self._audit.append(session, self._wall.user.name, "question answered", conversation.matter,
                               conversation_id=conversation_id, answer_id=row.id, question=answer.question,
                               standalone_question=answer.standalone_question,
                               jurisdictions=list(answer.jurisdictions), retrieved=list(answer.retrieved),
                               cited=[c.authority_id for c in answer.citations], mode=str(answer.mode),
                               model=answer.model, prompt_version=answer.prompt_version,
                               law_versions=answer.law_versions, abstained=answer.abstained)
            return row.id

    def get(self, conversation_id: int) -> Conversation:
        """A conversation of the user's matters with its stored answers (ConversationNotFound when there is none,
        NotAMember when it is another matter's)."""
        with self._sessions() as session:
            row = self._conversation(session, conversation_id, Permission.SEE)
            return Conversation(row.id, row.matter, row.associate, utc(row.created_at),
                                self._wall.answers(session, row.answers))

    def export(self, conversation_id: int, what: str) -> Conversation:
        """A conversation for export (a memo): as `get`, for a user who may export, and audited."""
        with self._sessions.begin() as session:
            row = self._conversation(session, conversation_id, Permission.EXPORT)
            self._audit.append(session, self._wall.user.name, "exported", row.matter,
                               conversation_id=conversation_id, what=what)
            return Conversation(row.id, row.matter, row.associate, utc(row.created_at),
                                self._wall.answers(session, row.answers))

    def note_export(self, what: str, matter: str = "", **detail: object) -> None:
        """Audit an export that spans the user's matters (grades, a report), by a user who may export."""
        with self._sessions.begin() as session:
            self._wall.allow(session, Permission.EXPORT)
            self._audit.append(session, self._wall.user.name, "exported", matter, what=what, **detail)

    def _conversation(self, session: Session, conversation_id: int, permission: Permission) -> ConversationRow:
        row = session.get(ConversationRow, conversation_id)
        if row is None:
            self._wall.allow(session, permission)
            raise ConversationNotFound(f"no conversation {conversation_id}")
        self._wall.enter(session, permission, row.matter_id)
        return row

    def summaries(self, text: str = "", matter: str = "", limit: int = 200) -> list[ConversationSummary]:
        """Conversations, newest first; `text` searches matters, questions and answers."""
        of_conversation = AnswerRow.conversation_id == ConversationRow.id
        questions = select(func.count(AnswerRow.id)).where(of_conversation).correlate(ConversationRow)
        first_question = (select(AnswerRow.question).where(of_conversation).order_by(AnswerRow.id).limit(1)
                          .correlate(ConversationRow))
        query = (select(ConversationRow, questions.scalar_subquery(), first_question.scalar_subquery())
                 .where(ConversationRow.matter_id.in_(self._wall.matter_ids()))
                 .order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc()))
        if matter:
            query = query.where(ConversationRow.matter == matter)
        if text.strip():
            pattern = f"%{text.strip().lower()}%"
            hits = select(AnswerRow.conversation_id).where(or_(
                func.lower(AnswerRow.question).like(pattern), func.lower(AnswerRow.text).like(pattern)))
            query = query.where(or_(func.lower(ConversationRow.matter).like(pattern), ConversationRow.id.in_(hits)))
        with self._sessions() as session:
            self._wall.allow(session, Permission.SEE)
            rows = session.execute(query.limit(limit)).all()
            statuses = _statuses(session, [r.id for r, _, _ in rows])
            return [ConversationSummary(r.id, r.matter, r.associate, utc(r.created_at), utc(r.updated_at), count,
                                        first or "", statuses.get(r.id, {}))
                    for r, count, first in rows]

    def matters(self) -> list[str]:
        """The names of the user's matters, alphabetically."""
        with self._sessions() as session:
            return list(session.scalars(select(MatterRow.name).where(MatterRow.id.in_(self._wall.matter_ids()))
                                        .order_by(MatterRow.name)))


def _statuses(session: Session, conversation_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per conversation, its answers counted as approved, graded (not yet approved) or draft: one query."""
    graded = select(GradeRow.id).where(GradeRow.answer_id == AnswerRow.id).exists()
    counts: dict[int, dict[str, int]] = {}
    if not conversation_ids:
        return counts
    query = select(AnswerRow.conversation_id, AnswerRow.status, graded).where(
        AnswerRow.conversation_id.in_(conversation_ids))
    for conversation_id, status, has_grade in session.execute(query):
        state = "approved" if status == ReviewStatus.APPROVED else "graded" if has_grade else "draft"
        counts.setdefault(conversation_id, {}).setdefault(state, 0)
        counts[conversation_id][state] += 1
    return counts
