"""Pure fusion of rankings into one score per authority: rank scores, roll-ups, priors and re-scoring.

Rankings are rolled up from chunks to authorities (an authority counts with its best chunk) before fusion,
so an authority with many matching chunks cannot crowd out the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from research.domain.ids import authority_of
from research.search.priors.chapters import chapter_of


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
    that answer a federal question: docs/decisions/0011)."""
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
    a citing sentence describes, and re-scoring them lowered scotus_citeprec (docs/decisions/0014)."""
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
