"""How codes print their divisions inside a record's text: Part and Article headings, as pure text checks."""

from __future__ import annotations

import re

SECTION_LINE = re.compile(r"^\[?§")  # a section's own line: "§7-1 Lanterns.", "[§7-2] Wicks."


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
        if SECTION_LINE.match(line) or len(line) > _DIVISION_LINE_MAX or len(lines) == 3:
            break
        lines.append(unbracketed(line))
    return lines


# A publisher's note printed inside a record's text: Colorado's "Editor's note:" and "Cross references:" lines,
# the uniform acts' "Convention source:" lines. Context, never the rule (../shared/corpora/README.md).
_EDITORIAL_NOTE = re.compile(
    r"^[ \t]*\[?(?:editor'?s note|cross references?|related to convention|convention source|source|history)\s*:",
    re.IGNORECASE | re.MULTILINE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)


def editorial_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the editorial notes in a record's text: each note line, to its end."""
    spans = []
    for match in _EDITORIAL_NOTE.finditer(text):
        end = text.find("\n", match.start())
        spans.append((match.start(), len(text) if end < 0 else end))
    return spans


def is_shouting(line: str) -> bool:
    """Whether a line or sentence is printed in capitals, as notice forms are ("NOTICE: THIS CONTRACT ...")."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def context_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of what a record's text holds as context, never as the rule: editorial notes
    (`editorial_spans`) and the notices a statute prescribes, printed as paragraphs that address the reader
    ("You have a right to ... For more information, call or write ...") or in capitals ("NOTICE: ...")."""
    spans = editorial_spans(text)
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip() and (is_shouting(line) or _SECOND_PERSON.search(line)):
            spans.append((start, end))
        start = end + 1
    return sorted(spans)


_CAPTION_LINE_MAX = 80


def caption_end(text: str) -> int:
    """Where an opinion's caption ends: its text opens with short lines or lines in capitals (the reporter citation,
    the parties, "v.", the docket number, the court, the dates, "CERTIORARI TO ..."), which are the case's name and
    history, never what it holds. 0 for a text that opens with prose."""
    for line in re.finditer(r"[^\n]+", text):
        words = line.group().strip()
        if len(words) > _CAPTION_LINE_MAX and not is_shouting(words):
            return line.start()
    return len(text)


# the line that opens a justice's separate opinion: "MR. JUSTICE HARLAN, whom MR. JUSTICE STEWART joins, dissenting.",
# "Justice Thomas, concurring in the judgment." (the syllabus's "HARLAN, J., filed a dissenting opinion" is not one)
_SEPARATE_OPINION_LINE = re.compile(
    r"^[ \t]*[^\n]{0,250}?\bjustice\b[^\n]{0,250}?\b(?:dissenting|concurring)\b"
    r"(?:\s+(?:in|and|with)\b[^\n]{0,80})?[.:]?[ \t]*$",
    re.IGNORECASE | re.MULTILINE)


def court_opinion_end(text: str) -> int:
    """Where the opinion of the Court ends in an opinion's text: at the line that opens the first concurrence or
    dissent (what one justice writes is not what the Court holds); the text's length when there is none."""
    for line in _SEPARATE_OPINION_LINE.finditer(text):
        words = line.group().lower()
        if "filed" not in words and "delivered" not in words:
            return line.start() + len(line.group()) - len(line.group().lstrip())
    return len(text)


_FIRST_FOOTNOTE = re.compile(r"^\[1\][ \t]", re.MULTILINE)
_INLINE_FIRST_MARKER = re.compile(r"[^\n]\[1\]")


def court_opinion_body_end(text: str) -> int:
    """Where the text of the opinion of the Court ends: at the footnotes printed after it (the paragraph "[1] ..."
    following a "[1]" marker in the text; a footnote's page is its marker's, not where it is printed) or at the
    first separate opinion."""
    end = court_opinion_end(text)
    for first in _FIRST_FOOTNOTE.finditer(text, 0, end):
        if _INLINE_FIRST_MARKER.search(text, 0, first.start()):
            return first.start()
    return end
