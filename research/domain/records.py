"""Workflow records: answers as stored, conversations, queued answers and the turns of a conversation.

Plain frozen data that the storage layer returns and the workflow (memos, grades, reports) and the answer
layer (follow-ups) read; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from research.domain.answer import Answer
from research.domain.review import Grade


class ReviewStatus(StrEnum):
    """Where an answer stands in review: a draft until an attorney approves it."""

    DRAFT = "draft"
    APPROVED = "approved"


DRAFT_LABEL = "Draft - needs attorney review"


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as stored, with its row id, time and review status."""

    id: int
    conversation_id: int
    asked_at: datetime
    status: str
    answer: Answer
    edited_text: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    grades: tuple[Grade, ...] = ()  # the grades this user may see (blind review hides others' until they grade)
    reviews: int = 0  # every grade of the answer, seen or not
    approval_override: bool = False  # approved by an admin before it had the reviews required

    def review_state(self, required: int = 1) -> str:
        """Where the answer stands: 'approved', 'draft', 'in review (1 of 2 reviews)', 'reviewed, awaiting
        approval', or, when a grade this user may see is a Fail, 'failed review by NAME' (with the count while
        reviews are still missing)."""
        if self.status == ReviewStatus.APPROVED:
            return "approved" + (" by override" if self.approval_override else "")
        if not self.reviews:
            return "draft"
        count = f"{self.reviews} of {required} reviews" if self.reviews < required else ""
        if self.failed_by:
            return f"failed review by {self.failed_by}" + (f" ({count})" if count else "")
        if count:
            return f"in review ({count})"
        return "reviewed, awaiting approval"

    @property
    def label(self) -> str:
        """'Draft - needs attorney review', 'Failed review by NAME - needs revision' when a grade this user may see is
        a Fail, or 'Reviewed by NAME on DATE' once approved."""
        if self.status == ReviewStatus.APPROVED and self.reviewer and self.reviewed_at:
            override = " (an admin's override, without the reviews required)" if self.approval_override else ""
            return f"Reviewed by {self.reviewer} on {self.reviewed_at:%Y-%m-%d}{override}"
        if self.failed_by:
            return f"Failed review by {self.failed_by} - needs revision"
        return DRAFT_LABEL

    @property
    def failed_by(self) -> str:
        """The reviewers whose grade this user may see is a Fail ("Ada, Rex"), or ""."""
        return ", ".join(sorted({g.reviewer for g in self.grades if not g.passed}))

    @property
    def final_text(self) -> str:
        """What the firm uses: the reviewer's edit when there is one, else the answer as given."""
        return self.edited_text or self.answer.text


@dataclass(frozen=True)
class ConversationSummary:
    """A conversation in the history list."""

    id: int
    matter: str
    associate: str
    created_at: datetime
    updated_at: datetime
    questions: int
    first_question: str
    statuses: dict[str, int] = field(default_factory=dict)  # answers by review status: draft, graded, approved

    @property
    def status_line(self) -> str:
        """'1 approved, 1 graded, 2 drafts' (statuses with no answer left out)."""
        return ", ".join(f"{n} {s}{'s' if s == 'draft' and n != 1 else ''}" for s in ("approved", "graded", "draft")
                         if (n := self.statuses.get(s, 0)))


@dataclass(frozen=True)
class Conversation:
    """A conversation with its answers in the order they were given."""

    id: int
    matter: str
    associate: str
    created_at: datetime
    answers: list[StoredAnswer]

    def turns(self) -> list[Turn]:
        """The conversation's questions as follow-up history."""
        return [Turn(a.answer.question, a.answer.standalone_question, a.answer.jurisdictions) for a in self.answers]


@dataclass(frozen=True)
class QueuedAnswer:
    """An answer with its matter, associate and grades (for review and export)."""

    stored: StoredAnswer
    matter: str
    associate: str

    @property
    def grades(self) -> tuple[Grade, ...]:
        """The grades the user may see."""
        return self.stored.grades


@dataclass(frozen=True)
class Turn:
    """A past question of the conversation, as it was finally searched."""

    question: str
    standalone_question: str
    jurisdictions: tuple[str, ...]
