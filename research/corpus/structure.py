"""How codes print their divisions inside a record's text: Part and Article headings, as pure text checks."""

from __future__ import annotations

import re

_SECTION_LINE = re.compile(r"^\[?§")


MAJOR_DIVISION = re.compile(r"^\[?\s*(part|article)\b", re.IGNORECASE)


_DIVISION_LINE_MAX = 120


_NUMBERED_DIVISION = re.compile(r"^\[?\s*(part|subpart|article)\s+[ivxlc\d]+[a-z]?\b\.?\]?", re.IGNORECASE)


def is_division_heading(text: str) -> bool:
    """Whether a line is a numbered division's heading ("[PART V.] WHISTLEBLOWERS' PROTECTION ACT",
    "ARTICLE 2. FORMATION"), as codes print them inside a section's text."""
    line = text.strip()
    return bool(_NUMBERED_DIVISION.match(line)) and len(line) <= _DIVISION_LINE_MAX


def unbracketed(text: str) -> str:
    """`text` without the editors' square brackets, whitespace collapsed: "[PART V.] X" -> "PART V. X"."""
    return " ".join(text.replace("[", "").replace("]", "").split())


def division_lines(text: str) -> list[str]:
    """Headings of the divisions that open at this record: the short lines a code prints above a section's
    own line ("[PART V.] WHISTLEBLOWERS' PROTECTION ACT", "B. Board of Education"), brackets dropped; a
    record with no section line (a Part heading alone) is all heading."""
    lines: list[str] = []
    for line in text.strip().splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if _SECTION_LINE.match(line) or len(line) > _DIVISION_LINE_MAX or len(lines) == 3:
            break
        lines.append(unbracketed(line))
    return lines
