"""Which chapter of a code a legal proposition belongs to: a linear classifier learned from case notes.

A case note states a court's holding in its own words ("a landlord who keeps a deposit in bad faith
..."); the section it annotates often does not share those words, but the chapter's other sections'
notes do. The classifier (multinomial logistic regression over tf-idf of the lexical index's stemmed
terms) gives P(chapter | text) per jurisdiction; the retriever adds w x sqrt(P) to each statute of
that chapter (a square root, not a log: an unsure classifier, as on an associate's question told in
facts, then moves little). `research ingest` trains it from the dev case notes of ../shared/evals
(~40 s, `ensure_chapter_model`) into the data directory, with chapters rather than sections as
classes, so it can help for sections that no training note annotates (folds grouped by section in
docs/decisions/0016 measure exactly that).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from research.corpus.analysis import analyse
from research.corpus.evalsets import EvalItem, read_eval_set
from research.index.npzfile import (
    is_current,
    load_by_jurisdiction,
    save_by_jurisdiction,
    save_stamped,
)
from research.search.priors.tfidf import fit_tfidf, tfidf

CHAPTER_MODEL_FILE_NAME = "chapter_prior.npz"  # in the models directory, trained at ingest


def chapter_of(authority_id: str) -> str:
    """The chapter (Hawaii) or article (Colorado) of a section id: 'us-hi:hrs:663-1' -> '663',
    'us-co:crs:5-12-102' -> '5-12'; '' for ids without a dashed section number."""
    section = authority_id.rsplit(":", 1)[-1]
    return section.rsplit("-", 1)[0] if "-" in section else ""


@dataclass(frozen=True)
class JurisdictionModel:
    """One jurisdiction's classifier: vocabulary, idf, weights (chapters x terms) and intercepts."""

    terms: tuple[str, ...]
    idf: np.ndarray
    weights: np.ndarray
    intercepts: np.ndarray
    chapters: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)  # term -> column, set from `terms`

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.terms)})

    def features(self, text: str) -> np.ndarray:
        """The l2-normalised tf-idf vector of `text` (sublinear term frequency)."""
        vector = np.zeros(len(self.terms), dtype=np.float32)
        indices, values = tfidf(analyse(text), self._index, self.idf)
        vector[indices] = values
        return vector

    def probabilities(self, text: str) -> dict[str, float]:
        """P(chapter | text) for every chapter of the model."""
        logits = self.weights @ self.features(text) + self.intercepts
        logits = np.exp(logits - logits.max())
        return dict(zip(self.chapters, (logits / logits.sum()).tolist()))


class ChapterClassifier:
    """Per-jurisdiction chapter classifiers, saved to and loaded from one .npz file."""

    def __init__(self, models: dict[str, JurisdictionModel]):
        self.models = models

    def covers(self, jurisdiction: str) -> bool:
        """Whether a model exists for the jurisdiction."""
        return jurisdiction in self.models

    def probabilities(self, text: str, jurisdiction: str) -> dict[str, float]:
        """P(chapter | text) in the jurisdiction ({} when no model covers it)."""
        model = self.models.get(jurisdiction)
        return model.probabilities(text) if model is not None else {}

    def bonus(self, text: str, jurisdiction: str) -> dict[str, float]:
        """sqrt(P) per chapter: the evidence the retriever adds (weighted) to a chapter's sections."""
        return {c: math.sqrt(p) for c, p in self.probabilities(text, jurisdiction).items()}

    def save(self, path: Path) -> None:
        """Write all models to one compressed .npz (weights as float16)."""
        save_by_jurisdiction(path, {jurisdiction: {
            "terms": np.array(m.terms), "idf": m.idf.astype(np.float32), "weights": m.weights.astype(np.float16),
            "intercepts": m.intercepts.astype(np.float32), "chapters": np.array(m.chapters)}
            for jurisdiction, m in self.models.items()})

    @classmethod
    def load(cls, path: Path) -> ChapterClassifier:
        """Read a file written by `save`; a clear error when it is missing or not such a file."""
        arrays = load_by_jurisdiction(path, "chapter model", ("terms", "idf", "weights", "intercepts", "chapters"))
        return cls({j: JurisdictionModel(tuple(a["terms"].tolist()), a["idf"], a["weights"].astype(np.float32),
                                         a["intercepts"], tuple(a["chapters"].tolist())) for j, a in arrays.items()})


def fit_chapter_classifier(notes: list[tuple[str, str, str]], c: float = 30.0, min_df: int = 2,
                           progress: bool = False) -> ChapterClassifier:
    """Train from (jurisdiction, text, chapter) triples: per jurisdiction, terms in >= min_df texts,
    smoothed idf, logistic regression with inverse regularisation `c` (scikit-learn, imported here only)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    models = {}
    for jurisdiction in tqdm(sorted({j for j, _, _ in notes}), desc="train chapter prior", unit="jurisdiction",
                             disable=not progress):
        rows = [(analyse(text), chapter) for j, text, chapter in notes if j == jurisdiction]
        fitted = fit_tfidf([tokens for tokens, _ in rows], min_df)
        terms, idf = fitted.terms, fitted.idf
        # float64, as the regression was fitted before the rows were shared with the nearest-notes vote
        matrix = csr_matrix((fitted.data.astype(np.float64), fitted.indices, fitted.indptr),
                            shape=(len(rows), len(terms)))
        labels = [chapter for _, chapter in rows]
        if len(set(labels)) < 2:
            raise ValueError(f"{jurisdiction}: case notes of at least two chapters are needed")
        regression = LogisticRegression(C=c, max_iter=300).fit(matrix, labels)
        weights, intercepts = regression.coef_, regression.intercept_
        if len(regression.classes_) == 2:  # one row for the second class: softmax over logits (0, w.x + b)
            weights, intercepts = np.vstack([np.zeros_like(weights), weights]), np.concatenate([[0.0], intercepts])
        models[jurisdiction] = JurisdictionModel(terms, idf, weights.astype(np.float32), intercepts.astype(np.float32),
                                                 tuple(str(x) for x in regression.classes_))
    return ChapterClassifier(models)


def training_notes(items: list[EvalItem]) -> list[tuple[str, str, str]]:
    """(jurisdiction, note text, chapter) per gold section of each single-jurisdiction case note."""
    return [(i.jurisdictions[0], i.query.replace("[SECTION]", " "), chapter)
            for i in items if len(i.jurisdictions) == 1
            for chapter in sorted({chapter_of(g) for g in i.gold} - {""})]


def notes_digest(notes_file: Path) -> str:
    """The sha256 of a case-note file: what the models built from it are stamped with."""
    return hashlib.sha256(Path(notes_file).read_bytes()).hexdigest()


def trained_from(notes_file: Path, model_file: Path) -> bool:
    """Whether `model_file` exists and was trained (or built) from notes of the same content as `notes_file`."""
    return Path(notes_file).is_file() and is_current(model_file, notes_digest(notes_file))


def ensure_chapter_model(notes_file: Path, model_file: Path, progress: bool = False) -> bool:
    """Train `model_file` from a case-note set (the format of ../shared/evals) unless `trained_from` it
    already; True when it trained. The model is written whole or not at all."""
    if trained_from(notes_file, model_file):
        return False
    model = fit_chapter_classifier(training_notes(read_eval_set(Path(notes_file))), progress=progress)
    save_stamped(model, model_file, notes_digest(notes_file))
    return True
