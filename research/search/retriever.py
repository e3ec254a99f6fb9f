"""Hybrid retrieval: cited authorities first, then the ranking evidence fused per authority.

A question told in plain facts first gains its legal issue's terms (research.search.rewrite). Each ranking
signal is an evidence plug-in (research.search.evidence): lexical rankings of chunks, whole opinions, citing
contexts and, for a statement rather than a question, adjacent-term pairs; similarities of the dense tiers;
priors learned from case notes in a search of Hawaii or Colorado alone; the words a query quotes and the
subsections it names. They are fused by rank scores w / log2(2 + rank) and weighted similarities, not by
reciprocal rank fusion, which let weak dense evidence displace BM25's first hit (docs/decisions/0002). Last,
the statutes among the first few results are re-scored by MiniLM's similarity of the question to the passage
each would show (`rerank_statutes`, docs/decisions/0014).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from research.domain.ids import authority_of, is_text_chunk
from research.domain.types import AuthorityHit, Chunk, Kind, SearchFilter
from research.index.catalogue import ChunkStore
from research.index.directory import AuthorityDirectory
from research.index.embedders import Encoder
from research.index.lexical import LexicalIndex
from research.search.config import RetrievalConfig
from research.search.evidence.base import Evidence, Query, Signals, Stage
from research.search.fusion import fuse, rerank_statutes
from research.search.rewrite import IssueRewriter, is_question

PASSAGE_VECTOR_CACHE = 20_000  # passages whose re-scoring vectors a retriever keeps (~30 MB)


@dataclass
class HybridRetriever:
    """Search over a chunk store with a list of evidence (research.search.evidence.registry.default_evidence)."""

    chunks: ChunkStore
    lexical: LexicalIndex  # BM25 over chunks: finds the passage to show for authorities found otherwise
    directory: AuthorityDirectory
    evidence: list[Evidence]
    config: RetrievalConfig = field(default_factory=RetrievalConfig)
    rewrite: IssueRewriter | None = None  # adds legal-issue terms to questions (research.search.rewrite)
    reranker: Encoder | None = None  # MiniLM over passages, re-scoring the first statutes
    _passage_vectors: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict, init=False, repr=False)

    def signal(self, name: str) -> Evidence | None:
        """The evidence of that name, when this retriever has it."""
        return next((e for e in self.evidence if e.name == name), None)

    def search(self, query: str, search_filter: SearchFilter = SearchFilter(), k: int = 10,
               exclude: frozenset[str] = frozenset()) -> list[AuthorityHit]:
        """The k best authorities for `query` within the filter, excluding ids in `exclude`."""
        text = query.strip()
        if not text:
            raise ValueError("empty query")
        cfg = self.config
        cited = [a for a in self.directory.cited(text, search_filter) if a not in exclude]
        asked = is_question(text)
        # a case a question names is found like a citation; in a statement (a brief's sentence, a case note) the
        # cases named are those the text relies on, not the one it is about
        named = [a for a in self.directory.named(text, search_filter) if a not in exclude and a not in cited] \
            if asked else []
        cited += named
        expanded = self.rewrite(text) if self.rewrite is not None and cfg.issue_terms else text
        question = Query(text, expanded, expanded if cfg.issue_terms_for_headings else text, not asked,
                         search_filter, exclude)
        signals = self._weigh(question)
        fused = signals.fused
        best_chunk, methods = self._matches(signals)
        ranked = [a for a in sorted(fused, key=lambda a: -fused[a]) if a not in cited]
        reranking = self.reranker is not None and cfg.rerank_depth > 0 and cfg.rerank_weight > 0
        top = (cited + ranked)[:max(k, cfg.rerank_depth) if reranking else k]
        passages = self._passages(expanded, top, cited, best_chunk)
        if reranking:
            candidates = [a for a in top if a not in cited and a in passages][:cfg.rerank_depth]
            statutes = [a for a in candidates if passages[a].kind == Kind.STATUTE]
            if len(statutes) < 2:  # centred on their mean, a lone statute would not move: nothing to embed
                statutes = []
            similarities = self._passage_similarities(text, [passages[a] for a in statutes])
            reranked = rerank_statutes(candidates, fused, dict(zip(statutes, similarities)), cfg.rerank_weight)
            fused.update(reranked)
            top = cited + list(reranked) + [a for a in top if a not in cited and a not in reranked]
        hits: list[AuthorityHit] = []
        for authority_id in top[:k]:
            if authority_id not in passages:
                continue
            first = ["case name"] if authority_id in named else ["citation"] if authority_id in cited else []
            matched = first + sorted(methods.get(authority_id, []))
            score = fused.get(authority_id, 0.0) + (cfg.cited_boost if authority_id in cited else 0.0)
            hits.append(AuthorityHit(authority_id, score, passages[authority_id], matched))
        return hits

    def _weigh(self, query: Query) -> Signals:
        """Every active evidence gathered and added, stage by stage, as the contract of
        research.search.evidence.base lays down."""
        cfg = self.config
        signals = Signals()
        for evidence in self.evidence:
            if evidence.stage in (Stage.RANK, Stage.SCORE, Stage.NONE) and evidence.active(cfg, query):
                signals.found[evidence.name] = [row for row in evidence.gather(query, signals, cfg)
                                                if row[0] not in query.exclude]
        staged = {stage: [e for e in self.evidence if e.stage == stage] for stage in Stage}
        signals.fused = fuse([(e.weight(cfg, query), signals.ids(e.name)) for e in staged[Stage.RANK]],
                             [(e.weight(cfg, query), e.scores(signals, cfg)) for e in staged[Stage.SCORE]])
        for evidence in staged[Stage.PRIOR]:
            if evidence.active(cfg, query):
                rows = evidence.gather(query, signals, cfg)
                if evidence.listed:
                    signals.found[evidence.name] = rows
                signals.fused = evidence.apply(signals.fused, query, signals, cfg)
        cues = [(e, e.gather(query, signals, cfg)) for e in staged[Stage.CUE] if e.active(cfg, query)]
        for evidence, rows in cues:  # all read the same scores: gathered before any is added
            signals.found[evidence.name] = rows
            signals.fused = evidence.apply(signals.fused, query, signals, cfg)
        return signals

    def _matches(self, signals: Signals) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Per authority, the passage that matched (the evidence of highest passage priority wins) and the names
        of the evidence that found it."""
        best_chunk: dict[str, str] = {}
        methods: dict[str, list[str]] = {}
        for evidence in sorted(self.evidence, key=lambda e: e.passage_priority):
            for authority_id, chunk_id, _ in signals.found.get(evidence.name, []):
                if chunk_id and is_text_chunk(chunk_id):
                    best_chunk[authority_id] = chunk_id
                methods.setdefault(authority_id, []).append(evidence.name)
        return best_chunk, methods

    def _passages(self, expanded: str, top: list[str], cited: list[str],
                  best_chunk: dict[str, str]) -> dict[str, Chunk]:
        """The passage to show for each authority of `top`: the one that matched, else its best-matching chunk
        (for authorities found by what cites them, or as a whole), else its first."""
        best_chunk = dict(best_chunk)
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
        return passages

    def _passage_similarities(self, query: str, chunks: list[Chunk]) -> list[float]:
        """The reranker's cosine similarity of `query` to each chunk as indexed (recent passages' vectors kept)."""
        if not chunks or self.reranker is None:
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

    def added_terms(self, query: str) -> str:
        """The issue terms search adds to `query` ('' when none), to show the user what was searched."""
        if self.rewrite is None or not self.config.issue_terms:
            return ""
        return self.rewrite.added(query.strip())
