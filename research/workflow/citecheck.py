"""The cite-checker: every citation of a brief, memo or letter checked against the corpus.

For each case citation (eyecite) and statute citation of our jurisdictions: does it exist (resolved to a corpus
authority; "not in the corpus" when the corpus does not hold that reporter volume or code title, which is unknown,
not fake; "no such citation" when the corpus holds the code title and the section is not in it), does the case
name written before it match the case the citation resolves to, is the pin within the opinion's pages or an
existing subsection, are the quotations attributed to it found in its text, and has a later opinion overruled it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from research.corpus.chunking import STAR_PAGE, first_page
from research.corpus.citations import CASE_NAME, case_name_key, find_reporter_citations, find_statute_citations
from research.domain.answer import NEGATIVE_TREATMENTS
from research.domain.markup import escape_markdown
from research.domain.types import Authority

_QUOTE = re.compile(r"[“\"]([^”\"]{12,600})[”\"]")
_ELLIPSIS = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\s*")
_LABEL = re.compile(r"\(([^()]+)\)")

# most serious first: the order problems are reported in
SEVERITY = ("no such citation", "name does not match", "quotation not found", "pin not found", "negative treatment",
            "not in the corpus")


@dataclass
class CheckedCitation:
    """One citation of the document and what the check found."""

    text: str
    start: int
    end: int
    kind: str  # "case" or "statute"
    pin: str = ""  # the pinpoint written with it: "78", "(b)(2)"
    authority_id: str | None = None
    status: str = "found"  # found, not in the corpus, no such citation
    problems: list[dict] = field(default_factory=list)  # {"kind", "detail"}

    def problem(self, kind: str, detail: str) -> None:
        """Record a problem of a kind of SEVERITY."""
        self.problems.append({"kind": kind, "detail": detail})

    def to_dict(self) -> dict:
        """The `research check --json` object of one citation."""
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind, "pin": self.pin,
                "authority_id": self.authority_id, "status": self.status, "problems": self.problems}


@dataclass(frozen=True)
class CheckSources:
    """What the checker resolves against (research.wiring builds it from an index)."""

    ids_for: Callable[[str], list[str]]  # a citation key -> authority ids
    authority: Callable[[str], Authority | None]
    holds: Callable[[str], bool]  # a citation key -> whether the corpus holds its reporter volume or code title
    treatment_of: Callable[[str], list[dict]]
    searched: str  # which sources were searched, said with "not in the corpus"


def check_document(text: str, sources: CheckSources) -> list[CheckedCitation]:
    """Every citation of `text` checked, in order of appearance."""
    checked: list[CheckedCitation] = []
    previous_end = 0
    found = [(c, "case") for c in find_reporter_citations(text)] + [(c, "statute") for c in
                                                                      find_statute_citations(text)]
    for match, kind in sorted(found, key=lambda item: item[0].start):
        citation = CheckedCitation(text[match.start:match.end], match.start, match.end, kind, match.pin)
        ids = sources.ids_for(match.key)
        if not ids:
            if kind == "statute" and sources.holds(match.key):
                citation.status = "no such citation"
                citation.problem("no such citation", f"{citation.text}: the corpus holds this code title, and no "
                                                     "such section is in it")
            else:
                citation.status = "not in the corpus"
                citation.problem("not in the corpus", f"{citation.text} is not among {sources.searched}: unknown, "
                                                      "not necessarily wrong")
            checked.append(citation)
            previous_end = match.end
            continue
        citation.authority_id = ids[0]
        authority = sources.authority(ids[0])
        if authority is not None:
            before = text[previous_end:match.start]
            if kind == "case":
                _check_name(citation, before, authority)
                _check_page(citation, match.pin, authority)
            else:
                _check_subsection(citation, match.pin, authority)
            _check_quotes(citation, before, authority)
        by_case: dict[str, dict] = {}  # one problem per later case: its first sentence is the evidence
        for treatment in sources.treatment_of(ids[0]):
            if treatment["kind"] in NEGATIVE_TREATMENTS:
                by_case.setdefault(treatment["citation"], treatment)
        for treatment in by_case.values():
            citation.problem("negative treatment", f"{treatment['kind']} by {treatment['citation']} "
                                                   f"{treatment['pin']}: \"{treatment['quote']}\"")
        checked.append(citation)
        previous_end = match.end
    return checked


def _check_name(citation: CheckedCitation, before: str, authority: Authority) -> None:
    names = [m for m in CASE_NAME.finditer(before) if not before[m.end():].strip(" ,\n")]
    if not names:
        return
    written = names[-1].group(0)
    if case_name_key(written.replace("’", "'")) == case_name_key(authority.heading.replace("’", "'")):
        return
    # a name written short or cut at a comma ("Inc. v. Virginia" of "Railway Express Agency, Inc. v. Virginia") still
    # matches when every word of it that names a party is in the case's name
    if not _name_words(written) <= _name_words(authority.heading, every=True):
        citation.problem("name does not match", f"{citation.text} is {authority.heading}, not {written}")


_NOT_NAMING = frozenset("v v. inc inc. co co. corp corp. ltd ltd. assn assn. the of and & ex rel rel. et al al. "
                        "in re".split())


def _name_words(name: str, every: bool = False) -> set[str]:
    """The words of a case name that name a party (lowercased), or with `every` all of its words."""
    words = {w.strip(".,;:'’()").lower() for w in re.split(r"[\s,]+", name.replace("’", "'")) if w.strip(".,;:'’()")}
    return words if every else {w for w in words if w not in _NOT_NAMING}


def _check_page(citation: CheckedCitation, pin: str, authority: Authority) -> None:
    page = re.match(r"\d+", pin or "")
    low = first_page(authority.citation)
    if page is None or low is None:
        return
    high = max((int(p) for p in STAR_PAGE.findall(authority.text)), default=low)
    if not low <= int(page.group(0)) <= high:
        citation.problem("pin not found", f"page {page.group(0)} is outside {authority.heading}, {authority.citation}"
                                          f" (pages {low}-{high})")


def _check_subsection(citation: CheckedCitation, pin: str, authority: Authority) -> None:
    missing = [label for label in _LABEL.findall(pin or "") if f"({label})" not in authority.text]
    if missing:
        citation.problem("pin not found", f"{authority.citation} has no subsection ({missing[0]})")


def _check_quotes(citation: CheckedCitation, before: str, authority: Authority) -> None:
    """Quotations written since the previous citation, found in its text up to ellipses and brackets."""
    # a brief quotes, then cites: the quotations since the previous citation are this one's
    sentence = before[-800:]
    haystack = _normal(authority.text)
    for quote in _QUOTE.findall(sentence):
        pieces = [_normal(p) for p in _ELLIPSIS.split(quote) if len(_normal(p)) > 3]
        missing = [p for p in pieces if p not in haystack]
        if missing:
            citation.problem("quotation not found", f"\"{quote}\" is not in {authority.citation}")


def _normal(text: str) -> str:
    """Text as quotations are compared: brackets' alterations and punctuation dropped, spaces and case folded."""
    text = re.sub(r"\[([^\]]*)\]", r"\1", text).replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def report_markdown(name: str, checked: list[CheckedCitation]) -> str:
    """The report: a summary line, then each problem, most serious first, with the document's text."""
    problems = sorted(((SEVERITY.index(p["kind"]), c.start, c, p) for c in checked for p in c.problems),
                      key=lambda item: item[:2])
    found = sum(1 for c in checked if c.status == "found")
    lines = [f"# Citation check: {escape_markdown(name)}", "",
             f"{len(checked)} citation(s): {found} found in the corpus, "
             f"{sum(1 for c in checked if c.status == 'not in the corpus')} not in the corpus, "
             f"{sum(1 for c in checked if c.status == 'no such citation')} no such citation.", ""]
    if not problems:
        lines.append("No problem found.")
    for _, _, citation, problem in problems:  # the document's text is shown as text, never as markup
        lines.append(f"- **{problem['kind']}** — {escape_markdown(citation.text)} (characters {citation.start}-"
                     f"{citation.end}): {escape_markdown(problem['detail'])}")
    return "\n".join(lines) + "\n"
