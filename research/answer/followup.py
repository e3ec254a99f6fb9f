"""Turning a follow-up question into a standalone one, deterministically (no model involved).

"What about in Hawaii?" after a question about D.C. deposits becomes the earlier question asked in
Hawaii; "is there an exception for students?" is asked together with the earlier question. A
question that names a jurisdiction moves the search there.
"""

from __future__ import annotations

import re

from research.answer.scope import Scope, named_jurisdictions, question_scope
from research.domain.records import Turn
from research.jurisdictions import REGISTRY

_FOLLOW_UP_NAMES = "|".join(jurisdiction.follow_up_name for jurisdiction in REGISTRY)  # "in Hawaii?"
_FOLLOW_UP_OPENERS = re.compile(
    r"^\s*(?:and|but|also|what about|how about|what if|and if|is there|are there|does (?:that|it|this)|"
    r"do (?:they|those)|can (?:it|they|that)|same|in (?:" + _FOLLOW_UP_NAMES + r")|under (?:that|it|the same))",
    re.IGNORECASE)
_REFERS_BACK = re.compile(r"\b(?:that|this|it|they|those|these|there|same|such)\b", re.IGNORECASE)
SHORT_QUESTION_WORDS = 12



def is_follow_up(question: str) -> bool:
    """A question that cannot stand alone: it opens like a follow-up, or is short and refers back."""
    words = question.split()
    return bool(_FOLLOW_UP_OPENERS.match(question)) or (
        len(words) <= SHORT_QUESTION_WORDS and bool(_REFERS_BACK.search(question)))


def resolve(question: str, jurisdictions: tuple[str, ...], history: list[Turn]) -> tuple[str, Scope]:
    """The standalone question and the jurisdictions to search.

    Without history, or for a question that stands alone, the question is kept. A follow-up is
    appended to the previous standalone question; a jurisdiction it names replaces the selection.
    Otherwise the search keeps to the selected jurisdictions the standalone question names
    (research.answer.scope).
    """
    question = question.strip()
    if not history or not is_follow_up(question):
        return question, question_scope(question, jurisdictions)
    previous = history[-1]
    standalone = f"{previous.standalone_question} {question}"
    named = named_jurisdictions(question)
    if named:
        return standalone, Scope(named)
    return standalone, question_scope(standalone, jurisdictions or previous.jurisdictions)


def replay(questions: list[str], jurisdictions: tuple[str, ...]) -> list[Turn]:
    """The turns a sequence of earlier questions became, each resolved against the ones before it."""
    turns: list[Turn] = []
    for question in questions:
        standalone, scope = resolve(question, jurisdictions, turns)
        turns.append(Turn(question.strip(), standalone, scope.jurisdictions))
    return turns
