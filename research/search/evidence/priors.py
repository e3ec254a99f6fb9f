"""Priors learned from case notes, for searches of one jurisdiction they cover (Hawaii and Colorado by default)."""

from __future__ import annotations

from research.index.directory import AuthorityDirectory
from research.search.config import RetrievalConfig
from research.search.evidence.base import Evidence, Query, Row, Signals, Stage
from research.search.fusion import (
    add_chapter_evidence,
    add_note_votes,
    add_section_prior,
)
from research.search.priors.chapters import ChapterClassifier
from research.search.priors.note_neighbours import NoteNeighbours
from research.search.priors.section_prior import SectionPrior


class NearestNotes(Evidence):
    """The case notes most like a statement vote for the sections they annotate; voted sections become
    candidates (docs/decisions/0024)."""

    name = "case notes"
    stage = Stage.PRIOR
    weight_knob = "note_weight"
    passage_priority = 3
    statements_only = True

    def __init__(self, neighbours: NoteNeighbours, directory: AuthorityDirectory):
        self.neighbours = neighbours
        self.directory = directory

    def active(self, config: RetrievalConfig, query: Query) -> bool:
        return super().active(config, query) and self.neighbours.covers(query.jurisdiction)

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        votes = self.neighbours.vote(query.text, query.jurisdiction, query.exclude, config.note_neighbours)
        return [(a, "", share) for a, share in votes.items()
                if a not in query.exclude and self.directory.admits(a, query.search_filter)]

    def apply(self, fused: dict[str, float], query: Query, signals: Signals,
              config: RetrievalConfig) -> dict[str, float]:
        shares = {a: share for a, _, share in signals.found.get(self.name, [])}
        return add_note_votes(fused, shares, self.weight(config, query))


class ChapterPrior(Evidence):
    """weight x sqrt(P(the section's chapter | query)) from a classifier of case notes (docs/decisions/0016)."""

    name = "chapter prior"
    stage = Stage.PRIOR
    weight_knob = "chapter_weight"
    listed = False

    def __init__(self, classifier: ChapterClassifier):
        self.classifier = classifier

    def active(self, config: RetrievalConfig, query: Query) -> bool:
        return super().active(config, query) and self.classifier.covers(query.jurisdiction)

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        return []

    def apply(self, fused: dict[str, float], query: Query, signals: Signals,
              config: RetrievalConfig) -> dict[str, float]:
        bonus = self.classifier.bonus(query.text, query.jurisdiction)
        return add_chapter_evidence(fused, bonus, self.weight(config, query))


class SectionTextPrior(Evidence):
    """weight x log(P / mean P) that a section's text reads like those case notes annotate (docs/decisions/0022)."""

    name = "section prior"
    stage = Stage.PRIOR
    weight_knob = "section_prior_weight"
    listed = False

    def __init__(self, prior: SectionPrior):
        self.prior = prior

    def active(self, config: RetrievalConfig, query: Query) -> bool:
        # applied even at weight 0, which adds nothing: the prior's cover alone decides
        return self.prior.covers(query.jurisdiction) and (query.statement or not self.statements_only)

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        return []

    def apply(self, fused: dict[str, float], query: Query, signals: Signals,
              config: RetrievalConfig) -> dict[str, float]:
        return add_section_prior(fused, self._log_ratios(query), self.weight(config, query))

    def _log_ratios(self, query: Query) -> dict[str, float]:
        return self.prior.bonus(query.jurisdiction)


class SectionRecordPrior(SectionTextPrior):
    """weight x log(P / mean P) that a section's record (history, notes of decisions) is like those of annotated
    sections, for statements (docs/decisions/0027)."""

    name = "record prior"
    weight_knob = "record_prior_weight"
    statements_only = True

    def _log_ratios(self, query: Query) -> dict[str, float]:
        return self.prior.record_bonus(query.jurisdiction)
