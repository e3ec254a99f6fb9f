"""Lexical evidence: BM25 over chunks, whole opinions, statute sections and adjacent-term pairs of each."""

from __future__ import annotations

import math

from research.domain.ids import authority_of, citing_authority
from research.domain.types import Kind
from research.index.directory import AuthorityDirectory
from research.index.lexical import LexicalIndex
from research.search.config import RetrievalConfig
from research.search.evidence.base import Evidence, Query, Row, Signals, Stage
from research.search.fusion import (
    blend_opinion_evidence,
    penalise_long_opinions,
    roll_up,
)


class OpinionLengths:
    """How many chunks each opinion has in the chunk index, for the opinion length discount (docs/decisions/0012)."""

    def __init__(self, chunk_index: LexicalIndex, directory: AuthorityDirectory):
        self._chunk_index = chunk_index
        self._directory = directory
        self._counts: dict[str, int] | None = None
        self._typical_log: float | None = None

    def is_opinion(self, authority_id: str) -> bool:
        """Whether the directory knows the authority as an opinion."""
        return (self._directory.place(authority_id) or ("", ""))[1] == Kind.OPINION

    def discounted(self, ranked_chunks: list[tuple[str, float]], penalty: float) -> list[tuple[str, float]]:
        """A chunk ranking with the opinion length discount (`penalise_long_opinions`) applied."""
        if penalty <= 0:
            return ranked_chunks
        return penalise_long_opinions(ranked_chunks, self._opinion_chunk_count, self._typical_log_chunks(), penalty)

    def _chunk_counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = self._chunk_index.group_sizes(authority_of)
        return self._counts

    def _typical_log_chunks(self) -> float:
        """Mean log chunk count of the opinions in the chunk index (computed once)."""
        if self._typical_log is None:
            logs = [math.log(count) for a, count in self._chunk_counts().items() if self.is_opinion(a)]
            self._typical_log = sum(logs) / len(logs) if logs else 0.0
        return self._typical_log

    def _opinion_chunk_count(self, authority_id: str) -> int:
        return self._chunk_counts().get(authority_id, 0) if self.is_opinion(authority_id) else 0


class WholeOpinions(Evidence):
    """BM25 over whole opinions: blended into an opinion's lexical evidence (docs/decisions/0011, 0013)."""

    name = "whole opinion"
    stage = Stage.NONE
    weight_knob = "opinion_blend"
    passage_priority = 5

    def __init__(self, index: LexicalIndex):
        self.index = index

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        return [(a, "", s) for a, s in self.index.search(query.expanded, config.opinion_depth, query.search_filter)]


class OpinionPhrases(WholeOpinions):
    """BM25 over adjacent-term pairs of whole opinions, for statements (docs/decisions/0020)."""

    name = "opinion phrase"
    stage = Stage.RANK
    weight_knob = "opinion_phrase_weight"
    passage_priority = 6
    statements_only = True


class ChunkPhrases(Evidence):
    """BM25 over adjacent-term pairs of chunks, for statements (docs/decisions/0019); rolled up to authorities,
    an opinion's chunk scores discounted by its length."""

    name = "phrase"
    stage = Stage.RANK
    weight_knob = "phrase_weight"
    passage_priority = 11
    statements_only = True

    def __init__(self, index: LexicalIndex, lengths: OpinionLengths):
        self.index = index
        self.lengths = lengths

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        ranked = self.index.search(query.expanded, config.lexical_depth, query.search_filter)
        return roll_up(self.lengths.discounted(ranked, config.opinion_length_penalty))


class ChunkText(ChunkPhrases):
    """BM25 over chunks, rolled up to authorities; an opinion's evidence is blended with its whole-opinion rank."""

    name = "lexical"
    stage = Stage.SCORE
    weight_knob = "lexical_weight"
    passage_priority = 12
    statements_only = False

    def scores(self, signals: Signals, config: RetrievalConfig) -> dict[str, float]:
        blend = config.opinion_blend if WholeOpinions.name in signals.found else 0.0
        return blend_opinion_evidence(signals.ids(self.name), signals.ids(WholeOpinions.name), self.lengths.is_opinion,
                                      blend)


class CitedBy(Evidence):
    """BM25 over citing contexts, filed under the cited case (research.corpus.anchors; docs/decisions/0008)."""

    name = "cited-by"
    stage = Stage.RANK
    weight_knob = "anchor_weight"
    passage_priority = 7

    def __init__(self, index: LexicalIndex):
        self.index = index

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        return roll_up([(entry, score) for entry, score in
                        self.index.search(query.expanded, config.anchor_depth, query.search_filter)
                        if citing_authority(entry) not in query.exclude])


class CitedByPhrases(CitedBy):
    """BM25 over adjacent-term pairs of citing contexts, for statements (docs/decisions/0019)."""

    name = "cited-by phrase"
    weight_knob = "anchor_phrase_weight"
    passage_priority = 8
    statements_only = True
