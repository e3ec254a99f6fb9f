"""Text cues: statutes near the top that hold the words a query quotes, or have the subsections it names
(research.search.text_cues; docs/decisions/0025)."""

from __future__ import annotations

from research.domain.types import Authority
from research.index.catalogue import ChunkStore
from research.search.config import RetrievalConfig
from research.search.evidence.base import Evidence, Query, Row, Signals, Stage
from research.search.evidence.lexical import OpinionLengths
from research.search.text_cues import TextCues, normalised, part_labels, text_cues


class _TextCue(Evidence):
    """A cue read from the query, checked against the statutes among the first `cue_depth` fused results."""

    stage = Stage.CUE

    def __init__(self, chunks: ChunkStore, lengths: OpinionLengths):
        self.chunks = chunks
        self.lengths = lengths

    def active(self, config: RetrievalConfig, query: Query) -> bool:
        return super().active(config, query) and config.cue_depth > 0 and self._has_cue(text_cues(query.text))

    def gather(self, query: Query, signals: Signals, config: RetrievalConfig) -> list[Row]:
        fused = signals.fused
        first = [a for a in sorted(fused, key=lambda a: -fused[a])[:config.cue_depth] if not self.lengths.is_opinion(a)]
        cues = text_cues(query.text)
        rows = []
        for authority_id, authority in self.chunks.authorities(first).items():
            share = self._share(cues, authority)
            if share > 0:
                rows.append((authority_id, "", share))
        return rows

    def _has_cue(self, cues: TextCues) -> bool:
        raise NotImplementedError

    def _share(self, cues: TextCues, authority: Authority) -> float:
        raise NotImplementedError


class QuotedWords(_TextCue):
    """weight x the share of the query's quoted phrases a statute's text holds verbatim."""

    name = "quoted words"
    weight_knob = "quote_weight"
    passage_priority = 1

    def _has_cue(self, cues: TextCues) -> bool:
        return bool(cues.phrases)

    def _share(self, cues: TextCues, authority: Authority) -> float:
        return cues.quoted_share(normalised(f"{authority.heading} {authority.text}"))


class NamedSubsection(_TextCue):
    """weight when a statute has every subsection the query names ("under subsection (b)")."""

    name = "named subsection"
    weight_knob = "part_weight"
    passage_priority = 2

    def _has_cue(self, cues: TextCues) -> bool:
        return bool(cues.labels)

    def _share(self, cues: TextCues, authority: Authority) -> float:
        return 1.0 if cues.has_named_parts(part_labels(authority.text)) else 0.0
