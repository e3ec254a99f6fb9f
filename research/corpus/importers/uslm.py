"""The U.S. Code in USLM XML (the Office of the Law Revision Counsel's `uscNN.xml`), one record per section.

A section's text is its words in document order without its number, its heading, its source credit and its notes
(editorial and statutory notes are the publisher's, not the law); subsection labels and headings are kept, one
line per level, indented as the mirror's records are.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO

NS = "{http://xml.house.gov/schemas/uslm/1.0}"
_LEVELS = ("subsection", "paragraph", "subparagraph", "clause", "subclause", "item", "subitem", "subsubitem")
# editorial and statutory notes and the source credit are not the law's words; a footnote ("So in original") is
# kept where it stands, as the mirror keeps it
_SKIPPED = {f"{NS}{tag}" for tag in ("notes", "sourceCredit")}
_DIVISIONS = {f"{NS}{tag}" for tag in ("title", "subtitle", "chapter", "subchapter", "part", "subpart", "division",
                                      "subdivision", "article", "courtRules", "reorganizationPlans", "compiledAct")}
_RECORDS = {f"{NS}{tag}" for tag in ("section", "courtRule", "reorganizationPlan")}
_SECTION_ID = re.compile(r"^/us/usc/t(?P<title>\w+)/s(?P<section>[^/]+)$")


class UslmError(ValueError):
    """A file that is not USLM XML of the U.S. Code, with where."""


def read_title(stream: IO[bytes], name: str, source: str, release: str = "") -> Iterator[dict]:
    """The sections of one title file (and an appendix's court rules and reorganization plans), as records, read as
    the file streams: each record's elements are dropped once it is read, so memory stays that of one record and
    the divisions around it, whatever the title's size. A number printed twice in a title (an appendix's) gets
    `#2`, `#3`... on its second and later records' ids."""
    open_elements: list[ET.Element] = []  # the element being read and its ancestors, root first
    top: ET.Element | None = None  # the title (<main><title>) or the appendix
    facts = {"publication": "", "doc_number": ""}
    title_num = title_heading = ""
    seen: dict[str, int] = {}
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                if not open_elements and element.tag != f"{NS}uscDoc":
                    raise UslmError(f"{name}: the root element is {element.tag!r}, not USLM's uscDoc")
                open_elements.append(element)
                if top is None and _is_top(open_elements):
                    top = element
                continue
            open_elements.pop()
            if element.tag == f"{NS}docPublicationName":  # "Online@119-36": the release point
                facts["publication"] = facts["publication"] or _text(element)
            elif element.tag == f"{NS}docNumber":
                facts["doc_number"] = facts["doc_number"] or _text(element)
            if top is None or top not in open_elements or any(a.tag in _RECORDS for a in open_elements):
                continue  # outside the title, or a part of a record (read with it)
            if element.tag not in _RECORDS:
                if element.tag in _SKIPPED or element.tag == f"{NS}toc":
                    open_elements[-1].remove(element)  # notes and tables of contents between records: not read
                continue
            if any(a.tag in _SKIPPED for a in open_elements):
                continue  # a section quoted in a note is the note's
            if not title_num:
                title_num, title_heading = _title_facts(top, facts["doc_number"])
            hierarchy = [_label(a) for a in open_elements[open_elements.index(top):] if a is top or a.tag in _DIVISIONS]
            record = _section(element, hierarchy, title_num, title_heading, source, release or facts["publication"])
            open_elements[-1].remove(element)
            if record is None:
                continue
            seen[record["id"]] = seen.get(record["id"], 0) + 1
            if seen[record["id"]] > 1:
                record["id"] += f"#{seen[record['id']]}"
            yield record
    except ET.ParseError as exc:
        raise UslmError(f"{name}: not well-formed XML ({exc})") from exc
    if top is None:
        raise UslmError(f"{name}: neither <main><title> nor <appendix>: not a title of the U.S. Code")


def _is_top(open_elements: list[ET.Element]) -> bool:
    """Whether the element just opened is the title (uscDoc/main/title) or the appendix (uscDoc/appendix)."""
    tags = [e.tag for e in open_elements]
    return tags == [f"{NS}uscDoc", f"{NS}main", f"{NS}title"] or tags == [f"{NS}uscDoc", f"{NS}appendix"]


def _title_facts(top: ET.Element, doc_number: str) -> tuple[str, str]:
    """The title's number as cited ("5A", "17") and its heading."""
    title_num = doc_number or top.get("identifier", "").split("/t")[-1]
    return (title_num.upper() if title_num[-1:].isalpha() else title_num), _text(top.find(f"{NS}heading"))


def _label(division: ET.Element) -> str:
    """A division as the hierarchy names it: its number and heading ("CHAPTER 1— PERMITS")."""
    return f"{_text(division.find(f'{NS}num'))} {_text(division.find(f'{NS}heading'))}".strip()


def _section(section: ET.Element, hierarchy: list[str], title_num: str, title_heading: str, source: str,
             release: str) -> dict | None:
    identifier = section.get("identifier", "")
    kind = section.tag.removeprefix(NS)
    found = _SECTION_ID.match(identifier)
    num = section.find(f"{NS}num")
    if kind == "reorganizationPlan":  # numbered by year: the plan's identifier is its number
        number = identifier
    elif kind == "courtRule":
        number = (num.get("value") if num is not None else None) or _text(num).removeprefix("Rule").strip(" .")
    else:  # a repealed or transferred range has no identifier: its number as printed ("[§§ 202 to 204.")
        number = found.group("section").replace("...", " to ") if found else _text(num).strip("[]§. ")
    if not number:
        return None
    title = title_num.lower()
    credit = section.find(f"{NS}sourceCredit")
    lines: list[str] = []
    _lines(section, 0, lines, top=True)
    key, citation = f"us:usc:{title}:{number}", f"{title_num} U.S.C. § {number}"
    if kind == "courtRule":
        key, citation = f"us:usc:{title}:courtRule:{number}", f"{title_num} U.S.C. App., Rule {number}"
    elif kind == "reorganizationPlan":
        key = f"us:usc:{title}:reorganizationPlan:{number}"
    return {"id": key, "kind": kind, "jurisdiction": "US-federal", "source": source,
            "code": "United States Code", "citation": citation, "title": title,
            "title_heading": title_heading, "hierarchy": hierarchy, "section": number, "identifier": identifier,
            "heading": _text(section.find(f"{NS}heading")), "status": section.get("status"),
            "text": "\n".join(lines), "source_credit": _text(credit) if credit is not None else None,
            "release_point": release}


def _lines(element: ET.Element, depth: int, lines: list[str], top: bool = False) -> None:
    """The element's words as lines: a level (subsection, paragraph...) starts a line with its label, indented; a line
    that does not start with a label (a section's own words, a level's words after its sublevels) is indented one
    space more, as the mirror's records are."""
    pieces: list[str] = []
    labelled = not top  # the level's first line starts with its label

    def flush() -> None:
        nonlocal pieces, labelled
        if pieces:
            lines.append("  " * depth + ("" if labelled else " ") + " ".join(" ".join(pieces).split()))
        pieces, labelled = [], False

    for child in element:
        if child.tag in _SKIPPED or (top and child.tag in (f"{NS}num", f"{NS}heading")):
            continue
        if child.tag.removeprefix(NS) in _LEVELS:
            flush()
            _lines(child, depth + 1, lines)
            labelled = False
            continue
        if child.tag == f"{NS}continuation":  # words after the sublevels, at the level's own indent
            flush()
            labelled = True
        pieces.append(_text(child))
    flush()


def _text(element: ET.Element | None) -> str:
    """An element's words, the notes and source credits inside it left out, spaces folded."""
    if element is None:
        return ""
    words: list[str] = []

    def walk(node: ET.Element) -> None:
        if node.text:
            words.append(node.text)
        for child in node:
            if child.tag not in _SKIPPED:
                walk(child)
            if child.tail:
                words.append(child.tail)

    walk(element)
    return " ".join("".join(words).split())
