"""Attorney review of stored answers: grading, approval, the review queue and what quality reporting reads.

Walled: the store acts for one user, lists only the answers of the matters they belong to, and signs grades and
approvals with that user's name (research/storage/walls.py). Listings load the grades of all their answers in one
query, so their cost in statements does not grow with the number of answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import Permission
from research.domain.records import QueuedAnswer, ReviewStatus
from research.domain.review import AnswerFacts, Grade, GradedAnswer
from research.storage.audit import AuditLog
from research.storage.tables import AnswerRow, ConversationRow, GradeRow, utc, utc_now
from research.storage.walls import Wall


class AnswerNotFound(LookupError):
    """No answer has this id."""


class ReviewStore:
    """One user's view of review: grades and approvals of their matters' answers, and the listings reviewers and
    reports work from."""

    def __init__(self, sessions: sessionmaker[Session], wall: Wall, audit: AuditLog):
        self._sessions = sessions
        self._wall = wall
        self._audit = audit

    def approve(self, answer_id: int, edited_text: str | None = None, when: datetime | None = None) -> None:
        """Approve an answer as the signed-in reviewer, optionally with an edited text kept beside the original."""
        with self._sessions.begin() as session:
            row = self._answer(session, answer_id, Permission.APPROVE)
            reviewer = self._wall.user.name
            row.status, row.reviewer, row.reviewed_at = ReviewStatus.APPROVED, reviewer, when or utc_now()
            edited = edited_text is not None and edited_text.strip() and edited_text.strip() != row.text.strip()
            if edited:
                row.edited_text = (edited_text or "").strip()
            self._audit.append(session, reviewer, "answer approved", row.conversation.matter, answer_id=answer_id,
                               edited=bool(edited))

    def record_grade(self, answer_id: int, grade: Grade, when: datetime | None = None) -> None:
        """Store the signed-in reviewer's grade of an answer (replacing their earlier grade of it); the grade is
        signed with their name whatever name it carries."""
        with self._sessions.begin() as session:
            answer = self._answer(session, answer_id, Permission.GRADE)
            grade = replace(grade, reviewer=self._wall.user.name)
            grade.check({c.number for c in answer.citations})
            row = session.scalars(select(GradeRow).where(GradeRow.answer_id == answer_id,
                                                         GradeRow.reviewer == grade.reviewer)).first()
            if row is None:
                row = GradeRow(answer_id=answer_id, reviewer=grade.reviewer)
                session.add(row)
            row.accuracy, row.completeness, row.clarity = grade.accuracy, grade.completeness, grade.clarity
            row.passed, row.comments = grade.passed, grade.comments
            row.citation_marks = {str(k): v for k, v in grade.citation_marks.items()}
            row.missing_authorities = list(grade.missing_authorities)
            row.graded_at = when or utc_now()
            self._audit.append(session, grade.reviewer, "answer graded", answer.conversation.matter,
                               answer_id=answer_id, passed=grade.passed, accuracy=grade.accuracy,
                               completeness=grade.completeness, clarity=grade.clarity,
                               citation_marks={str(k): v for k, v in grade.citation_marks.items()})

    def _answer(self, session: Session, answer_id: int, permission: Permission) -> AnswerRow:
        row = session.get(AnswerRow, answer_id)
        if row is None:
            self._wall.allow(session, permission)
            raise AnswerNotFound(f"no answer {answer_id}")
        self._wall.enter(session, permission, row.conversation.matter_id)
        return row

    def _walled(self, session: Session, permission: Permission = Permission.SEE) -> ColumnElement[bool]:
        """The condition every listing adds: answers of the user's matters only."""
        self._wall.allow(session, permission)
        return ConversationRow.matter_id.in_(self._wall.matter_ids())

    def queue(self, matter: str = "", jurisdiction: str = "", associate: str = "") -> list[QueuedAnswer]:
        """Answers awaiting approval, oldest first, optionally of one matter, jurisdiction or associate."""
        conditions = [AnswerRow.status != ReviewStatus.APPROVED]
        if matter:
            conditions.append(ConversationRow.matter == matter)
        if associate:
            conditions.append(ConversationRow.associate == associate)
        with self._sessions() as session:
            return _listed(session, [*conditions, self._walled(session)], jurisdiction)

    def approved(self) -> list[QueuedAnswer]:
        """Approved answers with their grades, oldest first."""
        with self._sessions() as session:
            return _listed(session, [AnswerRow.status == ReviewStatus.APPROVED, self._walled(session)])

    def answer(self, answer_id: int) -> QueuedAnswer:
        """One answer with its matter, associate and grades; AnswerNotFound when there is none."""
        with self._sessions() as session:
            row = self._answer(session, answer_id, Permission.SEE)
            return QueuedAnswer(row.to_stored(), row.conversation.matter, row.conversation.associate,
                                _grades_by_answer(session, [answer_id]).get(answer_id, []))

    def graded(self) -> list[GradedAnswer]:
        """Every grade of the user's matters, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(select(GradeRow).join(AnswerRow).join(ConversationRow)
                                   .where(self._walled(session))
                                   .order_by(GradeRow.graded_at, GradeRow.id)).all()
            return [GradedAnswer(r.answer_id, r.to_grade(), utc(r.graded_at)) for r in rows]

    def answer_facts(self) -> list[AnswerFacts]:
        """What quality reporting needs of every answer of the user's matters."""
        with self._sessions() as session:
            walled = self._walled(session)
            grades: dict[int, list[GradeRow]] = {}
            for g in session.scalars(select(GradeRow).join(AnswerRow).join(ConversationRow).where(walled)
                                     .order_by(GradeRow.graded_at)):
                grades.setdefault(g.answer_id, []).append(g)
            facts = []
            answers = select(AnswerRow, ConversationRow).join(ConversationRow).where(walled).order_by(AnswerRow.id)
            for a, c in session.execute(answers):
                mine = grades.get(a.id, [])
                decided = utc(a.reviewed_at) or (utc(mine[0].graded_at) if mine else None)
                sentences = len(json.loads(a.payload)["sentences"])  # no column of its own: counted in the payload
                facts.append(AnswerFacts(a.id, c.matter, tuple(a.jurisdictions), utc(a.asked_at), decided,
                                         a.abstained, a.unsupported_sentences, sentences,
                                         tuple(g.to_grade() for g in mine)))
            return facts


def _listed(session: Session, conditions: list[ColumnElement[bool]], jurisdiction: str = "") -> list[QueuedAnswer]:
    """The answers meeting `conditions` (oldest first, of `jurisdiction` if given) with their grades: two queries."""
    listed = (select(AnswerRow, ConversationRow).join(ConversationRow).where(*conditions)
              .order_by(AnswerRow.asked_at, AnswerRow.id))
    rows = [(a, c) for a, c in session.execute(listed) if not jurisdiction or jurisdiction in a.jurisdictions]
    if not rows:
        return []
    grades = _grades_by_answer(session, select(AnswerRow.id).join(ConversationRow).where(*conditions))
    return [QueuedAnswer(a.to_stored(), c.matter, c.associate, grades.get(a.id, [])) for a, c in rows]


def _grades_by_answer(session: Session, answer_ids: Iterable[int] | Select) -> dict[int, list[Grade]]:
    """The grades of the answers (ids, or a query of them) in one query, each answer's in the order given."""
    grades: dict[int, list[Grade]] = {}
    for row in session.scalars(select(GradeRow).where(GradeRow.answer_id.in_(answer_ids)).order_by(GradeRow.id)):
        grades.setdefault(row.answer_id, []).append(row.to_grade())
    return grades
