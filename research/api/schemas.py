"""The bodies the HTTP API accepts (pydantic models: FastAPI checks them and publishes them in /openapi.json)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from research.answer.researcher import MAX_QUESTION_CHARS
from research.domain.answer import AnswerMode

MAX_RECORD_ID = 2**31 - 1  # ids are 32-bit integers in the app database


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchBody(_Body):
    """A search of the public corpus."""

    query: str = Field(max_length=MAX_QUESTION_CHARS, description="what to look for: words, a question or a citation")
    jurisdictions: list[str] = Field(default=[], max_length=10, description="US-DC, US-HI, US-CO, US-federal; "
                                                                            "none: all")
    kinds: list[str] = Field(default=[], max_length=5, description="statute, opinion; none: both")
    k: int = Field(default=10, ge=1, le=50, description="how many authorities")


class AskBody(_Body):
    """A research question, filed under a matter (a new conversation) or a conversation of one, if given."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    jurisdictions: list[str] = Field(default=[], max_length=10)
    kinds: list[str] = Field(default=[], max_length=5)
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    matter: str | None = Field(default=None, max_length=200, description="file the answer under a new conversation "
                                                                         "of this matter (you must belong to it)")
    conversation_id: int | None = Field(default=None, ge=1, le=MAX_RECORD_ID,
                                        description="or under this conversation (a follow-up: the earlier questions "
                                                    "are taken into account)")


class SurveyBody(_Body):
    """One question answered in each of two or more jurisdictions."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    jurisdictions: list[str] = Field(min_length=2, max_length=10)
    kinds: list[str] = Field(default=[], max_length=5)
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    matter: str | None = Field(default=None, max_length=200)


class GradeBody(_Body):
    """A reviewer's grade of an answer (the rubric of research.domain.review)."""

    passed: bool
    accuracy: int = Field(default=3, ge=1, le=5)
    completeness: int = Field(default=3, ge=1, le=5)
    clarity: int = Field(default=3, ge=1, le=5)
    citation_marks: dict[int, str] = Field(default={}, description="citation number -> correct, wrong authority, "
                                                                   "does not support the sentence, bad pin")
    add_authorities: list[str] = Field(default=[], max_length=50)
    comments: str = Field(default="", max_length=10_000)


class ApproveBody(_Body):
    """Approval of an answer, optionally with the reviewer's edit (the original is kept)."""

    edited_text: str | None = Field(default=None, max_length=100_000)
    override: bool = Field(default=False, description="admins: approve without the reviews required (recorded)")
