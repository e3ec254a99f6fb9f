"""Conversations by matter and the answers filed in them: filing an answer, reopening and searching the history.

Each write is one short transaction, and answers are ordered by their own ids, so concurrent sessions cannot
overwrite or interleave each other's rows.
"""

from __future__ import annotations

import json

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.answer import Answer, SupportStatus
from research.domain.records import Conversation, ConversationSummary, ReviewStatus
from research.storage.tables import AnswerRow, CitationRow, ConversationRow, utc_now


class ConversationNotFound(LookupError):
    """No conversation has this id."""


class ConversationStore:
    """Conversations and their answers, as given."""

    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def create(self, matter: str, associate: str = "") -> int:
        """A new conversation for a matter; returns its id."""
        matter = matter.strip()
        if not matter:
            raise ValueError("A conversation needs a matter name.")
        with self._sessions.begin() as session:
            row = ConversationRow(matter=matter[:200], associate=associate.strip()[:200],
                                  created_at=utc_now(), updated_at=utc_now())
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
                timings_ms=answer.timings_ms, payload=json.dumps(answer.to_dict()), status=ReviewStatus.DRAFT,
                asked_at=utc_now(),
                citations=[CitationRow(number=c.number, authority_id=c.authority_id, citation=c.citation, pin=c.pin,
                                       quote=c.quote, start=c.start, end=c.end, status=c.status)
                           for c in answer.citations])
            session.add(row)
            conversation.updated_at = utc_now()
            session.flush()
            return row.id

    def get(self, conversation_id: int) -> Conversation:
        """A conversation with its stored answers; ConversationNotFound when there is none."""
        with self._sessions() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise ConversationNotFound(f"no conversation {conversation_id}")
            return Conversation(row.id, row.matter, row.associate, row.created_at,
                                [a.to_stored() for a in row.answers])

    def summaries(self, text: str = "", matter: str = "", limit: int = 200) -> list[ConversationSummary]:
        """Conversations, newest first; `text` searches matters, questions and answers."""
        of_conversation = AnswerRow.conversation_id == ConversationRow.id
        questions = select(func.count(AnswerRow.id)).where(of_conversation).correlate(ConversationRow)
        first_question = (select(AnswerRow.question).where(of_conversation).order_by(AnswerRow.id).limit(1)
                          .correlate(ConversationRow))
        query = (select(ConversationRow, questions.scalar_subquery(), first_question.scalar_subquery())
                 .order_by(ConversationRow.updated_at.desc(), ConversationRow.id.desc()))
        if matter:
            query = query.where(ConversationRow.matter == matter)
        if text.strip():
            pattern = f"%{text.strip().lower()}%"
            hits = select(AnswerRow.conversation_id).where(or_(
                func.lower(AnswerRow.question).like(pattern), func.lower(AnswerRow.text).like(pattern)))
            query = query.where(or_(func.lower(ConversationRow.matter).like(pattern), ConversationRow.id.in_(hits)))
        with self._sessions() as session:
            return [ConversationSummary(r.id, r.matter, r.associate, r.created_at, r.updated_at, count, first or "")
                    for r, count, first in session.execute(query.limit(limit))]

    def matters(self) -> list[str]:
        """Distinct matter names, alphabetically."""
        with self._sessions() as session:
            return list(session.scalars(select(ConversationRow.matter).distinct().order_by(ConversationRow.matter)))
