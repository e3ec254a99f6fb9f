"""Recognise citations in text: statutes by pattern, reporters with eyecite.

`statute_key` and `reporter_key` are the one definition of "same authority" for citations:
the stored citation of an authority and a citation typed in a query map to the same key.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from research.domain.types import Kind
from research.jurisdictions import REGISTRY

# (jurisdiction, pattern) in the registry's order: each jurisdiction's patterns in its own order
_STATUTE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (jurisdiction.code, pattern) for jurisdiction in REGISTRY for pattern in jurisdiction.statute_citations)


@dataclass(frozen=True)
class CitationMatch:
    """A citation found in text: its key, any pinpoint, and its character span."""

    key: str
    pin: str
    start: int
    end: int
    # with the case name before it and the pin and parenthetical after it, where eyecite finds them
    full_start: int | None = None
    full_end: int | None = None


def statute_key(jurisdiction: str, section: str, title: str | None = None) -> str:
    """Canonical key of a statute section, e.g. ('US-federal', '107', '17') -> 'US-federal|17|107'."""
    section = section.strip().rstrip(".").lower()
    return f"{jurisdiction}|{title.lower()}|{section}" if title else f"{jurisdiction}|{section}"


def reporter_key(citation: str) -> str:
    """Canonical key of a reporter citation: '384 U. S. 436' -> '384 u.s. 436'."""
    match = re.match(r"\s*(\d+)\s+(.+?)\s+(\d+)\s*$", citation)
    if not match:
        return citation.strip().lower()
    volume, reporter, page = match.groups()
    compact = re.sub(r"\s+", "", reporter).lower()
    return f"{volume} {compact} {page}"


@functools.cache
def _reporter_volumes() -> tuple[str, dict[str, tuple[str, int]]]:
    """The date of reporter_volumes.toml, and its reporters by compact name ("l.ed.2d") -> (name, last volume)."""
    data = tomllib.loads((Path(__file__).parent / "reporter_volumes.toml").read_text(encoding="utf-8"))
    return str(data["as_of"]), {re.sub(r"\s+", "", name).lower(): (name, int(last))
                                for name, last in data["last_volume"].items()}


def beyond_last_volume(key: str) -> str:
    """Why a reporter citation ("999 U.S. 999", or its key "999 u.s. 999") cannot exist, when its volume lies past
    the reporter's last (reporter_volumes.toml); "" otherwise."""
    match = re.match(r"\s*(\d+)\s+(.+?)\s+\S+\s*$", key)
    if not match:
        return ""
    as_of, reporters = _reporter_volumes()
    volume, reporter = int(match.group(1)), reporters.get(re.sub(r"\s+", "", match.group(2)).lower())
    if reporter is None or volume <= reporter[1]:
        return ""
    return f"the {reporter[0]} reporter had no volume past {reporter[1]} by {as_of}, so volume {volume} does not exist"


def find_statute_citations(text: str, jurisdiction: str | None = None) -> list[CitationMatch]:
    """Statute citations in `text` of every registered jurisdiction's code (research.jurisdictions), or of the one
    named."""
    found = []
    for code, pattern in _STATUTE_PATTERNS:
        if jurisdiction is not None and code != jurisdiction:
            continue
        for m in pattern.finditer(text):
            title = m.groupdict().get("title")
            found.append(CitationMatch(statute_key(code, m.group("section"), title),
                                       re.sub(r"\s", "", m.group("pin") or ""), m.start(), m.end()))
    return sorted(found, key=lambda c: c.start)


def find_reporter_citations(text: str) -> list[CitationMatch]:
    """Full case citations (e.g. '384 U.S. 436, 444') in `text`, found by eyecite (not even loaded for a text
    without a digit: a full citation has a volume and a page)."""
    if not any(character.isdigit() for character in text):
        return []
    return find_case_citations(text)[0]


@dataclass(frozen=True)
class ShortCitation:
    """A citation that refers back to an earlier one: `Id. at 80`, `id. § 99-103(b)`, `901 U.S. at 79`,
    `Pemberton, supra, at 82`, or a section written alone after its code was named (`§ 99-104`)."""

    form: str  # "id", "short", "supra" or "section"
    start: int
    end: int
    pin: str  # "80" (a page) or "(b)" (a subsection)
    refers_to: str  # short: the volume's key ('901 u.s.'); supra: the name written; section: the section number


_AFTER_ID = re.compile(r"\s*(?:§\s*(?P<section>\d[\w.:-]*\w))?(?P<labels>(?:\s?\([A-Za-z0-9]{1,5}\))*)")
_LONE_SECTION = re.compile(r"(?<![\w.])§\s*(?P<section>\d[\w.:-]*\w)(?P<labels>(?:\([A-Za-z0-9]{1,5}\))*)")


def find_case_citations(text: str) -> tuple[list[CitationMatch], list[ShortCitation]]:
    """The full case citations of `text` and its short forms (`Id.`, short case citations, `supra`), in one eyecite
    pass; an `Id.` followed by a section or subsection labels (`id. § 99-103(b)`, `Id. (c)`) takes them as its pin."""
    from eyecite import get_citations
    from eyecite.models import FullCaseCitation, IdCitation, ShortCaseCitation, SupraCitation

    full: list[CitationMatch] = []
    short: list[ShortCitation] = []
    for citation in get_citations(text):
        start, end = citation.span()
        if isinstance(citation, FullCaseCitation):
            groups = citation.groups
            if not groups.get("volume") or not groups.get("page"):
                continue
            key = reporter_key(f"{groups['volume']} {citation.corrected_reporter()} {groups['page']}")
            full_start, full_end = citation.full_span()
            full.append(CitationMatch(key, (citation.metadata.pin_cite or "").lstrip(", "), start, end, full_start,
                                      full_end))
            continue
        pin = re.sub(r"^at\s+", "", (citation.metadata.pin_cite or "").strip(", "))
        if isinstance(citation, IdCitation):
            after = _AFTER_ID.match(text, end)
            section = ""
            if after is not None and not pin:
                section = after.group("section") or ""
                pin = re.sub(r"\s", "", after.group("labels") or "")
                end = after.end() if (section or pin) else end
            short.append(ShortCitation("id", start, end, pin, section))
        elif isinstance(citation, ShortCaseCitation):
            groups = citation.groups
            if groups.get("volume"):
                volume = reporter_key(f"{groups['volume']} {citation.corrected_reporter()} 1").rpartition(" ")[0]
                short.append(ShortCitation("short", start, end, pin or groups.get("page", ""), volume))
        elif isinstance(citation, SupraCitation):
            name = (citation.metadata.antecedent_guess or "").strip()
            name_start = text.rfind(name, 0, start) if name else -1
            short.append(ShortCitation("supra", name_start if name_start >= 0 else start, end, pin, name))
    return full, short


def find_lone_sections(text: str, taken: list[tuple[int, int]]) -> list[ShortCitation]:
    """Sections written alone (`§ 99-104(a)`), outside the `taken` spans of the text's other citations."""
    return [ShortCitation("section", m.start(), m.end(), m.group("labels"), m.group("section"))
            for m in _LONE_SECTION.finditer(text) if not any(begin <= m.start() < stop for begin, stop in taken)]


_REPORTER_SCAN = re.compile(
    r"\b(?P<volume>\d{1,4})\s+(?P<reporter>U\.\s?S\.|S\.\s?Ct\.|L\.\s?Ed\.(?:\s?2d)?|Dall\.|Cranch|Wheat\.|"
    r"Pet\.|How\.|Black|Wall\.)\s+(?P<page>\d{1,5})\b")


def scan_reporter_citations(text: str) -> list[CitationMatch]:
    """Supreme Court reporter citations ('347 U.S. 483', '74 S. Ct. 686', '2 Dall. 419') by pattern.

    Whole opinions are scanned at ingest, where eyecite would cost minutes; queries use eyecite.
    """
    return [CitationMatch(reporter_key(f"{m['volume']} {m['reporter']} {m['page']}"), "", m.start(), m.end())
            for m in _REPORTER_SCAN.finditer(text)]


def find_citations(text: str) -> list[CitationMatch]:
    """Every recognised citation in `text`, in order of appearance."""
    return sorted(find_statute_citations(text) + find_reporter_citations(text), key=lambda c: c.start)


def authority_keys(jurisdiction: str, kind: str, citations: list[str]) -> list[str]:
    """The keys under which an authority is found by citation."""
    if kind == Kind.OPINION:
        return [reporter_key(c) for c in citations]
    return [m.key for c in citations for m in find_statute_citations(c, jurisdiction)]


_NAME_WORD = r"[A-Z][\w.'’&-]*"
# a case name as briefs write it: "Erie Railroad v. Tompkins", "Wolf v. Colorado", "Miranda v. Arizona"
CASE_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:of|the|ex rel\.|{_NAME_WORD}))*\s+v\.\s+{_NAME_WORD}"
                       rf"(?:\s+(?:of|the|{_NAME_WORD}))*")
# words that open a party's name but do not name it, and the sentence's own first words a case-name match can start
# with ("Is Wolf v. Colorado still good law?")
_PARTY_FILLER = frozenset("the of ex rel. rel in re is was does did can could may under after before whether how "
                          "what why when since".split())


def party_word(party: str) -> str:
    """The word a party is known by, lowercased: its first word that is not filler ('The Erie Railroad' ->
    'erie', "M'culloch" -> "m'culloch")."""
    words = [w.strip(".,;:'’").lower() for w in party.split()]
    return next((w for w in words if w and w not in _PARTY_FILLER), "")


def case_name_key(name: str) -> str | None:
    """'erie|tompkins' for 'Erie Railroad v. Tompkins' (or 'Erie R. Co. v. Tompkins'); None for no case name."""
    first, separator, second = name.partition(" v. ")
    if not separator:
        return None
    first_word, second_word = party_word(first), party_word(second)
    return f"{first_word}|{second_word}" if first_word and second_word else None


def find_case_names(text: str) -> list[str]:
    """The case names written in `text` ("Erie Railroad v. Tompkins"), in order."""
    return [m.group(0) for m in CASE_NAME.finditer(text)]
