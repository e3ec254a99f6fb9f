"""What the corpus holds of each jurisdiction, read from the catalogue itself, for an answer that finds nothing.

"No authority found" is honest only with what was searched: the divisions of each code the mirror holds
("C.R.S. titles 1-3, 5-7, ...") and the opinions, so the associate can tell a gap of the corpus from a gap of
the law. For a code the corpus holds only part of, `TitleRouter` tells when a question fits a title the corpus
lacks better than the titles of what was retrieved for it: a sign the governing law is not in the corpus
(docs/decisions/0032), and the title the abstention names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from research.domain.types import Authority, Kind
from research.index.embedders import Encoder
from research.jurisdictions import REGISTRY, Jurisdiction

_DIVISION = re.compile(r"(\d+)(\.\d+)?([A-Za-z]?)")
MAX_RUNS = 25  # past this many runs, a code's divisions are summarised by their count and span


def compact(divisions: Iterable[str]) -> str:
    """Divisions as runs of whole numbers, then the others: ['1', '2', '3', '5', '25.5', '5a'] ->
    '1-3, 5 and 5a, 25.5'; a code held in more than MAX_RUNS runs is given by count and span."""
    held = {d for d in divisions if _DIVISION.fullmatch(d)}
    whole = sorted(int(d) for d in held if d.isdigit())
    runs: list[list[int]] = []
    for n in whole:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    if len(runs) > MAX_RUNS:
        return f"{whole[0]} to {whole[-1]}, with gaps"
    text = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    others = sorted((d for d in held if not d.isdigit()), key=lambda d: (float(_number(d)), d))
    return f"{text} and {', '.join(others)}" if others and text else text or ", ".join(others)


def _number(division: str) -> str:
    match = _DIVISION.fullmatch(division)
    return (match.group(1) + (match.group(2) or "")) if match else "0"


@dataclass(frozen=True)
class CorpusHoldings:
    """What the catalogue holds: per jurisdiction, the code's divisions, and the counts of statutes and opinions."""

    divisions: dict[str, set[str]]
    statutes: dict[str, int]
    opinions: dict[str, int]


def holdings(citation_rows: Iterable[tuple[str, str, str, str]]) -> CorpusHoldings:
    """The holdings of the catalogue's (id, jurisdiction, kind, citations) rows."""
    divisions: dict[str, set[str]] = {}
    opinions: dict[str, int] = {}
    statutes: dict[str, int] = {}
    by_code = {j.code: j for j in REGISTRY}
    for _, code, kind, citations in citation_rows:
        if kind == Kind.OPINION:
            opinions[code] = opinions.get(code, 0) + 1
            continue
        statutes[code] = statutes.get(code, 0) + 1
        known = by_code.get(code)
        division = known.division_of(citations.split("|")[0]) if known else None
        if division:
            divisions.setdefault(code, set()).add(division)
    return CorpusHoldings(divisions, statutes, opinions)


@dataclass(frozen=True)
class JurisdictionCoverage:
    """What the corpus holds of one jurisdiction, and what it lacks where the code's outline says (`corpus list`,
    the Corpus page)."""

    jurisdiction: str
    name: str
    code: str  # the code's name ("C.R.S.")
    division: str  # what the code is divided into ("title")
    statutes: int
    divisions_held: str  # "1-3, 5-7, 9"; "" when no statutes
    divisions_count: int  # how many divisions are held
    divisions_absent: tuple[tuple[str, str], ...]  # (number, name) of the code's titles the corpus lacks
    absent_known: bool  # whether the code's outline is known (else nothing can be said of what is absent)
    opinions: int
    opinion_years: tuple[int, int] | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready fields."""
        return {**self.__dict__, "divisions_absent": [list(t) for t in self.divisions_absent],
                "opinion_years": list(self.opinion_years) if self.opinion_years else None}

    def held_sentence(self) -> str:
        """What an answer that finds nothing says the corpus holds: "C.R.S. titles 1-3, 5-7 (29 titles); 1,069
        Supreme Court opinions"."""
        parts = []
        if self.divisions_held:
            parts.append(f"{self.code} {self.division}s {self.divisions_held} ({self.divisions_count} "
                         f"{self.division}s)")
        elif self.statutes:
            parts.append(f"{self.statutes:,} statute sections")
        if self.opinions:
            parts.append(f"{self.opinions:,} Supreme Court opinions")
        return "; ".join(parts) if parts else "nothing"

    def summary(self) -> str:
        """One line: "C.R.S. titles 1-3, 5-7 (14,074 sections); lacks titles 4 (Uniform Commercial Code), ...; 1,069
        opinions, 1793-2001"."""
        parts = []
        if self.divisions_held:
            parts.append(f"{self.code} {self.division}s {self.divisions_held} ({self.statutes:,} sections)")
        if self.divisions_absent:
            parts.append(f"lacks {self.division}s " + ", ".join(f"{n} ({name})" for n, name in self.divisions_absent))
        elif self.statutes and self.absent_known:
            parts.append(f"every {self.division} of the code")
        if self.opinions:
            years = f", {self.opinion_years[0]}-{self.opinion_years[1]}" if self.opinion_years else ""
            parts.append(f"{self.opinions:,} opinions{years}")
        return "; ".join(parts) or "nothing"


def coverage(held_by: CorpusHoldings, opinion_years: dict[str, tuple[int, int]]) -> list[JurisdictionCoverage]:
    """Per registered jurisdiction, in registry order: the code's divisions held and (from its outline) absent, and
    the opinions held with the years they span."""
    rows = []
    for jurisdiction in REGISTRY:
        held = {d for d in held_by.divisions.get(jurisdiction.code, set()) if _DIVISION.fullmatch(d)}
        statutes = held_by.statutes.get(jurisdiction.code, 0)
        absent = tuple((n, name) for n, name in jurisdiction.titles if n not in held) if statutes else ()
        rows.append(JurisdictionCoverage(
            jurisdiction.code, jurisdiction.name, jurisdiction.code_name, jurisdiction.division, statutes,
            compact(held) if held else "", len(held), absent, bool(jurisdiction.titles),
            held_by.opinions.get(jurisdiction.code, 0), opinion_years.get(jurisdiction.code)))
    return rows


def corpus_coverage(held_by: CorpusHoldings) -> dict[str, str]:
    """Per jurisdiction, a sentence of what the corpus holds: the code's divisions held, and how many opinions."""
    return {row.jurisdiction: row.held_sentence() for row in coverage(held_by, {})}


NO_ABSENT_TITLE = -0.2  # the title gap of a question in a code the corpus holds whole (fitted with it, 0032)
RETRIEVED_TITLES = 3  # statutes retrieved whose titles the question is compared with
NEAREST_ABSENT = 3  # absent titles an abstention names


@dataclass(frozen=True)
class TitleFit:
    """How much better a question fits the code's best title the corpus lacks than the titles retrieved for it."""

    gap: float
    jurisdiction: Jurisdiction | None = None
    nearest_absent: tuple[tuple[str, str], ...] = ()  # the absent titles that fit best: (number, name)

    def sentence(self) -> str:
        """When an absent title fits better than what was retrieved: 'The governing law may be in a title of the
        C.R.S. that the corpus does not hold; nearest by name: title 18 (Criminal Code), ...' (a pointer, not a
        finding: on the dev questions the best absent title by name was the governing one for 16 of 27, one of
        the three named for 21; decision 0032)."""
        if self.jurisdiction is None or self.gap <= 0 or not self.nearest_absent:
            return ""
        division = self.jurisdiction.division
        titles = ", ".join(f"{division} {number} ({name})" for number, name in self.nearest_absent)
        return (f"The governing law may be in a {division} of the {self.jurisdiction.code_name} that the corpus "
                f"does not hold; nearest by name: {titles}.")


class TitleRouter:
    """Compares a question with the names of every title of a code (MiniLM), those the corpus holds and those it
    lacks, in the jurisdiction of the first authority retrieved."""

    def __init__(self, embedder: Encoder, held: CorpusHoldings):
        self._embedder = embedder
        self._held = held
        self._vectors: dict[str, tuple[list[str], np.ndarray]] = {}

    def _titles(self, jurisdiction: Jurisdiction) -> tuple[list[str], np.ndarray]:
        if jurisdiction.code not in self._vectors:
            numbers = [number for number, _ in jurisdiction.titles]
            subjects = dict(jurisdiction.title_subjects)
            names = [f"{jurisdiction.code_title} title {number}: {name}"
                     + (f" ({subjects[number]})" if number in subjects else "") for number, name in jurisdiction.titles]
            vectors = np.asarray(self._embedder.encode(names), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
            self._vectors[jurisdiction.code] = (numbers, vectors)
        return self._vectors[jurisdiction.code]

    def fit(self, question_vector: np.ndarray, retrieved: Sequence[Authority]) -> TitleFit:
        """The gap between the best absent title and the best title of the first statutes retrieved (or, when
        none was a statute of that code, the best title held); NO_ABSENT_TITLE when the code is held whole."""
        if not retrieved:
            return TitleFit(NO_ABSENT_TITLE)
        jurisdiction = next((j for j in REGISTRY if j.code == retrieved[0].jurisdiction), None)
        if jurisdiction is None or not jurisdiction.titles:
            return TitleFit(NO_ABSENT_TITLE)
        held = self._held.divisions.get(jurisdiction.code, set())
        numbers, vectors = self._titles(jurisdiction)
        absent = [i for i, n in enumerate(numbers) if n not in held]
        present = [i for i, n in enumerate(numbers) if n in held]
        if not absent or not present:
            return TitleFit(NO_ABSENT_TITLE)
        similarity = vectors @ (question_vector / (np.linalg.norm(question_vector) + 1e-9))
        statutes = [a for a in retrieved if a.kind == Kind.STATUTE and a.jurisdiction == jurisdiction.code]
        retrieved_titles = {jurisdiction.division_of(a.citation) for a in statutes[:RETRIEVED_TITLES]}
        compared = [i for i, n in enumerate(numbers) if n in retrieved_titles] or present
        ranked = sorted(absent, key=lambda i: -similarity[i])
        gap = float(similarity[ranked[0]] - similarity[compared].max())
        names = dict(jurisdiction.titles)
        return TitleFit(gap, jurisdiction, tuple((numbers[i], names[numbers[i]]) for i in ranked[:NEAREST_ABSENT]))
