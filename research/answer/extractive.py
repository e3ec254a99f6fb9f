"""The default answerer: verbatim sentences of the retrieved authorities, chosen by meaning.

Candidate sentences come from the top authorities (a statute's whole text; an opinion's best
passage and its neighbours). Sentences that share no content word with the question are dropped,
the rest are scored by MiniLM similarity to the question plus a little lexical overlap and the
authority's retrieval rank, redundant ones are skipped, and the survivors are grouped by authority.
When even the best sentence is not close enough to the question, the answer abstains.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

import numpy as np

from research.answer.textmatch import content_terms
from research.corpus.chunking import statute_spans
from research.corpus.sentences import Sentence, split_sentences
from research.corpus.structure import is_division_heading
from research.domain.types import Authority, Chunk, Kind
from research.index.embedders import Encoder

_LEADING_LABEL = re.compile(r"^(?:\((?:[a-zA-Z]{1,4}|\d{1,3}(?:\.\d+)?)\)\s*)+")


@dataclass
class ExtractiveConfig:
    """Knobs of the extractive answerer (defaults chosen on questions.dev: see docs/decisions/0007, 0010)."""

    authorities: int = 10
    candidates_per_authority: int = 8
    max_sentences: int = 14
    max_per_authority: int = 5
    relative_cutoff: float = 0.35  # drop sentences scoring this far below the best
    abstain_below: float = 0.30  # best MiniLM similarity under which the answer abstains
    redundancy: float = 0.88  # similarity between two picked sentences that makes the second redundant
    lexical_weight: float = 0.15
    rank_weight: float = 0.1
    max_sentence_chars: int = 900
    matched_bonus: float = 1.0  # candidate-selection bonus for sentences of the retriever's best chunk


@dataclass(frozen=True)
class Passage:
    """Text the answerer may quote: an authority with the chunks to draw sentences from."""

    authority: Authority
    rank: int
    chunks: tuple[Chunk, ...]
    matched: tuple[int, int] | None = None  # span of the chunk the retriever matched best


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: a verbatim span of an authority's text, with its pin and score."""

    authority: Authority
    rank: int
    sentence: Sentence
    pin: str
    score: float
    similarity: float


@dataclass
class ExtractiveResult:
    """What the extractive answerer chose, or why it abstained."""

    picks: list[Pick]
    abstained: bool
    best_similarity: float


def candidate_sentences(passage: Passage, max_chars: int) -> list[tuple[Sentence, str]]:
    """Sentences of a passage's chunks with their pins (leading subsection labels trimmed off the quote).

    A statute sentence is pinned to the subsection it sits in (e.g. `(b)(2)`); an opinion sentence to
    its chunk's star page.
    """
    found: list[tuple[Sentence, str]] = []
    seen: set[int] = set()
    spans = statute_spans(passage.authority.text) if passage.authority.kind == Kind.STATUTE else []
    span_starts = [span.start for span in spans]
    for chunk in passage.chunks:
        for sentence in split_sentences(chunk.text, offset=chunk.start):
            label = _LEADING_LABEL.match(sentence.text)
            if label:
                cut = label.end()
                sentence = Sentence(sentence.text[cut:], sentence.start + cut, sentence.end)
            if sentence.start in seen or len(sentence.text) < 20 or len(sentence.text) > max_chars \
                    or not _quotable(sentence.text):
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


class ExtractiveAnswerer:
    """Chooses verbatim sentences that answer a question from ranked passages."""

    def __init__(self, embedder: Encoder, config: ExtractiveConfig | None = None):
        self.embedder = embedder
        self.config = config or ExtractiveConfig()

    def answer(self, question: str, passages: list[Passage]) -> ExtractiveResult:
        """Pick the sentences of `passages` that answer `question`, or abstain."""
        cfg = self.config
        question_terms = set(content_terms(question))
        pool: list[tuple[Passage, Sentence, str, float]] = []
        for passage in passages[:cfg.authorities]:
            scored = []
            for sentence, pin in candidate_sentences(passage, cfg.max_sentence_chars):
                terms = set(content_terms(sentence.text))
                overlap = len(terms & question_terms)
                if overlap:
                    in_match = passage.matched is not None and passage.matched[0] <= sentence.start < passage.matched[1]
                    scored.append((overlap / math.sqrt(len(terms) + 4) + (cfg.matched_bonus if in_match else 0.0),
                                   sentence, pin))
            scored.sort(key=lambda row: -row[0])
            pool.extend((passage, s, pin, lex) for lex, s, pin in scored[:cfg.candidates_per_authority])
        if not pool:
            return ExtractiveResult([], True, 0.0)
        vectors = np.asarray(self.embedder.encode([question] + [s.text for _, s, _, _ in pool]), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        similarity = vectors[1:] @ vectors[0]
        top_lexical = max(lex for *_, lex in pool) or 1.0
        picks = [
            Pick(p.authority, p.rank, s, pin,
                 float(sim) + cfg.lexical_weight * lex / top_lexical + cfg.rank_weight / math.log2(2 + p.rank),
                 float(sim))
            for (p, s, pin, lex), sim in zip(pool, similarity)
        ]
        best_similarity = float(similarity.max())
        if best_similarity < cfg.abstain_below:
            return ExtractiveResult([], True, best_similarity)
        order = sorted(range(len(picks)), key=lambda i: -picks[i].score)
        chosen: list[int] = []
        per_authority: dict[str, int] = {}
        best = picks[order[0]].score
        for i in order:
            pick = picks[i]
            if pick.score < best - cfg.relative_cutoff or len(chosen) >= cfg.max_sentences:
                break
            if per_authority.get(pick.authority.id, 0) >= cfg.max_per_authority:
                continue
            if any(float(vectors[i + 1] @ vectors[j + 1]) > cfg.redundancy for j in chosen):
                continue
            chosen.append(i)
            per_authority[pick.authority.id] = per_authority.get(pick.authority.id, 0) + 1
        return ExtractiveResult([picks[i] for i in chosen], False, best_similarity)


def group_by_authority(picks: list[Pick]) -> list[Pick]:
    """Picks grouped by authority (authorities in order of their best pick), in text order within one."""
    first_seen: dict[str, int] = {}
    for index, pick in enumerate(picks):
        first_seen.setdefault(pick.authority.id, index)
    return sorted(picks, key=lambda p: (first_seen[p.authority.id], p.sentence.start))
