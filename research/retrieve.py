"""Hybrid retrieval: cited authorities first, then lexical and vector rankings fused by RRF.

Rankings are rolled up from chunks to authorities (an authority ranks where its best chunk ranks)
before fusion, so an authority with many matching chunks cannot crowd out the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from research.citations import authority_keys, find_citations
from research.domain import AuthorityHit, Chunk, SearchFilter

RRF_K = 60
VECTOR_OVERFETCH = 8


@dataclass
class RetrievalConfig:
    """Knobs of the hybrid retriever (defaults chosen by measurement: see evals/ablation.md)."""

    lexical_depth: int = 300
    section_depth: int = 200
    vector_depth: int = 200
    lexical_weight: float = 1.0
    section_weight: float = 0.0
    vector_weight: float = 0.3


def roll_up(ranked_chunks: list[tuple[str, float]], authority_of: Callable[[str], str]) -> list[tuple[str, str]]:
    """Authorities in order of their best chunk, each with that chunk's id."""
    seen: dict[str, str] = {}
    for chunk_id, _ in ranked_chunks:
        authority = authority_of(chunk_id)
        if authority not in seen:
            seen[authority] = chunk_id
    return list(seen.items())


def reciprocal_rank_fusion(rankings: list[tuple[float, list[str]]], k: int = RRF_K) -> dict[str, float]:
    """RRF scores: sum over rankings of weight / (k + rank), rank starting at 1."""
    scores: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


class CitationLookup:
    """Maps citation keys to authority ids (with jurisdiction and kind for filtering)."""

    def __init__(self, rows: list[tuple[str, str, str, str]]):
        self._by_key: dict[str, list[tuple[str, str, str]]] = {}
        for authority_id, jurisdiction, kind, citations in rows:
            for key in authority_keys(jurisdiction, kind, citations.split("|")):
                self._by_key.setdefault(key, []).append((authority_id, jurisdiction, kind))

    def find(self, query: str, search_filter: SearchFilter) -> list[str]:
        """Ids of the authorities cited in `query` that pass the filter, in order of citation."""
        found: list[str] = []
        for match in find_citations(query):
            for authority_id, jurisdiction, kind in self._by_key.get(match.key, []):
                if search_filter.admits(jurisdiction, kind) and authority_id not in found:
                    found.append(authority_id)
        return found


@dataclass
class HybridRetriever:
    """Search over a chunk store, lexical indexes (chunks and whole sections) and a vector store."""

    chunks: object  # ChunkStore
    lexical: object  # LexicalIndex over chunks
    sections: object | None  # LexicalIndex over whole statute sections
    vectors: object  # VectorStore
    embedder: object  # VectorEmbedder
    citations: CitationLookup
    config: RetrievalConfig = field(default_factory=RetrievalConfig)

    def search(self, query: str, search_filter: SearchFilter = SearchFilter(), k: int = 10,
               exclude: frozenset[str] = frozenset()) -> list[AuthorityHit]:
        """The k best authorities for `query` within the filter, excluding ids in `exclude`."""
        query = query.strip()
        if not query:
            raise ValueError("empty query")
        cfg = self.config
        cited = [a for a in self.citations.find(query, search_filter) if a not in exclude]
        chunk_lists: dict[str, list[tuple[str, str]]] = {}
        rankings: list[tuple[float, list[str]]] = []
        if cfg.lexical_weight > 0:
            chunk_lists["lexical"] = roll_up(self.lexical.search(query, cfg.lexical_depth, search_filter),
                                             _authority_of_chunk_id)
        if cfg.vector_weight > 0:
            chunk_lists["vector"] = roll_up(self._nearest(query, search_filter), _authority_of_chunk_id)
        for method, weight in (("lexical", cfg.lexical_weight), ("vector", cfg.vector_weight)):
            if method in chunk_lists:
                chunk_lists[method] = [(a, c) for a, c in chunk_lists[method] if a not in exclude]
                rankings.append((weight, [a for a, _ in chunk_lists[method]]))
        section_ranking: list[str] = []
        if self.sections is not None and cfg.section_weight > 0:
            section_ranking = [a for a, _ in self.sections.search(query, cfg.section_depth, search_filter)
                               if a not in exclude]
            rankings.append((cfg.section_weight, section_ranking))
        fused = reciprocal_rank_fusion(rankings)
        best_chunk: dict[str, str] = {}
        methods: dict[str, list[str]] = {a: ["section"] for a in section_ranking}
        for method in ("vector", "lexical"):
            for a, c in chunk_lists.get(method, []):
                best_chunk[a] = c
                methods.setdefault(a, []).append(method)
        ranked = sorted(fused, key=lambda a: -fused[a])
        ordered = cited + [a for a in ranked if a not in cited]
        top = ordered[:k]
        chunk_map = self.chunks.chunks([best_chunk[a] for a in top if a in best_chunk])
        hits: list[AuthorityHit] = []
        for authority_id in top:
            chunk: Chunk | None = chunk_map.get(best_chunk.get(authority_id, ""))
            if chunk is None:
                chunk = self.chunks.best_chunk(authority_id)
            if chunk is None:
                continue
            matched = (["citation"] if authority_id in cited else []) + methods.get(authority_id, [])
            score = fused.get(authority_id, 0.0) + (1.0 if authority_id in cited else 0.0)
            hits.append(AuthorityHit(authority_id, score, chunk, matched))
        return hits


    def _nearest(self, query: str, search_filter: SearchFilter) -> list[tuple[str, float]]:
        """Vector neighbours passing the filter.

        Chroma's filtered search costs ~150 ms on the full corpus against ~20 ms unfiltered, so a
        filtered search over-fetches unfiltered neighbours and filters them with the lexical index's
        knowledge of each chunk; only when under a quarter of the depth passes does it ask Chroma
        for a filtered search.
        """
        vector = np.asarray(self.embedder.encode([query])[0])
        depth = self.config.vector_depth
        if not search_filter.jurisdictions and not search_filter.kinds:
            return self.vectors.query(vector, depth, search_filter)
        near = self.vectors.query(vector, depth * VECTOR_OVERFETCH, SearchFilter())
        kept = [(c, s) for c, s in near if self.lexical.admits(c, search_filter)]
        if len(kept) >= depth // 4:
            return kept[:depth]
        return self.vectors.query(vector, depth, search_filter)


def _authority_of_chunk_id(chunk_id: str) -> str:
    """Chunk ids are '<authority id>#<ordinal>:<digest>'."""
    return chunk_id.rsplit("#", 1)[0]
