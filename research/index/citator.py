"""The citator: every negative treatment the corpus's opinions give one another (research.corpus.treatment), mined
once per ingest and kept beside the index as `treatments.json`, for lookups by the cited case."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

from research.corpus.chunking import STAR_PAGE, first_page
from research.corpus.treatment import find_treatments
from research.domain.types import Authority
from research.index.directory import AuthorityDirectory

RECORD_FORMAT = "2"  # changes when TreatmentRecord does: records saved in another format are mined again


@dataclass(frozen=True)
class TreatmentRecord:
    """How a later opinion (`by`) treated a cited one, with the sentence that does it and where it is."""

    kind: str
    target: str
    by: str
    citation: str  # the later opinion's name and citation: "West Coast Hotel Co. v. Parrish, 300 U.S. 379"
    quote: str
    pin: str  # "at 400": the page of the later opinion the sentence is on, "" when unknown
    start: int
    end: int

    def to_dict(self) -> dict:
        """The `treatment` entry of `--json`."""
        return {"kind": self.kind, "by": self.by, "citation": self.citation, "quote": self.quote, "pin": self.pin}


def page_pin(text: str, offset: int, first: int | None) -> str:
    """'at N': the reporter page of `offset` from the star-page markers ('[*647]') before it, else the first page."""
    pages = [int(m.group(1)) for m in STAR_PAGE.finditer(text, 0, offset)]
    page = pages[-1] if pages else first
    return f"at {page}" if page else ""


def mine(opinions: Iterable[Authority], directory: AuthorityDirectory, total: int | None = None,
         progress: bool = True) -> list[TreatmentRecord]:
    """Every treatment every opinion gives the other opinions of the corpus (never itself)."""
    records = []
    for opinion in tqdm(opinions, total=total, desc="citator", unit="opinion", disable=not progress):
        first = first_page(opinion.citation)
        for found in find_treatments(opinion.text, directory.opinion_cited, directory.opinion_named):
            if found.target == opinion.id:
                continue
            quote = " ".join(found.quote.split())
            records.append(TreatmentRecord(found.kind, found.target, opinion.id,
                                           f"{opinion.heading}, {opinion.citation}" if opinion.heading
                                           else opinion.citation, quote,
                                           page_pin(opinion.text, found.start, first),
                                           found.start, found.end))
    return records


class Citator:
    """Treatments by cited opinion."""

    def __init__(self, records: list[TreatmentRecord]):
        self.records = records
        self._by_target: dict[str, list[TreatmentRecord]] = {}
        for record in records:
            self._by_target.setdefault(record.target, []).append(record)

    def treatment_of(self, authority_id: str) -> list[TreatmentRecord]:
        """What later opinions of the corpus did to this one (empty: no negative treatment found)."""
        return self._by_target.get(authority_id, [])

    def save(self, path: Path, version: str) -> None:
        """Write the records with the index version they were mined from."""
        path.write_text(json.dumps({"version": version, "records": [asdict(r) for r in self.records]}),
                        encoding="utf-8")

    @classmethod
    def load(cls, path: Path, version: str) -> Citator | None:
        """The citator saved for this index version, or None (none yet, or of another version)."""
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != version:
            return None
        return cls([TreatmentRecord(**r) for r in data["records"]])
