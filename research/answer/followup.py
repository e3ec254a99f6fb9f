"""Turning a follow-up question into a standalone one, deterministically (no model involved).

"What about in Hawaii?" after a question about D.C. deposits becomes the earlier question asked in
Hawaii; "is there an exception for students?" is asked together with the earlier question. A
question that names a jurisdiction moves the search there, or adds it when the question compares
("does the same rule apply in Hawaii?").
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
# Back-references to something said before ("what can she do about it", "the same rule"). Only a
# question's first sentence is read for them: a later one may point back to the question's own story.
_POINTS_BACK = re.compile(
    r"\b(?:about (?:it|that|this)\b|(?:the same|that|this|those|these) (?:rule|law|statute|section|"
    r"provision|case|holding|period|deadline|requirement|exception|claim|remed(?:y|ies)|answer)s?\b|"
    r"the same (?:appl(?:y|ies)|hold|go|is true))",
    re.IGNORECASE)
# A question that adds to what was asked before ("Does the landlord also have to pay interest?", "... in Hawaii
# too?"); "too" and "as well" only at its end, where they cannot mean "too high".
_ADDS_TO = re.compile(r"\balso\b|\b(?:too|as well)\W*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s")
# A person the question has not introduced: a pronoun among its first words ("What can she do ...").
_OPENING_PRONOUN = re.compile(r"^\W*(?:\w+\W+){0,3}(?:she|he|they|her|him|them)\b", re.IGNORECASE)
# A follow-up that compares keeps the earlier jurisdictions beside the one it names.
_COMPARES = re.compile(r"\b(?:same|also|too|as well|compare[sd]?|differ(?:ent|s)?)\b", re.IGNORECASE)


def is_follow_up(question: str) -> bool:
    """A question that cannot stand alone: it opens like a follow-up, points back to something said
    before or adds to it, opens on a person it has not introduced, or is short and refers back."""
    words = question.split()
    first_sentence = _SENTENCE_END.split(question, maxsplit=1)[0]
    return bool(_FOLLOW_UP_OPENERS.match(question) or _POINTS_BACK.search(first_sentence)
                or _ADDS_TO.search(first_sentence) or _OPENING_PRONOUN.match(question)) or (
        len(words) <= SHORT_QUESTION_WORDS and bool(_REFERS_BACK.search(question)))


def resolve(question: str, jurisdictions: tuple[str, ...], history: list[Turn]) -> tuple[str, Scope]:
    """The standalone question and the jurisdictions to search.

    Without history, or for a question that stands alone, the question is kept. A follow-up is
    appended to the previous standalone question; a jurisdiction it names replaces the selection, or
    joins the previous question's jurisdictions when the follow-up compares ("the same", "also").
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
        if _COMPARES.search(question):
            earlier = tuple(j for j in previous.jurisdictions if j not in named)
            return standalone, Scope(earlier + named)
        return standalone, Scope(named)
    return standalone, question_scope(standalone, jurisdictions or previous.jurisdictions)


def replay(questions: list[str], jurisdictions: tuple[str, ...]) -> list[Turn]:
    """The turns a sequence of earlier questions became, each resolved against the ones before it."""
    turns: list[Turn] = []
    for question in questions:
        standalone, scope = resolve(question, jurisdictions, turns)
        turns.append(Turn(question.strip(), standalone, scope.jurisdictions))
    return turns
