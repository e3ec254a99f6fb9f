"""Attorney review of stored answers: grading, approval, the review queue and what quality reporting reads.

Walled: the store acts for one user, lists only the answers of the matters they belong to, and signs grades and
approvals with that user's name (research/storage/walls.py). Blind: a reviewer sees other reviewers' grades of
an answer under review only after giving their own, and each grade records whether it was given blind. An
answer is approved once it has the reviews the firm requires (or by an admin's recorded override). Listings load
the grades of all their answers in one query, so their cost in statements does not grow with the answers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import AccessDenied, Permission
from research.domain.answer import SupportStatus
from research.domain.records import QueuedAnswer, ReviewStatus
from research.domain.review import AnswerFacts, Grade, GradedAnswer
from research.storage.audit import AuditLog
from research.storage.tables import AnswerRow, ConversationRow, GradeRow, utc_now
from research.storage.walls import Wall


class AnswerNotFound(LookupError):
    """No answer has this id."""


class ReviewIncomplete(ValueError):
    """An answer cannot be approved yet: it lacks the reviews the firm requires."""


class ReviewStore:
    """One user's view of review: grades and approvals of their matters' answers, and the listings reviewers and
    reports work from."""

    def __init__(self, sessions: sessionmaker[Session], wall: Wall, audit: AuditLog, reviews_required: int = 1):
        self._sessions = sessions
        self._wall = wall
        self._audit = audit
        self.reviews_required = reviews_required

    def approve(self, answer_id: int, edited_text: str | None = None, when: datetime | None = None,
                override: bool = False) -> None:
        """Approve an answer as the signed-in reviewer, optionally with an edited text kept beside the original.
        ReviewIncomplete while it has fewer grades than the firm requires, unless an admin overrides (recorded)."""
        with self._sessions.begin() as session:
            row = self._answer(session, answer_id, Permission.APPROVE)
            reviews = len(session.scalars(select(GradeRow.id).where(GradeRow.answer_id == answer_id)).all())
            overridden = reviews < self.reviews_required
            if overridden and not override:
                raise ReviewIncomplete(
                    f"Answer {answer_id} has {reviews} of the {self.reviews_required} review(s) required before "
                    "approval; an admin may approve it anyway with an override.")
            if overridden and not self._wall.user.can(Permission.MANAGE_MATTERS):
                raise AccessDenied(f"{self._wall.user.name} ({self._wall.user.role}) may not approve an answer "
                                   "without its reviews: only an admin may override")
            reviewer = self._wall.user.name
            row.status, row.reviewer, row.reviewed_at = ReviewStatus.APPROVED, reviewer, when or utc_now()
            row.approval_override = overridden
            edited = edited_text is not None and edited_text.strip() and edited_text.strip() != row.text.strip()
            if edited:
                row.edited_text = (edited_text or "").strip()
            self._audit.append(session, reviewer, "answer approved", row.conversation.matter, answer_id=answer_id,
                               edited=bool(edited), reviews=reviews, reviews_required=self.reviews_required,
                               override=overridden)

    def record_grade(self, answer_id: int, grade: Grade, when: datetime | None = None) -> None:
        """Store the signed-in reviewer's grade of an answer (replacing their earlier grade of it); the grade is
        signed with their name whatever name it carries. It is blind when the reviewer could not have seen
        another reviewer's grade of the answer: a first grade of an answer under review, or a regrade before
        anyone else graded."""
        with self._sessions.begin() as session:
            answer = self._answer(session, answer_id, Permission.GRADE)
            grade = replace(grade, reviewer=self._wall.user.name)
            grade.check({c.number for c in answer.citations})
            existing = session.scalars(select(GradeRow).where(GradeRow.answer_id == answer_id)).all()
            row = next((g for g in existing if g.reviewer == grade.reviewer), None)
            others_seen = row is not None and any(g.reviewer != grade.reviewer for g in existing)
            blind = answer.status != ReviewStatus.APPROVED and not others_seen
            if row is None:
                row = GradeRow(answer_id=answer_id, reviewer=grade.reviewer)
                session.add(row)
            row.accuracy, row.completeness, row.clarity = grade.accuracy, grade.completeness, grade.clarity
            row.passed, row.comments = grade.passed, grade.comments
            row.citation_marks = {str(k): v for k, v in grade.citation_marks.items()}
            row.missing_authorities = list(grade.missing_authorities)
            row.graded_at, row.blind, row.rubric_version = when or utc_now(), blind, grade.rubric_version
            # the fact, not the verdict: members may export the matter's trail, and a reviewer who has not yet
            # graded must not read another's grade there (the grade itself is in the grades table)
            self._audit.append(session, grade.reviewer, "answer graded", answer.conversation.matter,
                               answer_id=answer_id, blind=blind, rubric_version=grade.rubric_version)

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
        """Answers awaiting review or approval, oldest first, optionally of one matter, jurisdiction or associate.
        An answer stays here until it is approved, which needs the reviews required."""
        conditions = [AnswerRow.status != ReviewStatus.APPROVED]
        if matter:
            conditions.append(ConversationRow.matter == matter)
        if associate:
            conditions.append(ConversationRow.associate == associate)
        with self._sessions() as session:
            return self._listed(session, [*conditions, self._walled(session)], jurisdiction)

    def approved(self) -> list[QueuedAnswer]:
        """Approved answers with their grades, oldest first."""
        with self._sessions() as session:
            return self._listed(session, [AnswerRow.status == ReviewStatus.APPROVED, self._walled(session)])

    def with_grades(self) -> list[QueuedAnswer]:
        """Every answer of the user's matters with grades they may see, by id (what grade exports list)."""
        with self._sessions() as session:
            listed = self._listed(session, [self._walled(session)])
        return sorted((q for q in listed if q.grades), key=lambda q: q.stored.id)

    def answer(self, answer_id: int) -> QueuedAnswer:
        """One answer with its matter, associate and the grades the user may see; AnswerNotFound when there is
        none."""
        with self._sessions() as session:
            row = self._answer(session, answer_id, Permission.SEE)
            (stored,) = self._wall.answers(session, [row])
            return QueuedAnswer(stored, row.conversation.matter, row.conversation.associate)

    def graded(self) -> list[GradedAnswer]:
        """Every grade of the user's matters that they may see, oldest first."""
        with self._sessions() as session:
            listed = self._listed(session, [self._walled(session)])
        graded = [GradedAnswer(q.stored.id, g, g.graded_at or q.stored.asked_at, g.blind)
                  for q in listed for g in q.grades]
        return sorted(graded, key=lambda g: g.graded_at)

    def answer_facts(self) -> list[AnswerFacts]:
        """What quality reporting needs of every answer of the user's matters (with the grades they may see)."""
        with self._sessions() as session:
            listed = self._listed(session, [self._walled(session)])
        facts = []
        for queued in sorted(listed, key=lambda q: q.stored.id):
            stored, grades = queued.stored, sorted(queued.grades, key=lambda g: g.graded_at or stored.asked_at)
            approved = stored.status == ReviewStatus.APPROVED
            decided = stored.reviewed_at if approved else (grades[0].graded_at if grades else None)
            answer = stored.answer
            facts.append(AnswerFacts(stored.id, queued.matter, tuple(answer.jurisdictions), stored.asked_at, decided,
                                     answer.abstained,
                                     sum(1 for s in answer.sentences if s.status != SupportStatus.VERIFIED),
                                     len(answer.sentences), tuple(grades), approved, stored.reviews))
        return facts

    def _listed(self, session: Session, conditions: list[ColumnElement[bool]],
                jurisdiction: str = "") -> list[QueuedAnswer]:
        """The answers meeting `conditions` (oldest first, of `jurisdiction` if given) with the grades the user
        may see: two queries."""
        listed = (select(AnswerRow, ConversationRow).join(ConversationRow).where(*conditions)
                  .order_by(AnswerRow.asked_at, AnswerRow.id))
        rows = [(a, c) for a, c in session.execute(listed) if not jurisdiction or jurisdiction in a.jurisdictions]
        stored = self._wall.answers(session, [a for a, _ in rows])
        return [QueuedAnswer(s, c.matter, c.associate) for s, (_, c) in zip(stored, rows)]
