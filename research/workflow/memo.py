"""Research memos built from a conversation's answers, in the customary structure.

Heading (To, From, Date, Re), Questions Presented, Brief Answer, Discussion with inline pinpoint
citations (`Id.` for an immediately repeated authority), Conclusion, Table of Authorities (statutes
and cases, each with the Discussion sections citing it), a Verification Appendix (every citation with
its quoted source text, its automatic check and the reviewers' marks) and the versions of the law.
Reviewers' marks are part of the record: the Conclusion states them beside the automatic check, a
citation a reviewer rejected is flagged in the Discussion and left out of the Table of Authorities (the
memo lists what was left out), and an approved edit replaces the answer text with the original kept in
the appendix. A memo with any unapproved answer is marked as a draft. Pure: rendering is in memo_render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from research.domain.answer import (
    ALSO_RETRIEVED,
    NEAREST_NOT_ON_POINT,
    NEGATIVE_TREATMENTS,
    Answer,
    Citation,
    SupportStatus,
    citation_marks,
    is_abstention,
    treatment_label,
)
from research.domain.records import ReviewStatus, StoredAnswer
from research.domain.review import Grade, marks_summary, rejected
from research.domain.types import Kind

DRAFT_MARK = "DRAFT - NOT REVIEWED BY AN ATTORNEY"
_MARKER = re.compile(r"\s*((?:\[\d+\])+)")
_RETRIEVED_LISTS = (f"{ALSO_RETRIEVED}:", f"{NEAREST_NOT_ON_POINT}:")  # paragraphs Answer.text adds after the body


def _marked_numbers(marks: str) -> list[int]:
    """The citation numbers of a run of markers: "[2][3]" -> [2, 3]."""
    return [int(n) for n in re.findall(r"\d+", marks)]


class MemoError(ValueError):
    """A memo cannot be built from what was asked for."""


@dataclass(frozen=True)
class AppendixEntry:
    """One citation of the memo with the source text it quotes and its support status."""

    label: str
    citation: str
    authority_id: str
    quote: str
    status: str
    start: int
    end: int
    review: str = ""  # the reviewers' marks of this citation: "Rex: correct; Ada: wrong authority"
    treatment: str = ""  # the citator's: "overruled by 300 U.S. 379, at 400"


@dataclass(frozen=True)
class AuthorityEntry:
    """A line of the table of authorities: the authority and the Discussion sections citing it."""

    citation: str
    sections: tuple[int, ...]
    treatment: str = ""  # the citator's: "overruled by West Coast Hotel Co. v. Parrish, 300 U.S. 379"


@dataclass
class DiscussionSection:
    """The discussion of one question."""

    number: int
    question: str
    paragraphs: list[str]
    review_line: str
    interpreted_as: str = ""  # the standalone question a follow-up was resolved into, when it differs


@dataclass
class Memo:
    """A memo ready to render."""

    to: str
    author: str
    date: date
    re: str
    review_status: str
    draft: bool
    questions: list[str]
    brief_answers: list[str]
    discussion: list[DiscussionSection]
    conclusion: list[str]
    statutes: list[AuthorityEntry]
    cases: list[AuthorityEntry]
    appendix: list[AppendixEntry]
    law_versions: dict[str, str] = field(default_factory=dict)
    documents: list[AuthorityEntry] = field(default_factory=list)  # the matter's own documents cited
    left_out: list[str] = field(default_factory=list)  # citations a reviewer rejected, left out of the table
    originals: list[tuple[int, str]] = field(default_factory=list)  # (section, answer text) a reviewer edited


def base_citation(citation: Citation) -> str:
    """The citation without its pinpoint: `D.C. Code § 16-5502`, `Miranda v. Arizona, 384 U.S. 436 (1966)`."""
    if citation.kind == Kind.OPINION:
        page = citation.pin.removeprefix("at ").strip()
        return citation.citation.replace(f", {page} (", " (", 1) if page else citation.citation
    if citation.kind == Kind.DOCUMENT:  # "lease.pdf, p. 3" -> "lease.pdf"
        return citation.citation.removesuffix(f", {citation.pin}") if citation.pin else citation.citation
    return citation.citation.removesuffix(citation.pin) if citation.pin else citation.citation


def short_repeat(citation: Citation, previous: Citation | None) -> str | None:
    """`Id.` forms when `citation` repeats the authority cited immediately before, else None."""
    if previous is None or previous.authority_id != citation.authority_id:
        return None
    if previous.pin == citation.pin:
        return "Id."
    if citation.kind == Kind.OPINION:
        return f"Id. at {citation.pin.removeprefix('at ').strip()}" if citation.pin else "Id."
    section = citation.citation[citation.citation.find("§"):] if "§" in citation.citation else citation.pin
    return f"Id. {section}"


class _Citer:
    """Writes citations in order, using `Id.` for an immediately repeated authority."""

    def __init__(self) -> None:
        self.previous: Citation | None = None

    def cite(self, citation: Citation) -> str:
        text = short_repeat(citation, self.previous) or citation.citation
        self.previous = citation
        return text


def _inline(text: str, answer: Answer, citer: _Citer) -> str:
    """Replace `[n]` markers by citations in conventional form."""

    def replace(match: re.Match) -> str:
        numbers = _marked_numbers(match.group(1))
        known = [answer.citation(n) for n in numbers if any(c.number == n for c in answer.citations)]
        if not known:
            return ""
        return " (" + "; ".join(citer.cite(c) for c in known) + ")"

    return _MARKER.sub(replace, text).strip()


def _paragraphs(stored: StoredAnswer, citer: _Citer) -> list[str]:
    answer = stored.answer
    rejections = rejected(stored.grades)
    if answer.abstained:
        return [answer.brief_answer]
    if stored.edited_text:
        return [_inline(p, answer, citer) for p in _edited_body(stored.edited_text)]
    paragraphs: list[str] = []
    current: str | None = None
    for sentence in answer.sentences:
        authority = answer.citation(sentence.citations[0]).authority_id if sentence.citations else None
        rendered = _inline(f"{sentence.text} {citation_marks(sentence.citations)}", answer, citer)
        if sentence.status != SupportStatus.VERIFIED:
            rendered += " [unsupported]"
        disputed = sorted({m for n in sentence.citations for m in rejections.get(n, [])})
        if disputed:
            rendered += f" [reviewer: {', '.join(disputed)}]"
        if authority == current and paragraphs:
            paragraphs[-1] += " " + rendered
        else:
            paragraphs.append(rendered)
        current = authority
    for notice in answer.notices:
        paragraphs.append(f"Note: {_inline(_without_named_markers(notice, answer), answer, _Citer())}")
    return paragraphs


def _edit_paragraphs(edited_text: str) -> list[str]:
    """A reviewer's edit as paragraphs (blank-line separated, whatever the line endings)."""
    return [p.strip() for p in re.split(r"\r?\n\s*\r?\n", edited_text) if p.strip()]


def _edited_body(edited_text: str) -> list[str]:
    """The paragraphs of a reviewer's edit that make its Discussion: after the first, which is its brief answer,
    and without the lists of other authorities retrieved; the first alone when nothing else remains."""
    paragraphs = _edit_paragraphs(edited_text)
    return [p for p in paragraphs[1:] if not p.startswith(_RETRIEVED_LISTS)] or paragraphs[:1]


def _without_named_markers(text: str, answer: Answer) -> str:
    """`text` without the `[n]` markers whose citation it already names ("Caution: Lochner v. New York, 198 U.S.
    45 (1905) [3] was overruled"), so the citation is not given twice."""

    def named(match: re.Match) -> str:
        numbers = _marked_numbers(match.group(1))
        if all(any(c.number == n and c.citation in text for c in answer.citations) for n in numbers):
            return ""
        return match.group(0)

    return _MARKER.sub(named, text)


def _brief(stored: StoredAnswer) -> str:
    """The brief answer; a marker whose citation the sentence already names is dropped, not repeated."""
    answer = stored.answer
    text = (_edit_paragraphs(stored.edited_text) or [""])[0] if stored.edited_text else answer.brief_answer
    return _inline(_without_named_markers(text, answer), answer, _Citer())


def _cited_numbers(stored: StoredAnswer) -> set[int]:
    """The citation numbers the memo's text of this answer cites: the markers of the reviewer's edit, or of the
    brief answer and the quoted sentences."""
    if stored.edited_text:
        text = stored.edited_text
    else:
        text = " ".join([stored.answer.brief_answer, *(citation_marks(s.citations) for s in stored.answer.sentences)])
    return {n for marks in _MARKER.findall(text) for n in _marked_numbers(marks)}


def chosen_answers(answers: list[StoredAnswer], numbers: list[int] | None) -> list[StoredAnswer]:
    """The answers numbered (1-based, in the order given) of a conversation, or all of them; MemoError for a number
    the conversation does not have."""
    if not numbers:
        return list(answers)
    unknown = [n for n in numbers if not 1 <= n <= len(answers)]
    if unknown:
        raise MemoError(f"the conversation has answers 1-{len(answers)}; no answer {unknown[0]}")
    return [answers[n - 1] for n in numbers]


def build_memo(stored_answers: list[StoredAnswer], matter: str, to: str, author: str, on: date) -> Memo:
    """The memo of these answers (in order); MemoError when there are none."""
    if not stored_answers:
        raise MemoError("The conversation has no answers to put in a memo.")
    unreviewed = [s for s in stored_answers if s.status != ReviewStatus.APPROVED]
    if unreviewed:
        review_status, draft = DRAFT_MARK, True
    else:
        reviewers = sorted({f"{s.reviewer} on {s.reviewed_at:%Y-%m-%d}" for s in stored_answers})
        review_status, draft = "Reviewed by " + "; ".join(reviewers), False
    discussion, appendix, versions = [], [], {}
    cited_in: dict[tuple[str, str], set[int]] = {}
    treated: dict[str, str] = {}  # base citation -> the citator's first negative treatment
    conclusion, left_out, originals = [], [], []
    for number, stored in enumerate(stored_answers, start=1):
        answer = stored.answer
        citer = _Citer()
        interpreted = answer.standalone_question
        if interpreted.strip() == answer.question.strip():
            interpreted = ""
        discussion.append(DiscussionSection(number, answer.question, _paragraphs(stored, citer), stored.label,
                                            interpreted))
        rejections = rejected(stored.grades)
        cited_numbers = _cited_numbers(stored)
        for citation in answer.citations:
            label = f"{number}.{citation.number}"
            if citation.number in rejections:
                left_out.append(f"{citation.citation} [{label}]: {', '.join(rejections[citation.number])}")
            elif citation.number in cited_numbers:
                cited_in.setdefault((citation.kind, base_citation(citation)), set()).add(number)
            negative = next((t for t in citation.treatment if t["kind"] in NEGATIVE_TREATMENTS), None)
            if negative is not None:
                treated.setdefault(base_citation(citation), treatment_label(negative, pin=False))
            appendix.append(AppendixEntry(label, citation.citation, citation.authority_id, citation.quote,
                                          citation.status, citation.start, citation.end,
                                          _review_of(citation.number, stored.grades),
                                          "; ".join(treatment_label(t) for t in citation.treatment)))
        versions.update(answer.law_versions)
        if stored.edited_text:  # as first given, its [n] marks written out as citations like the rest of the memo
            original_citer = _Citer()
            originals.append((number, "\n\n".join(_inline(_without_named_markers(p, answer), answer, original_citer)
                                                  for p in _edit_paragraphs(answer.text))))
        verified = sum(1 for c in answer.citations if c.status == SupportStatus.VERIFIED)
        marks = marks_summary(stored.grades) or "no reviewer has marked the citations"
        if answer.abstained or is_abstention(answer.brief_answer):
            conclusion.append(f"Question {number}: no authority was found in the selected jurisdictions.")
        else:  # the brief answer is stated above it: the conclusion says what it rests on and how it was checked
            relied_on = list(dict.fromkeys(base_citation(c) for c in answer.citations
                                           if c.number in cited_numbers and c.number not in rejections))
            conclusion.append(f"Question {number}: the answer rests on {_listed(relied_on) or 'no citation'}; "
                              f"{verified} of {len(answer.citations)} citations verified against the source text; "
                              f"{marks}.")
    table = {kind: [AuthorityEntry(citation, tuple(sorted(sections)), treated.get(citation, ""))
                    for (k, citation), sections in sorted(cited_in.items(), key=lambda item: _sort_key(item[0][1]))
                    if k == kind] for kind in Kind}
    return Memo(to=to, author=author, date=on, re=matter, review_status=review_status, draft=draft,
                questions=[s.answer.question for s in stored_answers],
                brief_answers=[_brief(s) for s in stored_answers], discussion=discussion, conclusion=conclusion,
                statutes=table[Kind.STATUTE], cases=table[Kind.OPINION], appendix=appendix, law_versions=versions,
                documents=table[Kind.DOCUMENT], left_out=left_out, originals=originals)


def _listed(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} and {items[-1]}"


def _review_of(number: int, grades: tuple[Grade, ...]) -> str:
    """The marks reviewers gave citation `number`, by reviewer: "Rex: correct; Ada: wrong authority"."""
    return "; ".join(f"{g.reviewer}: {g.citation_marks[number]}" for g in grades if number in g.citation_marks)


def _sort_key(citation: str) -> list:
    """Natural order: `§ 16-5502` before `§ 16-5503`, `9 U.S.C.` before `17 U.S.C.`."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", citation)]
