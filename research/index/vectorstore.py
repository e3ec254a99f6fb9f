"""Vector store adapters: Chroma (embedded or server) and an in-memory store for tests.

Every adapter passes the same conformance suite (tests/test_vectorstore_conformance.py).
Chroma is never given an embedding function: vectors always come from our embedder, so Chroma
never tries to download its default model.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlparse

import numpy as np
import numpy.typing as npt

from research.domain.types import Chunk, SearchFilter


class VectorStore(Protocol):
    """Where chunk vectors live; ids are chunk ids."""

    def existing_ids(self, ids: list[str]) -> set[str]:
        """Which of `ids` are stored."""

    def ids_for_source(self, source: str) -> set[str]:
        """All stored ids of one corpus source."""

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Store chunk vectors with their filterable metadata (idempotent per id)."""

    def delete(self, ids: list[str]) -> None:
        """Remove ids (unknown ids are ignored)."""

    def query(self, vector: np.ndarray, k: int, search_filter: SearchFilter) -> list[tuple[str, float]]:
        """The k nearest chunk ids passing the filter, best first, with cosine similarity."""

    def count(self) -> int:
        """Number of stored vectors."""


def _metadata(chunk: Chunk) -> dict:
    return {"source": chunk.source, "jurisdiction": chunk.jurisdiction, "kind": chunk.kind,
            "authority_id": chunk.authority_id}


def _where(search_filter: SearchFilter) -> dict | None:
    clauses = []
    if search_filter.jurisdictions:
        clauses.append({"jurisdiction": {"$in": list(search_filter.jurisdictions)}})
    if search_filter.kinds:
        clauses.append({"kind": {"$in": list(search_filter.kinds)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaVectorStore:
    """Chroma collection with cosine HNSW; embedded PersistentClient or an HTTP server."""

    def __init__(self, collection: str, path=None, url: str | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            parsed = urlparse(url)
            self._client = chromadb.HttpClient(host=parsed.hostname or "localhost", port=parsed.port or 8000,
                                               ssl=parsed.scheme == "https", settings=chroma_settings)
        else:
            self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        self._collection = self._client.get_or_create_collection(
            collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._max_batch = self._client.get_max_batch_size()

    def existing_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 1000):
            found.update(self._collection.get(ids=ids[i:i + 1000], include=[])["ids"])
        return found

    def ids_for_source(self, source: str) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            page = self._collection.get(where={"source": source}, include=[], limit=10000, offset=offset)["ids"]
            found.update(page)
            if len(page) < 10000:
                return found
            offset += len(page)

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), self._max_batch):
            part = chunks[i:i + self._max_batch]
            self._collection.upsert(
                ids=[c.id for c in part], embeddings=np.asarray(vectors[i:i + len(part)], dtype=np.float32),
                metadatas=[_metadata(c) for c in part],
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=ids[i:i + self._max_batch])

    def query(self, vector: np.ndarray, k: int, search_filter: SearchFilter) -> list[tuple[str, float]]:
        if k <= 0 or self.count() == 0:
            return []
        # typed as Chroma's Embeddings (vectors of int32 or float32) so the list is accepted as its argument
        embeddings: list[npt.NDArray[np.int32 | np.float32]] = [np.asarray(vector, dtype=np.float32)]
        result = self._collection.query(
            query_embeddings=embeddings, n_results=k,
            where=_where(search_filter), include=["distances"],
        )
        distances = result["distances"]
        if distances is None:  # cannot happen: distances were asked for in `include`
            raise RuntimeError("Chroma returned no distances for a query that included them")
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], distances[0])]

    def count(self) -> int:
        return self._collection.count()


class InMemoryVectorStore:
    """Exact cosine search in NumPy; for tests and small corpora."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}
        self._meta: dict[str, dict] = {}

    def existing_ids(self, ids: list[str]) -> set[str]:
        return {i for i in ids if i in self._vectors}

    def ids_for_source(self, source: str) -> set[str]:
        return {i for i, m in self._meta.items() if m["source"] == source}

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for chunk, vector in zip(chunks, vectors):
            self._vectors[chunk.id] = np.asarray(vector, dtype=np.float32)
            self._meta[chunk.id] = _metadata(chunk)

    def delete(self, ids: list[str]) -> None:
        for i in ids:
            self._vectors.pop(i, None)
            self._meta.pop(i, None)

    def query(self, vector: np.ndarray, k: int, search_filter: SearchFilter) -> list[tuple[str, float]]:
        ids = [i for i, m in self._meta.items() if search_filter.admits(m["jurisdiction"], m["kind"])]
        if not ids or k <= 0:
            return []
        matrix = np.stack([self._vectors[i] for i in ids])
        query = np.asarray(vector, dtype=np.float32)
        sims = matrix @ query / (np.linalg.norm(matrix, axis=1) * max(np.linalg.norm(query), 1e-12) + 1e-12)
        order = np.argsort(-sims)[:k]
        return [(ids[j], float(sims[j])) for j in order]

    def count(self) -> int:
        return len(self._vectors)
