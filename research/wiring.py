"""The one place that builds real adapters (catalogue, Chroma, embedder, lexical index) from settings."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from research.chunkstore import ChunkStore
from research.corpus import Manifest, load_manifests, select_manifests
from research.embed import MiniLMEmbedder, StaticEmbedder, VectorEmbedder
from research.ingest import SourceReport, ingest_sources
from research.lexical import LexicalIndex
from research.retrieve import CitationLookup, HybridRetriever, RetrievalConfig
from research.settings import Settings
from research.vectorstore import ChromaVectorStore


class IndexMissingError(RuntimeError):
    """Search was asked of an index that has not been built."""


def make_embedder(settings: Settings) -> VectorEmbedder:
    """The embedder named in settings."""
    if settings.embedder == "minilm":
        return MiniLMEmbedder()
    return StaticEmbedder(settings.models_dir)


class _LazyEmbedder:
    """Loads the real embedder only when something needs embedding (an up-to-date ingest does not)."""

    def __init__(self, index: "ResearchIndex"):
        self._index = index

    def encode(self, texts):
        return self._index.embedder.encode(texts)


@dataclass
class ResearchIndex:
    """Lazily opened adapters over one index directory."""

    settings: Settings
    _cache: dict = field(default_factory=dict)

    def _once(self, name, factory):
        if name not in self._cache:
            self._cache[name] = factory()
        return self._cache[name]

    @property
    def store(self) -> ChunkStore:
        """The catalogue of authorities and chunks."""
        return self._once("store", lambda: ChunkStore(self.settings.index_dir / "catalog.sqlite"))

    @property
    def vectors(self) -> ChromaVectorStore:
        """The Chroma collection (embedded path, or the server at RESEARCH_CHROMA_URL)."""
        s = self.settings
        return self._once("vectors", lambda: ChromaVectorStore(
            f"{s.chroma_collection}-{s.embedder}", path=s.index_dir / "chroma", url=s.chroma_url))

    @property
    def embedder(self) -> VectorEmbedder:
        """The configured embedder."""
        return self._once("embedder", lambda: make_embedder(self.settings))

    @property
    def lexical_dir(self):
        """Where the lexical index is stored."""
        return self.settings.index_dir / "lexical"

    def manifests(self, names: list[str] | None = None) -> list[Manifest]:
        """Corpus manifests, all or the named ones."""
        return select_manifests(load_manifests(self.settings.manifests_dir), names)

    def is_ingested(self) -> bool:
        """True when every source is ready and the lexical index exists."""
        ready = {s.name for s in self.store.statuses() if s.status == "ready"}
        return ready >= {m.name for m in self.manifests()} and (self.lexical_dir / "fingerprint.json").is_file()

    def ingest(self, names: list[str] | None = None, progress: bool = True) -> list[SourceReport]:
        """Ingest the named sources (all by default)."""
        reports = ingest_sources(self.manifests(names), self.settings.corpus_dir, self.store, self.vectors,
                                 _LazyEmbedder(self), self.lexical_dir, self.settings.chunk_max_tokens, progress)
        self._cache.pop("retriever", None)
        return reports

    def retriever(self, config: RetrievalConfig | None = None) -> HybridRetriever:
        """A hybrid retriever over this index; raises IndexMissingError before ingest."""
        if config is not None:
            return self._build_retriever(config)
        return self._once("retriever", lambda: self._build_retriever(RetrievalConfig()))

    def _build_retriever(self, config: RetrievalConfig) -> HybridRetriever:
        if not (self.lexical_dir / "fingerprint.json").is_file():
            raise IndexMissingError(
                f"no index in {self.settings.index_dir}; run `research ingest` first")
        lexical = self._once("lexical", lambda: LexicalIndex.load(self.lexical_dir / "chunks"))
        sections_dir = self.lexical_dir / "sections"
        sections = self._once("sections", lambda: LexicalIndex.load(sections_dir) if sections_dir.is_dir() else None)
        citations = self._once("citations", lambda: CitationLookup(self.store.citation_index()))
        return HybridRetriever(self.store, lexical, sections, self.vectors, self.embedder, citations, config)


@functools.cache
def default_index() -> ResearchIndex:
    """The index for the settings of this process (shared by CLI and app)."""
    return ResearchIndex(Settings())
