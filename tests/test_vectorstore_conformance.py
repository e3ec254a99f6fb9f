"""Every vector store adapter must pass this suite: in memory, embedded Chroma, and a Chroma server on loopback."""

import uuid

import numpy as np
import pytest

from research.domain.types import Chunk, SearchFilter
from research.index.vectorstore import ChromaVectorStore, InMemoryVectorStore


def make_chunk(i: int, jurisdiction: str = "US-DC", kind: str = "statute", source: str = "s1") -> Chunk:
    return Chunk(id=f"a{i}#0:x", authority_id=f"a{i}", source=source, jurisdiction=jurisdiction, kind=kind,
                 citation=f"C {i}", pin="", start=0, end=4, text="text", context="ctx", ordinal=0)


def unit(i: int, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[i % dim] = 1.0
    return v


@pytest.fixture(params=["memory", "chroma", "chroma-server"])
def store(request, tmp_path):
    if request.param == "memory":
        return InMemoryVectorStore()
    if request.param == "chroma-server":  # a collection of its own per test, on the one server of the session
        return ChromaVectorStore(f"conformance-{uuid.uuid4().hex[:12]}", url=request.getfixturevalue("chroma_server"))
    return ChromaVectorStore("conformance", path=tmp_path / "chroma")


def test_add_is_idempotent_and_counted(store):
    chunks = [make_chunk(i) for i in range(3)]
    store.add(chunks, np.stack([unit(i) for i in range(3)]))
    store.add(chunks, np.stack([unit(i) for i in range(3)]))
    assert store.count() == 3
    assert store.existing_ids(["a0#0:x", "nope"]) == {"a0#0:x"}


def test_query_returns_nearest_first_with_similarity(store):
    store.add([make_chunk(i) for i in range(4)], np.stack([unit(i) for i in range(4)]))
    results = store.query(unit(2) + 0.1 * unit(3), 2, SearchFilter())
    assert [r[0] for r in results] == ["a2#0:x", "a3#0:x"]
    assert results[0][1] > results[1][1]


def test_query_applies_jurisdiction_and_kind_filters(store):
    chunks = [make_chunk(0, "US-DC"), make_chunk(1, "US-HI"), make_chunk(2, "US-HI", "opinion")]
    store.add(chunks, np.stack([unit(0), unit(0), unit(0)]))
    assert {r[0] for r in store.query(unit(0), 5, SearchFilter(("US-HI",)))} == {"a1#0:x", "a2#0:x"}
    assert [r[0] for r in store.query(unit(0), 5, SearchFilter(("US-HI",), ("statute",)))] == ["a1#0:x"]
    assert [r[0] for r in store.query(unit(0), 5, SearchFilter(("US-DC", "US-CO")))] == ["a0#0:x"]


def test_ids_for_source_and_delete(store):
    store.add([make_chunk(0, source="s1"), make_chunk(1, source="s2")], np.stack([unit(0), unit(1)]))
    assert store.ids_for_source("s1") == {"a0#0:x"}
    store.delete(["a0#0:x", "unknown"])
    assert store.ids_for_source("s1") == set() and store.count() == 1


def test_query_on_empty_store_is_empty(store):
    assert store.query(unit(0), 3, SearchFilter()) == []
