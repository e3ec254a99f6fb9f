"""The one place that builds real adapters (catalogue, Chroma, embedders, lexical indexes, models) from settings.

`IndexPaths` says where an index's files live; `ResearchIndex` opens each adapter once, when first asked for;
`ResearchIndex.ingest` builds the index and trains the search priors, then forgets what it had opened, so the
next search reads what was written.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

from research.answer.coverage import JurisdictionCoverage, coverage, holdings
from research.answer.extractive import ExtractiveAnswerer
from research.answer.generate import Generator, openai_chat_model
from research.answer.prompts import PromptTemplate
from research.answer.researcher import Researcher
from research.corpus.citations import authority_keys
from research.corpus.importers.run import ImportReport, import_source
from research.corpus.sources import Manifest, load_manifests, select_manifests
from research.corpus.treatment import amended_after, repeal_entry, rules_version
from research.domain.types import Authority, Kind
from research.index.catalogue import Change, ChunkStore, SourceOverview, corpus_overview
from research.index.citator import RECORD_FORMAT, Citator, mine
from research.index.directory import AuthorityDirectory
from research.index.embedders import (
    MiniLMEmbedder,
    OnnxMiniLMEmbedder,
    StaticEmbedder,
    VectorEmbedder,
    onnx_minilm_dir,
)
from research.index.ingest import SourceReport, VectorTier, ingest_sources
from research.index.lexical import LazyLexicalIndex, LexicalIndex
from research.index.vectorstore import ChromaVectorStore
from research.search.config import RetrievalConfig
from research.search.evidence.dense import DenseTier
from research.search.evidence.registry import default_evidence
from research.search.priors.chapters import (
    CHAPTER_MODEL_FILE_NAME,
    ChapterClassifier,
    ensure_chapter_model,
    trained_from,
)
from research.search.priors.note_neighbours import (
    NOTE_NEIGHBOURS_FILE_NAME,
    NoteNeighbours,
    ensure_note_neighbours,
)
from research.search.priors.section_prior import (
    SECTION_PRIOR_FILE_NAME,
    SectionPrior,
    ensure_section_prior,
    sections_of,
)
from research.search.priors.section_prior import (
    trained_from as section_prior_trained_from,
)
from research.search.retriever import HybridRetriever
from research.search.rewrite import IssueRewriter, load_concepts
from research.service import ResearchService
from research.settings import Settings
from research.storage.accounts import SignInPolicy
from research.storage.database import AppDatabase, audit_key
from research.workflow.citecheck import CheckSources

log = logging.getLogger(__name__)

LEXICAL_INDEXES = ("chunks", "anchors", "opinions", "chunk-pairs", "anchor-pairs", "opinion-pairs")
# searched for statements (a brief's sentence, a case note) only: research.search.evidence's statements_only
STATEMENT_INDEXES = frozenset({"chunk-pairs", "anchor-pairs", "opinion-pairs"})


WARM_UP_QUESTION = "How long does a tenant have to answer a notice before the landlord may sue for possession?"


class IndexMissingError(RuntimeError):
    """Search was asked of an index that has not been built."""


@dataclass(frozen=True)
class IndexPaths:
    """Where one index's files live, from the settings (the path policy, in one place)."""

    settings: Settings

    @property
    def catalogue(self) -> Path:
        """The SQLite catalogue of authorities and chunks."""
        return self.settings.index_dir / "catalog.sqlite"

    @property
    def chroma(self) -> Path:
        """Embedded Chroma's directory (unused with a Chroma server)."""
        return self.settings.index_dir / "chroma"

    @property
    def lexical(self) -> Path:
        """The lexical indexes, one directory each."""
        return self.settings.index_dir / "lexical"

    @property
    def chapter_model(self) -> Path:
        """The chapter classifier trained from `chapter_notes_file`."""
        return self.settings.models_dir / CHAPTER_MODEL_FILE_NAME

    @property
    def note_neighbours(self) -> Path:
        """The case notes of `chapter_notes_file` for the nearest-notes vote."""
        return self.settings.models_dir / NOTE_NEIGHBOURS_FILE_NAME

    @property
    def section_prior(self) -> Path:
        """The section prior of this index's statutes (it scores them, so it lives with the index)."""
        return self.settings.index_dir / SECTION_PRIOR_FILE_NAME


def make_embedder(settings: Settings) -> VectorEmbedder:
    """The embedder named in settings."""
    if settings.embedder == "minilm":
        return MiniLMEmbedder()
    return StaticEmbedder(settings.models_dir)


class _LazyEmbedder:
    """Builds the real embedder only when something needs embedding (an up-to-date ingest does not)."""

    def __init__(self, factory):
        self._factory = factory
        self._embedder = None

    def encode(self, texts):
        if self._embedder is None:
            self._embedder = self._factory()
        return self._embedder.encode(texts)


class ResearchIndex:
    """The adapters over one index directory, each opened once when first asked for."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.paths = IndexPaths(settings)
        self._loaded_citator: Citator | None = None

    @functools.cached_property
    def store(self) -> ChunkStore:
        """The catalogue of authorities and chunks."""
        return ChunkStore(self.paths.catalogue)

    @functools.cached_property
    def vectors(self) -> ChromaVectorStore:
        """Chunk vectors (embedded Chroma, or the server at RESEARCH_CHROMA_URL)."""
        return self._chroma(f"{self.settings.chroma_collection}-{self.settings.embedder}")

    @functools.cached_property
    def heading_vectors(self) -> ChromaVectorStore:
        """MiniLM vectors of statute headings."""
        return self._chroma(f"{self.settings.chroma_collection}-headings-minilm")

    def _chroma(self, collection: str) -> ChromaVectorStore:
        return ChromaVectorStore(collection, path=self.paths.chroma, url=self.settings.chroma_url)

    @functools.cached_property
    def embedder(self) -> VectorEmbedder:
        """The configured embedder of chunks."""
        return make_embedder(self.settings)

    @functools.cached_property
    def heading_embedder(self) -> VectorEmbedder:
        """MiniLM, for the heading tier and answer sentences, on ONNX Runtime in fp32: the same vectors as
        sentence-transformers, faster on short texts (docs/decisions/0015); batches of 16 texts of like length
        pad less than one batch of all (docs/decisions/0038)."""
        if self.settings.embedder == "minilm":
            return self.embedder
        return OnnxMiniLMEmbedder(self.settings.models_dir, quantized=False, max_seq_length=64, batch_size=16)

    @functools.cached_property
    def reranker(self) -> VectorEmbedder:
        """int8 MiniLM with texts cut at 64 word pieces: re-scores the first statutes (docs/decisions/0014) and screens
        an answer's candidate sentences (docs/decisions/0038)."""
        return OnnxMiniLMEmbedder(self.settings.models_dir, max_seq_length=64, batch_size=16)

    def manifests(self, names: list[str] | None = None) -> list[Manifest]:
        """Corpus manifests, all or the named ones."""
        return select_manifests(load_manifests(self.settings.manifests_dir, self.settings.imports_dir), names)

    def corpus_overview(self) -> list[SourceOverview]:
        """Per source: its manifest's facts beside its ingest status."""
        return corpus_overview(self.manifests(), self.store.statuses())

    def coverage(self) -> list[JurisdictionCoverage]:
        """Per jurisdiction: the code's titles held and lacking, and the opinions' years (`corpus list`)."""
        return coverage(holdings(self.store.citation_index()), self.store.opinion_years())

    def artifact_version(self) -> str:
        """The version of this index's immutable artifacts: a digest of every source's content hash, version and
        chunk count, and the embedder and collection the vectors are in. Two copies of one ingest agree."""
        import hashlib
        import json

        sources = sorted((s.name, s.sha256, s.version, s.chunker, s.chunks, s.status) for s in self.store.statuses())
        identity = {"sources": sources, "embedder": self.settings.embedder,
                    "collection": self.settings.chroma_collection}
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]

    def ingest(self, names: list[str] | None = None, progress: bool = True) -> list[SourceReport]:
        """Ingest the named sources (all by default) and train the search priors; what was opened before is
        forgotten, so the next search reads the new index."""
        reports = ingest_sources(self.manifests(names), self.settings.corpus_dir, self.store, self._tiers(),
                                 self.paths.lexical, self.settings.chunk_max_tokens, progress)
        if self.settings.rerank or self.settings.heading_tier:
            onnx_minilm_dir(self.settings.models_dir)  # exported once (~10 s): here, not in the first search
        self._train_priors(progress)
        self._forget_opened(keep=("store",))
        self._loaded_citator = self.citator(progress)  # mined now, not in the first answer after the ingest
        return reports

    def import_source(self, format_name: str, path: Path, source: str, *, as_of: date | None = None,
                      version: str | None = None, jurisdiction: str | None = None, kind: str | None = None,
                      ingest: bool = True, progress: bool = True) -> tuple[ImportReport, SourceReport | None]:
        """Read `path` in its format into source `source` (taking the place of a mirror source of that name), then
        ingest it: only authorities whose words changed are embedded again."""
        replaces = next((m for m in self.manifests() if m.name == source), None)
        report = import_source(format_name, path, source, self.settings.imports_dir, jurisdiction=jurisdiction,
                               kind=kind, as_of=as_of, version=version, replaces=replaces,
                               held_elsewhere=self.store.held_elsewhere, progress=progress)
        if not ingest:
            return report, None
        return report, self.ingest([source], progress)[0]

    def _train_priors(self, progress: bool) -> None:
        notes = self.settings.chapter_notes_file
        if notes is not None and notes.is_file():
            ensure_chapter_model(notes, self.paths.chapter_model, progress)  # ~40 s the first time
            ensure_note_neighbours(notes, self.paths.note_neighbours)  # a few seconds
            ensure_section_prior(notes, self.store.fingerprint(),
                                 sections_of(self.store.iter_authorities(Kind.STATUTE)),
                                 self.paths.section_prior, progress)  # ~5 s when the notes or the catalogue changed
        elif notes is not None:
            log.warning("case notes for the chapter and section priors and the nearest-notes vote not found at %s: "
                        "searches go without them (RESEARCH_CHAPTER_NOTES_FILE names another file; empty turns them "
                        "off)", notes)

    def _forget_opened(self, keep: tuple[str, ...]) -> None:
        """Drop every adapter opened once (the cached properties) but those in `keep`."""
        for name, value in vars(type(self)).items():
            if isinstance(value, functools.cached_property) and name not in keep:
                self.__dict__.pop(name, None)

    def _tiers(self) -> list[VectorTier]:
        tiers = ([VectorTier("passages", self.vectors, _LazyEmbedder(lambda: self.embedder))]
                 if self.settings.passage_vectors else [])
        if self.settings.heading_tier:
            tiers.append(VectorTier("headings", self.heading_vectors, _LazyEmbedder(lambda: self.heading_embedder),
                                    kinds=(Kind.STATUTE,)))
        return tiers

    def treatment_of(self, authority_id: str) -> list[dict]:
        """An authority's negative treatment as answers carry it: for a statute, a law in its history enacted after
        its source's text is current (a repealed section is never indexed: the loader keeps it aside, and
        `repeal_of` reads it); for an opinion, the citator's (loaded once)."""
        place = self.directory.place(authority_id)
        if place is not None and place[1] == Kind.STATUTE:  # only a section's own record is read: opinions are long
            authority = self.store.authority(authority_id)
            if authority is None:
                return []
            as_of = self._texts_as_of.get(authority.source)
            later = amended_after(authority.history, as_of) if as_of else None
            return [later] if later else []
        if self._loaded_citator is None:
            self._loaded_citator = self.citator(progress=False)
        return [t.to_dict() for t in self._loaded_citator.treatment_of(authority_id)]

    def currency_of(self, authority_id: str, since: datetime, quote: str = "") -> list[dict]:
        """What later versions of its source did to an authority after `since` (when a stored answer quoted it), as
        a treatment entry: "repealed since" or "removed since" the version that dropped it, else "amended since"
        the first version that changed its words (or brought it back after it was dropped), with whether the words
        quoted are still in the current text."""
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
        later = [(change, version) for change, version in self.store.changes_of(authority_id)
                 if datetime.fromisoformat(version.recorded_at) > since]
        if not later:
            return []
        current = self.store.authority(authority_id)
        if current is None:
            gone = [(c, v) for c, v in later if c.change in (Change.REPEALED, Change.REMOVED)]
            if not gone:
                return []
            change, version = gone[-1]
            return [{"kind": f"{change.change} since", "by": version.label, "citation": version.label, "quote": "",
                     "pin": "", "note": f"{change.citation} is not in {version.label} of {version.source}; the "
                                        "words quoted are as they were when the answer was given"}]
        # an authority the answer quoted was there then: one "added" since was dropped and brought back
        changed = [(c, v) for c, v in later if c.change in (Change.AMENDED, Change.ADDED)]
        if not changed:
            return []
        version = changed[0][1]
        still = bool(quote) and quote in current.text  # as the pages find the words to highlight
        note = ("the words quoted are unchanged in the current text" if still
                else "the words quoted are no longer in the current text")
        return [{"kind": "amended since", "by": version.label, "citation": version.label, "quote": "", "pin": "",
                 "note": note}]

    @functools.cached_property
    def _texts_as_of(self) -> dict[str, date]:
        """The date each source's text is current to, where its manifest says (an import's --as-of)."""
        return {m.name: date.fromisoformat(m.as_of) for m in self.manifests() if m.as_of}

    @functools.cached_property
    def repealed(self) -> dict[str, Authority]:
        """The sections the sources list as repealed, by citation key (kept for citation checks, never indexed)."""
        return {key: section for section in self.store.repealed_sections()
                for key in authority_keys(section.jurisdiction, Kind.STATUTE, [section.citation])}

    def repeal_of(self, key: str) -> dict | None:
        """The repeal of the section cited by `key`, as a treatment entry, when the code lists it as repealed."""
        section = self.repealed.get(key)
        return repeal_entry(section.heading, section.text, section.history) if section is not None else None

    def check_sources(self, jurisdictions: tuple[str, ...] = ()) -> CheckSources:
        """What the cite-checker resolves a document's citations against: this index (its authorities of
        `jurisdictions`, or all) and its citator."""
        held = "; ".join(f"{s.name}, {s.authorities:,} authorit{'y' if s.authorities == 1 else 'ies'}"
                         for s in self.store.statuses()) or "no source"
        searched = f"what the corpus holds ({held})"
        if not jurisdictions:
            return CheckSources(self.directory.ids_for, self.store.authority, self.directory.holds_title,
                                self.treatment_of, searched, self.directory.opinions_in_volume, self.repeal_of)

        def admitted(authority_id: str) -> bool:
            place = self.directory.place(authority_id)
            return place is not None and place[0] in jurisdictions

        return CheckSources(lambda key: [i for i in self.directory.ids_for(key) if admitted(i)],
                            self.store.authority,
                            lambda key: key.split("|")[0] in jurisdictions and self.directory.holds_title(key),
                            self.treatment_of, f"{searched} of {', '.join(jurisdictions)}",
                            lambda key: [(page, i) for page, i in self.directory.opinions_in_volume(key)
                                         if admitted(i)],
                            lambda key: self.repeal_of(key) if key.split("|")[0] in jurisdictions else None)

    def citator(self, progress: bool = True) -> Citator:
        """The citator of this index: mined from its opinions at first use (about half a minute) and kept beside the
        index until the next ingest changes it."""
        path = self.settings.index_dir / "treatments.json"
        version = f"{self.artifact_version()}-{rules_version()}-{RECORD_FORMAT}"
        found = Citator.load(path, version)
        if found is None:
            opinions = list(self.store.iter_authorities(Kind.OPINION))
            found = Citator(mine(opinions, self.directory, len(opinions), progress))
            found.save(path, version)
        return found

    @functools.cached_property
    def lexical_indexes(self) -> dict[str, LexicalIndex]:
        """The lexical indexes ingest wrote, by name (those of statements read at their first search);
        IndexMissingError before ingest."""
        if not (self.paths.lexical / "fingerprint.json").is_file():
            raise IndexMissingError(f"no index in {self.settings.index_dir}; run `research ingest` first")
        # a lazy index answers every call a LexicalIndex does (it hands them to the index it reads)
        return {name: cast(LexicalIndex, LazyLexicalIndex(self.paths.lexical / name)) if name in STATEMENT_INDEXES
                else LexicalIndex.load(self.paths.lexical / name)
                for name in LEXICAL_INDEXES if (self.paths.lexical / name).is_dir()}

    @functools.cached_property
    def directory(self) -> AuthorityDirectory:
        """Jurisdiction, kind and citation keys of every authority."""
        return AuthorityDirectory(self.store.citation_index(), self.store.case_names())

    @functools.cached_property
    def rewrite(self) -> IssueRewriter | None:
        """The legal-issue terms table, unless turned off."""
        terms_file = self.settings.issue_terms_file
        return IssueRewriter(load_concepts(terms_file)) if terms_file else None

    @functools.cached_property
    def chapters(self) -> ChapterClassifier | None:
        """The chapter prior trained from the configured case notes, when it is current."""
        notes, model_file = self.settings.chapter_notes_file, self.paths.chapter_model
        return ChapterClassifier.load(model_file) if notes is not None and trained_from(notes, model_file) else None

    @functools.cached_property
    def note_neighbours(self) -> NoteNeighbours | None:
        """The case notes of the nearest-notes vote, when current."""
        notes, path = self.settings.chapter_notes_file, self.paths.note_neighbours
        return NoteNeighbours.load(path) if notes is not None and trained_from(notes, path) else None

    @functools.cached_property
    def section_prior(self) -> SectionPrior | None:
        """The section prior of this index's statutes, when current."""
        notes, path = self.settings.chapter_notes_file, self.paths.section_prior
        current = notes is not None and section_prior_trained_from(notes, self.store.fingerprint(), path)
        return SectionPrior.load(path) if current else None

    @functools.cached_property
    def _default_retriever(self) -> HybridRetriever:
        return self.retriever(self.settings.retrieval)

    def retriever(self, config: RetrievalConfig | None = None, *, chapters: ChapterClassifier | None = None,
                  section_prior: SectionPrior | None = None,
                  note_neighbours: NoteNeighbours | None = None) -> HybridRetriever:
        """A hybrid retriever over this index (the settings' one, opened once, when no argument is given); the
        priors may be given (cross-validation brings each fold's). IndexMissingError before ingest."""
        if config is None and chapters is None and section_prior is None and note_neighbours is None:
            return self._default_retriever
        lexical = self.lexical_indexes
        passages = (DenseTier(self.vectors, _LazyEmbedder(lambda: self.embedder))
                    if self.settings.passage_vectors else None)
        headings = (DenseTier(self.heading_vectors, _LazyEmbedder(lambda: self.heading_embedder))
                    if self.settings.heading_tier else None)
        evidence = default_evidence(
            self.store, lexical["chunks"], self.directory, opinions=lexical.get("opinions"),
            anchors=lexical.get("anchors"), phrases=lexical.get("chunk-pairs"),
            anchor_phrases=lexical.get("anchor-pairs"), opinion_phrases=lexical.get("opinion-pairs"),
            passages=passages, headings=headings, chapters=chapters or self.chapters,
            section_prior=section_prior or self.section_prior, note_neighbours=note_neighbours or self.note_neighbours)
        reranker = _LazyEmbedder(lambda: self.reranker) if self.settings.rerank else None
        return HybridRetriever(self.store, lexical["chunks"], self.directory, evidence,
                               config or self.settings.retrieval, self.rewrite, reranker)

    def researcher(self) -> Researcher:
        """Answers questions over this index; with a generator only when a model endpoint is configured."""
        return self._researcher

    def warm_up(self) -> bool:
        """Answer one question so every model and index an answer needs is loaded (a first real question then
        does not wait for them); False, doing nothing, before the first ingest."""
        if not self.paths.catalogue.exists():
            return False
        self.researcher().ask(WARM_UP_QUESTION)
        return True

    @functools.cached_property
    def _researcher(self) -> Researcher:
        answerer = ExtractiveAnswerer(self.heading_embedder, screener=_LazyEmbedder(lambda: self.reranker))
        return Researcher(self.retriever(), self.store, answerer, self._generator())

    def _generator(self) -> Generator | None:
        s = self.settings
        if not s.llm_configured:
            return None
        if s.llm_base_url is None or s.llm_model is None:  # cannot happen: llm_configured says both are set
            raise RuntimeError("llm_base_url and llm_model must both be set")
        chat_model = openai_chat_model(s.llm_base_url, s.llm_model, os.environ.get(s.llm_api_key_env),
                                       s.llm_timeout_s, s.llm_max_tokens)
        return Generator(chat_model, PromptTemplate.load(s.prompts_dir, "answer"), s.llm_model, s.model_log)


def open_app_database(settings: Settings | None = None) -> AppDatabase:
    """The app database of the settings, migrated to the latest schema."""
    settings = settings or Settings()
    policy = SignInPolicy(settings.auth.min_password_chars, settings.auth.max_failed_sign_ins,
                          timedelta(minutes=settings.auth.lockout_minutes))
    return AppDatabase(settings.app_database_url, settings.uploads_dir, audit_key(settings.audit_key_path),
                       policy=policy, reviews_required=settings.review.reviews_required)


@functools.cache
def default_index() -> ResearchIndex:
    """The index for the settings of this process (shared by CLI and app)."""
    return ResearchIndex(Settings())


def research_service(settings: Settings | None = None, database: AppDatabase | None = None) -> ResearchService:
    """The research service over the index of the settings (this process's, by default), its citator, and the app
    database given (opened from the settings at first use otherwise)."""
    index = default_index() if settings is None else ResearchIndex(settings)
    return ResearchService(index.researcher(), database or functools.partial(open_app_database, index.settings),
                           index.treatment_of, index.currency_of)
