"""Settings: the retrieval knobs from research.toml, the environment and named presets."""

import pytest
from pydantic import ValidationError

from research.search.config import (
    PresetError,
    RetrievalConfig,
    load_preset,
    preset_names,
)
from research.settings import Settings


def test_retrieval_knobs_come_from_the_settings_file(tmp_path, monkeypatch):
    settings_file = tmp_path / "research.toml"
    settings_file.write_text("[retrieval]\nrerank_depth = 0\nanchor_weight = 0.25\n")
    monkeypatch.setenv("RESEARCH_SETTINGS_FILE", str(settings_file))
    retrieval = Settings().retrieval
    assert (retrieval.rerank_depth, retrieval.anchor_weight) == (0, 0.25)
    assert retrieval.heading_weight == RetrievalConfig().heading_weight  # the rest keep their defaults


def test_the_environment_overrides_the_file_and_a_preset_fills_in_below_both(tmp_path, monkeypatch):
    settings_file = tmp_path / "research.toml"
    settings_file.write_text('retrieval_preset = "fast"\n[retrieval]\nanchor_weight = 0.25\n')
    monkeypatch.setenv("RESEARCH_SETTINGS_FILE", str(settings_file))
    assert Settings().retrieval.rerank_depth == 0  # from the preset
    monkeypatch.setenv("RESEARCH_RETRIEVAL__RERANK_DEPTH", "3")
    retrieval = Settings().retrieval
    assert (retrieval.rerank_depth, retrieval.anchor_weight) == (3, 0.25)


def test_bad_knobs_and_presets_are_refused_with_their_names(tmp_path, monkeypatch):
    settings_file = tmp_path / "research.toml"
    settings_file.write_text("[retrieval]\nrerank_dept = 0\n")
    monkeypatch.setenv("RESEARCH_SETTINGS_FILE", str(settings_file))
    with pytest.raises(ValidationError, match="rerank_dept"):
        Settings()
    monkeypatch.delenv("RESEARCH_SETTINGS_FILE")
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Settings(retrieval={"anchor_weight": -1})
    with pytest.raises(PresetError, match="choose from"):
        load_preset("fastest")


def test_every_shipped_preset_names_real_knobs():
    assert {"default", "fast"} <= set(preset_names())
    for name in preset_names():
        RetrievalConfig(**load_preset(name))
