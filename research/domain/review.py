"""The review rubric: a reviewer's grade of an answer, its citation marks, and what reporting reads of an answer.

Pure data and validation; storing grades is the storage layer's, figures and agreement the workflow's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

CORRECT = "correct"
WRONG_AUTHORITY = "wrong authority"
CITATION_MARKS = (CORRECT, WRONG_AUTHORITY, "does not support the sentence", "bad pin")
MARK_NAMES = {"correct": CORRECT, "wrong-authority": WRONG_AUTHORITY, "unsupported": "does not support the sentence",
              "bad-pin": "bad pin"}  # the marks as one word each, for the command line
RUBRIC_VERSION = "1"  # scores 1-5 for accuracy, completeness and clarity, pass/fail, and CITATION_MARKS
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
    graded_at: datetime | None = None  # set when stored
    blind: bool = True  # given without having seen another reviewer's grade of the answer
    rubric_version: str = RUBRIC_VERSION

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


def rejected(grades: Iterable[Grade]) -> dict[int, list[str]]:
    """Citation number -> the marks other than correct that reviewers gave it (in the order of the grades)."""
    marks: dict[int, list[str]] = {}
    for grade in grades:
        for number, mark in sorted(grade.citation_marks.items()):
            if mark != CORRECT and mark not in marks.get(number, []):
                marks.setdefault(number, []).append(mark)
    return marks


def marks_summary(grades: Iterable[Grade]) -> str:
    """What reviewers said of the citations, e.g. 'reviewer: 6 correct, 8 wrong authority' (marks counted over all
    grades, in rubric order); '' when no grade marks a citation."""
    grades = list(grades)
    counts = Counter(m for g in grades for m in g.citation_marks.values())
    if not counts:
        return ""
    who = "reviewer" if len(grades) == 1 else f"{len(grades)} reviewers"
    return f"{who}: " + ", ".join(f"{counts[m]} {m}" for m in CITATION_MARKS if counts[m])


@dataclass(frozen=True)
class GradedAnswer:
    """A grade with what reporting needs of its answer."""

    answer_id: int
    grade: Grade
    graded_at: datetime
    blind: bool = True  # given without having seen another reviewer's grade


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
    grades: tuple[Grade, ...]  # those the reader may see (blind review hides others' until they grade)
    approved: bool = False
    reviews: int = 0  # every grade of the answer, seen or not
