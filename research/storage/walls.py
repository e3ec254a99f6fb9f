"""Matter walls: what one signed-in user may see and touch, checked in every query of the walled stores.

A `Wall` is not a list held by the caller: each query filters by the user's memberships as they are in the
database at that moment, and each action re-reads the account, so taking someone off a matter or disabling
their account takes effect on their next request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from research.domain.accounts import AccessDenied, NotAMember, Permission, User
from research.domain.records import ReviewStatus, StoredAnswer
from research.storage.tables import AnswerRow, GradeRow, MatterRow, MembershipRow, UserRow


@dataclass(frozen=True)
class Wall:
    """The wall around one user's matters."""

    user: User

    def matter_ids(self) -> Select:
        """A subquery of the ids of the matters the user belongs to (to filter any query by)."""
        return select(MembershipRow.matter_id).where(MembershipRow.user_id == self.user.id)

    def allow(self, session: Session, permission: Permission) -> User:
        """The account as it is now, if it may do `permission`; AccessDenied otherwise."""
        row = session.get(UserRow, self.user.id)
        if row is None:
            raise AccessDenied(f"The account {self.user.name!r} no longer exists.")
        user = row.to_user()
        user.require(permission)
        return user

    def enter(self, session: Session, permission: Permission, matter_id: int) -> MatterRow:
        """The matter, if the user may do `permission` and belongs to it; AccessDenied or NotAMember otherwise."""
        self.allow(session, permission)
        matter = session.get(MatterRow, matter_id)
        member = session.scalar(select(MembershipRow.id).where(MembershipRow.matter_id == matter_id,
                                                              MembershipRow.user_id == self.user.id))
        if matter is None or member is None:
            raise NotAMember(self.user.name)  # reached by a record's id: the matter's name is not told
        return matter

    def enter_by_name(self, session: Session, permission: Permission, name: str) -> MatterRow:
        """The matter named `name` (case-insensitive), as `enter`; an unknown name is refused the same way, so
        the refusal does not tell whether a matter exists."""
        matter_id = session.scalar(select(MatterRow.id).where(func.lower(MatterRow.name) == name.strip().lower()))
        if matter_id is None:
            self.allow(session, permission)
            raise NotAMember(self.user.name, name.strip())
        try:
            return self.enter(session, permission, matter_id)
        except NotAMember:
            raise NotAMember(self.user.name, name.strip()) from None  # worded as for a name that does not exist

    def answers(self, session: Session, rows: Sequence[AnswerRow]) -> list[StoredAnswer]:
        """The answers as this user may see them, with their grades in one query. Review is blind: a user who
        grades does not see other reviewers' grades of an answer under review until they have given their own
        (the answer still counts every grade, so its status is right)."""
        grades: dict[int, list[GradeRow]] = {}
        ids = [row.id for row in rows]
        if ids:
            for grade in session.scalars(select(GradeRow).where(GradeRow.answer_id.in_(ids)).order_by(GradeRow.id)):
                grades.setdefault(grade.answer_id, []).append(grade)
        grader = self.user.can(Permission.GRADE)
        stored = []
        for row in rows:
            mine = grades.get(row.id, [])
            blinded = (grader and row.status != ReviewStatus.APPROVED
                       and not any(g.reviewer == self.user.name for g in mine))
            shown = () if blinded else tuple(g.to_grade() for g in mine)
            stored.append(row.to_stored(shown, len(mine)))
        return stored
