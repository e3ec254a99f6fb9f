"""Lexical search: a legal-aware analyser and a bm25s index with jurisdiction/kind filters."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from research.corpus.analysis import analyse, pairs_of
from research.domain.types import SearchFilter
from research.index.arrays import read_array

# how an index turns a text's terms (`analyse`) into tokens, by the name it is saved with (terms as they are: no
# copy of every document's list)
ANALYSERS: dict[str, Callable[[list[str]], list[str]]] = {"terms": lambda terms: terms, "pairs": pairs_of}


def encode_tokens(terms: list[list[str]], analyser: str, min_df: int = 1) -> tuple[list[np.ndarray], dict[str, int]]:
    """Each document's tokens (its terms, or with "pairs" its pairs of adjacent terms, as `pairs_of` names them)
    as an array of token ids, and the vocabulary of token -> id, tokens of fewer than `min_df` documents left out.
    A pair is coded as one integer (first term id x vocabulary size + second), not as a string, so the millions
    of pairs of the full catalogue cost 8 bytes each while counted, not a string object each; only the pairs
    kept get their names. A document left without tokens holds the empty token, which bm25s scores as nothing."""
    term_ids: dict[str, int] = {}
    codes = [np.fromiter((term_ids.setdefault(t, len(term_ids)) for t in doc), dtype=np.int64, count=len(doc))
             for doc in terms]
    size = len(term_ids)
    if analyser == "pairs":
        codes = [doc[:-1] * size + doc[1:] for doc in codes]
    distinct = [np.unique(doc) for doc in codes]
    kept, counts = np.unique(np.concatenate(distinct) if distinct else np.zeros(0, np.int64), return_counts=True)
    kept = kept[counts >= min_df]
    empty = len(kept)
    token_ids = []
    for doc in codes:
        positions = np.searchsorted(kept, doc)
        found = positions < empty
        found[found] = kept[positions[found]] == doc[found]
        token_ids.append(positions[found].astype(np.int32) if found.any() else np.array([empty], dtype=np.int32))
    names = list(term_ids)
    if analyser == "pairs":
        vocab = {f"{names[code // size]}_{names[code % size]}": i for i, code in enumerate(kept.tolist())}
    else:
        vocab = {names[code]: i for i, code in enumerate(kept.tolist())}
    vocab[""] = empty
    return token_ids, vocab


class _MappedBM25(bm25s.BM25):
    """bm25s's index whose score arrays `load` reads with research.index.arrays, not numpy's reader, whose header
    parse can fail while another thread parses Python source (see research.index.arrays)."""

    def load_scores(self, save_dir, data_name="data.csc.index.npy", indices_name="indices.csc.index.npy",
                    indptr_name="indptr.csc.index.npy", num_docs=None, mmap=False, allow_pickle=False) -> None:
        """Read the score arrays `save` wrote into `save_dir` (memory-mapped when `mmap`); pickles are never read."""
        directory = Path(save_dir)
        self.scores = {"data": read_array(directory / data_name, mmap=mmap),
                       "indices": read_array(directory / indices_name, mmap=mmap),
                       "indptr": read_array(directory / indptr_name, mmap=mmap), "num_docs": num_docs}


class LexicalIndex:
    """BM25 over documents (chunks), each with a jurisdiction and kind for filtering; tokens are single terms
    or, with the analyser "pairs", pairs of adjacent terms."""

    def __init__(self, retriever: bm25s.BM25, doc_ids: list[str], jurisdictions: np.ndarray, kinds: np.ndarray,
                 analyser: str = "terms"):
        self._retriever = retriever
        self.analyser = analyser
        self.doc_ids = doc_ids
        self._jurisdictions = jurisdictions
        self._kinds = kinds
        self._masks: dict[SearchFilter, np.ndarray | None] = {}
        self._groups: dict[Callable[[str], str], dict[str, np.ndarray]] = {}
        self._last_scores: tuple[str, np.ndarray | None] | None = None

    @classmethod
    def build(cls, docs: list[tuple[str, str, str, str]], k1: float = 1.2, b: float = 0.75,
              analyser: str = "terms", min_df: int = 1, terms: list[list[str]] | None = None) -> LexicalIndex:
        """Index (doc id, jurisdiction, kind, text) tuples, tokenised by the named analyser (`ANALYSERS`), leaving
        out tokens found in fewer than `min_df` documents. `terms`, when given, are the texts' `analyse` terms
        already computed (one analysis serves the terms index and the pairs index of the same documents)."""
        if analyser not in ANALYSERS:
            raise ValueError(f"unknown analyser {analyser!r}; known: {', '.join(ANALYSERS)}")
        if terms is None:
            terms = [analyse(text) for _, _, _, text in docs]
        token_ids, vocab = encode_tokens(terms, analyser, min_df)
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(bm25s.tokenization.Tokenized(ids=token_ids, vocab=vocab), show_progress=False)
        return cls(retriever, [d[0] for d in docs], np.array([d[1] for d in docs]), np.array([d[2] for d in docs]),
                   analyser)

    def save(self, directory: Path) -> None:
        """Write the index into `directory` (created)."""
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory / "bm25"))
        (directory / "docs.json").write_text(json.dumps({
            "ids": self.doc_ids, "jurisdictions": self._jurisdictions.tolist(), "kinds": self._kinds.tolist(),
            "analyser": self.analyser,
        }))

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Load an index written by `save`, its score arrays memory-mapped: an index is an immutable artifact of an
        ingest, so processes on one machine share its pages instead of each reading a copy."""
        retriever = _MappedBM25.load(str(directory / "bm25"), mmap=True)
        docs = json.loads((directory / "docs.json").read_text())
        return cls(retriever, docs["ids"], np.array(docs["jurisdictions"]), np.array(docs["kinds"]),
                   docs.get("analyser", "terms"))

    def _mask(self, search_filter: SearchFilter) -> np.ndarray | None:
        if search_filter not in self._masks:
            mask = None
            if search_filter.jurisdictions:
                mask = np.isin(self._jurisdictions, search_filter.jurisdictions)
            if search_filter.kinds:
                kinds = np.isin(self._kinds, search_filter.kinds)
                mask = kinds if mask is None else mask & kinds
            self._masks[search_filter] = mask
        return self._masks[search_filter]

    def _scores(self, query: str) -> np.ndarray | None:
        """BM25 scores of every document (None when no query term is indexed). The last query's are
        kept: a search and the passage lookup that follows it (`best_in_groups`) score it once."""
        last = self._last_scores
        if last is not None and last[0] == query:
            return last[1]
        vocab = self._retriever.vocab_dict
        tokens = [t for t in ANALYSERS[self.analyser](analyse(query)) if t in vocab]
        scores = self._retriever.get_scores(tokens) if tokens else None
        self._last_scores = (query, scores)
        return scores

    def _members(self, group_of: Callable[[str], str]) -> dict[str, np.ndarray]:
        if group_of not in self._groups:
            members: dict[str, list[int]] = {}
            for position, doc_id in enumerate(self.doc_ids):
                members.setdefault(group_of(doc_id), []).append(position)
            self._groups[group_of] = {g: np.array(p) for g, p in members.items()}
        return self._groups[group_of]

    def group_sizes(self, group_of: Callable[[str], str]) -> dict[str, int]:
        """How many documents of the index belong to each group (`group_of(doc id)` naming a document's group)."""
        return {group: len(positions) for group, positions in self._members(group_of).items()}

    def best_in_groups(self, query: str, groups: set[str], group_of: Callable[[str], str]) -> dict[str, str]:
        """For each wanted group of documents (e.g. the chunks of one authority, `group_of(doc id)` naming its
        group), the id of its best-scoring document for `query`; groups where no document matches are left out."""
        members = self._members(group_of)
        scores = self._scores(query) if groups else None
        if scores is None:
            return {}
        best = {}
        for group in groups:
            positions = members.get(group)
            if positions is not None and scores[positions].max() > 0:
                best[group] = self.doc_ids[positions[int(np.argmax(scores[positions]))]]
        return best

    def search(self, query: str, k: int, search_filter: SearchFilter = SearchFilter()) -> list[tuple[str, float]]:
        """The k best documents passing the filter, best first, with BM25 scores (zero scores left out)."""
        scores = self._scores(query)
        if scores is None or k <= 0:
            return []
        mask = self._mask(search_filter)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.doc_ids[i], float(scores[i])) for i in top if scores[i] > 0]


class LazyLexicalIndex:
    """A saved lexical index read when something first asks it for anything: the indexes only statements are searched
    with (adjacent-term pairs, most of the lexical files) cost a process that answers questions nothing."""

    def __init__(self, directory: Path):
        self._directory = directory
        self._index: LexicalIndex | None = None
        self._lock = threading.Lock()  # two first searches at once read it once

    def loaded(self) -> LexicalIndex:
        """The index, read now if it has not been."""
        if self._index is not None:  # every search passes here: no lock once it is read
            return self._index
        with self._lock:
            if self._index is None:
                self._index = LexicalIndex.load(self._directory)
            return self._index

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loaded(), name)
