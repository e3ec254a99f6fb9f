"""Settings from `RESEARCH_*` environment variables or a TOML settings file.

Precedence: explicit arguments, then environment variables, then the settings file named by
`RESEARCH_SETTINGS_FILE` (default `research.toml` in the working directory), then defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]

EmbedderName = Literal["static", "minilm"]


def _settings_file() -> Path:
    return Path(os.environ.get("RESEARCH_SETTINGS_FILE", "research.toml"))


class Settings(BaseSettings):
    """Where the corpus, indexes and services are, and which embedder to use."""

    model_config = SettingsConfigDict(env_prefix="RESEARCH_", extra="forbid")

    corpus_dir: Path = PROJECT_ROOT.parent / "shared" / "corpora"
    manifests_dir: Path = PROJECT_ROOT / "corpora"
    evals_dir: Path = PROJECT_ROOT.parent / "shared" / "evals"
    data_dir: Path = PROJECT_ROOT / "data"
    embedder: EmbedderName = "static"
    chroma_url: str | None = None
    chroma_collection: str = "passages"
    chunk_max_tokens: int = 256
    heading_tier: bool = True

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_settings_file())
        return (init_settings, env_settings, toml)

    @property
    def index_dir(self) -> Path:
        """Directory of the indexes built for the chosen embedder."""
        return self.data_dir / f"index-{self.embedder}"

    @property
    def models_dir(self) -> Path:
        """Cache of models derived offline (the distilled static embedder)."""
        return self.data_dir / "models"
