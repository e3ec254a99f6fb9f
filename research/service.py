"""The research service: the one path from a question to an answer, and to the stored answer when it is filed.

The app, the CLI and (later) the HTTP API ask through `ResearchService.research`; an answer is stored only when
the request names a matter or a conversation to file it under.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from research.answer.researcher import Researcher
from research.domain.answer import Answer, AnswerMode, Survey
from research.domain.records import Turn
from research.storage.database import AppDatabase


@dataclass(frozen=True)
class ResearchRequest:
    """A question as an associate asks it, and where to file the answer (nowhere by default)."""

    question: str
    jurisdictions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    survey: bool = False  # answered separately in each jurisdiction (two or more)
    history: tuple[Turn, ...] = ()  # earlier turns of the conversation, for follow-ups
    matter: str | None = None  # file under a new conversation of this matter
    conversation_id: int | None = None  # or under this conversation
    associate: str = ""


@dataclass(frozen=True)
class ResearchResult:
    """The answer (a survey also as its table) and, when it was filed, where."""

    answer: Answer  # as shown and stored (a survey as one answer)
    survey: Survey | None = None
    conversation_id: int | None = None
    answer_id: int | None = None

    def to_dict(self) -> dict:
        """The `--json` shape: the answer's (or the survey's) fields, plus `filed` when it was stored."""
        data = self.survey.to_dict() if self.survey is not None else self.answer.to_dict()
        if self.answer_id is not None:
            data["filed"] = {"conversation_id": self.conversation_id, "answer_id": self.answer_id}
        return data


class ResearchService:
    """Answers questions and files them in the app database."""

    def __init__(self, researcher: Researcher, database: AppDatabase | Callable[[], AppDatabase] | None = None):
        """`database` may be a function that opens it, so that asking without filing never touches it."""
        self.researcher = researcher
        self._database = database

    @property
    def database(self) -> AppDatabase | None:
        """The app database answers are filed in (opened at first use)."""
        if callable(self._database):
            self._database = self._database()
        return self._database

    def research(self, request: ResearchRequest) -> ResearchResult:
        """Answer the request; when it names a matter or a conversation, store the answer there."""
        survey = None
        if request.survey:
            survey = self.researcher.survey(request.question, request.jurisdictions, request.kinds, mode=request.mode)
            answer = survey.as_answer()
        else:
            answer = self.researcher.ask(request.question, request.jurisdictions, request.kinds,
                                         history=list(request.history), mode=request.mode)
        if request.conversation_id is None and not (request.matter or "").strip():
            return ResearchResult(answer, survey)
        database = self.database
        if database is None:
            raise ValueError("No app database is open to file the answer in.")
        conversation_id = request.conversation_id
        if conversation_id is None:
            conversation_id = database.conversations.create(request.matter or "", request.associate)
        answer_id = database.conversations.add_answer(conversation_id, answer)
        return ResearchResult(answer, survey, conversation_id, answer_id)

    def ask(self, question: str, jurisdictions: tuple[str, ...] = (), kinds: tuple[str, ...] = (),
            history: tuple[Turn, ...] = (), mode: AnswerMode = AnswerMode.EXTRACTIVE) -> Answer:
        """A cited answer, not stored (`research` with a matter files it)."""
        return self.research(ResearchRequest(question, tuple(jurisdictions), tuple(kinds), mode,
                                             history=tuple(history))).answer

    def survey(self, question: str, jurisdictions: tuple[str, ...], kinds: tuple[str, ...] = (),
               mode: AnswerMode = AnswerMode.EXTRACTIVE) -> Survey:
        """The question answered per jurisdiction, not stored."""
        result = self.research(ResearchRequest(question, tuple(jurisdictions), tuple(kinds), mode, survey=True))
        assert result.survey is not None
        return result.survey
