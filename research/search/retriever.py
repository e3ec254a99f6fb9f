"""Hybrid retrieval: cited authorities first, then lexical and dense evidence fused per authority.

A question told in plain facts first gains its legal issue's terms (research.search.rewrite). Rankings are
rolled up from chunks to authorities (an authority counts with its best chunk) before fusion, so an
authority with many matching chunks cannot crowd out the others; an opinion's chunk scores are first
discounted by the log of its length against a typical opinion's. Fusion adds rank-discounted
lexical scores, w / log2(2 + rank), of the chunk ranking, the whole-opinion ranking, the
citing-context ranking (research.corpus.anchors) and, for a statement rather than a question, the rankings of
chunks, whole opinions and citing contexts by adjacent-term pairs (phrases such as "statute of limitations")
to weighted cosine similarities of the dense tiers (chunk vectors from the index embedder; MiniLM vectors of
statute headings). Measured against reciprocal rank fusion in evals/ablation.md: RRF let weak dense evidence
displace BM25's first hit. A search of Hawaii or Colorado alone adds two priors learned from case notes: the
likely chapter (research.search.priors.chapters) and how much a section reads like those notes annotate (research.search.priors.section_prior);
for a statement, also the sections that the notes most like it annotate (research.search.priors.note_neighbours).
Statutes near the top that hold words the query quotes, or have the subsections it names, gain for it
(research.search.text_cues). Last, the statutes among the first few results are re-scored by MiniLM's similarity of the
question to the passage each would show (`rerank_statutes`).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from research.domain.ids import authority_of, citing_authority, is_text_chunk
from research.domain.types import AuthorityHit, Chunk, Kind, SearchFilter
from research.index.directory import AuthorityDirectory
from research.search.config import RetrievalConfig
from research.search.fusion import (
    add_chapter_evidence,
    add_note_votes,
    add_section_prior,
    blend_opinion_evidence,
    fuse,
    penalise_long_opinions,
    rerank_statutes,
    roll_up,
)
from research.search.rewrite import IssueRewriter, is_question
from research.search.text_cues import normalised, part_labels, text_cues

VECTOR_OVERFETCH = 8
PASSAGE_VECTOR_CACHE = 20_000  # passages whose re-scoring vectors a retriever keeps (~30 MB)




@dataclass
class DenseTier:
    """A vector store searched with vectors from its own embedder."""

    vectors: object  # VectorStore
    embedder: object  # VectorEmbedder


@dataclass
class HybridRetriever:
    """Search over a chunk store, lexical indexes and dense tiers."""

    chunks: object  # ChunkStore
    lexical: object  # LexicalIndex over chunks
    sections: object | None  # LexicalIndex over whole statute sections
    passages: DenseTier | None  # chunk vectors (index embedder)
    headings: DenseTier | None  # MiniLM vectors of statute headings
    directory: AuthorityDirectory
    config: RetrievalConfig = field(default_factory=RetrievalConfig)
    anchors: object | None = None  # LexicalIndex over citing contexts (research.corpus.anchors)
    rewrite: IssueRewriter | None = None  # adds legal-issue terms to questions (research.search.rewrite)
    opinions: object | None = None  # LexicalIndex over whole opinions
    reranker: object | None = None  # VectorEmbedder of passages for re-scoring the first statutes (MiniLM)
    chapters: object | None = None  # ChapterClassifier (research.search.priors.chapters): P(chapter | query) per jurisdiction
    phrases: object | None = None  # LexicalIndex of adjacent-term pairs over chunks
    anchor_phrases: object | None = None  # LexicalIndex of adjacent-term pairs over citing contexts
    opinion_phrases: object | None = None  # LexicalIndex of adjacent-term pairs over whole opinions
    section_prior: object | None = None  # SectionPrior (research.search.priors.section_prior): how annotatable each section reads
    note_neighbours: object | None = None  # NoteNeighbours (research.search.priors.note_neighbours): sections of the nearest notes
    _passage_vectors: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False)
    _mean_log_chunks: float | None = field(default=None, init=False, repr=False)
    _chunks_per_authority: dict[str, int] | None = field(default=None, init=False, repr=False)

    def search(self, query: str, search_filter: SearchFilter = SearchFilter(), k: int = 10,
               exclude: frozenset[str] = frozenset()) -> list[AuthorityHit]:
        """The k best authorities for `query` within the filter, excluding ids in `exclude`."""
        query = query.strip()
        if not query:
            raise ValueError("empty query")
        cfg = self.config
        cited = [a for a in self.directory.cited(query, search_filter) if a not in exclude]
        expanded = self.rewrite(query) if self.rewrite is not None and cfg.issue_terms else query
        heading_query = expanded if cfg.issue_terms_for_headings else query
        found: dict[str, list[tuple[str, str, float]]] = {}
        if cfg.lexical_weight > 0:
            found["lexical"] = roll_up(self._discount_long_opinions(
                self.lexical.search(expanded, cfg.lexical_depth, search_filter)))
        if self.passages is not None and cfg.vector_weight > 0:
            found["vector"] = roll_up(self._nearest(self.passages, expanded, cfg.vector_depth, search_filter))
        if self.headings is not None and cfg.heading_weight > 0:
            found["heading"] = roll_up(self._nearest(self.headings, heading_query, cfg.heading_depth, search_filter))
        statement = not is_question(query)
        if self.phrases is not None and cfg.phrase_weight > 0 and statement:
            found["phrase"] = roll_up(self._discount_long_opinions(
                self.phrases.search(expanded, cfg.lexical_depth, search_filter)))
        if self.opinion_phrases is not None and cfg.opinion_phrase_weight > 0 and statement:
            found["opinion phrase"] = [(a, "", s) for a, s in
                                       self.opinion_phrases.search(expanded, cfg.opinion_depth, search_filter)]
        for method, index, weight in (("cited-by", self.anchors, cfg.anchor_weight),
                                      ("cited-by phrase", self.anchor_phrases,
                                       cfg.anchor_phrase_weight if statement else 0.0)):
            if index is not None and weight > 0:
                found[method] = roll_up([(entry, score) for entry, score in
                                         index.search(expanded, cfg.anchor_depth, search_filter)
                                         if citing_authority(entry) not in exclude])
        if self.sections is not None and cfg.section_weight > 0:
            found["section"] = [(a, "", s) for a, s in self.sections.search(expanded, cfg.section_depth, search_filter)]
        if self.opinions is not None and cfg.opinion_blend > 0:
            found["whole opinion"] = [(a, "", s) for a, s in
                                      self.opinions.search(expanded, cfg.opinion_depth, search_filter)]
        for method in found:
            found[method] = [row for row in found[method] if row[0] not in exclude]
        if not cfg.heading_adds_candidates and "heading" in found:
            lexical_ids = {a for a, _, _ in found.get("lexical", [])}
            found["heading"] = [row for row in found["heading"] if row[0] in lexical_ids]
        lexical = blend_opinion_evidence(
            [a for a, _, _ in found.get("lexical", [])], [a for a, _, _ in found.get("whole opinion", [])],
            self._is_opinion,
            cfg.opinion_blend if "whole opinion" in found else 0.0)
        fused = fuse(
            [(weight, [a for a, _, _ in found.get(method, [])]) for method, weight in (
                ("section", cfg.section_weight), ("cited-by", cfg.anchor_weight), ("phrase", cfg.phrase_weight),
                ("cited-by phrase", cfg.anchor_phrase_weight), ("opinion phrase", cfg.opinion_phrase_weight))],
            [(cfg.lexical_weight, lexical),
             (cfg.vector_weight, {a: s for a, _, s in found.get("vector", [])}),
             (cfg.heading_weight, {a: s for a, _, s in found.get("heading", [])})],
        )
        jurisdiction = search_filter.jurisdictions[0] if len(search_filter.jurisdictions) == 1 else ""
        if (self.note_neighbours is not None and cfg.note_weight > 0 and statement
                and self.note_neighbours.covers(jurisdiction)):
            found["case notes"] = [(a, "", share) for a, share in
                                   self.note_neighbours.vote(query, jurisdiction, exclude).items()
                                   if a not in exclude and self.directory.admits(a, search_filter)]
            fused = add_note_votes(fused, {a: share for a, _, share in found["case notes"]}, cfg.note_weight)
        if self.chapters is not None and cfg.chapter_weight > 0 and self.chapters.covers(jurisdiction):
            fused = add_chapter_evidence(fused, self.chapters.bonus(query, jurisdiction), cfg.chapter_weight)
        if self.section_prior is not None and self.section_prior.covers(jurisdiction):
            fused = add_section_prior(fused, self.section_prior.bonus(jurisdiction), cfg.section_prior_weight)
            if statement:
                fused = add_section_prior(fused, self.section_prior.record_bonus(jurisdiction), cfg.record_prior_weight)
        found.update(self._text_cue_evidence(query, fused))
        for method, weight in (("quoted words", cfg.quote_weight), ("named subsection", cfg.part_weight)):
            for a, _, share in found.get(method, []):
                fused[a] += weight * share
        best_chunk: dict[str, str] = {}
        methods: dict[str, list[str]] = {}
        # later methods' passages win
        for method in ("quoted words", "named subsection", "case notes", "section", "whole opinion", "opinion phrase",
                       "cited-by", "cited-by phrase", "heading", "vector", "phrase", "lexical"):
            for a, chunk_id, _ in found.get(method, []):
                if chunk_id and is_text_chunk(chunk_id):
                    best_chunk[a] = chunk_id
                methods.setdefault(a, []).append(method)
        ranked = [a for a in sorted(fused, key=lambda a: -fused[a]) if a not in cited]
        reranking = self.reranker is not None and cfg.rerank_depth > 0 and cfg.rerank_weight > 0
        top = (cited + ranked)[:max(k, cfg.rerank_depth) if reranking else k]
        # found without a passage of their own (by what cites them, or as a whole): show their best-matching chunk
        best_chunk.update(self.lexical.best_in_groups(
            expanded, {a for a in top if a not in best_chunk and a not in cited}, authority_of))
        chunk_map = self.chunks.chunks([best_chunk[a] for a in top if a in best_chunk])
        passages: dict[str, Chunk] = {}
        for authority_id in top:
            chunk: Chunk | None = chunk_map.get(best_chunk.get(authority_id, ""))
            if chunk is None:
                chunk = self.chunks.best_chunk(authority_id)
            if chunk is not None:
                passages[authority_id] = chunk
        if reranking:
            candidates = [a for a in top if a not in cited and a in passages][:cfg.rerank_depth]
            statutes = [a for a in candidates if passages[a].kind == Kind.STATUTE]
            if len(statutes) < 2:  # centred on their mean, a lone statute would not move: nothing to embed
                statutes = []
            similarities = self._passage_similarities(query, [passages[a] for a in statutes])
            reranked = rerank_statutes(candidates, fused, dict(zip(statutes, similarities)), cfg.rerank_weight)
            fused.update(reranked)
            top = cited + list(reranked) + [a for a in top if a not in cited and a not in reranked]
        hits: list[AuthorityHit] = []
        for authority_id in top[:k]:
            if authority_id not in passages:
                continue
            matched = (["citation"] if authority_id in cited else []) + sorted(methods.get(authority_id, []))
            score = fused.get(authority_id, 0.0) + (100.0 if authority_id in cited else 0.0)
            hits.append(AuthorityHit(authority_id, score, passages[authority_id], matched))
        return hits

    def _text_cue_evidence(self, query: str, fused: dict[str, float]) -> dict[str, list[tuple[str, str, float]]]:
        """Statutes among the first `cue_depth` of `fused` that hold the query's quoted phrases (with the share
        found) and that have every subsection it names (research.search.text_cues); {} when the query has no cue."""
        cfg = self.config
        cues = text_cues(query)
        quoting, naming = bool(cues.phrases) and cfg.quote_weight > 0, bool(cues.labels) and cfg.part_weight > 0
        if not (quoting or naming) or cfg.cue_depth <= 0:
            return {}
        first = [a for a in sorted(fused, key=lambda a: -fused[a])[:cfg.cue_depth] if not self._is_opinion(a)]
        quoted, named = [], []
        for authority_id, authority in self.chunks.authorities(first).items():
            share = cues.quoted_share(normalised(f"{authority.heading} {authority.text}")) if quoting else 0.0
            if share > 0:
                quoted.append((authority_id, "", share))
            if naming and cues.has_named_parts(part_labels(authority.text)):
                named.append((authority_id, "", 1.0))
        return {method: rows for method, rows in (("quoted words", quoted), ("named subsection", named)) if rows}

    def _passage_similarities(self, query: str, chunks: list[Chunk]) -> list[float]:
        """The reranker's cosine similarity of `query` to each chunk as indexed (recent passages' vectors kept)."""
        if not chunks:
            return []
        cache = self._passage_vectors
        missing = [c for c in dict.fromkeys(c.id for c in chunks) if c not in cache]
        by_id = {c.id: c for c in chunks}
        vectors = self.reranker.encode([query] + [by_id[c].indexed_text for c in missing])
        for chunk_id, vector in zip(missing, vectors[1:]):
            cache[chunk_id] = vector
        for chunk in chunks:
            cache.move_to_end(chunk.id)
        while len(cache) > PASSAGE_VECTOR_CACHE:
            cache.popitem(last=False)
        return [float(vectors[0] @ cache[c.id]) for c in chunks]

    def _discount_long_opinions(self, ranked_chunks: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """A chunk ranking with the configured opinion length discount (`penalise_long_opinions`) applied."""
        penalty = self.config.opinion_length_penalty
        if penalty <= 0:
            return ranked_chunks
        return penalise_long_opinions(ranked_chunks, self._opinion_chunk_count, self._typical_log_chunks(), penalty)

    def _typical_log_chunks(self) -> float:
        """Mean log chunk count of the opinions in the lexical index (computed once)."""
        if self._mean_log_chunks is None:
            logs = [math.log(count) for a, count in self._chunk_counts().items() if self._is_opinion(a)]
            self._mean_log_chunks = sum(logs) / len(logs) if logs else 0.0
        return self._mean_log_chunks

    def _chunk_counts(self) -> dict[str, int]:
        """Chunks per authority in the lexical index (computed once)."""
        if self._chunks_per_authority is None:
            self._chunks_per_authority = self.lexical.group_sizes(authority_of)
        return self._chunks_per_authority

    def _is_opinion(self, authority_id: str) -> bool:
        return (self.directory.place(authority_id) or ("", ""))[1] == Kind.OPINION

    def _opinion_chunk_count(self, authority_id: str) -> int:
        """Chunks of an opinion in the lexical index (0 for statutes)."""
        return self._chunk_counts().get(authority_id, 0) if self._is_opinion(authority_id) else 0

    def added_terms(self, query: str) -> str:
        """The issue terms search adds to `query` ('' when none), to show the user what was searched."""
        if self.rewrite is None or not self.config.issue_terms:
            return ""
        return self.rewrite.added(query.strip())

    def _nearest(self, tier: DenseTier, query: str, depth: int, search_filter: SearchFilter) -> list[tuple[str, float]]:
        """Neighbours in a dense tier that pass the filter.

        Chroma's filtered search costs ~150 ms on the full corpus against ~20 ms unfiltered, so a
        filtered search over-fetches unfiltered neighbours and filters them by the authority
        directory; only when under a quarter of the depth passes does it ask Chroma to filter.
        """
        vector = np.asarray(tier.embedder.encode([query])[0])
        if not search_filter.jurisdictions and not search_filter.kinds:
            return tier.vectors.query(vector, depth, search_filter)
        near = tier.vectors.query(vector, depth * VECTOR_OVERFETCH, SearchFilter())
        kept = [(c, s) for c, s in near if self.directory.admits(authority_of(c), search_filter)]
        if len(kept) >= depth // 4:
            return kept[:depth]
        return tier.vectors.query(vector, depth, search_filter)


