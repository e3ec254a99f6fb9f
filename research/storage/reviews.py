"""Attorney review of stored answers: grading, approval, the review queue and what quality reporting reads.

Listings load the grades of all their answers in one query, so their cost in statements does not grow with the
number of answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.records import QueuedAnswer, ReviewStatus
from research.domain.review import AnswerFacts, Grade, GradedAnswer
from research.storage.tables import AnswerRow, ConversationRow, GradeRow, utc, utc_now


class AnswerNotFound(LookupError):
    """No answer has this id."""


class ReviewStore:
    """Grades and approvals of stored answers, and the listings reviewers and reports work from."""

    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def approve(self, answer_id: int, reviewer: str, edited_text: str | None = None,
                when: datetime | None = None) -> None:
        """Approve an answer as `reviewer`, optionally with an edited text kept beside the original."""
        if not reviewer.strip():
            raise ValueError("An approval needs the reviewer's name.")
        with self._sessions.begin() as session:
            row = session.get(AnswerRow, answer_id)
            if row is None:
                raise AnswerNotFound(f"no answer {answer_id}")
            row.status, row.reviewer, row.reviewed_at = ReviewStatus.APPROVED, reviewer.strip()[:200], when or utc_now()
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
            row.graded_at = when or utc_now()

    def queue(self, matter: str = "", jurisdiction: str = "", associate: str = "") -> list[QueuedAnswer]:
        """Answers awaiting approval, oldest first, optionally of one matter, jurisdiction or associate."""
        conditions = [AnswerRow.status != ReviewStatus.APPROVED]
        if matter:
            conditions.append(ConversationRow.matter == matter)
        if associate:
            conditions.append(ConversationRow.associate == associate)
        with self._sessions() as session:
            return _listed(session, conditions, jurisdiction)

    def approved(self) -> list[QueuedAnswer]:
        """Approved answers with their grades, oldest first."""
        with self._sessions() as session:
            return _listed(session, [AnswerRow.status == ReviewStatus.APPROVED])

    def answer(self, answer_id: int) -> QueuedAnswer:
        """One answer with its matter, associate and grades; AnswerNotFound when there is none."""
        with self._sessions() as session:
            row = session.get(AnswerRow, answer_id)
            if row is None:
                raise AnswerNotFound(f"no answer {answer_id}")
            return QueuedAnswer(row.to_stored(), row.conversation.matter, row.conversation.associate,
                                _grades_by_answer(session, [answer_id]).get(answer_id, []))

    def graded(self) -> list[GradedAnswer]:
        """Every grade, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(select(GradeRow).order_by(GradeRow.graded_at, GradeRow.id)).all()
            return [GradedAnswer(r.answer_id, r.to_grade(), utc(r.graded_at)) for r in rows]

    def answer_facts(self) -> list[AnswerFacts]:
        """What quality reporting needs of every answer."""
        with self._sessions() as session:
            grades: dict[int, list[GradeRow]] = {}
            for g in session.scalars(select(GradeRow).order_by(GradeRow.graded_at)):
                grades.setdefault(g.answer_id, []).append(g)
            facts = []
            answers = select(AnswerRow, ConversationRow).join(ConversationRow).order_by(AnswerRow.id)
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
