"""The knobs of hybrid retrieval, each with the decision record that chose its default (docs/decisions/).

Settable from `research.toml` under `[retrieval]` or from `RESEARCH_RETRIEVAL__<KNOB>` environment variables
(research.settings), or named presets (research/search/presets/*.toml).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PRESETS_DIR = Path(__file__).with_name("presets")


class PresetError(ValueError):
    """A named retrieval preset that does not exist or cannot be read."""


def preset_names() -> list[str]:
    """The named presets shipped in research/search/presets/."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def load_preset(name: str) -> dict[str, Any]:
    """The knobs a named preset sets (a TOML file of RetrievalConfig fields)."""
    path = PRESETS_DIR / f"{name}.toml"
    if not path.is_file():
        raise PresetError(f"no retrieval preset {name!r}; choose from {', '.join(preset_names())}")
    try:
        knobs = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{path}: {exc}") from exc
    RetrievalConfig(**knobs)  # a preset names only real knobs, with valid values
    return knobs


class RetrievalConfig(BaseModel):
    """Knobs of the hybrid retriever: depths of each ranking, the weight of each evidence, and re-scoring."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    lexical_depth: int = Field(default=300, ge=1, description="chunks BM25 returns (chunk text and chunk pairs)")
    anchor_depth: int = Field(default=300, ge=1, description="citing contexts BM25 returns")
    opinion_depth: int = Field(default=300, ge=1, description="whole opinions BM25 returns (and their pairs)")
    vector_depth: int = Field(default=200, ge=1, description="nearest chunk vectors")
    heading_depth: int = Field(default=200, ge=1, description="nearest heading vectors")
    vector_overfetch: int = Field(default=8, ge=1, description="a filtered dense search fetches this many times its "
                                                               "depth unfiltered, then filters (docs/decisions/0001)")
    lexical_weight: float = Field(default=1.0, ge=0, description="chunk text by BM25 (docs/decisions/0002)")
    opinion_blend: float = Field(default=0.5, ge=0, le=1, description="share of an opinion's lexical evidence from "
                                                                      "the whole-opinion ranking (docs/decisions/0011)")
    opinion_length_penalty: float = Field(default=0.03, ge=0, description="discount of an opinion's chunk scores per "
                                                                          "log of its chunk count "
                                                                          "(docs/decisions/0012)")
    anchor_weight: float = Field(default=0.5, ge=0, description="citing contexts (docs/decisions/0008)")
    phrase_weight: float = Field(default=0.4, ge=0, description="adjacent-term pairs of chunks, statements only "
                                                                "(docs/decisions/0019)")
    anchor_phrase_weight: float = Field(default=0.3, ge=0, description="adjacent-term pairs of citing contexts, "
                                                                       "statements only (docs/decisions/0019)")
    opinion_phrase_weight: float = Field(default=0.3, ge=0, description="adjacent-term pairs of whole opinions, "
                                                                        "statements only (docs/decisions/0020)")
    vector_weight: float = Field(default=0.0, ge=0, description="chunk vectors by the index embedder "
                                                                "(docs/decisions/0004)")
    heading_weight: float = Field(default=0.5, ge=0, description="MiniLM similarity of statute headings "
                                                                 "(docs/decisions/0003)")
    heading_adds_candidates: bool = Field(default=False, description="false: headings only re-score what lexical "
                                                                     "search found (docs/decisions/0006)")
    issue_terms: bool = Field(default=True, description="add legal-issue terms to questions told in plain facts "
                                                        "(docs/decisions/0009)")
    issue_terms_for_headings: bool = Field(default=True, description="embed the question with its issue terms for the "
                                                                     "heading tier")
    rerank_depth: int = Field(default=6, ge=0, description="statutes among this many first results are re-scored by "
                                                           "their passage (0: off; docs/decisions/0014)")
    rerank_weight: float = Field(default=2.0, ge=0, description="weight of the centred passage similarity "
                                                                "(docs/decisions/0014)")
    chapter_weight: float = Field(default=0.4, ge=0, description="sqrt(P(chapter | query)) in single-jurisdiction "
                                                                 "searches of a jurisdiction with case notes "
                                                                 "(docs/decisions/0016)")
    section_prior_weight: float = Field(default=0.05, ge=0, description="log(P / mean P) that a section reads like "
                                                                        "those case notes annotate "
                                                                        "(docs/decisions/0022)")
    record_prior_weight: float = Field(default=0.1, ge=0, description="log(P / mean P) that a section's record is "
                                                                      "like annotated sections', statements only "
                                                                      "(docs/decisions/0027)")
    note_weight: float = Field(default=1.0, ge=0, description="share of the nearest case notes that annotate a "
                                                              "section, statements only (docs/decisions/0024)")
    note_neighbours: int = Field(default=10, ge=1, description="the case notes most like a statement that vote "
                                                              "(docs/decisions/0024)")
    cue_depth: int = Field(default=50, ge=0, description="statutes among this many first results are checked for the "
                                                         "query's text cues (docs/decisions/0025)")
    quote_weight: float = Field(default=0.4, ge=0, description="share of the query's quoted phrases a statute holds "
                                                               "verbatim (docs/decisions/0025)")
    part_weight: float = Field(default=0.4, ge=0, description="a statute has every subsection the query names "
                                                              "(docs/decisions/0025)")
    cited_boost: float = Field(default=100.0, ge=0, description="added to an authority the query cites, so it comes "
                                                                "first")
