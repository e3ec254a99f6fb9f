"""Turning a follow-up question into a standalone one, deterministically (no model involved).

"What about in Hawaii?" after a question about D.C. deposits becomes the earlier question asked in
Hawaii; "is there an exception for students?" is asked together with the earlier question. A
question that names a jurisdiction moves the search there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_JURISDICTION_NAMES = {
    "US-DC": r"d\.\s?c\.|district of columbia|\bdc\b",
    "US-HI": r"hawai['ʻ]?i|\bhrs\b|\bhaw\.",
    "US-CO": r"colorado|\bc\.r\.s\.|\bcolo\.",
    "US-federal": r"\bfederal\b|u\.s\.c\.|united states code|supreme court",
}
_FOLLOW_UP_OPENERS = re.compile(
    r"^\s*(?:and|but|also|what about|how about|what if|and if|is there|are there|does (?:that|it|this)|"
    r"do (?:they|those)|can (?:it|they|that)|same|in (?:d\.c\.|hawai|colorado|federal)|under (?:that|it|the same))",
    re.IGNORECASE)
_REFERS_BACK = re.compile(r"\b(?:that|this|it|they|those|these|there|same|such)\b", re.IGNORECASE)
SHORT_QUESTION_WORDS = 12


@dataclass(frozen=True)
class Turn:
    """A past question of the conversation, as it was finally searched."""

    question: str
    standalone_question: str
    jurisdictions: tuple[str, ...]


def named_jurisdictions(text: str) -> tuple[str, ...]:
    """Jurisdictions named in `text`, in the order of JURISDICTION names above."""
    lowered = text.lower()
    return tuple(j for j, pattern in _JURISDICTION_NAMES.items() if re.search(pattern, lowered))


def is_follow_up(question: str) -> bool:
    """A question that cannot stand alone: it opens like a follow-up, or is short and refers back."""
    words = question.split()
    return bool(_FOLLOW_UP_OPENERS.match(question)) or (
        len(words) <= SHORT_QUESTION_WORDS and bool(_REFERS_BACK.search(question)))


def resolve(question: str, jurisdictions: tuple[str, ...], history: list[Turn]) -> tuple[str, tuple[str, ...]]:
    """The standalone question and the jurisdictions to search.

    Without history, or for a question that stands alone, the question is kept. A follow-up is
    appended to the previous standalone question; a jurisdiction it names replaces the selection.
    """
    question = question.strip()
    if not history or not is_follow_up(question):
        return question, jurisdictions
    previous = history[-1]
    named = named_jurisdictions(question)
    scope = named or jurisdictions or previous.jurisdictions
    return f"{previous.standalone_question} {question}", scope


def replay(questions: list[str], jurisdictions: tuple[str, ...]) -> list[Turn]:
    """The turns a sequence of earlier questions became, each resolved against the ones before it."""
    turns: list[Turn] = []
    for question in questions:
        standalone, scope = resolve(question, jurisdictions, turns)
        turns.append(Turn(question.strip(), standalone, scope))
    return turns
