"""Question and case-note sets in the format of `../shared/evals` (JSONL or JSONL.gz), read with clear errors.

Read by the evaluation and by ingest, which trains the search priors from case notes in this format.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class EvalSetError(ValueError):
    """An eval file cannot be read; the message names the file and line."""


SURVEY = "survey"  # the kind of a questions-set item asked in several jurisdictions


def jurisdictions_of(value) -> tuple[str, ...]:
    """An item's `jurisdiction` field (one, a list, or none) as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value or ())


def is_survey(kind: str, jurisdictions: tuple[str, ...]) -> bool:
    """A survey item: the same question in several jurisdictions, one gold authority per jurisdiction."""
    return kind == SURVEY and len(jurisdictions) > 1


@dataclass(frozen=True)
class EvalItem:
    """One query with its gold authority ids and the jurisdictions to search."""

    id: str
    query: str
    gold: frozenset[str]
    jurisdictions: tuple[str, ...]
    exclude: frozenset[str]  # ids of authorities and case notes the search must not use as evidence
    kind: str = ""  # questions sets: single, multi, survey, unanswerable, false_premise

    @property
    def is_survey(self) -> bool:
        """Whether the item is a survey (see `is_survey`)."""
        return is_survey(self.kind, self.jurisdictions)

    @property
    def group(self) -> str:
        """The jurisdiction label used for per-jurisdiction results."""
        return "+".join(self.jurisdictions) if self.jurisdictions else "all"


def read_records(path: Path, what: str = "eval set") -> Iterator[tuple[int, dict]]:
    """(line number, object) of each non-blank line of a `.jsonl` or `.jsonl.gz` file; a missing or
    unreadable file, bad JSON or a line that is not an object raises EvalSetError with file and line."""
    if not path.is_file():
        raise EvalSetError(f"{path}: {what} not found")
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for line_no, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalSetError(f"{path}: line {line_no}: bad JSON: {exc.msg}") from exc
                if not isinstance(record, dict):
                    raise EvalSetError(f"{path}: line {line_no}: not a JSON object")
                yield line_no, record
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise EvalSetError(f"{path}: unreadable: {exc}") from exc


def read_eval_set(path: Path) -> list[EvalItem]:
    """Items of a `.jsonl` or `.jsonl.gz` eval file; a defect raises EvalSetError with file and line."""
    items = []
    for line_no, record in read_records(path):
        query = record.get("query") or record.get("question")
        if not query:
            raise EvalSetError(f"{path}: line {line_no}: item has no query or question")
        jurisdictions = jurisdictions_of(record.get("jurisdiction"))
        gold = frozenset(g["id"] if isinstance(g, dict) else str(g) for g in record.get("gold") or ())
        item_id = str(record.get("id", line_no))
        # never evidence for itself: the opinion a citing sentence comes from, the item itself (a case note is one
        # of the notes research.search.priors.note_neighbours searches when the set is the one ingest read them from)
        exclude = frozenset([item_id] + ([record["source_opinion_id"]] if record.get("source_opinion_id") else []))
        items.append(EvalItem(item_id, query, gold, jurisdictions, exclude, str(record.get("kind") or "")))
    return items
