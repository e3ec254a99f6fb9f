"""Settings from `RESEARCH_*` environment variables or a TOML settings file.

Precedence: explicit arguments, then environment variables, then the settings file named by
`RESEARCH_SETTINGS_FILE` (default `research.toml` in the working directory), then defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from research.search.config import RetrievalConfig, load_preset

PROJECT_ROOT = Path(__file__).resolve().parents[1]

EmbedderName = Literal["static", "minilm"]


def _settings_file() -> Path:
    return Path(os.environ.get("RESEARCH_SETTINGS_FILE", "research.toml"))


DEFAULT_ISSUE_TERMS_FILE = Path(__file__).parent / "search" / "legal_terms.toml"  # shipped with the package


class AuthSettings(BaseModel):
    """Sign-in and sessions: `[auth]` in research.toml or RESEARCH_AUTH__<KNOB>."""

    session_minutes: int = Field(
        default=30, ge=1, description="an app session ends after this many minutes without use"
    )
    max_failed_sign_ins: int = Field(default=5, ge=1, description="failed sign-ins under one name before it is refused")
    lockout_minutes: int = Field(default=15, ge=1, description="how long failed sign-ins count, and a refusal lasts")
    min_password_chars: int = Field(default=8, ge=8, description="the shortest password accepted")
    oidc: bool = Field(default=False, description="offer sign-in with the firm's identity provider through Streamlit's "
                                          "st.login (its [auth] section in .streamlit/secrets.toml); the "
                                          "account whose name is the provider's e-mail address is used")


class ReviewSettings(BaseModel):
    """Attorney review: `[review]` in research.toml or RESEARCH_REVIEW__<KNOB>."""

    reviews_required: int = Field(
        default=1, ge=1, le=5, description="independent (blind) reviews an answer needs before it can be approved; "
                                           "an admin may approve with fewer, recorded as an override")


class ApiSettings(BaseModel):
    """The HTTP API (`research serve`): `[api]` in research.toml or RESEARCH_API__<KNOB>."""

    max_body_mb: float = Field(default=25.0, gt=0, description="requests with a larger body are refused (413)")
    requests_per_minute: int = Field(default=120, ge=1, description="per token and API process; more get 429")
    answers_at_once: int = Field(default=1, ge=1, description="questions one API process answers at the same time "
                                                              "(answering is CPU-bound: more waits its turn)")
    answer_wait_s: float = Field(default=120.0, gt=0, description="how long a question waits for an answer slot "
                                                                  "before it gets 503")


class Settings(BaseSettings):
    """Where the corpus, indexes and services are, and which embedder to use."""

    model_config = SettingsConfigDict(env_prefix="RESEARCH_", env_nested_delimiter="__", extra="forbid")

    corpus_dir: Path = PROJECT_ROOT.parent / "shared" / "corpora"
    manifests_dir: Path = PROJECT_ROOT / "corpora"
    evals_dir: Path = PROJECT_ROOT.parent / "shared" / "evals"
    data_dir: Path = PROJECT_ROOT / "data"
    embedder: EmbedderName = "static"
    chroma_url: str | None = None
    chroma_collection: str = "passages"
    chunk_max_tokens: int = 256
    heading_tier: bool = True
    # every chunk's vector by the index embedder, in Chroma: off by default, as the default ranking gives
    # them no weight (docs/decisions/0004) and they cost ~5 minutes of ingest on 2 cores
    passage_vectors: bool = False
    rerank: bool = True  # re-score the first statutes of a search with int8 MiniLM over their passages
    # Case notes that `research ingest` learns P(chapter | question) from (research/search/priors/chapters.py),
    # added to the sections of likely chapters in Hawaii and Colorado searches: the dev split only, whatever
    # evals_dir says; a firm may point this at its own annotations in the same format. The section prior
    # (research/search/priors/section_prior.py) learns from the same notes which sections read like annotated
    # ones, and research/search/priors/note_neighbours.py votes with the notes most like a statement for the
    # sections they annotate. Empty string: none of the three.
    chapter_notes_file: Path | None = PROJECT_ROOT.parent / "shared" / "evals" / "casenotes.dev.jsonl.gz"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    # Plain phrases -> legal-issue terms added to questions before search (research/search/rewrite.py); a
    # firm may point this at its own copy with practice-area vocabulary. Empty string: no rewriting.
    issue_terms_file: Path | None = DEFAULT_ISSUE_TERMS_FILE
    # An OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp's server, hosted APIs). No model is
    # contacted unless llm_base_url and llm_model are both set; the key is read from llm_api_key_env.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key_env: str = "RESEARCH_LLM_API_KEY"
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 1024  # a draft is a few cited sentences; a longer reply is cut here
    database_url: str | None = None
    auth: AuthSettings = Field(default_factory=AuthSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    # The audit trail's key (research/storage/audit.py): a file outside the database, created owner-only on first
    # use; every app node of one database must share it.
    audit_key_file: Path | None = None
    # Ranking knobs: `[retrieval]` in research.toml (`rerank_depth = 0`) or RESEARCH_RETRIEVAL__RERANK_DEPTH=0;
    # `retrieval_preset` names a file of research/search/presets/ whose knobs apply under these.
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    retrieval_preset: str | None = None

    @model_validator(mode="after")
    def _apply_preset(self) -> Settings:
        if self.retrieval_preset:
            preset = load_preset(self.retrieval_preset)
            chosen = self.retrieval.model_dump(exclude_unset=True)
            self.retrieval = RetrievalConfig(**{**preset, **chosen})
        return self

    @field_validator("issue_terms_file", "chapter_notes_file", mode="before")
    @classmethod
    def _empty_means_none(cls, value):
        return None if value == "" else value

    @property
    def llm_configured(self) -> bool:
        """True when a chat model endpoint is configured."""
        return bool(self.llm_base_url and self.llm_model)

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
    def app_database_url(self) -> str:
        """The app database: RESEARCH_DATABASE_URL, or an SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'research.sqlite'}"

    @property
    def imports_dir(self) -> Path:
        """Sources brought in by `research corpus import`, one directory each (they take the place of a mirror
        source of the same name)."""
        return self.data_dir / "sources"

    @property
    def uploads_dir(self) -> Path:
        """Where matters' uploaded documents are kept (owner-only)."""
        return self.data_dir / "uploads"

    @property
    def audit_key_path(self) -> Path:
        """The audit key file: `audit_key_file`, or audit.key in the data directory."""
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def model_log(self) -> Path:
        """JSON lines log of every call to a language model."""
        return self.data_dir / "model-calls.jsonl"

    @property
    def eval_runs_log(self) -> Path:
        """JSON lines of every `research eval answers` summary (the Dashboard shows the latest)."""
        return self.data_dir / "eval-runs.jsonl"

    @property
    def models_dir(self) -> Path:
        """Cache of models derived offline (the distilled static embedder, the int8 MiniLM)."""
        return self.data_dir / "models"
