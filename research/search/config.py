"""The knobs of hybrid retrieval, with defaults chosen by measurement (docs/decisions/)."""

from __future__ import annotations

from dataclasses import dataclass


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
    # rank scores of chunks, citing contexts and whole opinions by adjacent-term pairs (research.index.lexical.pairs_of),
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
    issue_terms: bool = True  # add legal-issue terms to questions told in plain facts (research.search.rewrite)
    issue_terms_for_headings: bool = True
    # statutes among this many first results are re-scored by their passage (0: off); 6, not 10, keeps search
    # within 150 ms at the median on a 2-core machine without AVX-512 (evals/ablation.md, session 6)
    rerank_depth: int = 6
    rerank_weight: float = 2.0
    # weight of sqrt(P(chapter | query)) from research.search.priors.chapters, in single-jurisdiction searches of a
    # jurisdiction it covers (0: off); chosen with folds grouped by gold section (evals/ablation.md, session 7)
    chapter_weight: float = 0.4
    # weight of log(P / mean P) that a section reads like those case notes annotate (research.search.priors.section_prior), in
    # single-jurisdiction searches of a jurisdiction it covers (0: off); folds grouped by gold section, session 13
    section_prior_weight: float = 0.05
    # weight of log(P / mean P) that a section's record (its history, its count of notes of decisions) is like those
    # of the sections case notes annotate (research.search.priors.section_prior), in the same searches, for statements only (an
    # associate's question may be about a law too new to have been litigated); folds grouped by section, session 17
    record_prior_weight: float = 0.1
    # weight of the share of the nearest case notes that annotate a section (research.search.priors.note_neighbours), in
    # single-jurisdiction searches of a jurisdiction with notes, for statements only (as phrase evidence: on
    # questions told in facts it cost questions.dev items); sections voted for become candidates (evals/ablation.md,
    # session 15)
    note_weight: float = 1.0
    # statutes among this many first results gain quote_weight x the share of the query's quoted phrases their text
    # holds verbatim, and part_weight when they have every subsection the query names (research.search.text_cues); chosen
    # with case notes of sections no training note annotates (evals/ablation.md, session 16)
    cue_depth: int = 50
    quote_weight: float = 0.4
    part_weight: float = 0.4
