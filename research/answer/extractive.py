"""The default answerer: verbatim sentences of the retrieved authorities, chosen by meaning.

Candidate sentences come from the top authorities (a statute's whole text; an opinion's best
passage and its neighbours). Sentences that share no content word with the question are dropped,
a cheaper encoder (int8 MiniLM) keeps the few worth scoring exactly, and those are scored by MiniLM
similarity to the question plus a little lexical overlap and the authority's retrieval rank;
redundant ones are skipped, and the survivors are grouped by authority.
When even the best sentence is not close enough to the question, the answer abstains.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from research.answer.coverage import NO_ABSENT_TITLE, TitleFit, TitleRouter
from research.answer.drafting import answers_part, drafting_tags, states_holding
from research.answer.question import QuestionPart, question_parts
from research.answer.textmatch import content_terms
from research.corpus.chunking import statute_spans
from research.corpus.citations import CASE_NAME, party_word
from research.corpus.sentences import Sentence, split_sentences
from research.corpus.structure import (
    caption_end,
    context_spans,
    court_opinion_body_end,
    is_division_heading,
    is_shouting,
)
from research.domain.types import Authority, Chunk, Kind
from research.index.embedders import Encoder

# Hawaii prints each section's history after its last sentence: "... shall apply. [L 1980, c 164, pt of §1]",
# "[CC 1859, §1; RL 1925, §3; am L 1935, c 10, §2]"
_TRAILING_HISTORY = re.compile(r"\s*\[(?:L|CC|PC|RL|am|Supp)\b[^\]]*\]\s*$")
_LEADING_LABEL = re.compile(r"^(?:\((?:[a-zA-Z]{1,4}|\d{1,3}(?:\.\d+)?)\)\s*)+")


@dataclass
class ExtractiveConfig:
    """Knobs of the extractive answerer (docs/decisions/0007, 0010, 0028 and 0038)."""

    authorities: int = 10
    candidates_per_authority: int = 8
    max_sentences: int = 8  # quoted in the body, lead-ins of list items included
    max_authorities: int = 5  # quoted in the body; the others retrieved are listed, not quoted
    max_per_authority: int = 3
    relative_cutoff: float = 0.35  # drop sentences scoring this far below the best
    abstain_below: float = 0.30  # best MiniLM similarity under which the answer abstains
    # P(no authority answers) = sigmoid(bias + w1 x best sentence similarity + w2 x the first authority's
    # retrieval score + w3 x the title gap of research.answer.coverage), fitted on the dev questions and the pairs
    # of evals/abstention.dev.jsonl by evals/abstention_fit.py (docs/decisions/0029, 0032, 0043); abstain from
    # abstain_at
    unanswerable_weights: tuple[float, float, float, float] = (9.033, -12.552, -2.302, 15.151)
    abstain_at: float = 0.69
    redundancy: float = 0.88  # similarity between two picked sentences that makes the second redundant
    lexical_weight: float = 0.15
    rank_weight: float = 0.1
    max_sentence_chars: int = 900
    matched_bonus: float = 1.0  # candidate-selection bonus for sentences of the retriever's best chunk
    brief_sentences: int = 3  # at most, one per part of the question
    brief_authorities: int = 2  # the brief answer is drawn from the authorities of this many best sentences
    drafting_weight: float = 0.1  # brief answer: bonus of a sentence doing what the part asks (answer/drafting.py)
    brief_rank_weight: float = 0.2  # brief answer: weight of the retrieval rank in choosing its authorities
    brief_min_sentences: int = 2  # a one-part question's brief answer also quotes the second authority's best rule
    brief_authority_step: float = 0.1  # brief answer: what a sentence of the second authority must beat the first's by
    # brief answer: bonus of a named case's sentence in which the Court says what it holds ("We hold that ...")
    holding_weight: float = 0.5
    # with a screening encoder, the candidates are first scored by it and only this many are scored by the
    # answerer's own encoder, plus each part of the question's best few (docs/decisions/0038)
    screen_to: int = 24
    screen_each_part: int = 3


@dataclass(frozen=True)
class Passage:
    """Text the answerer may quote: an authority with the chunks to draw sentences from."""

    authority: Authority
    rank: int
    chunks: tuple[Chunk, ...]
    matched: tuple[int, int] | None = None  # span of the chunk the retriever matched best
    score: float = 0.0  # the retriever's fused score of the authority
    named: bool = False  # a case the question names: the brief answer is drawn from its own text


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: a verbatim span of an authority's text, with its pin and score."""

    authority: Authority
    rank: int
    sentence: Sentence
    pin: str
    score: float
    similarity: float
    lead_in: Sentence | None = None  # the sentence that introduces the list this sentence is an item of


@dataclass
class ExtractiveResult:
    """What the extractive answerer chose, or why it abstained: the body's picks (with the brief's among them)
    and the brief answer's, one per part of the question, in the question's order."""

    picks: list[Pick]
    abstained: bool
    best_similarity: float
    brief: list[Pick] = field(default_factory=list)
    unanswerable: float = 0.0  # the calibrated probability that no retrieved authority answers
    title_fit: TitleFit = field(default_factory=lambda: TitleFit(NO_ABSENT_TITLE))


def candidate_sentences(passage: Passage, max_chars: int) -> list[tuple[Sentence, str]]:
    """Sentences of a passage's chunks with their pins (leading subsection labels trimmed off the quote).

    A statute sentence is pinned to the subsection it sits in (e.g. `(b)(2)`); an opinion sentence to
    its chunk's star page. An opinion's sentences are those of the opinion of the Court, after its caption and
    before its footnotes.
    """
    found: list[tuple[Sentence, str]] = []
    seen: set[int] = set()
    spans = statute_spans(passage.authority.text) if passage.authority.kind == Kind.STATUTE else []
    span_starts = [span.start for span in spans]
    context = context_spans(passage.authority.text)  # editorial notes and notice forms: never the rule
    # an opinion's caption ("v. / SYKES / No. 75-1578. / Supreme Court ..."): a sentence running on from it keeps
    # only its words after it
    caption = caption_end(passage.authority.text) if passage.authority.kind == Kind.OPINION else 0
    # a concurrence or dissent is one justice's view, not what the case holds; footnotes printed after the opinion
    # would be pinned to the page they are printed on, not their marker's
    court_end = (court_opinion_body_end(passage.authority.text) if passage.authority.kind == Kind.OPINION
                 else len(passage.authority.text))
    for chunk in passage.chunks:
        for sentence in split_sentences(chunk.text, offset=chunk.start):
            if sentence.start >= court_end:
                break
            if sentence.end > court_end:  # "NOTES [1] ...": runs on into the footnotes
                kept = sentence.text[:court_end - sentence.start].rstrip()
                sentence = Sentence(kept, sentence.start, sentence.start + len(kept))
            if sentence.start < caption:
                if sentence.end <= caption:
                    continue
                sentence = Sentence(sentence.text[caption - sentence.start:], caption, sentence.end)
            label = _LEADING_LABEL.match(sentence.text)
            if label:
                cut = label.end()
                sentence = Sentence(sentence.text[cut:], sentence.start + cut, sentence.end)
            history = _TRAILING_HISTORY.search(sentence.text)
            if history:  # the section's history note, printed after its last sentence: a source, not the rule
                sentence = Sentence(sentence.text[:history.start()], sentence.start, sentence.start + history.start())
            if sentence.start in seen or len(sentence.text) < 20 or len(sentence.text) > max_chars \
                    or not _quotable(sentence.text) or is_shouting(sentence.text) \
                    or any(s <= sentence.start < e for s, e in context):
                continue
            seen.add(sentence.start)
            at = bisect.bisect_right(span_starts, sentence.start) - 1
            pin = spans[at].pin if at >= 0 and spans[at].pin else chunk.pin
            found.append((sentence, pin))
    return found


def _quotable(text: str) -> bool:
    """False for a section's own heading line ('[§521-66] Tenant's right ...') and a Part's heading printed
    in the text ('[PART V.] WHISTLEBLOWERS' PROTECTION ACT'): a heading is not a rule.
    (Lead-ins of lists, '... until:', stay quotable: excluding them cost 3 points of gold recall.)"""
    stripped = text.lstrip()
    return not stripped.startswith(("§", "[§")) and not is_division_heading(stripped)


@functools.lru_cache(maxsize=64)
def _outline(text: str) -> tuple[list[int], list[str], list[Sentence], list[int]]:
    """A statute text's subsection starts and pins, its sentences and their starts (kept for the last few texts)."""
    spans = statute_spans(text)
    sentences = split_sentences(text)
    return [span.start for span in spans], [span.pin for span in spans], sentences, [s.start for s in sentences]


def is_lead_in(sentence: Sentence) -> bool:
    """Whether a sentence introduces a list ("... against a tenant who:")."""
    return sentence.text.rstrip().endswith((":", "—", ":-"))


def _without_case_names(question: str, cases: list[Authority]) -> str:
    """The question with the names of the cases it names replaced by "the case" ("What did the Court hold in
    Erie Railroad v. Tompkins about ..." -> "... hold in the case about ...")."""
    text = CASE_NAME.sub("the case", question)
    for case in cases:
        word = party_word(case.heading.partition(" v. ")[0])
        if word:
            text = re.sub(rf"\b{re.escape(word)}\b", "the case", text, flags=re.IGNORECASE)
    return text


def lead_in(passage: Passage, sentence: Sentence, pin: str) -> Sentence | None:
    """The sentence that introduces the list a statute sentence is an item of ("No housing provider shall ...
    against a tenant who:"): the nearest sentence before it that ends with a colon, when that one belongs to a
    subsection that contains the item's (otherwise the sentence is no list item)."""
    if passage.authority.kind != Kind.STATUTE or not pin:
        return None
    starts, pins, sentences, sentence_starts = _outline(passage.authority.text)
    before = bisect.bisect_left(sentence_starts, sentence.start)
    for candidate in reversed(sentences[:before]):
        if candidate.end > sentence.start or not is_lead_in(candidate):
            continue
        at = bisect.bisect_right(starts, candidate.start) - 1
        candidate_pin = pins[at] if at >= 0 else ""
        if pin.startswith(candidate_pin) and pin != candidate_pin:
            label = _LEADING_LABEL.match(candidate.text)
            cut = label.end() if label else 0
            return Sentence(candidate.text[cut:], candidate.start + cut, candidate.end)
        return None
    return None


class ExtractiveAnswerer:
    """Chooses verbatim sentences that answer a question from ranked passages."""

    def __init__(self, embedder: Encoder, config: ExtractiveConfig | None = None, screener: Encoder | None = None):
        self.embedder = embedder
        self.config = config or ExtractiveConfig()
        self.screener = screener  # a cheaper encoder that narrows the candidates before the embedder scores them

    def answer(self, question: str, passages: list[Passage], router: TitleRouter | None = None) -> ExtractiveResult:
        """Pick the sentences of `passages` that answer `question`, and the brief answer among them, or abstain;
        `router` tells how much better the question fits a title of the code the corpus lacks."""
        cfg = self.config
        named_cases = [p.authority for p in passages if p.named]
        if named_cases:  # what is asked of a named case, not its name, is what its sentences should be like
            question = _without_case_names(question, named_cases)
        # of the other opinions, what they say of a case the question names ("Finally in Miranda v. Arizona, the
        # rules established ..."), not what they say of its parties ("Arizona" in a river-boundary case)
        case_words = [word for case in named_cases if (word := party_word(case.heading.partition(" v. ")[0]))]
        pool = self._pool(question, passages, case_words)
        if not pool:
            return ExtractiveResult([], True, 0.0)
        parts = question_parts(question)
        asked = [question] + ([p.text for p in parts] if len(parts) > 1 else [])
        top_lexical = max(lex for *_, lex in pool) or 1.0
        if self.screener is not None and len(pool) > cfg.screen_to:
            pool = self._screened(asked, pool, top_lexical)
        texts = asked + [s.text for _, s, _, _ in pool]
        vectors = _unit(self.embedder.encode(texts))
        sentence_vectors = vectors[len(asked):]
        similarity = sentence_vectors @ vectors[0]
        picks = [
            Pick(p.authority, p.rank, s, pin, float(sim) + self._beyond_meaning(p, lex, top_lexical), float(sim))
            for (p, s, pin, lex), sim in zip(pool, similarity, strict=True)
        ]
        best_similarity = float(similarity.max())
        title_fit = (router.fit(vectors[0], [p.authority for p in passages]) if router is not None
                     else TitleFit(NO_ABSENT_TITLE))
        unanswerable = self.unanswerable(best_similarity, passages[0].score if passages else 0.0, title_fit.gap)
        # a case the question names is in the corpus: its own text answers, however the question is worded
        if not named_cases and (best_similarity < cfg.abstain_below or unanswerable >= cfg.abstain_at):
            return ExtractiveResult([], True, best_similarity, unanswerable=unanswerable, title_fit=title_fit)
        order = sorted(range(len(picks)), key=lambda i: -picks[i].score)
        part_similarity = (sentence_vectors @ vectors[1:1 + len(parts)].T if len(parts) > 1
                           else similarity[:, None])
        named = {p.authority.id for p in passages if p.named}
        brief = self._brief(parts, picks, order, part_similarity, named)
        chosen = self._body(picks, order, sentence_vectors, brief)
        passage_of = {p.authority.id: p for p in passages}
        chosen = self._items_for_lead_ins(chosen, picks, order, passage_of)
        with_lead_ins = [replace(picks[i], lead_in=lead_in(passage_of[picks[i].authority.id], picks[i].sentence,
                                                            picks[i].pin)) for i in chosen]
        by_start = {(p.authority.id, p.sentence.start): p for p in with_lead_ins}
        return ExtractiveResult(with_lead_ins, False, best_similarity,
                                [by_start[(picks[i].authority.id, picks[i].sentence.start)] for i in brief],
                                unanswerable, title_fit)

    @staticmethod
    def _items_for_lead_ins(chosen: list[int], picks: list[Pick], order: list[int],
                            passage_of: dict[str, Passage]) -> list[int]:
        """A list's lead-in alone ("For the purposes of this chapter, the term:") answers nothing: each one picked
        without any of its items gives its place to its best item (which brings it back as the item's lead-in); it
        stays alone only when no item of it was a candidate (a lead-in may hold the rule: "... shall presume ...")."""
        def introduced_by(j: int) -> int | None:
            intro = lead_in(passage_of[picks[j].authority.id], picks[j].sentence, picks[j].pin)
            return intro.start if intro is not None else None

        kept: list[int] = []
        for i in chosen:
            if not is_lead_in(picks[i].sentence):
                kept.append(i)
                continue
            same = [j for j in order if picks[j].authority.id == picks[i].authority.id and j != i]
            items = [j for j in same if introduced_by(j) == picks[i].sentence.start]
            if any(j in chosen for j in items):
                continue  # an item of it is quoted, and brings it as its lead-in
            best_item = next((j for j in items if j not in kept), None)
            kept.append(best_item if best_item is not None else i)
        return kept

    def unanswerable(self, best_similarity: float, top_score: float, title_gap: float = NO_ABSENT_TITLE) -> float:
        """The calibrated probability that no retrieved authority answers the question."""
        bias, w_similarity, w_score, w_gap = self.config.unanswerable_weights
        return 1.0 / (1.0 + math.exp(-(bias + w_similarity * best_similarity + w_score * top_score
                                       + w_gap * title_gap)))

    def _pool(self, question: str, passages: list[Passage],
              case_words: list[str]) -> list[tuple[Passage, Sentence, str, float]]:
        """Each passage's best candidate sentences by lexical overlap with the question (a bonus for those of the
        chunk the retriever matched), as (passage, sentence, pin, lexical score); of an opinion the question does
        not name, when it names one, only sentences that name it (by the `case_words` of its first party)."""
        cfg = self.config
        question_terms = set(content_terms(question))
        names_case = re.compile(r"\b(?:" + "|".join(map(re.escape, case_words)) + r")\b", re.IGNORECASE) \
            if case_words else None
        pool: list[tuple[Passage, Sentence, str, float]] = []
        for passage in passages[:cfg.authorities]:
            scored = []
            about_the_case = names_case if passage.authority.kind == Kind.OPINION and not passage.named else None
            for sentence, pin in candidate_sentences(passage, cfg.max_sentence_chars):
                if about_the_case is not None and not about_the_case.search(sentence.text):
                    continue
                terms = set(content_terms(sentence.text))
                overlap = len(terms & question_terms)
                # what a named case holds is a candidate whatever words it shares with the question
                holding = passage.named and states_holding(sentence.text)
                if overlap or holding:
                    # a named case is read for its own rule, not only around the passage search matched
                    in_match = (not passage.named and passage.matched is not None
                                and passage.matched[0] <= sentence.start < passage.matched[1])
                    scored.append((overlap / math.sqrt(len(terms) + 4)
                                   + (cfg.matched_bonus if in_match or holding else 0.0), sentence, pin))
            scored.sort(key=lambda row: -row[0])
            depth = cfg.candidates_per_authority * (2 if passage.named else 1)
            pool.extend((passage, s, pin, lex) for lex, s, pin in scored[:depth])
        return pool

    def _screened(self, asked: list[str], pool: list[tuple[Passage, Sentence, str, float]],
                  top_lexical: float) -> list[tuple[Passage, Sentence, str, float]]:
        """The candidates of `pool` (kept in its order) that score best by the screening encoder: the `screen_to`
        best by their similarity to the question or its closest part, plus the lexical and rank terms of the final
        score, and the `screen_each_part` best for each part, so that one part cannot crowd out another's."""
        cfg = self.config
        assert self.screener is not None
        vectors = _unit(self.screener.encode(asked + [s.text for _, s, _, _ in pool]))
        terms = np.array([self._beyond_meaning(p, lex, top_lexical) for p, _, _, lex in pool])
        scores = vectors[len(asked):] @ vectors[:len(asked)].T + terms[:, None]  # a column per part
        kept = set(np.argsort(-scores.max(axis=1), kind="stable")[:cfg.screen_to].tolist())
        kept.update(i for i, (p, sentence, _, _) in enumerate(pool) if p.named and states_holding(sentence.text))
        for column in range(1, len(asked)):  # the question's parts, when it has several
            kept.update(np.argsort(-scores[:, column], kind="stable")[:cfg.screen_each_part].tolist())
        return [pool[i] for i in sorted(kept)]

    def _beyond_meaning(self, passage: Passage, lexical: float, top_lexical: float) -> float:
        """What a candidate's score adds to its similarity: a little lexical overlap and its authority's rank."""
        cfg = self.config
        return cfg.lexical_weight * lexical / top_lexical + cfg.rank_weight / math.log2(2 + passage.rank)

    def _brief(self, parts: list[QuestionPart], picks: list[Pick], order: list[int],
               part_similarity: np.ndarray, named: set[str]) -> list[int]:
        """For each part of the question, the sentence of the governing authorities (those of the best sentences)
        that answers it best: its similarity to the part, plus a bonus when it does what the part asks."""
        cfg = self.config
        best_of: dict[str, float] = {}
        for i in order:
            best_of.setdefault(picks[i].authority.id, picks[i].score
                               + cfg.brief_rank_weight / math.log2(2 + picks[i].rank))
        # a case the question names governs first; then the authorities of the best sentences
        governing = ([a for a in best_of if a in named] or sorted(best_of, key=lambda a: -best_of[a]))[
            :cfg.brief_authorities]
        step = {authority: position * cfg.brief_authority_step for position, authority in enumerate(governing)}
        # a list's lead-in alone ("the landlord may increase the rent if:") answers nothing: its items carry it
        candidates = [i for i in order if picks[i].authority.id in governing and not is_lead_in(picks[i].sentence)]
        top_score = picks[order[0]].score
        # what each candidate does is read once, not once per part of the question
        tags = {i: drafting_tags(picks[i].sentence.text) for i in candidates}
        holding = {i for i in candidates if picks[i].authority.id in named and states_holding(picks[i].sentence.text)}
        chosen: list[int] = []
        for column, part in enumerate(parts[:cfg.brief_sentences]):
            def fit(i: int, part: QuestionPart = part, column: int = column) -> float:
                return (float(part_similarity[i, column]) + (picks[i].score - top_score)
                        + (cfg.drafting_weight if answers_part(tags[i], part.asks) else 0.0)
                        + (cfg.holding_weight if i in holding else 0.0)
                        - step[picks[i].authority.id])
            remaining = [i for i in candidates if i not in chosen]
            # where a case the question names states its holding, the brief answer opens with it, however the
            # question is worded: its own account of a precedent it overrules is not what it holds
            if column == 0 and holding:
                remaining = [i for i in remaining if i in holding]
            if remaining:
                chosen.append(max(remaining, key=fit))
        # a one-part question still gets the governing authorities' other best rule (a named case's second best),
        # up to brief_min_sentences
        used = {picks[i].authority.id for i in chosen}
        for i in candidates:
            if len(chosen) >= cfg.brief_min_sentences:
                break
            if i not in chosen and (picks[i].authority.id not in used or picks[i].authority.id in named):
                chosen.append(i)
                used.add(picks[i].authority.id)
        return chosen

    def _body(self, picks: list[Pick], order: list[int], vectors: np.ndarray, brief: list[int]) -> list[int]:
        """The body's sentences: the brief answer's, then the best others, within the cutoff and the limits on
        sentences (a list item's lead-in counts), authorities and sentences per authority, none redundant."""
        cfg = self.config
        chosen = list(brief)
        per_authority: dict[str, int] = {}
        authorities: list[str] = []
        quoted = 0
        for i in chosen:
            per_authority[picks[i].authority.id] = per_authority.get(picks[i].authority.id, 0) + 1
            authorities += [] if picks[i].authority.id in authorities else [picks[i].authority.id]
            quoted += 2 if picks[i].pin else 1  # room for a lead-in
        best = max(pick.score for pick in picks)
        for i in order:
            pick = picks[i]
            if quoted >= cfg.max_sentences:
                break
            if pick.score < best - cfg.relative_cutoff or i in chosen \
                    or per_authority.get(pick.authority.id, 0) >= cfg.max_per_authority:
                continue
            if pick.authority.id not in authorities and len(authorities) >= cfg.max_authorities:
                continue
            if any(float(vectors[i] @ vectors[j]) > cfg.redundancy for j in chosen):
                continue
            chosen.append(i)
            per_authority[pick.authority.id] = per_authority.get(pick.authority.id, 0) + 1
            authorities += [] if pick.authority.id in authorities else [pick.authority.id]
            quoted += 1
        return chosen


def _unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (as float32)."""
    rows = np.asarray(vectors, dtype=np.float32)
    unit: np.ndarray = rows / (np.linalg.norm(rows, axis=1, keepdims=True) + 1e-9)
    return unit


def group_by_authority(picks: list[Pick]) -> list[Pick]:
    """Picks grouped by authority (authorities in order of their best pick), in text order within one."""
    first_seen: dict[str, int] = {}
    for index, pick in enumerate(picks):
        first_seen.setdefault(pick.authority.id, index)
    return sorted(picks, key=lambda p: (first_seen[p.authority.id], p.sentence.start))
