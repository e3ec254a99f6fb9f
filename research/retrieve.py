"""Hybrid retrieval: cited authorities first, then lexical and dense evidence fused per authority.

A question told in plain facts first gains its legal issue's terms (research.rewrite). Rankings are
rolled up from chunks to authorities (an authority counts with its best chunk) before fusion, so an
authority with many matching chunks cannot crowd out the others; an opinion's chunk scores are first
discounted by the log of its length against a typical opinion's. Fusion adds rank-discounted
lexical scores, w / log2(2 + rank), of the chunk ranking, the whole-opinion ranking, the
citing-context ranking (research.anchors) and, for a statement rather than a question, the rankings of
chunks, whole opinions and citing contexts by adjacent-term pairs (phrases such as "statute of limitations")
to weighted cosine similarities of the dense tiers (chunk vectors from the index embedder; MiniLM vectors of
statute headings). Measured against reciprocal rank fusion in evals/ablation.md: RRF let weak dense evidence
displace BM25's first hit. A search of Hawaii or Colorado alone adds two priors learned from case notes: the
likely chapter (research.chapters) and how much a section reads like those notes annotate (research.section_prior);
for a statement, also the sections that the notes most like it annotate (research.note_neighbours).
Statutes near the top that hold words the query quotes, or have the subsections it names, gain for it
(research.text_cues). Last, the statutes among the first few results are re-scored by MiniLM's similarity of the
question to the passage each would show (`rerank_statutes`).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from research.anchors import citing_authority
from research.chapters import chapter_of
from research.citations import authority_keys, find_citations
from research.domain import AuthorityHit, Chunk, SearchFilter
from research.rewrite import IssueRewriter, is_question
from research.text_cues import normalised, part_labels, text_cues

VECTOR_OVERFETCH = 8
PASSAGE_VECTOR_CACHE = 20_000  # passages whose re-scoring vectors a retriever keeps (~30 MB)


@dataclass
class RetrievalConfig:
    """Knobs of the hybrid retriever (defaults chosen by measurement: see evals/ablation.md)."""

    lexical_depth: int = 300
    anchor_depth: int = 300
    section_depth: int = 200
    opinion_depth: int = 300
    vector_depth: int = 200
    heading_depth: int = 200
    lexical_weight: float = 1.0
    section_weight: float = 0.0
    opinion_blend: float = 0.5  # share of an opinion's lexical evidence from the whole-opinion ranking
    opinion_length_penalty: float = 0.03  # discount of an opinion's chunk scores per log of its chunk count
    anchor_weight: float = 0.5
    # rank scores of chunks, citing contexts and whole opinions by adjacent-term pairs (research.lexical.pairs_of),
    # for statements only: a proposition in a court's or a brief's words shares the law's phrases, while the pairs
    # of an associate's question told in facts are narrative and cost questions.dev items; chosen with case notes
    # (folds grouped by section) and scotus_citeprec: evals/ablation.md, sessions 11 and 12 (whole opinions; the
    # chunk pairs' ranking takes the opinion length discount too)
    phrase_weight: float = 0.4
    anchor_phrase_weight: float = 0.3
    opinion_phrase_weight: float = 0.3
    vector_weight: float = 0.0
    heading_weight: float = 0.5
    heading_adds_candidates: bool = False  # False: headings only re-score what lexical search found
    issue_terms: bool = True  # add legal-issue terms to questions told in plain facts (research.rewrite)
    issue_terms_for_headings: bool = True
    # statutes among this many first results are re-scored by their passage (0: off); 6, not 10, keeps search
    # within 150 ms at the median on a 2-core machine without AVX-512 (evals/ablation.md, session 6)
    rerank_depth: int = 6
    rerank_weight: float = 2.0
    # weight of sqrt(P(chapter | query)) from research.chapters, in single-jurisdiction searches of a
    # jurisdiction it covers (0: off); chosen with folds grouped by gold section (evals/ablation.md, session 7)
    chapter_weight: float = 0.4
    # weight of log(P / mean P) that a section reads like those case notes annotate (research.section_prior), in
    # single-jurisdiction searches of a jurisdiction it covers (0: off); folds grouped by gold section, session 13
    section_prior_weight: float = 0.05
    # weight of log(P / mean P) that a section's record (its history, its count of notes of decisions) is like those
    # of the sections case notes annotate (research.section_prior), in the same searches, for statements only (an
    # associate's question may be about a law too new to have been litigated); folds grouped by section, session 17
    record_prior_weight: float = 0.1
    # weight of the share of the nearest case notes that annotate a section (research.note_neighbours), in
    # single-jurisdiction searches of a jurisdiction with notes, for statements only (as phrase evidence: on
    # questions told in facts it cost questions.dev items); sections voted for become candidates (evals/ablation.md,
    # session 15)
    note_weight: float = 1.0
    # statutes among this many first results gain quote_weight x the share of the query's quoted phrases their text
    # holds verbatim, and part_weight when they have every subsection the query names (research.text_cues); chosen
    # with case notes of sections no training note annotates (evals/ablation.md, session 16)
    cue_depth: int = 50
    quote_weight: float = 0.4
    part_weight: float = 0.4


def roll_up(ranked_chunks: list[tuple[str, float]]) -> list[tuple[str, str, float]]:
    """Authorities in order of their best chunk: (authority id, that chunk's id, its score)."""
    seen: dict[str, tuple[str, float]] = {}
    for chunk_id, score in ranked_chunks:
        authority = authority_of(chunk_id)
        if authority not in seen:
            seen[authority] = (chunk_id, score)
    return [(a, c, s) for a, (c, s) in seen.items()]


def rank_score(rank: int) -> float:
    """Lexical evidence of the authority at 0-based `rank`: 1 / log2(2 + rank)."""
    return 1.0 / math.log2(2 + rank)


def penalise_long_opinions(ranked_chunks: list[tuple[str, float]], opinion_chunks: Callable[[str], int],
                           typical_log_count: float, penalty: float) -> list[tuple[str, float]]:
    """Chunks re-ranked with penalty x (best score) x (log(chunks of its opinion) - typical_log_count) taken
    off each opinion chunk's score (statutes, with 0 chunks counted, keep theirs). An opinion of 300 chunks
    has more chances than one of 5 to hold a passage that matches by accident; its best chunk is discounted
    for it, a short opinion's raised, and opinions as a whole keep their footing against statutes."""
    if not ranked_chunks:
        return ranked_chunks
    top = ranked_chunks[0][1]
    adjusted = []
    for chunk_id, score in ranked_chunks:
        count = opinion_chunks(authority_of(chunk_id))
        adjusted.append((chunk_id, score - penalty * top * (math.log(count) - typical_log_count) if count else score))
    return sorted(adjusted, key=lambda row: -row[1])


def blend_opinion_evidence(chunk_ranking: list[str], whole_ranking: list[str], is_opinion: Callable[[str], bool],
                           blend: float) -> dict[str, float]:
    """Lexical evidence per authority: the rank score of its best chunk, except that an opinion's is
    (1 - blend) x that plus blend x the rank score of the whole opinion among opinions. Long opinions are
    judged by all their text as well as by their best passage, while an opinion's evidence stays on the
    same scale as a statute's (adding the whole-opinion score instead lifts opinions above the statutes
    that answer a federal question: evals/ablation.md)."""
    evidence = {a: rank_score(rank) * ((1 - blend) if is_opinion(a) else 1.0) for rank, a in enumerate(chunk_ranking)}
    for rank, authority in enumerate(whole_ranking):
        evidence[authority] = evidence.get(authority, 0.0) + blend * rank_score(rank)
    return evidence


def fuse(lexical: list[tuple[float, list[str]]], dense: list[tuple[float, dict[str, float]]]) -> dict[str, float]:
    """Per-authority score: weighted rank scores of lexical rankings plus weighted scores (dense similarities,
    blended lexical evidence)."""
    scores: dict[str, float] = {}
    for weight, ranking in lexical:
        for rank, authority in enumerate(ranking):
            scores[authority] = scores.get(authority, 0.0) + weight * rank_score(rank)
    for weight, similarities in dense:
        for authority, similarity in similarities.items():
            scores[authority] = scores.get(authority, 0.0) + weight * similarity
    return scores


def rerank_statutes(order: list[str], scores: dict[str, float], similarities: dict[str, float],
                    weight: float) -> dict[str, float]:
    """The authorities of `order` with new scores, best first: each one with a similarity (the statutes)
    gains weight x (its similarity - the mean of those similarities). Centred, so statutes move among
    themselves and past opinions by how far their passage stands from the others', not because a
    similarity is positive; authorities without one keep their score (ties keep their order).
    Opinions are not re-scored: the passage search shows for an opinion does not stand for the case
    a citing sentence describes, and re-scoring them lowered scotus_citeprec (evals/ablation.md)."""
    mean = sum(similarities.values()) / len(similarities) if similarities else 0.0
    adjusted = {a: scores.get(a, 0.0) + (weight * (similarities[a] - mean) if a in similarities else 0.0)
                for a in order}
    return dict(sorted(adjusted.items(), key=lambda row: -row[1]))


def add_section_prior(scores: dict[str, float], log_ratios: dict[str, float], weight: float) -> dict[str, float]:
    """`scores` with weight x its log ratio added to each authority the prior knows (others keep theirs)."""
    return {a: s + weight * log_ratios.get(a, 0.0) for a, s in scores.items()}


def add_note_votes(scores: dict[str, float], shares: dict[str, float], weight: float) -> dict[str, float]:
    """`scores` with weight x its share of the nearest case notes added to each section voted for (a section
    without a score of its own enters with that alone)."""
    voted = {a: s + weight * shares.get(a, 0.0) for a, s in scores.items()}
    voted.update({a: weight * share for a, share in shares.items() if a not in scores})
    return voted


def add_chapter_evidence(scores: dict[str, float], bonus: dict[str, float], weight: float) -> dict[str, float]:
    """`scores` with weight x its chapter's bonus added to each authority whose chapter has one."""
    return {a: s + weight * bonus.get(chapter_of(a), 0.0) for a, s in scores.items()}


class AuthorityDirectory:
    """Jurisdiction, kind and citation keys of every authority: for filters and citation lookup."""

    def __init__(self, rows: list[tuple[str, str, str, str]]):
        self._where: dict[str, tuple[str, str]] = {}
        self._by_key: dict[str, list[str]] = {}
        for authority_id, jurisdiction, kind, citations in rows:
            self._where[authority_id] = (jurisdiction, kind)
            for key in authority_keys(jurisdiction, kind, citations.split("|")):
                self._by_key.setdefault(key, []).append(authority_id)

    def ids_for(self, key: str) -> list[str]:
        """Authorities known under a citation key."""
        return self._by_key.get(key, [])

    def place(self, authority_id: str) -> tuple[str, str] | None:
        """(jurisdiction, kind) of a known authority."""
        return self._where.get(authority_id)

    def admits(self, authority_id: str, search_filter: SearchFilter) -> bool:
        """Whether a known authority passes the filter (unknown ids never do)."""
        where = self._where.get(authority_id)
        return where is not None and search_filter.admits(*where)

    def cited(self, query: str, search_filter: SearchFilter) -> list[str]:
        """Ids of the authorities cited in `query` that pass the filter, in order of citation."""
        found: list[str] = []
        for match in find_citations(query):
            for authority_id in self._by_key.get(match.key, []):
                if self.admits(authority_id, search_filter) and authority_id not in found:
                    found.append(authority_id)
        return found


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
    anchors: object | None = None  # LexicalIndex over citing contexts (research.anchors)
    rewrite: IssueRewriter | None = None  # adds legal-issue terms to questions (research.rewrite)
    opinions: object | None = None  # LexicalIndex over whole opinions
    reranker: object | None = None  # VectorEmbedder of passages for re-scoring the first statutes (MiniLM)
    chapters: object | None = None  # ChapterClassifier (research.chapters): P(chapter | query) per jurisdiction
    phrases: object | None = None  # LexicalIndex of adjacent-term pairs over chunks
    anchor_phrases: object | None = None  # LexicalIndex of adjacent-term pairs over citing contexts
    opinion_phrases: object | None = None  # LexicalIndex of adjacent-term pairs over whole opinions
    section_prior: object | None = None  # SectionPrior (research.section_prior): how annotatable each section reads
    note_neighbours: object | None = None  # NoteNeighbours (research.note_neighbours): sections of the nearest notes
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
            statutes = [a for a in candidates if passages[a].kind == "statute"]
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
        found) and that have every subsection it names (research.text_cues); {} when the query has no cue."""
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
        return (self.directory.place(authority_id) or ("", ""))[1] == "opinion"

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


def is_text_chunk(entry_id: str) -> bool:
    """True for the id of a chunk of an authority's own text (not a heading entry or an anchor)."""
    return "#h:" not in entry_id and citing_authority(entry_id) is None


def authority_of(entry_id: str) -> str:
    """Chunk ids are '<authority id>#<ordinal>:<digest>', heading entries '<authority id>#h:<digest>',
    anchors '<cited authority id>#a:<citing authority id>@<offset>'."""
    return entry_id.rsplit("#", 1)[0]
