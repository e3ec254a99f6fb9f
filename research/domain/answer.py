"""Answers as domain objects: sentences, the citations that back them, and abstentions.

Pure data. An answer is stored and shown exactly as it was given, so `to_dict`/`from_dict` round
trip every field (the chat history and the review queue rely on that).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from research.domain.types import Authority, Kind

# The one abstention message, shared by the answerers, the evaluation and the tests.
CANNOT_ANSWER = "No authority found in the selected jurisdictions for"
ALSO_RETRIEVED = "Also retrieved"  # the heading of the authorities retrieved but not quoted
NEAREST_NOT_ON_POINT = "Nearest authorities retrieved, not on point"  # an abstention's list of what was retrieved


class SupportStatus(StrEnum):
    """Whether the passage a sentence cites contains what it states."""

    VERIFIED = "verified"
    UNSUPPORTED = "unsupported"


class AnswerMode(StrEnum):
    """How an answer was written: quoted sentences, a configured model's checked sentences, or a survey table."""

    EXTRACTIVE = "extractive"
    GENERATED = "generated"
    SURVEY = "survey"


ASKABLE_MODES: tuple[AnswerMode, ...] = (AnswerMode.EXTRACTIVE, AnswerMode.GENERATED)  # what a user may ask for


def citation_marks(numbers: tuple[int, ...] | list[int]) -> str:
    """The bracketed citation numbers written after a sentence: (1, 3) -> '[1][3]'."""
    return "".join(f"[{n}]" for n in numbers)


def no_authority_message(question: str, jurisdictions: tuple[str, ...] | list[str]) -> str:
    """The abstention text for a question within the selected jurisdictions."""
    where = ", ".join(jurisdictions) if jurisdictions else "all jurisdictions"
    return f'{CANNOT_ANSWER} "{question.strip()}" ({where}).'


_INNER_QUOTES = str.maketrans({'"': "'", "\u201c": "\u2018", "\u201d": "\u2019"})


def quoted(text: str) -> str:
    """`text` in double quotation marks, its own double quotation marks made single, as a quotation within a
    quotation is written ("'Act in furtherance of the right of advocacy' means:")."""
    return f'"{text.translate(_INNER_QUOTES)}"'


def is_abstention(text: str) -> bool:
    """True when `text` is the shared abstention message."""
    return text.startswith(CANNOT_ANSWER)


def human_citation(authority: Authority, pin: str) -> str:
    """Conventional citation with its pinpoint.

    Statutes: `D.C. Code § 42-3502.17(a)`; opinions: `Miranda v. Arizona, 384 U.S. 436, 444 (1966)`.
    """
    if authority.kind == Kind.DOCUMENT:  # "Lease.pdf, p. 3"
        return f"{authority.citation}, {pin}" if pin else authority.citation
    if authority.kind != Kind.OPINION:
        return f"{authority.citation}{pin}"
    page = pin.removeprefix("at ").strip()
    name = f"{authority.heading}, " if authority.heading else ""
    year = f" ({authority.year})" if authority.year else ""
    at = f", {page}" if page else ""
    return f"{name}{authority.citation}{at}{year}"


@dataclass(frozen=True)
class Citation:
    """A pinpoint citation backing a sentence: the quoted span and where it sits in the source."""

    number: int
    authority_id: str
    citation: str
    pin: str
    quote: str
    start: int
    end: int
    status: str
    source: str
    jurisdiction: str
    kind: str
    heading: str = ""
    url: str | None = None
    # later opinions' negative treatment of a cited case (the citator): {"kind", "by", "citation", "quote", "pin"}
    treatment: tuple[dict[str, str], ...] = ()


# kinds a citator flag warns of; "... since" marks a stored answer whose authority a later version of its source changed
NEGATIVE_TREATMENTS = ("overruled", "overruled in part", "abrogated", "repealed", "amended after the text's date",
                       "amended since", "repealed since", "removed since")


def treatment_label(treatment: dict[str, str], pin: bool = True) -> str:
    """A treatment entry as text: "overruled by West Coast Hotel Co. v. Parrish, 300 U.S. 379, at 400", "repealed by
    Aug. 18, 1978, D.C. Law 2-101", "repealed" when the code records no repealing law, or "amended since release
    119-40" for a change made after a stored answer was given."""
    if treatment["kind"].endswith(" since"):
        return f"{treatment['kind']} {treatment.get('citation', '')}".strip()
    by = f" by {treatment['citation']}" if treatment.get("citation") else ""
    where = f", {treatment['pin']}" if pin and treatment.get("pin") else ""
    return f"{treatment['kind']}{by}{where}"


@dataclass(frozen=True)
class AnswerSentence:
    """One statement of an answer and the numbers of the citations that back it."""

    text: str
    citations: tuple[int, ...]
    status: str = SupportStatus.VERIFIED


@dataclass
class Answer:
    """The answer to one question, as given."""

    question: str
    standalone_question: str
    jurisdictions: tuple[str, ...]
    kinds: tuple[str, ...]
    mode: str
    brief_answer: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    abstained: bool
    retrieved: tuple[str, ...] = ()
    law_versions: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    prompt_version: str | None = None
    model: str | None = None
    survey_rows: list[dict[str, Any]] = field(default_factory=list)  # survey answers: one row per jurisdiction
    added_terms: str = ""  # legal-issue terms search added to the question (research.search.rewrite)
    premise_correction: str = ""  # the sentence correcting a premise of the question about the law, if any
    also_retrieved: list[dict[str, str]] = field(default_factory=list)  # authority_id and citation, not quoted

    @property
    def text(self) -> str:
        """Brief answer, then every sentence with its citation numbers in brackets."""
        if self.abstained:
            nearest = "; ".join(a["citation"] for a in self.also_retrieved)
            return self.brief_answer + (f"\n\n{NEAREST_NOT_ON_POINT}: {nearest}."
                                        if nearest else "")
        body = " ".join(f"{s.text} {citation_marks(s.citations)}".strip() for s in self.sentences)
        text = f"{self.brief_answer}\n\n{body}".strip()
        if self.also_retrieved:
            text += f"\n\n{ALSO_RETRIEVED}: {'; '.join(a['citation'] for a in self.also_retrieved)}."
        return text

    def citation(self, number: int) -> Citation:
        """The citation with this number."""
        return next(c for c in self.citations if c.number == number)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, with `answer` (the full text) added."""
        data = asdict(self)
        data["answer"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """Rebuild an answer stored with `to_dict`."""
        fields = dict(data)
        fields.pop("answer", None)
        fields["jurisdictions"] = tuple(fields["jurisdictions"])
        fields["kinds"] = tuple(fields["kinds"])
        fields["retrieved"] = tuple(fields.get("retrieved", ()))
        fields["sentences"] = [AnswerSentence(s["text"], tuple(s["citations"]), s["status"])
                               for s in fields["sentences"]]
        fields["citations"] = [Citation(**{**c, "treatment": tuple(c.get("treatment", ()))})
                               for c in fields["citations"]]
        return cls(**fields)


@dataclass
class SurveyRow:
    """One jurisdiction's row of a survey: the rule with its citation and quote, or no authority."""

    jurisdiction: str
    answer: Answer

    @property
    def found(self) -> bool:
        """False when no authority was found in this jurisdiction."""
        return not self.answer.abstained

    @property
    def rule(self) -> str:
        """The brief answer for this jurisdiction (or the abstention message)."""
        return self.answer.brief_answer

    @property
    def lead_citation(self) -> Citation | None:
        """The citation behind the rule."""
        return self.answer.citations[0] if self.answer.citations else None


@dataclass
class Survey:
    """The same question answered per jurisdiction."""

    question: str
    rows: list[SurveyRow]

    def as_answer(self) -> Answer:
        """The survey as one answer (for storing and showing in a conversation): each jurisdiction's lead
        sentence with its citation renumbered, and `survey_rows` giving the table."""
        sentences: list[AnswerSentence] = []
        citations: list[Citation] = []
        rows: list[dict[str, Any]] = []
        versions: dict[str, str] = {}
        for row in self.rows:
            lead = row.lead_citation
            if lead is None:
                rows.append({"jurisdiction": row.jurisdiction, "found": False, "rule": row.rule, "citation": None})
                continue
            number = len(citations) + 1
            citations.append(replace(lead, number=number))
            sentences.append(AnswerSentence(f'{row.jurisdiction}: "{lead.quote}"', (number,), lead.status))
            rows.append({"jurisdiction": row.jurisdiction, "found": True, "rule": lead.quote, "citation": number})
            versions.update(row.answer.law_versions)
        found = [r["jurisdiction"] for r in rows if r["found"]]
        brief = (f"Survey of {len(rows)} jurisdictions: authority found in {', '.join(found)}." if found
                 else no_authority_message(self.question, [r["jurisdiction"] for r in rows]))
        timings = {"total": round(sum(r.answer.timings_ms.get("total", 0.0) for r in self.rows), 1)}
        return Answer(question=self.question, standalone_question=self.question,
                      jurisdictions=tuple(r.jurisdiction for r in self.rows), kinds=self.rows[0].answer.kinds,
                      mode=AnswerMode.SURVEY, brief_answer=brief, sentences=sentences, citations=citations,
                      abstained=not found, retrieved=tuple(a for r in self.rows for a in r.answer.retrieved),
                      law_versions=versions, timings_ms=timings, survey_rows=rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: one row per jurisdiction with its rule, lead citation and full answer."""
        rows = []
        for row in self.rows:
            lead = row.lead_citation
            rows.append({
                "jurisdiction": row.jurisdiction, "found": row.found, "rule": row.rule,
                "citation": lead.citation if lead else None, "quote": lead.quote if lead else None,
                "answer": row.answer.to_dict(),
            })
        return {"question": self.question, "rows": rows}
