"""Asking: retrieve, answer (extractive, or a configured model checked sentence by sentence), cite.

Every citation in an answer points to an authority retrieved for that question, with a quoted span
whose offsets are checked against the authority's text before the answer is returned.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import permutations
from typing import Protocol

import numpy as np

from research.answer.coverage import CorpusHoldings, TitleRouter, corpus_coverage, holdings
from research.answer.drafting import answers_part, drafting_tags, states_holding
from research.answer.extractive import (
    ExtractiveAnswerer,
    Passage,
    Pick,
    candidate_sentences,
    group_by_authority,
)
from research.answer.followup import resolve
from research.answer.generate import Generator, ModelUnavailable, passage_key
from research.answer.premises import contradiction, law_premises
from research.answer.question import question_parts
from research.answer.scope import Scope
from research.answer.textmatch import coverage, supports
from research.corpus.sentences import Sentence
from research.corpus.structure import court_opinion_body_end
from research.domain.answer import (
    ASKABLE_MODES,
    Answer,
    AnswerMode,
    AnswerSentence,
    Citation,
    SupportStatus,
    Survey,
    SurveyRow,
    citation_marks,
    human_citation,
    no_authority_message,
    quoted,
)
from research.domain.records import Turn
from research.domain.types import KINDS, Authority, AuthorityHit, Chunk, Kind, SearchFilter
from research.index.catalogue import SourceStatus
from research.jurisdictions import JURISDICTIONS

MAX_QUESTION_CHARS = 2000
OPINION_NEIGHBOURS = 1  # chunks on each side of an opinion's best chunk that may be quoted
NAMED_CASE_NEIGHBOURS = 4  # the same, for a case the question names: it is answered from its own text
HOLDING_CHUNKS = 4  # and, of a named case, this many chunks where the Court says what it holds
NEAREST_NOT_ON_POINT = 3  # authorities an abstention lists as the nearest retrieved
PREMISE_PASSAGES = 3  # passages searched for a provision contradicting a premise when no quote does
MIN_VERIFIED_SHARE = 0.5  # a generated answer with fewer verified sentences falls back to extractive


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long, unknown jurisdiction or mode)."""


def check_question(question: str, jurisdictions: tuple[str, ...], kinds: tuple[str, ...], mode: str) -> str:
    """The stripped question, or QuestionError saying what is wrong with the request."""
    question = (question or "").strip()
    if not question:
        raise QuestionError("The question is empty: type a research question.")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"The question is {len(question):,} characters long; the limit is "
                            f"{MAX_QUESTION_CHARS:,}. Ask the legal question itself, not the whole document.")
    unknown = [j for j in jurisdictions if j not in JURISDICTIONS]
    if unknown:
        raise QuestionError(f"Unknown jurisdiction {', '.join(unknown)}; choose from {', '.join(JURISDICTIONS)}.")
    bad_kinds = [k for k in kinds if k not in KINDS]
    if bad_kinds:
        raise QuestionError(f"Unknown source kind {', '.join(bad_kinds)}; choose from {', '.join(KINDS)}.")
    if mode not in ASKABLE_MODES:
        raise QuestionError(f"Unknown answer mode {mode!r}; choose from {', '.join(ASKABLE_MODES)}.")
    return question


PrivateSearch = Callable[[str], list[Passage]]  # a matter's own documents: passages for a (standalone) question


class Retriever(Protocol):
    """What the researcher asks of search (research.search.retriever.HybridRetriever)."""

    def search(self, query: str, search_filter: SearchFilter = ..., k: int = ...,
               exclude: frozenset[str] = ...) -> list[AuthorityHit]: ...

    def added_terms(self, query: str) -> str: ...


class AuthorityStore(Protocol):
    """What the researcher reads from the catalogue (research.index.catalogue.ChunkStore)."""

    def authority(self, authority_id: str) -> Authority | None: ...

    def chunks_of(self, authority_id: str) -> list[Chunk]: ...

    def source_status(self, name: str) -> SourceStatus | None: ...

    def citation_index(self) -> list[tuple[str, str, str, str]]: ...


@dataclass
class Researcher:
    """Answers questions from an index; `generator` is None unless a model is configured."""

    retriever: Retriever  # HybridRetriever
    store: AuthorityStore  # ChunkStore
    answerer: ExtractiveAnswerer
    generator: Generator | None = None
    k: int = 10
    _versions: dict[str, str] = field(default_factory=dict)
    _holdings: CorpusHoldings | None = None
    _router: TitleRouter | None = None

    def ask(self, question: str, jurisdictions: tuple[str, ...] = (), kinds: tuple[str, ...] = (),
            history: list[Turn] | None = None, mode: str = AnswerMode.EXTRACTIVE,
            private: PrivateSearch | None = None) -> Answer:
        """Answer a question (a follow-up is first made standalone from `history`) within the selected
        jurisdictions the question names (research.answer.scope), and the matter's own documents that `private`
        finds."""
        question = check_question(question, tuple(jurisdictions), tuple(kinds), mode)
        standalone, where = resolve(question, tuple(jurisdictions), history or [])
        return self.answer_in_scope(question, standalone, where, kinds, mode, private)

    def answer_in_scope(self, question: str, standalone: str, where: Scope, kinds: tuple[str, ...] = (),
                        mode: str = AnswerMode.EXTRACTIVE, private: PrivateSearch | None = None) -> Answer:
        """Answer `standalone` (asked as `question`) within `where`, adding its notice; no scoping. The matter's
        documents `private` finds come first: they are the facts the research is for."""
        started = time.perf_counter()
        scope = where.jurisdictions
        hits = self.retriever.search(standalone, SearchFilter(scope, tuple(kinds)), k=self.k)
        passages = self._passages(hits)
        if private is not None:
            mine = private(standalone)
            passages = [replace(p, rank=i) for i, p in enumerate(mine + passages)]
            private_ids = tuple(p.authority.id for p in mine)
        else:
            private_ids = ()
        retrieved_at = time.perf_counter()
        answer = Answer(question=question, standalone_question=standalone, jurisdictions=scope,
                        kinds=tuple(kinds), mode=AnswerMode.EXTRACTIVE, brief_answer="", sentences=[], citations=[],
                        abstained=False, retrieved=private_ids + tuple(h.authority_id for h in hits),
                        added_terms=self.retriever.added_terms(standalone))
        if where.notice:
            answer.notices.append(where.notice)
        if mode == AnswerMode.GENERATED:
            self._generate(answer, passages)
        if not answer.sentences and not answer.abstained:
            self._extract(answer, passages)
        # a matter's document has no law version: its upload (and hash) is in the audit trail
        answer.law_versions = {c.source: self._version(c.source) for c in answer.citations
                               if c.kind != Kind.DOCUMENT}
        answer.timings_ms = {"retrieve": round(1000 * (retrieved_at - started), 1),
                             "answer": round(1000 * (time.perf_counter() - retrieved_at), 1),
                             "total": round(1000 * (time.perf_counter() - started), 1)}
        return answer

    def survey(self, question: str, jurisdictions: tuple[str, ...], kinds: tuple[str, ...] = (),
               mode: str = AnswerMode.EXTRACTIVE) -> Survey:
        """The question answered separately in each jurisdiction, so none crowds out the others."""
        if len(jurisdictions) < 2:
            raise QuestionError("A survey needs at least two jurisdictions.")
        question = check_question(question, tuple(jurisdictions), tuple(kinds), mode)
        return Survey(question, [SurveyRow(j, self.answer_in_scope(question, question, Scope((j,)), kinds, mode))
                                 for j in jurisdictions])

    def _passages(self, hits: list[AuthorityHit]) -> list[Passage]:
        passages = []
        for rank, hit in enumerate(hits[:self.answerer.config.authorities]):
            authority = self.store.authority(hit.authority_id)
            if authority is None:  # cannot happen: search finds only authorities of this catalogue
                raise LookupError(f"authority {hit.authority_id} was found by search but is not in the catalogue")
            chunks = self.store.chunks_of(hit.authority_id)
            named = "case name" in hit.matched_by
            if authority.kind == Kind.OPINION:
                best = next((i for i, c in enumerate(chunks) if c.id == hit.chunk.id), 0)
                around = NAMED_CASE_NEIGHBOURS if named else OPINION_NEIGHBOURS
                window = range(max(0, best - around), best + around + 1)
                # a named case is also read where the Court states what it holds, wherever that is
                holdings = holding_chunks(authority, chunks) if named else []
                chunks = [c for i, c in enumerate(chunks) if i in window or i in holdings]
            passages.append(Passage(authority, rank, tuple(chunks), (hit.chunk.start, hit.chunk.end), hit.score,
                                    named))
        return passages

    def _extract(self, answer: Answer, passages: list[Passage]) -> None:
        result = self.answerer.answer(answer.standalone_question, passages, self.router())
        if result.abstained:
            _abstain(answer, self.coverage(), passages, result.title_fit.sentence())
            return
        numbers: dict[tuple[str, int], int] = {}  # (authority id, start) -> citation number

        def quote(authority: Authority, sentence: Sentence, pin: str) -> int:
            key = (authority.id, sentence.start)
            if key not in numbers:
                citation = _citation(len(answer.citations) + 1, authority, pin, sentence.start, sentence.end)
                answer.citations.append(citation)
                answer.sentences.append(AnswerSentence(quoted(citation.quote), (citation.number,), citation.status))
                numbers[key] = citation.number
            return numbers[key]

        for pick in group_by_authority(result.picks):
            if pick.lead_in is not None:  # a list item is quoted with the words that introduce it
                quote(pick.authority, pick.lead_in, _parent_pin(pick.pin))
            quote(pick.authority, pick.sentence, pick.pin)
        answer.premise_correction = self._premise_correction(answer, passages)
        answer.brief_answer = answer.premise_correction + " ".join(
            _brief_sentence(pick, answer, numbers) for pick in result.brief)
        cited = {c.authority_id for c in answer.citations}
        answer.also_retrieved = [{"authority_id": p.authority.id, "citation": human_citation(p.authority, "")}
                                 for p in passages if p.authority.id not in cited]

    def _generate(self, answer: Answer, passages: list[Passage]) -> None:
        if self.generator is None:
            answer.notices.append("No language model is configured; this is the extractive answer.")
            return
        texts = [_passage_text(p) for p in passages]
        try:
            draft = self.generator.draft(answer.standalone_question, answer.jurisdictions, texts)
        except ModelUnavailable as failure:
            answer.notices.append(f"The configured model did not answer ({failure}); "
                                  "this is the extractive answer.")
            return
        if draft.invented_keys:
            answer.notices.append(f"Dropped {len(draft.invented_keys)} citation(s) to passages that were not given.")
        if draft.cannot_answer:
            _abstain(answer, self.coverage(), passages)
            self._mark_generated(answer, self.generator)
            return
        by_key = {passage_key(i): p for i, p in enumerate(passages)}
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        for drafted in draft.sentences:
            numbers = []
            status = SupportStatus.UNSUPPORTED
            for key in drafted.keys:
                passage = by_key[key]
                span = _best_span(drafted.text, passage)
                if span is None:
                    continue
                sentence, pin = span
                supported = supports(drafted.text, passage_text_of(passage))
                citation = _citation(len(citations) + 1, passage.authority, pin, sentence.start, sentence.end,
                                     SupportStatus.VERIFIED if supported else SupportStatus.UNSUPPORTED)
                citations.append(citation)
                numbers.append(citation.number)
                status = SupportStatus.VERIFIED if supported else status
            sentences.append(AnswerSentence(drafted.text, tuple(numbers), status))
        verified = [s for s in sentences if s.status == SupportStatus.VERIFIED]
        if not sentences or len(verified) < MIN_VERIFIED_SHARE * len(sentences):
            answer.notices.append(
                f"The model's answer could not be verified against the sources ({len(verified)} of "
                f"{len(sentences)} sentences supported); this is the extractive answer.")
            return
        self._mark_generated(answer, self.generator)
        answer.sentences, answer.citations = sentences, citations
        answer.brief_answer = " ".join(f"{s.text} {citation_marks(s.citations)}"
                                       for s in self._brief_of_draft(answer.standalone_question, verified))
        cited = {c.authority_id for c in citations}
        answer.also_retrieved = [{"authority_id": p.authority.id, "citation": human_citation(p.authority, "")}
                                 for p in passages if p.authority.id not in cited]
        unsupported = len(sentences) - len(verified)
        if unsupported:
            answer.notices.append(f"{unsupported} sentence(s) are not supported by the passage they cite "
                                  "and are marked.")

    def _brief_of_draft(self, question: str, verified: list[AnswerSentence]) -> list[AnswerSentence]:
        """The brief answer of a generated answer, shaped as the extractive one: one verified sentence per part of
        the question (one when it asks one thing), the assignment of sentences to parts that fits best (similarity
        to the part, plus the drafting bonus of a sentence doing what the part asks), in the draft's order."""
        parts = question_parts(question)[:self.answerer.config.brief_sentences]
        if len(parts) < 2 or len(verified) < 2:
            return verified[:1]
        vectors = np.asarray(self.answerer.embedder.encode([p.text for p in parts] + [s.text for s in verified]),
                             dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        fit = vectors[len(parts):] @ vectors[:len(parts)].T
        bonus = self.answerer.config.drafting_weight
        for i, sentence in enumerate(verified):
            tags = drafting_tags(sentence.text)
            fit[i] += [bonus if answers_part(tags, part.asks) else 0.0 for part in parts]
        columns = range(min(len(parts), len(verified)))
        best = max(permutations(range(len(verified)), len(columns)),
                   key=lambda rows: sum(fit[row, column] for row, column in zip(rows, columns, strict=True)))
        return [verified[i] for i in sorted(best)]

    @staticmethod
    def _mark_generated(answer: Answer, generator: Generator) -> None:
        answer.mode, answer.prompt_version, answer.model = (AnswerMode.GENERATED, generator.prompt.version,
                                                            generator.model_name)

    def _premise_correction(self, answer: Answer, passages: list[Passage]) -> str:
        """A sentence correcting what the question assumes about the law, quoting the provision that says
        otherwise (research.answer.premises): among the answer's quotes, else among the first passages'
        sentences (then quoted too); '' when no premise of the question is contradicted."""
        for premise in law_premises(answer.question):
            found = contradiction(premise, [c.quote for c in answer.citations])
            if found is not None:
                citation = answer.citations[found.quote_index]
            else:
                sentences = [(p.authority, s, pin) for p in passages[:PREMISE_PASSAGES]
                             for s, pin in candidate_sentences(p, self.answerer.config.max_sentence_chars)]
                found = contradiction(premise, [s.text for _, s, _ in sentences])
                if found is None:
                    continue
                authority, sentence, pin = sentences[found.quote_index]
                citation = _citation(len(answer.citations) + 1, authority, pin, sentence.start, sentence.end)
                answer.citations.append(citation)
                answer.sentences.insert(0, AnswerSentence(quoted(citation.quote), (citation.number,),
                                                          citation.status))
            return (f"The question assumes that {found.assumed}, but {citation.citation} provides: "
                    f'{quoted(citation.quote)} [{citation.number}]. ')
        return ""

    def holdings(self) -> CorpusHoldings:
        """What the catalogue holds (research.answer.coverage), read once."""
        if self._holdings is None:
            self._holdings = holdings(self.store.citation_index())
        return self._holdings

    def coverage(self) -> dict[str, str]:
        """What the corpus holds of each jurisdiction, as a sentence each."""
        return corpus_coverage(self.holdings())

    def router(self) -> TitleRouter:
        """The comparison of a question with the titles of partly held codes, built once."""
        if self._router is None:
            self._router = TitleRouter(self.answerer.embedder, self.holdings())
        return self._router

    def _version(self, source: str) -> str:
        if source not in self._versions:
            status = self.store.source_status(source)
            self._versions[source] = status.version if status else "unknown"
        return self._versions[source]


def _parent_pin(pin: str) -> str:
    """'(b)(2)' -> '(b)': the subsection a list item's lead-in belongs to."""
    return re.sub(r"\([^()]*\)$", "", pin)


def _brief_sentence(pick: Pick, answer: Answer, numbers: dict[tuple[str, int], int]) -> str:
    """One sentence of the brief answer: the rule quoted under its pin cite, a list item after its lead-in."""
    number = numbers[(pick.authority.id, pick.sentence.start)]
    citation = answer.citation(number)
    if pick.lead_in is None:
        return f'Under {citation.citation}: {quoted(citation.quote)} [{number}]'
    lead = numbers[(pick.authority.id, pick.lead_in.start)]
    return (f'Under {citation.citation}: {quoted(answer.citation(lead).quote + " ... " + citation.quote)} '
            f'[{lead}][{number}]')


def _abstain(answer: Answer, held: dict[str, str], passages: list[Passage], absent_title: str = "") -> None:
    """No authority answers: say so, say which title the question seems to belong in when the corpus lacks it,
    say what the corpus holds of the jurisdictions searched, and list the nearest authorities retrieved as not on
    point (nothing is quoted as the answer)."""
    answer.abstained = True
    searched = answer.jurisdictions or tuple(held)
    holds = "; ".join(f"{j}: {held[j]}" for j in searched if j in held)
    answer.brief_answer = no_authority_message(answer.question, answer.jurisdictions) + (
        f" {absent_title}" if absent_title else "") + (f" The corpus holds {holds}." if holds else "")
    answer.also_retrieved = [{"authority_id": p.authority.id, "citation": human_citation(p.authority, "")}
                             for p in passages[:NEAREST_NOT_ON_POINT]]


def _citation(number: int, authority: Authority, pin: str, start: int, end: int,
              status: str = SupportStatus.VERIFIED) -> Citation:
    """A citation of `authority.text[start:end]`; a span that does not lie in the text is unsupported."""
    quote = authority.text[start:end]
    if not (0 <= start < end <= len(authority.text)) or not quote.strip():
        status = SupportStatus.UNSUPPORTED
    return Citation(number=number, authority_id=authority.id, citation=human_citation(authority, pin), pin=pin,
                    quote=quote, start=start, end=end, status=status, source=authority.source,
                    jurisdiction=authority.jurisdiction, kind=authority.kind,
                    heading=authority.heading, url=authority.url)


def passage_text_of(passage: Passage) -> str:
    """The quotable text of a passage (its chunks, verbatim)."""
    return "\n".join(c.text for c in passage.chunks)


def _passage_text(passage: Passage, max_chars: int = 4000) -> str:
    """What the model sees of a passage: the authority's title and the start of its quotable text."""
    return f"{passage.authority.display_title}\n{passage_text_of(passage)[:max_chars]}"


def _best_span(claim: str, passage: Passage) -> tuple[Sentence, str] | None:
    """The sentence of the passage that covers most of the claim's content words, with its pin."""
    candidates = candidate_sentences(passage, max_chars=10_000)
    if not candidates:
        return None
    return max(candidates, key=lambda row: coverage(claim, row[0].text))


def holding_chunks(opinion: Authority, chunks: list[Chunk]) -> list[int]:
    """The positions of the first HOLDING_CHUNKS chunks of the opinion of the Court that state what it holds."""
    court_end = court_opinion_body_end(opinion.text)
    found = [i for i, chunk in enumerate(chunks) if chunk.start < court_end and states_holding(chunk.text)]
    return found[:HOLDING_CHUNKS]
