"""The evidence a retriever weighs, in the order the plug-in contract runs it (research.search.evidence.base)."""

from __future__ import annotations

from research.index.catalogue import ChunkStore
from research.index.directory import AuthorityDirectory
from research.index.embedders import Encoder
from research.index.lexical import LexicalIndex
from research.search.config import RetrievalConfig
from research.search.evidence.base import Evidence
from research.search.evidence.cues import NamedSubsection, QuotedWords
from research.search.evidence.dense import (
    DenseTier,
    HeadingVectors,
    PassageVectors,
)
from research.search.evidence.lexical import (
    ChunkPhrases,
    ChunkText,
    CitedBy,
    CitedByPhrases,
    OpinionLengths,
    OpinionPhrases,
    WholeOpinions,
)
from research.search.evidence.priors import (
    ChapterPrior,
    NearestNotes,
    SectionRecordPrior,
    SectionTextPrior,
)
from research.search.priors.chapters import ChapterClassifier
from research.search.priors.note_neighbours import NoteNeighbours
from research.search.priors.section_prior import SectionPrior
from research.search.retriever import HybridRetriever
from research.search.rewrite import IssueRewriter


def default_evidence(chunks: ChunkStore, lexical: LexicalIndex, directory: AuthorityDirectory, *,
                     opinions: LexicalIndex | None = None,
                     anchors: LexicalIndex | None = None, phrases: LexicalIndex | None = None,
                     anchor_phrases: LexicalIndex | None = None, opinion_phrases: LexicalIndex | None = None,
                     passages: DenseTier | None = None, headings: DenseTier | None = None,
                     chapters: ChapterClassifier | None = None, section_prior: SectionPrior | None = None,
                     note_neighbours: NoteNeighbours | None = None) -> list[Evidence]:
    """Every evidence whose index or model is there, in contract order: the chunk text first (the heading tier
    reads its candidates), then within each stage the order in which the scores are summed."""
    lengths = OpinionLengths(lexical, directory)
    candidates: list[Evidence | None] = [
        ChunkText(lexical, lengths),
        WholeOpinions(opinions) if opinions is not None else None,
        PassageVectors(passages, directory) if passages is not None else None,
        HeadingVectors(headings, directory) if headings is not None else None,
        CitedBy(anchors) if anchors is not None else None,
        ChunkPhrases(phrases, lengths) if phrases is not None else None,
        CitedByPhrases(anchor_phrases) if anchor_phrases is not None else None,
        OpinionPhrases(opinion_phrases) if opinion_phrases is not None else None,
        NearestNotes(note_neighbours, directory) if note_neighbours is not None else None,
        ChapterPrior(chapters) if chapters is not None else None,
        SectionTextPrior(section_prior) if section_prior is not None else None,
        SectionRecordPrior(section_prior) if section_prior is not None else None,
        QuotedWords(chunks, lengths),
        NamedSubsection(chunks, lengths),
    ]
    return [evidence for evidence in candidates if evidence is not None]


def build_retriever(chunks: ChunkStore, lexical: LexicalIndex, directory: AuthorityDirectory,
                    config: RetrievalConfig | None = None, *, rewrite: IssueRewriter | None = None,
                    reranker: Encoder | None = None,
                    opinions: LexicalIndex | None = None,
                    anchors: LexicalIndex | None = None, phrases: LexicalIndex | None = None,
                    anchor_phrases: LexicalIndex | None = None, opinion_phrases: LexicalIndex | None = None,
                    passages: DenseTier | None = None, headings: DenseTier | None = None,
                    chapters: ChapterClassifier | None = None, section_prior: SectionPrior | None = None,
                    note_neighbours: NoteNeighbours | None = None) -> HybridRetriever:
    """A retriever with the default evidence over the given indexes and models (keyword names as in
    `default_evidence`); the wiring and tests build retrievers through it."""
    evidence = default_evidence(chunks, lexical, directory, opinions=opinions, anchors=anchors, phrases=phrases,
                                anchor_phrases=anchor_phrases, opinion_phrases=opinion_phrases,
                                passages=passages, headings=headings, chapters=chapters,
                                section_prior=section_prior, note_neighbours=note_neighbours)
    return HybridRetriever(chunks, lexical, directory, evidence, config or RetrievalConfig(), rewrite, reranker)
