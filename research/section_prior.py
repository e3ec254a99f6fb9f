"""A prior over statute sections: how much a section reads like the sections that courts' case notes annotate.

Case notes annotate a small share of a code (the dev notes: 672 of 18,494 Hawaii sections, 993 of 14,074
Colorado ones): operative provisions that courts apply, rarely definitions of a program's terms, appropriations or
reporting duties. A logistic regression over a section's own text (heading words and pairs, the words of its
opening, its length) learns that difference from the sections the notes annotate, so it carries to sections no note
has annotated yet, which is what the held-out split asks about (other gold authorities). In a search of Hawaii or
Colorado alone each section gains weight x log(P / mean P); measured with folds grouped by gold section in
evals/ablation.md (session 13).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from research.evaluate import EvalItem, read_eval_set
from research.npzfile import is_current, load_by_jurisdiction, save_by_jurisdiction, save_stamped

SECTION_PRIOR_FILE_NAME = "section_prior.npz"  # in the index directory (it scores its sections), trained at ingest
OPENING_CHARS = 1500  # of a section's text, read for its words
FLOOR = 1e-4  # the least probability a section is given (no section's prior is -inf)


@dataclass(frozen=True)
class StatuteSection:
    """What the prior reads of a section."""

    id: str
    jurisdiction: str
    heading: str
    text: str


def sections_of(authorities):
    """The statutes among `authorities` (research.domain.Authority) as the prior reads them (a generator)."""
    return (StatuteSection(a.id, a.jurisdiction, a.heading, a.text) for a in authorities if a.kind == "statute")


class SectionPrior:
    """Per jurisdiction, log(P(annotated) / mean P) of each of its sections; saved to and loaded from one .npz file."""

    def __init__(self, log_ratios: dict[str, dict[str, float]]):
        self.log_ratios = log_ratios

    def covers(self, jurisdiction: str) -> bool:
        """Whether the prior knows the sections of the jurisdiction."""
        return jurisdiction in self.log_ratios

    def bonus(self, jurisdiction: str) -> dict[str, float]:
        """log(P / mean P) per section of the jurisdiction ({} when not covered)."""
        return self.log_ratios.get(jurisdiction, {})

    def save(self, path: Path) -> None:
        """Write the prior to one compressed .npz (ids and float16 log ratios per jurisdiction)."""
        save_by_jurisdiction(path, {jurisdiction: {
            "ids": np.array(list(ratios)), "log_ratios": np.array(list(ratios.values()), dtype=np.float16)}
            for jurisdiction, ratios in self.log_ratios.items()})

    @classmethod
    def load(cls, path: Path) -> SectionPrior:
        """Read a file written by `save`; a clear error when it is missing or not such a file."""
        arrays = load_by_jurisdiction(path, "section prior", ("ids", "log_ratios"))
        return cls({j: dict(zip(a["ids"].tolist(), a["log_ratios"].astype(float).tolist())) for j, a in arrays.items()})


def fit_section_prior(annotated: set[str], sections: list[StatuteSection], c: float = 1.0,
                      progress: bool = False) -> SectionPrior:
    """Train, per jurisdiction with annotated and unannotated sections, P(annotated | section text) over all its
    `sections` (scikit-learn, imported here only): tf-idf of heading words and word pairs, tf-idf of the words of the
    text's opening, and the log of the text's length; logistic regression with inverse regularisation `c`. A
    jurisdiction whose sections are all annotated, or none, has nothing to learn and is left out."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    log_ratios = {}
    jurisdictions = sorted({s.jurisdiction for s in sections if s.id in annotated})
    for jurisdiction in tqdm(jurisdictions, desc="train section prior", unit="jurisdiction", disable=not progress):
        rows = [s for s in sections if s.jurisdiction == jurisdiction]
        labels = np.array([s.id in annotated for s in rows])
        if labels.all():
            continue
        length = np.array([[math.log1p(len(s.text)) / 10] for s in rows])
        features = hstack([_tfidf([s.heading for s in rows], ngram_range=(1, 2), min_df=3),
                           _tfidf([s.text[:OPENING_CHARS] for s in rows], min_df=5, max_features=20_000),
                           csr_matrix(np.hstack([length, length ** 2]))]).tocsr()
        probabilities = LogisticRegression(C=c, max_iter=2000).fit(features, labels).predict_proba(features)[:, 1]
        probabilities = np.maximum(probabilities, FLOOR)
        ratios = np.log(probabilities / probabilities.mean())
        log_ratios[jurisdiction] = dict(zip((s.id for s in rows), ratios.tolist()))
    return SectionPrior(log_ratios)


def _tfidf(texts: list[str], **options):
    """Sublinear tf-idf of `texts` (scikit-learn); no columns when no word is frequent enough (a small catalogue)."""
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(sublinear_tf=True, **options).fit_transform(texts)
    except ValueError:  # scikit-learn's "empty vocabulary" / "no terms remain" after min_df
        return csr_matrix((len(texts), 0))


def annotated_sections(items: list[EvalItem]) -> set[str]:
    """The gold sections of single-jurisdiction case notes."""
    return {g for i in items if len(i.jurisdictions) == 1 for g in i.gold}


def _digest(notes_file: Path, catalogue: str) -> str:
    return hashlib.sha256(Path(notes_file).read_bytes() + catalogue.encode()).hexdigest()


def trained_from(notes_file: Path, catalogue: str, prior_file: Path) -> bool:
    """Whether `prior_file` exists and was trained from notes of the same content as `notes_file` over the
    catalogue named by `catalogue` (the chunk store's fingerprint)."""
    return Path(notes_file).is_file() and is_current(prior_file, _digest(notes_file, catalogue))


def ensure_section_prior(notes_file: Path, catalogue: str, sections, prior_file: Path,
                         progress: bool = False) -> bool:
    """Train `prior_file` from a case-note set (the format of ../shared/evals) over `sections` (an iterable of
    StatuteSection, read only when training) unless `trained_from` them already; True when it trained. The prior
    is written whole or not at all."""
    if trained_from(notes_file, catalogue, prior_file):
        return False
    prior = fit_section_prior(annotated_sections(read_eval_set(Path(notes_file))), list(sections), progress=progress)
    save_stamped(prior, prior_file, _digest(notes_file, catalogue))
    return True
