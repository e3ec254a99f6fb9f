"""The cite-checker: every citation of a brief, memo or letter checked against the corpus.

For each case citation (eyecite) and statute citation of our jurisdictions, and each short form that refers back to
one (`Id. at 80`, `id. § 99-103(b)`, `901 U.S. at 79`, `Pemberton, supra, at 82`, a section written alone after its
code): does it exist (resolved to a corpus authority; "not in the corpus" when the corpus does not hold that reporter
volume or code title, which is unknown, not fake; "no such citation" when the corpus holds the code title and the
section is not in it, the page lies inside another case of the volume, or the volume lies past the reporter's
last), does the case name written before it match the case the citation resolves to, is the pin within the
opinion's pages or an existing subsection, are the quotations attributed to it found in its text (and where), does
the cited text support the sentence that cites it, and has a later opinion overruled it or the section been
repealed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tqdm import tqdm

from research.answer.textmatch import content_terms
from research.corpus.chunking import STAR_PAGE, first_page
from research.corpus.citations import (
    CASE_NAME,
    CitationMatch,
    ShortCitation,
    beyond_last_volume,
    case_name_key,
    find_case_citations,
    find_lone_sections,
    find_statute_citations,
)
from research.corpus.sentences import split_sentences
from research.domain.answer import NEGATIVE_TREATMENTS, treatment_label
from research.domain.markup import escape_markdown
from research.domain.types import Authority

_QUOTE = re.compile(r"[“\"]([^”\"]{12,600})[”\"]")
# an omission: an ellipsis, or words put in brackets by the writer ("[the landlord]"); "[T]he" only changes a letter
_GAP = re.compile(r"\s*(?:\.\s?\.\s?\.|…|\[[^\]]{2,}\])\s*")
_LABEL = re.compile(r"\(([^()]+)\)")
# what follows a citation and belongs to it: its pin (", 78", ", at 78-79") and its court and year ("(2031)")
_CITATION_TAIL = re.compile(r"(?:,?\s*(?:at\s+)?\d+(?:[-–]\d+)?(?:\s*n\.\s*\d+)?)?(?:\s*\([^()]{0,40}\d{4}\))?")
SUPPORT_THRESHOLD = 0.5  # share of the citing sentence's content terms found in the best passage of the cited text
MIN_PROPOSITION_TERMS = 4  # a shorter citing sentence says too little to score

# most serious first: the order problems are reported in
SEVERITY = ("no such citation", "name does not match", "quotation not found", "pin not found", "negative treatment",
            "weak support", "short form without a full citation", "not in the corpus")


@dataclass
class CheckedCitation:
    """One citation of the document and what the check found."""

    text: str
    start: int
    end: int
    kind: str  # "case" or "statute"
    pin: str = ""  # the pinpoint written with it: "78", "(b)(2)"
    form: str = "full"  # full, id, short, supra, section
    authority_id: str | None = None
    status: str = "found"  # found, repealed, not in the corpus, no such citation, unresolved
    problems: list[dict] = field(default_factory=list)  # {"kind", "detail"}
    quotes: list[dict] = field(default_factory=list)  # {"text", "found", "start", "end"}: offsets in the cited text
    support: float | None = None  # share of the citing sentence's terms in the best passage of the cited text
    name: str = ""  # the case name written with a full case citation ("Smith v. Jones")

    def problem(self, kind: str, detail: str) -> None:
        """Record a problem of a kind of SEVERITY."""
        self.problems.append({"kind": kind, "detail": detail})

    def to_dict(self) -> dict:
        """The `research check --json` object of one citation."""
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind, "form": self.form,
                "pin": self.pin, "authority_id": self.authority_id, "status": self.status,
                "problems": self.problems, "quotes": self.quotes,
                "support": None if self.support is None else round(self.support, 3), "name": self.name}

    @property
    def shown(self) -> str:
        """The citation as a reader finds it: with the case name written before it ("Smith v. Jones, 999 U.S.
        999")."""
        return f"{self.name}, {self.text}" if self.name else self.text


@dataclass(frozen=True)
class CheckSources:
    """What the checker resolves against (research.wiring builds it from an index)."""

    ids_for: Callable[[str], list[str]]  # a citation key -> authority ids
    authority: Callable[[str], Authority | None]
    holds: Callable[[str], bool]  # a citation key -> whether the corpus holds its reporter volume or code title
    treatment_of: Callable[[str], list[dict]]
    searched: str  # which sources were searched, said with "not in the corpus"
    opinions_in_volume: Callable[[str], list[tuple[int, str]]] = lambda key: []  # (first page, id) by page
    repealed: Callable[[str], dict | None] = lambda key: None  # a section the code lists as repealed: its treatment


@dataclass
class _Seen:
    """What the document has cited so far, for its short forms."""

    last: CheckedCitation | None = None
    last_statute_key: str | None = None
    by_volume: dict[str, list[tuple[int, CheckedCitation]]] = field(default_factory=dict)
    cases: list[tuple[set[str], CheckedCitation]] = field(default_factory=list)


def check_document(text: str, sources: CheckSources, progress: bool = False) -> list[CheckedCitation]:
    """Every citation of `text` checked, in order of appearance (`progress`: a progress bar on standard error)."""
    cases, short = find_case_citations(text)
    full: list[tuple[CitationMatch, str]] = ([(c, "case") for c in cases]
                                              + [(c, "statute") for c in find_statute_citations(text)])
    short += find_lone_sections(text, [(c.start, c.end) for c, _ in full] + [(c.start, c.end) for c in short])
    # a short form inside a quotation is the quoted court's, referring to its own citations: not the document's
    quoted = [m.span(1) for m in _QUOTE.finditer(text)]
    short = [c for c in short if not any(start <= c.start < end for start, end in quoted)]
    found: list[tuple[int, CitationMatch | ShortCitation, str]] = sorted(
        [(c.start, c, kind) for c, kind in full] + [(c.start, c, "") for c in short], key=lambda item: item[0])
    propositions = _Propositions(text, [(c.start, c.end) for _, c, _ in found],
                                 [(c.full_start, c.full_end) for c, _ in full if c.full_start is not None
                                  and c.full_end is not None])
    checked: list[CheckedCitation] = []
    seen = _Seen()
    treated: set[str] = set()  # authorities whose treatment is reported: once, at their first citation
    previous_end = 0
    for _, match, kind in tqdm(found, desc="citations", unit="citation", disable=not progress):
        if isinstance(match, CitationMatch):
            citation = _resolve_full(text, match, kind, sources, seen)
            if kind == "case":
                citation.name = _written_name(text[previous_end:match.start]) or ""
        else:
            citation = _resolve_short(text, match, sources, seen)
        authority = sources.authority(citation.authority_id) if citation.authority_id else None
        if authority is not None:
            if isinstance(match, CitationMatch) and citation.kind == "case":
                _check_name(citation, authority)
                volume, _, page = match.key.rpartition(" ")
                seen.by_volume.setdefault(volume, []).append((int(page) if page.isdigit() else 0, citation))
                seen.cases.append((_name_words(authority.heading, every=True), citation))
            if citation.kind == "case":
                _check_page(citation, citation.pin, authority)
            else:
                _check_subsection(citation, citation.pin, authority)
            _check_quotes(citation, text[previous_end:match.start], authority)
            _check_support(citation, propositions.of(match.start), authority)
            if authority.id not in treated:
                treated.add(authority.id)
                _report_treatment(citation, sources.treatment_of(authority.id))
        checked.append(citation)
        seen.last = citation
        previous_end = match.end
    return checked


def _resolve_full(text: str, match: CitationMatch, kind: str, sources: CheckSources, seen: _Seen) -> CheckedCitation:
    citation = CheckedCitation(text[match.start:match.end], match.start, match.end, kind, match.pin)
    if kind == "statute":
        seen.last_statute_key = match.key
    ids = sources.ids_for(match.key)
    if ids:
        citation.authority_id = ids[0]
    else:
        _unresolved(citation, match.key, sources)
    return citation


def _unresolved(citation: CheckedCitation, key: str, sources: CheckSources) -> None:
    """Status and problem of a citation the corpus does not resolve: no such citation, or not in the corpus."""
    inside = _page_inside_case(key, sources) if citation.kind == "case" else None
    repeal = sources.repealed(key) if citation.kind == "statute" else None
    if repeal is not None:
        citation.status = "repealed"
        _report_treatment(citation, [repeal])
    elif citation.kind == "statute" and sources.holds(key):
        citation.status = "no such citation"
        citation.problem("no such citation", f"{citation.text}: the corpus holds this code title, and no such "
                                             "section is in it")
    elif inside is not None:
        citation.status = "no such citation"
        citation.problem("no such citation", f"{citation.text}: no case begins on that page; it lies inside "
                                             f"{inside}")
    elif citation.kind == "case" and not sources.opinions_in_volume(key) and (beyond := beyond_last_volume(key)):
        citation.status = "no such citation"
        citation.problem("no such citation", f"{citation.text}: {beyond}")
    else:
        citation.status = "not in the corpus"
        citation.problem("not in the corpus", f"{citation.text} is not in {sources.searched}, which is not every "
                                              "case or code: unknown, not necessarily wrong")


def _page_inside_case(key: str, sources: CheckSources) -> str | None:
    """The corpus's case of the same volume whose pages hold the cited first page, if any: a case cannot begin
    inside another one."""
    page = key.rpartition(" ")[2]
    if not page.isdigit():
        return None
    before = [(first, i) for first, i in sources.opinions_in_volume(key) if first < int(page)]
    if not before:
        return None
    case = sources.authority(before[-1][1])
    if case is None:
        return None
    last = max((int(p) for p in STAR_PAGE.findall(case.text)), default=before[-1][0])
    if int(page) > last:
        return None
    return f"{case.heading}, {case.citation} (pages {before[-1][0]}-{last})"


def _resolve_short(text: str, match: ShortCitation, sources: CheckSources, seen: _Seen) -> CheckedCitation:
    """A short form resolved to the citation it refers back to: `Id.` to the one before it, a short case citation
    to the full one of its volume, `supra` to the case of that name, a lone section to the code last named."""
    written = text[match.start:match.end]
    antecedent: CheckedCitation | None = None
    if match.form == "id" and not match.refers_to:
        antecedent = seen.last
    elif match.form == "short":
        cited = [c for first, c in seen.by_volume.get(match.refers_to, []) if not match.pin.isdigit()
                 or first <= int(match.pin)]
        antecedent = cited[-1] if cited else None
    elif match.form == "supra":
        words = {w for w in re.findall(r"[a-z']+", match.refers_to.lower()) if w not in _NOT_NAMING}
        named = [c for name_words, c in seen.cases if words and words & name_words]
        antecedent = named[-1] if named else None
    else:  # a section, alone or after id.: of the code the document last cited
        kind = "statute"
        citation = CheckedCitation(written, match.start, match.end, kind, match.pin, match.form)
        if seen.last_statute_key is None:
            citation.status = "unresolved"
            citation.problem("short form without a full citation", f"{written}: no code was named before it")
            return citation
        key = "|".join([*seen.last_statute_key.split("|")[:-1], match.refers_to.rstrip(".").lower()])
        ids = sources.ids_for(key)
        if ids:
            citation.authority_id = ids[0]
        else:
            _unresolved(citation, key, sources)
        return citation
    if antecedent is None:
        citation = CheckedCitation(written, match.start, match.end, "case", match.pin, match.form)
        citation.status = "unresolved"
        citation.problem("short form without a full citation", f"{written}: no earlier citation of the document "
                                                               "that it refers to")
        return citation
    citation = CheckedCitation(written, match.start, match.end, antecedent.kind, match.pin, match.form,
                               antecedent.authority_id, antecedent.status)
    return citation


def _report_treatment(citation: CheckedCitation, treatments: list[dict]) -> None:
    by_case: dict[str, dict] = {}  # one problem per later case or repealing law: its first evidence
    for treatment in treatments:
        if treatment["kind"] in NEGATIVE_TREATMENTS:
            by_case.setdefault(treatment["citation"], treatment)
    for treatment in by_case.values():
        citation.problem("negative treatment", f"{treatment_label(treatment)}: \"{treatment['quote']}\"")


class _Propositions:
    """The sentence each citation stands for: the sentence around it with the citations blanked, or, when the
    citation is a sentence of its own ("... retaliate. See D.C. Code § 42-3505.02."), the nearest sentence before it
    that says something (a string of citation sentences all stand for it)."""

    def __init__(self, text: str, spans: list[tuple[int, int]], full_spans: list[tuple[int, int]]):
        """`spans`: every citation's; `full_spans`: a case citation's with its name, pin and parenthetical."""
        blanked = list(text)
        for start, end in spans:
            name_start = _name_start(text, start)
            tail = _CITATION_TAIL.match(text, end)
            stop = tail.end() if tail else end
            blanked[name_start:stop] = " " * (stop - name_start)
        for start, end in full_spans:
            blanked[start:end] = " " * (end - start)
        self.sentences = split_sentences("".join(blanked))
        self.starts = [s.start for s in self.sentences]

    def of(self, offset: int) -> str:
        """The proposition of the citation at `offset`."""
        index = bisect.bisect_right(self.starts, offset) - 1
        if index < 0:
            return ""
        for candidate in range(index, max(-1, index - 4), -1):
            # a citation set between a sentence's end and its own period leaves that period alone: "mold. ."
            proposition = re.sub(r"([.?!])\s+\.$", r"\1", " ".join(self.sentences[candidate].text.split()))
            if len(set(content_terms(proposition))) >= MIN_PROPOSITION_TERMS:
                return proposition
        return ""


def _name_start(text: str, start: int) -> int:
    """Where the case name written just before a citation begins ("Pemberton v. Lantern Office, 901 U.S. 77")."""
    before = text[max(0, start - 200):start]
    name = _name_before(before)
    return start - len(before) + name.start() if name else start


def _name_before(before: str) -> re.Match[str] | None:
    """The case name that ends the text before a citation (up to its comma), if one does."""
    names = [m for m in CASE_NAME.finditer(before) if not before[m.end():].strip(" ,\n")]
    return names[-1] if names else None


_SIGNAL = re.compile(r"^(?:(?:But|And)\s+)?(?:See(?:\s+also|\s+generally)?|Cf\.|Compare|Contra|Accord|E\.g\.,?|"
                     r"Quoting|Citing)\s+", re.IGNORECASE)


def _written_name(before: str) -> str | None:
    """The case name written just before a citation, without a signal ("See") or the sentence before it."""
    name = _name_before(before)
    if name is None:
        return None
    # "See Pemberton v. Lantern": the signal is not the name, nor the end of the sentence before it ("... Order.")
    return _SIGNAL.sub("", re.split(r"(?<=[a-z]{2}\.)\s+(?=[A-Z])", name.group(0))[-1])


def _check_name(citation: CheckedCitation, authority: Authority) -> None:
    """A "name does not match" problem when the case name written with the citation is not the cited case's."""
    written = citation.name
    if not written:
        return
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
    """Quotations written since the previous citation, found in its text up to ellipses and brackets, with where."""
    # a brief quotes, then cites: the quotations since the previous citation are this one's
    sentence = before[-800:]
    haystack = _normal(authority.text)
    for quote in _QUOTE.findall(sentence):
        pieces = [(_normal(p), gap) for p, gap in _pieces(quote) if len(_normal(p)) > 3]
        if not pieces:
            continue
        if not _found_in_order(pieces, haystack):
            citation.quotes.append({"text": quote, "found": False, "start": None, "end": None})
            citation.problem("quotation not found", f"\"{quote}\" is not in {authority.citation}")
            continue
        first, last = _locate(pieces[0][0], authority.text), _locate(pieces[-1][0], authority.text)
        citation.quotes.append({"text": quote, "found": True, "start": first[0] if first else None,
                                "end": last[1] if last else None})


_BRACKET_GAP = 30  # characters of the source that words put in brackets may stand for ("[the landlord]" for "it")


def _pieces(quote: str) -> list[tuple[str, str]]:
    """The quotation's pieces between omissions, each with the omission before it ("", "..." or "[...]")."""
    pieces, gap, position = [], "", 0
    for mark in _GAP.finditer(quote):
        pieces.append((quote[position:mark.start()], gap))
        gap = "[...]" if "[" in mark.group(0) else "..."
        position = mark.end()
    pieces.append((quote[position:], gap))
    return pieces


def _found_in_order(pieces: list[tuple[str, str]], haystack: str) -> bool:
    """Whether the pieces occur in the text in order: after an ellipsis anywhere later, after words in brackets
    within a few words (the brackets replace a word or two; they do not skip the text)."""
    first = pieces[0][0]
    position = haystack.find(first)
    for _ in range(50):  # each place the first piece occurs, until one fits
        if position < 0:
            return False
        end = position + len(first)
        for piece, gap in pieces[1:]:
            found = haystack.find(piece, end)
            if found < 0 or (gap == "[...]" and found - end > _BRACKET_GAP):
                break
            end = found + len(piece)
        else:
            return True
        position = haystack.find(first, position + 1)
    return False


def _locate(piece: str, text: str) -> tuple[int, int] | None:
    """The span of `text` a normalised piece of a quotation matches (words in order, punctuation skipped)."""
    words = [re.escape(w).replace("'", "['’]") for w in piece.split()]
    match = re.search(r"[\W_]+".join(words), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _check_support(citation: CheckedCitation, proposition: str, authority: Authority) -> None:
    """Score the sentence that cites the authority against the best passage of its text (the pinned pages of an
    opinion, or all of it; a section's whole text): the share of the sentence's content terms found there."""
    wanted = set(content_terms(proposition))
    if len(wanted) < MIN_PROPOSITION_TERMS or any(q["found"] for q in citation.quotes):
        return  # too short to score, or it quotes the cited text: the quotation is its support
    text = _pinned_text(authority, citation.pin) if citation.kind == "case" else authority.text
    sentences = split_sentences(text)
    terms = [set(content_terms(s.text)) for s in sentences] or [set()]
    best, where = 0.0, 0
    for i in range(len(terms)):
        window = terms[i] | (terms[i + 1] if i + 1 < len(terms) else set())
        share = len(wanted & window) / len(wanted)
        if share > best:
            best, where = share, i
    citation.support = best
    if best < SUPPORT_THRESHOLD:
        passage = " ".join(sentences[where].text.split())[:300] if sentences else ""
        citation.problem("weak support", f"the sentence citing it (\"{proposition[:300]}\") shares {best:.0%} of "
                                         f"its terms with the closest passage of {authority.citation}: \"{passage}\"")


def _pinned_text(authority: Authority, pin: str) -> str:
    """An opinion's text of the pinned page and the pages either side, or all of it without a page pin."""
    page = re.match(r"\d+", pin or "")
    if page is None:
        return authority.text
    wanted = int(page.group(0))
    marks = [(int(m.group(1)), m.start()) for m in STAR_PAGE.finditer(authority.text)]
    low = first_page(authority.citation) or 0
    begins = [(low, 0), *marks]
    spans = [(number, start, begins[i + 1][1] if i + 1 < len(begins) else len(authority.text))
             for i, (number, start) in enumerate(begins)]
    kept = [(start, end) for number, start, end in spans if abs(number - wanted) <= 1]
    return " ".join(authority.text[start:end] for start, end in kept) or authority.text


def _normal(text: str) -> str:
    """Text as quotations are compared: brackets' alterations and punctuation dropped, spaces and case folded."""
    text = re.sub(r"\[([^\]]*)\]", r"\1", text).replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def report_markdown(name: str, checked: list[CheckedCitation]) -> str:
    """The report: a summary line, then each problem, most serious first, with the document's text."""
    problems = sorted(((SEVERITY.index(p["kind"]), c.start, c, p) for c in checked for p in c.problems),
                      key=lambda item: item[:2])
    counts = [f"{sum(1 for c in checked if c.status == 'found')} found in the corpus",
              f"{sum(1 for c in checked if c.status == 'not in the corpus')} not in the corpus",
              f"{sum(1 for c in checked if c.status == 'no such citation')} no such citation"]
    counts += [f"{n} {label}" for n, label in ((sum(1 for c in checked if c.status == "repealed"), "repealed"),
                                               (sum(1 for c in checked if c.status == "unresolved"),
                                                "short form(s) without a full citation")) if n]
    lines = [f"# Citation check: {escape_markdown(name)}", "", f"{len(checked)} citation(s): {', '.join(counts)}.",
             ""]
    if not problems:
        lines.append("No problem found.")
    for _, _, citation, problem in problems:  # the document's text is shown as text, never as markup
        lines.append(f"- **{problem['kind']}** — {escape_markdown(citation.shown)} (characters {citation.start}-"
                     f"{citation.end}): {escape_markdown(problem['detail'])}")
    if checked:
        lines += ["", "## Every citation, in order", ""]
        lines += [f"- {escape_markdown(c.shown)}{_pin_shown(c)} ({c.form}, characters "
                  f"{c.start}-{c.end}): {c.status}{' as ' + c.authority_id if c.authority_id else ''}"
                  f"{'; ' + ', '.join(p['kind'] for p in c.problems) if c.problems else ''}" for c in checked]
    return "\n".join(lines) + "\n"


def _pin_shown(citation: CheckedCitation) -> str:
    """The pin written after a citation whose text does not already end with it: ", 78" for a case."""
    if not citation.pin or citation.text.endswith(citation.pin):
        return ""
    return escape_markdown(f", {citation.pin}" if citation.kind == "case" else f" {citation.pin}")
