"""The formats `research corpus import` reads, each a named reader of a bundle (a file, directory or archive)
yielding records of the project's JSON-lines shape, and the manifest fields those records fill.

| format         | reads                                                  | kind    | jurisdiction          |
|----------------|--------------------------------------------------------|---------|-----------------------|
| uslm           | the U.S. Code's USLM XML, `uscNN.xml` per title         | statute | US-federal            |
| dc-law-xml     | the D.C. Council's law-xml (`us/dc/council/code/...`)   | statute | US-DC                 |
| courtlistener  | CourtListener clusters or opinions, JSON or JSON lines  | opinion | by court, or given    |
| cap            | Caselaw Access Project cases, JSON or JSON lines        | opinion | by court, or given    |
| jsonl          | the project's own JSON lines (docs/corpus-import.md)    | given   | per record, or given  |
"""

from __future__ import annotations

import gzip
import json
import tarfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from research.corpus.importers import dc_law_xml, opinions, uslm
from research.corpus.importers.bundle import Bundle, ImportFailure, Member
from research.domain.types import Kind


class ImportFormat(StrEnum):
    """A format the law is published in that `research corpus import` reads."""

    USLM = "uslm"
    DC_LAW_XML = "dc-law-xml"
    COURTLISTENER = "courtlistener"
    CAP = "cap"
    JSONL = "jsonl"


STATUTE_FIELDS = {"id": "id", "citation": "citation", "section": "section", "heading": "heading", "text": "text",
                  "hierarchy": "hierarchy", "status": "status", "history": "history", "annotations": "n_annotations"}
OPINION_FIELDS = {"id": "id", "case_name": "case_name", "citations": "citations", "year": "year",
                  "court": "court_name", "text": "text", "url": "url"}
REQUIRED = {Kind.STATUTE: ("id", "citation", "text"), Kind.OPINION: ("id", "case_name", "text")}


@dataclass
class ImportTally:
    """What a read saw: records read, records skipped by reason, and files of the bundle it did not read."""

    read: int = 0
    skipped: Counter = field(default_factory=Counter)
    other_files: int = 0
    release: str = ""  # the release the data names (USLM's "Online@119-36"), when it names one


@dataclass(frozen=True)
class FormatReader:
    """A format: its kind of authority, the jurisdiction its records are of (None: per record), the manifest fields
    its records fill, and its reader."""

    name: ImportFormat
    kind: Kind | None
    jurisdiction: str | None
    fields: dict[str, str]
    read: Callable[[Bundle, str, str | None, ImportTally], Iterator[dict]]


def _uslm(bundle: Bundle, source: str, jurisdiction: str | None, tally: ImportTally) -> Iterator[dict]:
    for member in bundle.members():
        if not member.name.lower().endswith(".xml"):
            tally.other_files += 1
            continue
        with member.open() as stream, _named(member):
            for record in uslm.read_title(stream, member.name, source):  # records stream out as the title is read
                tally.release = tally.release or record.get("release_point", "")
                yield record


def _dc_law_xml(bundle: Bundle, source: str, jurisdiction: str | None, tally: ImportTally) -> Iterator[dict]:
    places: dict[tuple[str, str], dict] = {}
    for member in bundle.members(lambda name: bool(dc_law_xml.TITLE_INDEX_PATH.search(name))):
        title = dc_law_xml.TITLE_INDEX_PATH.search(member.name).group("title")  # type: ignore[union-attr]
        with member.open() as stream, _named(member):
            places.update(((title, file_name), where)
                          for file_name, where in dc_law_xml.read_title_index(stream, member.name).items())
    if not places:
        raise ImportFailure(f"{bundle.path}: no us/dc/council/code/titles/N/index.xml: not the D.C. Council's law-xml")
    for member in bundle.members():
        found = dc_law_xml.SECTION_PATH.search(member.name)
        if found is None:
            if not dc_law_xml.TITLE_INDEX_PATH.search(member.name):
                tally.other_files += 1
            continue
        place = places.get((found.group("title"), member.name.rsplit("/", 1)[-1]))
        if place is None:
            tally.skipped["not in its title's index"] += 1
            tally.read += 1
            continue
        with member.open() as stream, _named(member):
            record = dc_law_xml.read_section(stream, member.name, source, place)
        yield record


def _json_values(bundle: Bundle, tally: ImportTally) -> Iterator[tuple[object, str]]:
    """Every JSON value of the bundle's .json files and every line of its .jsonl files (either may be gzipped),
    with where it is ("cases.jsonl: line 3")."""
    for member in bundle.members():
        name = member.name.lower().removesuffix(".gz")
        if not name.endswith((".json", ".jsonl", ".ndjson")):
            tally.other_files += 1
            continue
        with member.open() as raw:
            stream = gzip.open(raw) if member.name.lower().endswith(".gz") else raw
            try:
                if name.endswith(".json"):
                    yield _loads(stream.read(), member.name), member.name
                    continue
                for line_no, line in enumerate(stream, start=1):
                    if line.strip():
                        yield _loads(line, f"{member.name}: line {line_no}"), f"{member.name}: line {line_no}"
            except _UNREADABLE + (UnicodeDecodeError,) as exc:
                raise ImportFailure(f"{bundle.path}: {member.name}: unreadable ({exc})") from exc


# what reading a member of a damaged archive raises (a bad CRC, a truncated gzip stream)
_UNREADABLE = (OSError, EOFError, zlib.error, zipfile.BadZipFile, tarfile.TarError)


def _loads(data: bytes | str, where: str) -> object:
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise ImportFailure(f"{where}: bad JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc


def _opinions(parse: Callable[[object, str, str | None], Iterator[dict]]):
    def read(bundle: Bundle, source: str, jurisdiction: str | None, tally: ImportTally) -> Iterator[dict]:
        for value, where in _json_values(bundle, tally):
            try:
                yield from parse(value, where, jurisdiction)
            except opinions.OpinionFormatError as exc:
                raise ImportFailure(f"{bundle.path}: {exc}") from exc
    return read


def _jsonl(bundle: Bundle, source: str, jurisdiction: str | None, tally: ImportTally) -> Iterator[dict]:
    for value, where in _json_values(bundle, tally):
        values = value if isinstance(value, list) else [value]
        for record in values:
            if not isinstance(record, dict):
                raise ImportFailure(f"{bundle.path}: {where}: a record must be a JSON object")
            yield record


@contextmanager
def _named(member: Member) -> Iterator[None]:
    """Reading one member: a reader's format error (which names the member) or a damaged member's read error
    becomes an ImportFailure."""
    try:
        yield
    except (uslm.UslmError, dc_law_xml.DcLawXmlError) as exc:
        raise ImportFailure(str(exc)) from exc
    except _UNREADABLE as exc:
        raise ImportFailure(f"{member.name}: unreadable ({exc})") from exc


FORMATS: dict[ImportFormat, FormatReader] = {
    ImportFormat.USLM: FormatReader(ImportFormat.USLM, Kind.STATUTE, "US-federal",
                                    {**STATUTE_FIELDS, "history": "source_credit", "annotations": "n_annotations"},
                                    _uslm),
    ImportFormat.DC_LAW_XML: FormatReader(ImportFormat.DC_LAW_XML, Kind.STATUTE, "US-DC", STATUTE_FIELDS,
                                          _dc_law_xml),
    ImportFormat.COURTLISTENER: FormatReader(ImportFormat.COURTLISTENER, Kind.OPINION, None, OPINION_FIELDS,
                                             _opinions(opinions.courtlistener_records)),
    ImportFormat.CAP: FormatReader(ImportFormat.CAP, Kind.OPINION, None, OPINION_FIELDS,
                                   _opinions(opinions.cap_records)),
    ImportFormat.JSONL: FormatReader(ImportFormat.JSONL, None, None, {}, _jsonl),
}


def format_reader(name: str) -> FormatReader:
    """The reader of a format by name; ImportFailure naming the known formats otherwise."""
    try:
        return FORMATS[ImportFormat(name)]
    except ValueError:
        raise ImportFailure(f"unknown format {name!r}; known formats: {', '.join(f.value for f in ImportFormat)}") \
            from None
