"""Corpus sources: manifests in `corpora/*.toml` and loaders for the mirror's JSONL.gz files.

A loader checks the file's sha256 against its manifest and parses every line before anything is
indexed, so a missing or corrupt file fails with an error that names the file and line and leaves
the existing index untouched.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tomllib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from research.corpus.structure import MAJOR_DIVISION, SECTION_LINE, division_lines, unbracketed
from research.domain.types import Authority, Kind
from research.jurisdictions import REGISTRY

REQUIRED_MANIFEST_KEYS = (
    "name", "title", "jurisdiction", "kind", "file", "sha256", "expected_records",
    "upstream", "version", "licence", "fields",
)


class CorpusError(Exception):
    """A corpus file or manifest cannot be used; the message names the file (and line)."""


@dataclass(frozen=True)
class Manifest:
    """What a corpus source is, where its file is in the mirror, and how its fields map."""

    name: str
    title: str
    jurisdiction: str
    kind: str
    file: str
    sha256: str
    expected_records: int
    upstream: str
    version: str
    licence: str
    fields: dict[str, str]
    commit: str | None = None
    official_url: str | None = None
    format: str | None = None  # an imported source's: the format it was read from (research.corpus.importers)
    imported_at: str | None = None
    as_of: str | None = None  # the date the law it holds is current to, when the import named one
    directory: str | None = None  # an imported source's own directory; a mirror source's file is in the corpus dir

    def path(self, corpus_dir: Path) -> Path:
        """Where the source's records file is."""
        return Path(self.directory or corpus_dir) / self.file


def read_manifest(path: Path, directory: Path | None = None) -> Manifest:
    """One manifest file (an imported source's names its own `directory`); CorpusError naming the file."""
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: not valid TOML: {exc}") from exc
    missing = [k for k in REQUIRED_MANIFEST_KEYS if k not in data]
    if missing:
        raise CorpusError(f"{path}: manifest lacks {', '.join(missing)}")
    try:
        return Manifest(**data, directory=str(directory) if directory else None)
    except TypeError as exc:
        raise CorpusError(f"{path}: manifest has an unknown key ({exc})") from exc


IMPORTED_MANIFEST = "manifest.toml"  # in each imported source's directory (research.corpus.importers.run)


def load_manifests(manifests_dir: Path, imports_dir: Path | None = None) -> list[Manifest]:
    """Read every `*.toml` manifest in `manifests_dir` and every imported source's under `imports_dir`, sorted by
    name; an imported source takes the place of the mirror's source of the same name."""
    by_name = {m.name: m for m in map(read_manifest, sorted(manifests_dir.glob("*.toml")))}
    if imports_dir is not None and imports_dir.is_dir():
        for path in sorted(imports_dir.glob(f"*/{IMPORTED_MANIFEST}")):
            manifest = read_manifest(path, path.parent)
            by_name[manifest.name] = manifest
    if not by_name:
        raise CorpusError(f"{manifests_dir}: no corpus manifests (*.toml) found")
    return sorted(by_name.values(), key=lambda m: m.name)


def select_manifests(manifests: list[Manifest], names: list[str] | None) -> list[Manifest]:
    """The manifests named (all when `names` is empty); unknown names raise CorpusError."""
    if not names:
        return manifests
    by_name = {m.name: m for m in manifests}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise CorpusError(
            f"unknown source {', '.join(unknown)}; known sources: {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in names]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(manifest: Manifest, corpus_dir: Path) -> str:
    """The sha256 of a source's file; CorpusError when it is missing or differs from the manifest."""
    path = manifest.path(corpus_dir)
    if not path.is_file():
        raise CorpusError(f"{path}: corpus file not found (source {manifest.name}; set RESEARCH_CORPUS_DIR?)")
    actual = file_sha256(path)
    if actual != manifest.sha256:
        raise CorpusError(f"{path}: checksum mismatch (sha256 {actual}, manifest {manifest.name} expects "
                          f"{manifest.sha256})")
    return actual


@dataclass
class LoadReport:
    """What a load read and what it skipped, by reason."""

    source: str
    read: int = 0
    skipped: Counter = field(default_factory=Counter)
    repealed: list[Authority] = field(default_factory=list)  # sections the code lists as repealed: kept, not indexed

    @property
    def kept(self) -> int:
        """Records that became authorities."""
        return self.read - sum(self.skipped.values())


_NOT_IN_FORCE_TEXT = re.compile(
    r"^\W*(\[?§+\s*[\w.\-:]+(\s+to\s+[\w.\-:]+)?\]?\s*)?(\w[\w\s,.'\-]*\.\s*)?(repealed|reserved)\b",
    re.IGNORECASE,
)
# jurisdictions whose statute records include ones holding only a Part heading (research.jurisdictions)
_PART_HEADING_RECORDS = tuple(jurisdiction.code for jurisdiction in REGISTRY if jurisdiction.part_heading_records)
_EDITORS_NOTE = re.compile(r"\s*editor's note:", re.IGNORECASE)
_NOT_IN_FORCE_HEADING = re.compile(r"(^repealed\b)|([\[(]\s*(repealed|reserved)\s*[\])]\.?\s*$)|(^reserved\.?$)", re.I)


def skip_reason(record: dict, text: str, heading: str, kind: str) -> str | None:
    """Why a record is not indexed ("empty", "repealed", "reserved": a number the code keeps for no section), or
    None to keep it."""
    if kind == Kind.STATUTE:
        status = (record.get("status") or "").lower()
        if status == "repealed":
            return "repealed"
        # a long text is a section's own words unless it is only an editor's note ("Editor's note: This article was
        # numbered as article 14 ..." under "1-8-101 to 1-8-311. (Repealed)")
        said = (_NOT_IN_FORCE_TEXT.match(text) or _NOT_IN_FORCE_HEADING.search(heading)) \
            if len(text) < 400 or _EDITORS_NOTE.match(text) else None
        if said:
            # the last word decides: "Reserved parking. Repealed." was repealed
            return re.findall(r"repealed|reserved", said.group(0).lower())[-1]
        if "§" not in text and len(text) < 300 and record.get("jurisdiction") in _PART_HEADING_RECORDS:
            return "empty"  # records that hold only a Part heading (Hawaii's)
    if len(re.findall(r"\w+", text)) < 5:
        return "empty"
    return None



_ANNOTATION_TITLE = re.compile(
    r"^(law journals and reviews|attorney general opinions|cross references|case notes|revision note|rules of court)\b",
    re.IGNORECASE)
_SECTION_NUMBER_PREFIX = re.compile(r"^\[§[^\]]*\]\s*")


def _own_line_heading(text: str, section: str) -> re.Match | None:
    """The line where section `section` begins in `text` ("§580-42 Irretrievable breakdown. ...", "[§39-151]
    Compound interest ..."), its heading as group 1; a line noting the number's old repeal ("§580-42 [OLD]
    REPEALED.", "§§37-91 to 94 ...") is not it."""
    if not section:
        return None
    return re.search(r"(?:^|\n)\s*\[?§\s*" + re.escape(section) + r"\]?\s+(?!\[OLD\]|REPEALED\b)([A-Z\[].+?\.)(?=\s|$)",
                     text)


def mended_heading(heading: str, text: str, section: str) -> str:
    """A heading as the section's own line prints it, where a crawl garbled it (Hawaii: ~210 records): an
    annotation's title taken for the heading ("Law Journals and Reviews ..."), the heading of an earlier section
    of the number ("REPEALED", "[OLD] Renumbered as ..."), a bracketed heading run on into the text ("Methods of
    financing.] The council ..."), or the section number left in ("[§28-181] Definitions.")."""
    heading = _SECTION_NUMBER_PREFIX.sub("", heading.strip())
    if _ANNOTATION_TITLE.match(heading) or _OLD_SECTION_HEADING.fullmatch(heading):
        own_line = _own_line_heading(text[:1000], section)
        if own_line:
            return unbracketed(own_line.group(1))
        return "" if _ANNOTATION_TITLE.match(heading) else heading
    if ".]" in heading:  # the heading's closing bracket, and the text run on after it
        heading = heading.split(".]", 1)[0] + "."
    return unbracketed(heading)


# the heading of an earlier section of the number: "REPEALED", "[OLD] Renumbered as §226-62."
_OLD_SECTION_HEADING = re.compile(r"\W*repealed\W*|\[OLD\].*", re.IGNORECASE)
# a paragraph about an earlier section of the number: "§580-42 [OLD] REPEALED. L 1972, c 11, §2.", "PART I. [OLD]
# GENERAL OBLIGATION AND REFUNDING BONDS", "§205A-1 to 205A-3, repealed by L 1977, c 188, §2."
_SUPERSEDED_NOTE = re.compile(r"\[OLD\]|\bREPEALED\b|\brepealed by L\b")


def without_superseded_notes(text: str, section: str) -> str:
    """A record's text without what it says of an earlier, repealed section of the same number. Hawaii prints a
    number's repeal note, and the old Part heading above it, before the section later enacted under that number
    ("§580-42 [OLD] REPEALED. L 1972, c 11, §2." then "§580-42 Irretrievable breakdown. (a) ..."): the record is
    the later section, in force. Paragraphs before the section's own line that speak of the old one are left out;
    the Part headings in force above it stay."""
    own_line = _own_line_heading(text, section)
    if own_line is None:
        return text
    before = [p.strip() for p in re.split(r"\n\s*\n", text[:own_line.start()]) if p.strip()]
    kept, in_old_part_heading = [], False
    for paragraph in before:
        # an old Part heading may run on over the next lines ("PART IV. [OLD] DETERMINATIONS OF EXCLUSIONS",
        # "FROM THE TOTAL INDEBTEDNESS OF THE", ...) up to the next Part heading or section line
        continues_it = in_old_part_heading and not (MAJOR_DIVISION.match(paragraph) or SECTION_LINE.match(paragraph))
        if continues_it or _SUPERSEDED_NOTE.search(paragraph):
            in_old_part_heading = continues_it or bool(MAJOR_DIVISION.match(paragraph))
        else:
            in_old_part_heading = False
            kept.append(paragraph)
    if len(kept) == len(before):
        return text
    return "".join(p + "\n\n" for p in kept) + text[own_line.start():].lstrip()


@dataclass
class DivisionTracker:
    """The Part (or Article) and sub-division each section of a chapter falls under, read in code order.

    Hawaii's records name only their chapter; a Part heading appears once, above the first section of
    the Part. Carried into the heading path of every following section of the chapter, it lets each
    chunk say which Part it belongs to ("Whistleblowers' Protection Act") as the code's reader sees it.
    """

    chapter: str | None = None
    major: str = ""
    minor: str = ""

    def path_for(self, chapter: str, text: str) -> tuple[str, ...]:
        """The division headings in force at a record of `chapter` with `text` (which may open one)."""
        if chapter != self.chapter:
            self.chapter, self.major, self.minor = chapter, "", ""
        for line in division_lines(text):
            if MAJOR_DIVISION.match(line):
                self.major, self.minor = line, ""
            else:
                self.minor = line
        return tuple(part for part in (self.major, self.minor) if part)


# C1 control characters that stand for the Windows-1252 punctuation they were decoded from ("Constitution\x97that"
# is an em dash): one character for one, so every offset into the text stays where it was
_WINDOWS_1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
                 if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def windows_1252_punctuation(text: str) -> str:
    """The text with C1 control characters read as the Windows-1252 characters they were ("\x97" -> "—")."""
    return text.translate(_WINDOWS_1252)


def _authority(manifest: Manifest, record: dict, divisions: DivisionTracker | None = None) -> Authority:
    f = manifest.fields

    def get(key: str, default=None):
        return record.get(f[key], default) if key in f else default

    text = windows_1252_punctuation(get("text") or "")
    if manifest.kind == Kind.OPINION:
        citations = tuple(get("citations") or ())
        us_cites = [c for c in citations if " U.S. " in c]
        year = get("year")
        return Authority(
            id=record["id"], source=manifest.name, jurisdiction=manifest.jurisdiction,
            kind=Kind.OPINION, citation=(us_cites or list(citations) or [record["id"]])[0],
            heading=get("case_name") or "", text=text, url=get("url"),
            year=_count(year), court=get("court"), reporter_citations=citations,
        )
    path = get("hierarchy")
    heading = (get("heading") or "").strip()
    if path is None and get("chapter"):  # Hawaii: records name only their chapter; Parts and headings are in the text
        section = str(get("section") or "")
        text = without_superseded_notes(text, section)
        path = [f"Chapter {get('chapter')} {get('chapter_title') or ''}".strip()]
        if divisions is not None:
            path += divisions.path_for(str(get("chapter")), text)
        heading = mended_heading(heading, text, section)
    history = get("history") or ""
    annotations = get("annotations")
    url = get("url")
    if url is None and manifest.official_url:
        url = manifest.official_url.format(section=record.get("section", ""), title=record.get("title", ""))
    return Authority(
        id=record["id"], source=manifest.name, jurisdiction=manifest.jurisdiction, kind=Kind.STATUTE,
        citation=get("citation") or record["id"], heading=heading, text=text,
        heading_path=tuple(path or ()), url=url,
        history="; ".join(map(str, history)) if isinstance(history, list) else str(history),
        annotations=_count(annotations),
    )


def _count(value) -> int | None:
    """A record's count field as an int; None when absent or not a whole number (a defect, not a reason to stop)."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def load_source(manifest: Manifest, corpus_dir: Path,
                verify_checksum: bool = True) -> tuple[list[Authority], LoadReport]:
    """Read and validate one source file fully; raise CorpusError naming file and line on any defect."""
    path = manifest.path(corpus_dir)
    if verify_checksum:
        verify_file(manifest, corpus_dir)
    elif not path.is_file():
        raise CorpusError(f"{path}: corpus file not found (source {manifest.name}; set RESEARCH_CORPUS_DIR?)")
    report = LoadReport(source=manifest.name)
    authorities: list[Authority] = []
    seen: set[str] = set()
    divisions = DivisionTracker()  # fed every record, skipped ones too: a Part heading may stand alone
    line_no = 0
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line_no, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{path}: line {line_no}: bad JSON: {exc.msg}") from exc
                if not isinstance(record, dict) or not record.get("id"):
                    raise CorpusError(f"{path}: line {line_no}: record has no id")
                report.read += 1
                authority = _authority(manifest, record, divisions)
                reason = skip_reason(record, authority.text.strip(), authority.heading, manifest.kind)
                if reason is None and authority.id in seen:
                    reason = "duplicate id"
                if reason:
                    report.skipped[reason] += 1
                    if reason == "repealed":
                        report.repealed.append(authority)
                    continue
                seen.add(authority.id)
                authorities.append(authority)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: line {line_no + 1}: unreadable ({exc})") from exc
    return authorities, report
