"""The D.C. Code in the D.C. Council's law-xml (`us/dc/council/code/titles/N/sections/SECTION.xml`), one record per
section.

A title's `index.xml` gives the place of each section (Title, Chapter, Subchapter...); a section file gives its
number, heading, text and annotations. The text is the section's words in document order, one line per paragraph,
indented two spaces per level as the mirror's records are; annotations are the publisher's (history, notes, cross
references): the history is kept as a list, the others only counted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

NS = "{https://code.dccouncil.us/schemas/dc-library}"
XINCLUDE = "{http://www.w3.org/2001/XInclude}include"
SECTION_PATH = re.compile(r"(^|/)us/dc/council/code/titles/(?P<title>[^/]+)/sections/(?P<section>[^/]+)\.xml$")
TITLE_INDEX_PATH = re.compile(r"(^|/)us/dc/council/code/titles/(?P<title>[^/]+)/index\.xml$")


class DcLawXmlError(ValueError):
    """A file that is not law-xml of the D.C. Code, with where."""


def _parse(stream: IO[bytes], name: str) -> ET.Element:
    try:
        return ET.parse(stream).getroot()
    except ET.ParseError as exc:
        raise DcLawXmlError(f"{name}: not well-formed XML ({exc})") from exc


def read_title_index(stream: IO[bytes], name: str) -> dict[str, dict]:
    """Where each section of a title sits, by the file name its index includes: `{"3-101.xml": {"title": "3",
    "title_heading": ..., "hierarchy": ["Title 3 — ...", "Chapter 1 — ..."]}}`."""
    root = _parse(stream, name)
    if root.tag != f"{NS}container":
        raise DcLawXmlError(f"{name}: the root element is {root.tag!r}, not law-xml's container")
    title = _words(root.find(f"{NS}num"))
    title_heading = _words(root.find(f"{NS}heading"))
    places: dict[str, dict] = {}

    def walk(container: ET.Element, hierarchy: list[str]) -> None:
        for child in container:
            if child.tag == f"{NS}container":
                label = f"{_words(child.find(f'{NS}prefix'))} {_words(child.find(f'{NS}num'))}".strip()
                heading = _words(child.find(f"{NS}heading"))
                walk(child, [*hierarchy, f"{label} — {heading}" if heading else label])
            elif child.tag == XINCLUDE:
                href = child.get("href", "").rsplit("/", 1)[-1]
                places[href] = {"title": title, "title_heading": title_heading, "hierarchy": hierarchy}

    walk(root, [f"Title {title} — {title_heading}"])
    return places


def read_section(stream: IO[bytes], name: str, source: str, place: dict | None = None) -> dict:
    """One section file as a record (`place` from its title's index; without it the hierarchy is empty)."""
    root = _parse(stream, name)
    if root.tag != f"{NS}section":
        raise DcLawXmlError(f"{name}: the root element is {root.tag!r}, not law-xml's section")
    number = _words(root.find(f"{NS}num"))
    if not number:
        raise DcLawXmlError(f"{name}: the section has no <num>")
    place = place or {}
    lines: list[str] = []
    _lines(root, 0, lines)
    annotations = root.findall(f"{NS}annotations/{NS}annotation")
    history = [_words(a) for a in annotations if a.get("type") == "History"]
    reason = _words(root.find(f"{NS}reason"))
    found = SECTION_PATH.search(name)
    return {"id": f"us-dc:dc-code:{number}", "jurisdiction": "US-DC", "source": source, "code": "D.C. Code",
            "citation": f"D.C. Code § {number}", "title": place.get("title") or number.split("-", 1)[0],
            "title_heading": place.get("title_heading", ""), "hierarchy": place.get("hierarchy", []),
            "section": number, "heading": _words(root.find(f"{NS}heading")), "text": "\n".join(lines),
            "history": history, "path": name[found.start():].lstrip("/") if found else name,
            "n_annotations": sum(1 for a in annotations if a.get("type") != "History"),
            "status": "repealed" if reason.lower().startswith("repeal") else None}


_SECTION_LABELS = {f"{NS}num", f"{NS}heading"}  # a section's own number and heading are fields of the record


def _lines(element: ET.Element, depth: int, lines: list[str]) -> None:
    """A section's or paragraph's words as lines, indented two spaces per paragraph level: each element its own line,
    a paragraph's number on the line of the element after it ("(a) Definitions. —")."""
    number = ""
    for child in element:
        if child.tag == f"{NS}annotations" or (depth == 0 and child.tag in _SECTION_LABELS):
            continue
        if child.tag == f"{NS}num":
            number = _words(child)
            continue
        if child.tag == f"{NS}para":
            _add(number, depth, lines)
            number = ""
            _lines(child, depth + 1, lines)
            continue
        _add(f"{number} {_words(child)}", depth, lines)
        number = ""
    _add(number, depth, lines)


def _add(line: str, depth: int, lines: list[str]) -> None:
    line = " ".join(line.split())
    if line:
        lines.append("  " * depth + line)


def _words(element: ET.Element | None) -> str:
    """An element's words, spaces folded."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
