"""What the project knows of one jurisdiction: how its statutes are cited and how a question names it.

Each jurisdiction's module (us_dc.py, us_hi.py, ...) defines one `Jurisdiction`; research.jurisdictions
lists them in the order every caller uses.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

OUTLINES_DIR = Path(__file__).parent / "outlines"

# A section number after "§" ("§ 42-3505.01", "§§ 28:2-725") and any subsection pinpoint ("(a)(2)"): the tail
# of every statute citation pattern. Groups `section` and `pin` (research.corpus.citations reads them).
SECTION = r"§+\s*(?P<section>[0-9][0-9A-Za-z:.\-]*[0-9A-Za-z])(?P<pin>(?:\s?\([0-9A-Za-z.\-]+\))*)"


@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction the corpus covers.

    `statute_citations`: patterns of a citation to its code, tried in order (research.corpus.citations); each
    has the groups of `SECTION`, and `title` where the code is cited by title ("17 U.S.C. § 107").
    `place_names`: a pattern, matched against lower-cased text, of the places and laws whose mention in a
    question names the jurisdiction (research.answer.scope).
    `follow_up_name`: a pattern of the name that, after "in ", opens a follow-up question ("in Hawaii?",
    research.answer.followup).
    `example_citation`: a citation of one of its sections in the usual form, which `statute_citations` must
    recognise (tests/test_jurisdictions.py).
    `part_heading_records`: its statute records include some that hold only a Part heading, without a
    section (research.corpus.sources skips the short ones as empty).
    `code_name`, `division`: how its code and the code's divisions are named ("C.R.S.", "title"), to say which
    divisions the corpus holds when an answer finds no authority.
    `code_title`, `titles`: the code's full name and every title of the code as enacted, by number with its name,
    from outlines/<code>.toml, for a code the corpus may hold only part of (research.answer.coverage tells a
    question about an absent title); empty where the corpus holds the whole code. `title_subjects`: what each
    title chiefly governs, where the outline says.
    `courts`: the court ids of its courts in CourtListener's data ("scotus", "dc") and the Caselaw Access Project's
    jurisdiction slug ("us", "dc"), by which research.corpus.importers places an imported opinion.
    """

    code: str
    name: str
    statute_citations: tuple[re.Pattern[str], ...]
    place_names: str
    follow_up_name: str
    example_citation: str
    part_heading_records: bool = False
    code_name: str = "the code"
    division: str = "title"
    code_title: str = ""
    titles: tuple[tuple[str, str], ...] = ()
    title_subjects: tuple[tuple[str, str], ...] = ()  # (number, what the title chiefly governs), where known
    courts: tuple[str, ...] = ()

    def division_of(self, citation: str) -> str | None:
        """The division of the code a statute citation is in: its title ("17 U.S.C. § 107" -> "17") or the part
        of the section number before the first dash ("C.R.S. § 6-1-1304" -> "6"); None when not its citation."""
        for pattern in self.statute_citations:
            match = pattern.search(citation)
            if match:
                title = match.groupdict().get("title")
                return title if title else re.split(r"[-:]", match.group("section"), maxsplit=1)[0]
        return None


def with_outline(jurisdiction: Jurisdiction) -> Jurisdiction:
    """The jurisdiction with the code's titles of outlines/<code>.toml, when there is such a file."""
    path = OUTLINES_DIR / f"{jurisdiction.code}.toml"
    if not path.exists():
        return jurisdiction
    outline = tomllib.loads(path.read_text(encoding="utf-8"))
    if outline.get("code") != jurisdiction.code:
        raise ValueError(f"{path} is the outline of {outline.get('code')!r}, not of {jurisdiction.code}")
    unknown = set(outline.get("subjects", {})) - set(outline["titles"])
    if unknown:
        raise ValueError(f"{path}: subjects of titles it does not list: {', '.join(sorted(unknown))}")
    return replace(jurisdiction, code_title=outline["code_title"], titles=tuple(outline["titles"].items()),
                   title_subjects=tuple(outline.get("subjects", {}).items()))
