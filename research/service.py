"""The research service: the one path from a question to an answer, and to the stored answer when it is filed.

The app, the CLI and (later) the HTTP API ask through `ResearchService.research`; an answer is stored only when
the request names a matter or a conversation to file it under, and then only in the signed-in user's workspace,
whose stores refuse matters the user does not belong to. A matter's own documents are searched with the public
corpus when the request is filed under that matter, through the same walled workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from research.answer.extractive import Passage
from research.answer.researcher import AuthorityStore, PrivateSearch, Researcher
from research.corpus.documents import MediaType, ParsedDocument, parse_document, passage_spans
from research.domain.accounts import AccessDenied
from research.domain.answer import NEGATIVE_TREATMENTS, Answer, AnswerMode, Citation, Survey, treatment_label
from research.domain.records import StoredAnswer, Turn
from research.domain.types import Authority, AuthorityHit, Chunk, Kind, SearchFilter
from research.storage.database import AppDatabase, Workspace
from research.storage.documents import PassageHit, StoredDocument

PRIVATE_PASSAGES = 3  # a matter's document passages an answer may draw on
PRIVATE_MIN_SIMILARITY = 0.35  # MiniLM cosine under which a document passage is not about the question


@dataclass(frozen=True)
class ResearchRequest:
    """A question as an associate asks it, and where to file the answer (nowhere by default)."""

    question: str
    jurisdictions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    survey: bool = False  # answered separately in each jurisdiction (two or more)
    history: tuple[Turn, ...] = ()  # earlier turns of the conversation, for follow-ups
    matter: str | None = None  # file under a new conversation of this matter (and search its documents)
    conversation_id: int | None = None  # or under this conversation


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

    def __init__(self, researcher: Researcher, database: AppDatabase | Callable[[], AppDatabase] | None = None,
                 treatment_of: Callable[[str], list[dict]] | None = None,
                 currency_of: CurrencyLookup | None = None):
        """`database` may be a function that opens it, so that asking without filing never touches it;
        `treatment_of` gives a cited opinion's negative treatment (the citator), if there is one; `currency_of`
        what later versions of the law did to an authority a stored answer quoted."""
        self.researcher = researcher
        self._database = database
        self.treatment_of = treatment_of
        self.currency_of = currency_of

    def current(self, stored: list[StoredAnswer]) -> list[StoredAnswer]:
        """Stored answers as they are shown, reviewed and exported now: each citation of an authority a later version
        of its source amended or repealed is marked so, beside the text it quoted then."""
        if self.currency_of is None:
            return stored
        return [with_currency(answer, self.currency_of) for answer in stored]

    @property
    def database(self) -> AppDatabase | None:
        """The app database answers are filed in (opened at first use)."""
        if callable(self._database):
            self._database = self._database()
        return self._database

    def research(self, request: ResearchRequest, workspace: Workspace | None = None) -> ResearchResult:
        """Answer the request; when it names a matter or a conversation, search that matter's documents too and
        store the answer there, as the workspace's user (who must belong to the matter)."""
        files = request.conversation_id is not None or bool((request.matter or "").strip())
        if files and workspace is None:
            raise AccessDenied("Sign in (--as NAME) to file research under a matter.")
        matter = (request.matter or "").strip()
        conversation_id = request.conversation_id
        if workspace is not None and conversation_id is not None:
            matter = workspace.conversations.get(conversation_id).matter  # NotAMember for another matter's
        elif workspace is not None and matter:
            matter = workspace.conversations.check_matter(matter)  # refused before any work is done
        private = self._private_search(workspace, matter) if workspace is not None and matter else None
        survey = None
        if request.survey:
            survey = self.researcher.survey(request.question, request.jurisdictions, request.kinds, mode=request.mode)
            answer = survey.as_answer()
        else:
            answer = self.researcher.ask(request.question, request.jurisdictions, request.kinds,
                                         history=list(request.history), mode=request.mode, private=private)
        if self.treatment_of is not None and survey is None:
            answer = with_treatment(answer, self.treatment_of)
        if not files or workspace is None:
            return ResearchResult(answer, survey)
        if conversation_id is None:
            conversation_id = workspace.conversations.create(matter)
        answer_id = workspace.conversations.add_answer(conversation_id, answer)
        return ResearchResult(answer, survey, conversation_id, answer_id)

    def add_document(self, workspace: Workspace, matter: str, filename: str, data: bytes) -> StoredDocument:
        """Upload a document to a matter: parse it (research.corpus.documents), embed its passages and store them
        in the matter's private scope; DocumentError (nothing stored) when it cannot be read."""
        workspace.documents.check_upload(matter)  # a non-member's file is not even parsed
        parsed = parse_document(filename, data)
        spans = passage_spans(parsed)
        vectors = self._encode([parsed.text[s:e] for s, e in spans])
        return workspace.documents.add(matter, parsed.filename, data, parsed.media_type, parsed.text,
                                       parsed.page_starts, spans, vectors)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.researcher.answerer.embedder.encode(texts), dtype=np.float32)
        return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)

    def _private_search(self, workspace: Workspace, matter: str) -> PrivateSearch:
        def search(question: str) -> list[Passage]:
            hits = workspace.documents.search(matter, self._encode([question])[0], PRIVATE_PASSAGES,
                                              PRIVATE_MIN_SIMILARITY)
            return [document_passage(hit) for hit in hits]
        return search

    def search(self, query: str, jurisdictions: tuple[str, ...] = (), kinds: tuple[str, ...] = (),
               k: int = 10) -> list[dict]:
        """Ranked authorities for a query (the public corpus only), as `hit_record`s."""
        hits = self.researcher.retriever.search(query, SearchFilter(tuple(jurisdictions), tuple(kinds)), k=k)
        return [hit_record(hit, self.researcher.store, self.treatment_of) for hit in hits]

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


def with_treatment(answer: Answer, treatment_of: Callable[[str], list[dict]]) -> Answer:
    """The answer with each cited authority's negative treatment beside its citation; an answer that leans on a case
    a later opinion overruled, or on a repealed section, says so in its brief answer and its notices."""
    citations: list[Citation] = []
    cautions: dict[str, str] = {}  # one caution per cited case, at its first citation
    for citation in answer.citations:
        found = tuple(treatment_of(citation.authority_id)) if citation.kind != Kind.DOCUMENT else ()
        citations.append(replace(citation, treatment=found) if found else citation)
        negative = next((t for t in found if t["kind"] in NEGATIVE_TREATMENTS), None)
        if negative is not None and citation.authority_id not in cautions:
            cautions[citation.authority_id] = (f"Caution: {citation.citation} [{citation.number}] was "
                                               f"{treatment_label(negative)}.")
    if not cautions:
        return replace(answer, citations=citations)
    texts = list(cautions.values())
    return replace(answer, citations=citations, brief_answer=" ".join([answer.brief_answer, *texts]),
                   notices=[*answer.notices, *texts])


CurrencyLookup = Callable[[str, datetime, str], list[dict]]  # (authority id, asked at, quote) -> "... since" entries


def with_currency(stored: StoredAnswer, currency_of: CurrencyLookup) -> StoredAnswer:
    """The stored answer with its citations marked "amended since" / "repealed since" where the law it quoted changed
    after it was given, and a notice saying so."""
    citations: list[Citation] = []
    notices: dict[str, str] = {}
    for citation in stored.answer.citations:
        found = currency_of(citation.authority_id, stored.asked_at, citation.quote) \
            if citation.kind != Kind.DOCUMENT else []
        fresh = [t for t in found if t not in citation.treatment]
        citations.append(replace(citation, treatment=(*citation.treatment, *fresh)) if fresh else citation)
        for entry in fresh:
            notices.setdefault(citation.authority_id, f"Since this answer was given, {citation.citation} "
                               f"[{citation.number}] was {treatment_label(entry)}: {entry['note']}.")
    if not notices:
        return stored
    answer = replace(stored.answer, citations=citations, notices=[*stored.answer.notices, *notices.values()])
    return replace(stored, answer=answer)


def hit_record(hit: AuthorityHit, store: AuthorityStore,
               treatment_of: Callable[[str], list[dict]] | None = None) -> dict:
    """A search hit as the `research search --json` and the HTTP API give it (with its negative treatment, when
    there is a citator)."""
    authority = store.authority(hit.authority_id)
    treatment = treatment_of(hit.authority_id) if treatment_of is not None and hit.chunk.kind != Kind.DOCUMENT else []
    return {
        "treatment": treatment,
        "authority_id": hit.authority_id, "citation": hit.chunk.citation, "pin": hit.chunk.pin,
        "pin_citation": hit.chunk.pin_citation, "heading": authority.heading if authority else "",
        "heading_path": list(authority.heading_path) if authority else [],
        "jurisdiction": hit.chunk.jurisdiction, "kind": hit.chunk.kind, "score": round(hit.score, 6),
        "matched_by": hit.matched_by, "passage": hit.chunk.text, "start": hit.chunk.start, "end": hit.chunk.end,
        "url": authority.url if authority else None,
    }


def document_authority(document: StoredDocument) -> Authority:
    """A matter's document as an authority its passages are quoted from (cited by file name and page)."""
    return Authority(id=document.authority_id, source=f"matter document {document.filename}", jurisdiction="",
                     kind=Kind.DOCUMENT, citation=document.filename, heading=document.filename, text=document.text)


def document_passage(hit: PassageHit) -> Passage:
    """A matched passage of a matter's document as the answerer's Passage, pinned to its page for a PDF."""
    document = hit.document
    parsed = ParsedDocument(document.filename, MediaType(document.media_type), document.text, document.page_starts)
    authority = document_authority(document)
    chunk = Chunk(id=f"{authority.id}:{hit.start}", authority_id=authority.id, source=authority.source,
                  jurisdiction="", kind=Kind.DOCUMENT, citation=document.filename, pin=parsed.pin(hit.start),
                  start=hit.start, end=hit.end, text=document.text[hit.start:hit.end], context=document.filename,
                  ordinal=0)
    return Passage(authority, 0, (chunk,), (hit.start, hit.end), hit.similarity)
