"""What the corpus holds of each jurisdiction, read from the catalogue itself, for an answer that finds nothing.

"No authority found" is honest only with what was searched: the divisions of each code the mirror holds
("C.R.S. titles 1-3, 5-7, ...") and the opinions, so the associate can tell a gap of the corpus from a gap of
the law.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from research.domain.types import Kind
from research.jurisdictions import REGISTRY

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


def corpus_coverage(citation_rows: Iterable[tuple[str, str, str, str]]) -> dict[str, str]:
    """Per jurisdiction, a sentence of what the corpus holds, from the catalogue's (id, jurisdiction, kind,
    citations) rows: the code's divisions held, and how many opinions."""
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
    held = {}
    for code, jurisdiction in by_code.items():
        parts = []
        held_divisions = {d for d in divisions.get(code, set()) if _DIVISION.fullmatch(d)}
        if held_divisions:
            parts.append(f"{jurisdiction.code_name} {jurisdiction.division}s {compact(held_divisions)} "
                         f"({len(held_divisions)} {jurisdiction.division}s)")
        elif statutes.get(code):
            parts.append(f"{statutes[code]:,} statute sections")
        if opinions.get(code):
            parts.append(f"{opinions[code]:,} Supreme Court opinions")
        held[code] = "; ".join(parts) if parts else "nothing"
    return held
