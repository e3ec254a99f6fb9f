"""A prior over statute sections: how much a section reads like the sections that courts' case notes annotate.

Case notes annotate a small share of a code (the dev notes: 672 of 18,494 Hawaii sections, 993 of 14,074 Colorado
ones): operative provisions that courts apply, rarely definitions of a program's terms, appropriations or reporting
duties; old sections amended many times more than new ones (a Hawaii section first enacted before 1900 is annotated
three to six times as often as the average one, one enacted since 2010 almost never), and in a code that records it,
only sections under which the code prints notes of decisions. One logistic regression over a section's own text
(heading words and pairs, the words of its opening, its length) and another over its record (the entries and years
of its history, its count of annotations) learn that difference from the sections the notes annotate, so they carry
to sections no note has annotated yet, which is what the held-out split asks about (other gold authorities). In a
search of Hawaii or Colorado alone each section gains weight x log(P / mean P) of the text model, and for a
statement (a proposition in a court's words, not an associate's question, which may be about a law too new to have
been litigated) weight x that of the record model; measured with folds grouped by gold section (docs/decisions/0022,
0027).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from research.corpus.evalsets import EvalItem, read_eval_set
from research.domain.types import Authority, Kind
from research.index.npzfile import (
    is_current,
    load_by_jurisdiction,
    save_by_jurisdiction,
    save_stamped,
)

SECTION_PRIOR_FILE_NAME = "section_prior.npz"  # in the index directory (it scores its sections), trained at ingest
OPENING_CHARS = 1500  # of a section's text, read for its words
FLOOR = 1e-4  # the least probability a section is given (no section's prior is -inf)
PRIOR_VERSION = "2"  # bump when what the prior learns changes (2: a model of the section's record beside its text)


@dataclass(frozen=True)
class StatuteSection:
    """What the prior reads of a section."""

    id: str
    jurisdiction: str
    heading: str
    text: str
    history: str = ""
    annotations: int | None = None


def sections_of(authorities: Iterable[Authority]) -> Iterator[StatuteSection]:
    """The statutes among `authorities` (research.domain.types.Authority) as the prior reads them (a generator)."""
    return (StatuteSection(a.id, a.jurisdiction, a.heading, a.text, a.history, a.annotations)
            for a in authorities if a.kind == Kind.STATUTE)


_YEAR = re.compile(r"\b(1[789]\d\d|20\d\d)\b")
_SESSION_LAW_YEAR = re.compile(r"\bL\.\s*(\d\d)\b")  # Colorado's "L. 92" (1992), "L. 05" (2005)


def history_years(history: str) -> list[int]:
    """The years a section's history names: four-digit years, and Colorado's two-digit session-law years."""
    years = [int(y) for y in _YEAR.findall(history)]
    years += [(2000 if int(y) < 30 else 1900) + int(y) for y in _SESSION_LAW_YEAR.findall(history)]
    return years


def record_features(section: StatuteSection) -> list[float]:
    """What a section's record says of how long and how much it has been law: the log of its history's entries and
    of the distinct years it names, the earliest year (centuries from 1900, and its square; 0 and a flag when the
    history names none), and whether and how often the code annotates it (0 where the code records no count)."""
    entries = len([part for part in section.history.split(";") if part.strip()])
    years = history_years(section.history)
    first = (min(years) - 1900) / 100 if years else 0.0
    annotated = section.annotations or 0
    return [math.log1p(entries), math.log1p(len(set(years))), first, first ** 2, 0.0 if years else 1.0,
            1.0 if annotated > 0 else 0.0, math.log1p(annotated)]


class SectionPrior:
    """Per jurisdiction, log(P(annotated) / mean P) of each of its sections by two models: one that reads a section's
    text, one that reads its record (research ingest trains both); saved to and loaded from one .npz file."""

    def __init__(self, log_ratios: dict[str, dict[str, float]], record_log_ratios: dict[str, dict[str, float]]):
        self.log_ratios = log_ratios
        self.record_log_ratios = record_log_ratios

    def covers(self, jurisdiction: str) -> bool:
        """Whether the prior knows the sections of the jurisdiction."""
        return jurisdiction in self.log_ratios

    def bonus(self, jurisdiction: str) -> dict[str, float]:
        """log(P / mean P) per section of the jurisdiction by its text ({} when not covered)."""
        return self.log_ratios.get(jurisdiction, {})

    def record_bonus(self, jurisdiction: str) -> dict[str, float]:
        """log(P / mean P) per section of the jurisdiction by its record ({} when not covered)."""
        return self.record_log_ratios.get(jurisdiction, {})

    def save(self, path: Path) -> None:
        """Write the prior to one compressed .npz (ids and both float16 log ratios per jurisdiction)."""
        save_by_jurisdiction(path, {jurisdiction: {
            "ids": np.array(list(ratios)), "log_ratios": np.array(list(ratios.values()), dtype=np.float16),
            "record_log_ratios": np.array([self.record_log_ratios[jurisdiction][a] for a in ratios], dtype=np.float16)}
            for jurisdiction, ratios in self.log_ratios.items()})

    @classmethod
    def load(cls, path: Path) -> SectionPrior:
        """Read a file written by `save`; a clear error when it is missing or not such a file."""
        arrays = load_by_jurisdiction(path, "section prior", ("ids", "log_ratios", "record_log_ratios"))
        return cls(*({j: dict(zip(a["ids"].tolist(), a[name].astype(float).tolist())) for j, a in arrays.items()}
                     for name in ("log_ratios", "record_log_ratios")))


def fit_section_prior(annotated: set[str], sections: list[StatuteSection], c: float = 1.0,
                      progress: bool = False) -> SectionPrior:
    """Train, per jurisdiction with annotated and unannotated sections, P(annotated | section) over all its
    `sections` by two logistic regressions (scikit-learn, imported here only; inverse regularisation `c`), both with
    the log of the text's length: one over its text (tf-idf of heading words and word pairs, tf-idf of the words of
    the text's opening), one over its record (`record_features`). A jurisdiction whose sections are all annotated,
    or none, has nothing to learn and is left out."""
    from scipy.sparse import csr_matrix, hstack

    log_ratios, record_log_ratios = {}, {}
    jurisdictions = sorted({s.jurisdiction for s in sections if s.id in annotated})
    for jurisdiction in tqdm(jurisdictions, desc="train section prior", unit="jurisdiction", disable=not progress):
        rows = [s for s in sections if s.jurisdiction == jurisdiction]
        labels = np.array([s.id in annotated for s in rows])
        if labels.all():
            continue
        length = np.log1p(np.array([[len(s.text)] for s in rows])) / 10
        length = np.hstack([length, length ** 2])
        text = hstack([_tfidf([s.heading for s in rows], ngram_range=(1, 2), min_df=3),
                       _tfidf([s.text[:OPENING_CHARS] for s in rows], min_df=5, max_features=20_000),
                       csr_matrix(length)]).tocsr()
        record = np.hstack([length, np.array([record_features(s) for s in rows])])
        ids = [s.id for s in rows]
        log_ratios[jurisdiction] = _log_ratios(ids, text, labels, c)
        record_log_ratios[jurisdiction] = _log_ratios(ids, record, labels, c)
    return SectionPrior(log_ratios, record_log_ratios)


def _log_ratios(ids: list[str], features: Any, labels: np.ndarray, c: float) -> dict[str, float]:
    """log(P / mean P) per id of a logistic regression fitted to `labels` and applied to the same rows."""
    from sklearn.linear_model import LogisticRegression

    probabilities = LogisticRegression(C=c, max_iter=3000).fit(features, labels).predict_proba(features)[:, 1]
    probabilities = np.maximum(probabilities, FLOOR)
    return dict(zip(ids, np.log(probabilities / probabilities.mean()).tolist()))


def _tfidf(texts: list[str], **options: Any) -> Any:
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
    return hashlib.sha256(Path(notes_file).read_bytes() + f"{catalogue} v{PRIOR_VERSION}".encode()).hexdigest()


def trained_from(notes_file: Path, catalogue: str, prior_file: Path) -> bool:
    """Whether `prior_file` exists and was trained from notes of the same content as `notes_file` over the
    catalogue named by `catalogue` (the chunk store's fingerprint)."""
    return Path(notes_file).is_file() and is_current(prior_file, _digest(notes_file, catalogue))


def ensure_section_prior(notes_file: Path, catalogue: str, sections: Iterable[StatuteSection], prior_file: Path,
                         progress: bool = False) -> bool:
    """Train `prior_file` from a case-note set (the format of ../shared/evals) over `sections` (an iterable of
    StatuteSection, read only when training) unless `trained_from` them already; True when it trained. The prior
    is written whole or not at all."""
    if trained_from(notes_file, catalogue, prior_file):
        return False
    prior = fit_section_prior(annotated_sections(read_eval_set(Path(notes_file))), list(sections), progress=progress)
    save_stamped(prior, prior_file, _digest(notes_file, catalogue))
    return True
