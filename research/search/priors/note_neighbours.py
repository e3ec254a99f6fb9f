"""Which sections the case notes most like a query annotate: a nearest-neighbour vote over an annotated code's notes.

An annotated code prints, under a section, short notes of the decisions that applied it; a proposition that reads
like one of them likely belongs to the same section, whatever words the section itself uses (HRS 663-1, "Torts, who
may sue and for what", holds notes on duty, conspiracy and malpractice that share no word with it). Per
jurisdiction, every (note, annotated section) pair is a tf-idf vector of the lexical index's stemmed terms; a query
takes its `NEIGHBOURS` most similar notes (cosine) and each of their sections gets its share of their summed
similarity. Shares, not raw similarities: when the nearest notes annotate many sections (the query's section has no
notes) the vote spreads thin and moves little. `research ingest` builds it from the same case notes as the chapter
prior (research.search.priors.chapters); measured in docs/decisions/0024.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from research.corpus.analysis import analyse
from research.corpus.evalsets import EvalItem, read_eval_set
from research.index.npzfile import (
    load_by_jurisdiction,
    save_by_jurisdiction,
    save_stamped,
)
from research.search.priors.chapters import notes_digest, trained_from
from research.search.priors.tfidf import fit_tfidf, tfidf

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

NOTE_NEIGHBOURS_FILE_NAME = "note_neighbours.npz"  # in the models directory, built at ingest
NEIGHBOURS = 10  # notes that vote (10 against 30: docs/decisions/0024)


@dataclass(frozen=True)
class JurisdictionNotes:
    """One jurisdiction's notes: vocabulary and idf, one l2-normalised tf-idf row per (note, section) pair (CSR
    arrays), and each row's note id and section id."""

    terms: tuple[str, ...]
    idf: np.ndarray
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    note_ids: np.ndarray
    sections: np.ndarray
    _index: dict[str, int] = field(init=False, repr=False, compare=False)  # term -> column, set from `terms`
    _matrix: csr_matrix = field(init=False, repr=False, compare=False)  # the rows, set from the CSR arrays

    def __post_init__(self) -> None:
        from scipy.sparse import csr_matrix

        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.terms)})
        object.__setattr__(self, "_matrix", csr_matrix(
            (self.data.astype(np.float32), self.indices, self.indptr), shape=(len(self.note_ids), len(self.terms))))

    def vote(self, text: str, exclude: frozenset[str] = frozenset(), neighbours: int = NEIGHBOURS) -> dict[str, float]:
        """Each section's share of the similarity of the `neighbours` notes most like `text` (notes whose id is in
        `exclude` left out); {} when no note shares a term with it."""
        indices, values = tfidf(analyse(text), self._index, self.idf)
        if not indices:
            return {}
        query = np.zeros(len(self.terms), dtype=np.float32)
        query[indices] = values
        similarities = self._matrix @ query
        if exclude:
            similarities[np.isin(self.note_ids, list(exclude))] = 0.0
        top = np.argsort(-similarities)[:neighbours]
        top = top[similarities[top] > 0]
        total = float(similarities[top].sum())
        shares: defaultdict[str, float] = defaultdict(float)
        for row in top:
            shares[str(self.sections[row])] += float(similarities[row]) / total
        return dict(shares)


class NoteNeighbours:
    """Per-jurisdiction case notes for the vote, saved to and loaded from one .npz file."""

    def __init__(self, notes: dict[str, JurisdictionNotes]):
        self.notes = notes

    def covers(self, jurisdiction: str) -> bool:
        """Whether notes of the jurisdiction are known."""
        return jurisdiction in self.notes

    def vote(self, text: str, jurisdiction: str, exclude: frozenset[str] = frozenset(),
             neighbours: int = NEIGHBOURS) -> dict[str, float]:
        """Section shares of the `neighbours` nearest notes of the jurisdiction ({} when none are known)."""
        notes = self.notes.get(jurisdiction)
        return notes.vote(text, exclude, neighbours) if notes is not None else {}

    def save(self, path: Path) -> None:
        """Write every jurisdiction's notes to one compressed .npz (weights as float16)."""
        save_by_jurisdiction(path, {jurisdiction: {
            "terms": np.array(n.terms), "idf": n.idf.astype(np.float32), "data": n.data.astype(np.float16),
            "indices": n.indices.astype(np.int32), "indptr": n.indptr.astype(np.int64),
            "note_ids": n.note_ids, "sections": n.sections} for jurisdiction, n in self.notes.items()})

    @classmethod
    def load(cls, path: Path) -> NoteNeighbours:
        """Read a file written by `save`; a clear error when it is missing or not such a file."""
        names = ("terms", "idf", "data", "indices", "indptr", "note_ids", "sections")
        arrays = load_by_jurisdiction(path, "case-note neighbours", names)
        return cls({j: JurisdictionNotes(tuple(a["terms"].tolist()), *(a[name] for name in names[1:]))
                    for j, a in arrays.items()})


def fit_note_neighbours(items: list[EvalItem]) -> NoteNeighbours:
    """The notes of single-jurisdiction case-note items, per jurisdiction: every term of the notes (a term one note
    holds still points at its section), smoothed idf, a row per gold section of each note."""
    notes = {}
    for jurisdiction in sorted({i.jurisdictions[0] for i in items if len(i.jurisdictions) == 1 and i.gold}):
        rows = [(i.id, analyse(i.query.replace("[SECTION]", " ")), section)
                for i in items if i.jurisdictions == (jurisdiction,) for section in sorted(i.gold)]
        fitted = fit_tfidf([tokens for _, tokens, _ in rows])
        notes[jurisdiction] = JurisdictionNotes(
            fitted.terms, fitted.idf, fitted.data, fitted.indices, fitted.indptr,
            np.array([note_id for note_id, _, _ in rows]), np.array([section for _, _, section in rows]))
    return NoteNeighbours(notes)


def ensure_note_neighbours(notes_file: Path, path: Path) -> bool:
    """Build `path` from a case-note set (the format of ../shared/evals) unless built from notes of the same content
    already (research.search.priors.chapters.trained_from); True when it built. Written whole or not at all."""
    if trained_from(notes_file, path):
        return False
    save_stamped(fit_note_neighbours(read_eval_set(Path(notes_file))), path, notes_digest(notes_file))
    return True
