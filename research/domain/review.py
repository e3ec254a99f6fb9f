"""The review rubric: a reviewer's grade of an answer, its citation marks, and what reporting reads of an answer.

Pure data and validation; storing grades is the storage layer's, figures and agreement the workflow's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CORRECT = "correct"


CITATION_MARKS = (CORRECT, "wrong authority", "does not support the sentence", "bad pin")


SCORE_RANGE = range(1, 6)


class GradeError(ValueError):
    """A grade that does not follow the rubric."""


@dataclass(frozen=True)
class Grade:
    """A reviewer's rubric for one answer."""

    reviewer: str
    accuracy: int
    completeness: int
    clarity: int
    passed: bool
    citation_marks: dict[int, str] = field(default_factory=dict)  # citation number -> mark
    missing_authorities: tuple[str, ...] = ()
    comments: str = ""

    def check(self, citation_numbers: set[int]) -> None:
        """Raise GradeError unless scores are 1-5, every mark is known and names a citation of the answer."""
        if not self.reviewer.strip():
            raise GradeError("A grade needs the reviewer's name.")
        for name in ("accuracy", "completeness", "clarity"):
            if getattr(self, name) not in SCORE_RANGE:
                raise GradeError(f"{name} must be 1 to 5, not {getattr(self, name)!r}")
        for number, mark in self.citation_marks.items():
            if number not in citation_numbers:
                raise GradeError(f"the answer has no citation [{number}]")
            if mark not in CITATION_MARKS:
                raise GradeError(f"unknown citation mark {mark!r}; choose from {', '.join(CITATION_MARKS)}")


@dataclass(frozen=True)
class GradedAnswer:
    """A grade with what reporting needs of its answer."""

    answer_id: int
    grade: Grade
    graded_at: datetime


@dataclass(frozen=True)
class AnswerFacts:
    """What the quality report needs of one answer."""

    answer_id: int
    matter: str
    jurisdictions: tuple[str, ...]
    asked_at: datetime
    decided_at: datetime | None  # approval, or else the first grade
    abstained: bool
    unsupported_sentences: int
    sentences: int
    grades: tuple[Grade, ...]
