"""Dense evidence: cosine similarities from a vector store searched with its own embedder."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from research.domain.ids import authority_of
from research.domain.types import SearchFilter
from research.index.directory import AuthorityDirectory
from research.index.embedders import Encoder
from research.index.vectorstore import VectorStore
from research.search.config import RetrievalConfig
from research.search.evidence.base import Evidence, Query, Row, Signals, Stage
from research.search.fusion import roll_up


@dataclass
class DenseTier:
    """A vector store searched with vectors from its own embedder."""

    vectors: VectorStore
    embedder: Encoder

    def nearest(self, query: str, depth: int, search_filter: SearchFilter, directory: AuthorityDirectory,
                overfetch: int) -> list[tuple[str, float]]:
        """Neighbours that pass the filter.

        Chroma's filtered search costs ~150 ms on the full corpus against ~20 ms unfiltered, so a filtered
        search over-fetches `overfetch` x depth unfiltered neighbours and filters them by the authority directory;
        only when under a quarter of the depth passes does it ask Chroma to filter (docs/decisions/0001).
        """
        vector = np.asarray(self.embedder.encode([query])[0])
        if not search_filter.jurisdictions and not search_filter.kinds:
            return self.vectors.query(vector, depth, search_filter)
        near = self.vectors.query(vector, depth * overfetch, SearchFilter())
        kept = [(c, s) for c, s in near if directory.admits(authority_of(c), search_filter)]
        if len(kept) >= depth // 4:
            return kept[:depth]
        return self.vectors.query(vector, depth, search_filter)


class PassageVectors(Evidence):
    """Chunk vectors by the index embedder (weighted 0 and not stored by default: docs/decisions/0004)."""

    name = "vector"
    stage = Stage.SCORE
    weight_knob = "vector_weight"
    passage_priority = 10

    def __init__(self, tier: DenseTier, directory: AuthorityDirectory):
        self.tier = tier
        self.directory = directory

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        return roll_up(self.tier.nearest(query.expanded, config.vector_depth, query.search_filter, self.directory,
                                         config.vector_overfetch))


class HeadingVectors(PassageVectors):
    """MiniLM vectors of statute headings; by default they only re-score what lexical search found
    (docs/decisions/0003, 0006), so this evidence is listed after the chunk text's."""

    name = "heading"
    weight_knob = "heading_weight"
    passage_priority = 9

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        rows = roll_up(self.tier.nearest(query.heading_text, config.heading_depth, query.search_filter, self.directory,
                                         config.vector_overfetch))
        if config.heading_adds_candidates:
            return rows
        lexical = set(signals.ids("lexical"))
        return [row for row in rows if row[0] in lexical]
