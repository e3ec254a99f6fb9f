"""Tf-idf rows of case notes, as the chapter classifier and the nearest-notes vote both fit them.

Sublinear term frequency, smoothed idf (log((1 + n) / (1 + df)) + 1), l2-normalised float32 rows in CSR form.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np


def tfidf(tokens: list[str], index: dict[str, int], idf: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Term indices and l2-normalised tf-idf weights (sublinear term frequency, float32) of the known terms
    among `tokens`."""
    counts = {index[t]: n for t, n in Counter(tokens).items() if t in index}
    values = np.array([(1.0 + math.log(n)) * idf[i] for i, n in counts.items()], dtype=np.float32)
    norm = np.linalg.norm(values) if len(values) else 1.0
    return list(counts), values / norm


@dataclass(frozen=True)
class TfidfRows:
    """A vocabulary with its idf and one tf-idf row per document (CSR: data, indices, indptr)."""

    terms: tuple[str, ...]
    idf: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray


def fit_tfidf(documents: list[list[str]], min_df: int = 1) -> TfidfRows:
    """The terms found in at least `min_df` documents, their idf, and each document's row."""
    df = Counter(term for terms in documents for term in set(terms))
    terms = tuple(sorted(t for t, n in df.items() if n >= min_df))
    index = {t: k for k, t in enumerate(terms)}
    idf = np.array([math.log((1 + len(documents)) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for tokens in documents:
        indices, values = tfidf(tokens, index, idf)
        data.extend(values.tolist())
        cols.extend(indices)
        indptr.append(len(data))
    return TfidfRows(terms, idf, np.array(data, dtype=np.float32), np.array(cols, dtype=np.int32), np.array(indptr))
