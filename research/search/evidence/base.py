"""The plug-in contract of ranking evidence: one class per signal, with its name, stage, weight and passage priority.

A retriever holds an ordered list of evidence (see `research.search.evidence.registry`) and, for each search:
1. gathers every active evidence's rows (authority id, passage id, score), in list order;
2. fuses the RANK evidences (w / log2(2 + rank) of each authority's rank) and then the SCORE evidences
   (w x score), in list order within each stage;
3. applies the PRIOR evidences in list order, each to the scores as they stand;
4. gathers the CUE evidences from one snapshot of those scores, then adds them.
The order is part of the contract: float sums and ties keep the order in which evidence was added.
Adding a signal is one new class here and one weight knob in `RetrievalConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import ClassVar

from research.domain.types import SearchFilter
from research.search.config import RetrievalConfig

Row = tuple[str, str, float]  # (authority id, id of the passage that matched or "", score)


class Stage(IntEnum):
    """How an evidence's rows enter an authority's score (and in which order the stages run)."""

    RANK = 1  # weight / log2(2 + rank) of the authority's rank in the rows
    SCORE = 2  # weight x the authority's score (a similarity, or blended lexical evidence)
    PRIOR = 3  # added after fusion to the scores as they stand
    CUE = 4  # gathered from the fused scores after the priors, then added
    NONE = 5  # gathered for other evidence to read (and for `matched_by`), adds nothing itself


@dataclass(frozen=True)
class Query:
    """What every evidence sees of one search."""

    text: str  # as typed (stripped)
    expanded: str  # with the legal-issue terms added (research.search.rewrite), or the text
    heading_text: str  # what the heading tier embeds
    statement: bool  # a proposition (a case note, a brief's sentence), not a question
    search_filter: SearchFilter
    exclude: frozenset[str]

    @property
    def jurisdiction(self) -> str:
        """The one jurisdiction searched, or '' for several or all (the priors cover single jurisdictions)."""
        return self.search_filter.jurisdictions[0] if len(self.search_filter.jurisdictions) == 1 else ""


@dataclass
class Signals:
    """Rows gathered so far in a search, by evidence name, and the fused scores."""

    found: dict[str, list[Row]] = field(default_factory=dict)
    fused: dict[str, float] = field(default_factory=dict)

    def ids(self, name: str) -> list[str]:
        """Authority ids of an evidence's rows, in its order ([] when it was not gathered)."""
        return [a for a, _, _ in self.found.get(name, [])]


class Evidence:
    """One ranking signal. Subclasses set the class attributes and implement `gather` (and `apply` for priors)."""

    name: ClassVar[str]  # as shown in a hit's `matched_by`
    stage: ClassVar[Stage]
    weight_knob: ClassVar[str]  # the RetrievalConfig field that weights it
    passage_priority: ClassVar[int] = 0  # of two evidences with a passage for an authority, the higher's is shown
    statements_only: ClassVar[bool] = False  # on questions told in facts it cost recall (docs/decisions/0019)
    listed: ClassVar[bool] = True  # whether its rows name it in `matched_by`

    def weight(self, config: RetrievalConfig, query: Query) -> float:
        """The weight this search gives the evidence."""
        return float(getattr(config, self.weight_knob))

    def active(self, config: RetrievalConfig, query: Query) -> bool:
        """Whether to gather it for this search (weighted, and a statement when it is for statements only)."""
        return self.weight(config, query) > 0 and (query.statement or not self.statements_only)

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        """Rows for this search, best first."""
        raise NotImplementedError

    def scores(self, signals: Signals, config: RetrievalConfig) -> dict[str, float]:
        """SCORE stage: the score of each authority (by default, its row's)."""
        return {a: s for a, _, s in signals.found.get(self.name, [])}

    def apply(self, fused: dict[str, float], query: Query, signals: Signals,
              config: RetrievalConfig) -> dict[str, float]:
        """PRIOR and CUE stages: the scores with this evidence added."""
        weight = self.weight(config, query)
        for authority_id, _, share in signals.found.get(self.name, []):
            fused[authority_id] += weight * share
        return fused
