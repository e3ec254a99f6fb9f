"""Premises a question states about the law, checked against the provisions retrieved for it.

Only assertions about the law are checked ("Since the Act gives only 90 days to sue, ...", "the way consumers
can under the deceptive-practices statute"), never the facts of the client's story ("worked there for three
years", "questioned for two hours"): a correction of a fact as if it were a rule, at the top of an answer, is
worse than none. A premise is contradicted when a provision states another period for it, the same period
counted from another event, or no private right of action where the question assumes one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from research.answer.textmatch import content_terms, contradicted_periods, days, digits_for_number_words, periods
from research.corpus.sentences import split_sentences

# a clause that asserts something about the law: a premise cue, then a law, a right or a term the law sets
_PREMISE_CUE = re.compile(r"\b(?:since|because|given that|assuming|as long as|the way)\b", re.IGNORECASE)
_LAW_NOUN = re.compile(
    r"\b(?:act|statute|law|code|rule|regulation|ordinance|provision|constitution|patent|copyright|trademark|"
    r"license|licence|permit|limitations?|deadline)s?\b", re.IGNORECASE)
_PRIVATE_ACTION = re.compile(r"\bprivate (?:law)?suit\b|\bprivate (?:right of )?action\b|\bsue\b|\blawsuit\b",
                             re.IGNORECASE)
_NO_PRIVATE_ACTION = re.compile(
    r"\b(?:not|no)\b[^.;]{0,80}\bprivate right of action\b|\bprivate right of action\b[^.;]{0,40}\bnot\b",
    re.IGNORECASE)
_ANCHOR = re.compile(r"\b\d+(?:/\d+)?[\s-]+(?:day|week|month|year|hour)s?\s+(?:from|after)\s+([^,.;]{3,80})",
                     re.IGNORECASE)
_GENERIC = frozenset(content_terms("the date on which it was"))


@dataclass(frozen=True)
class Premise:
    """A clause of the question that asserts something about the law."""

    text: str


@dataclass(frozen=True)
class Contradiction:
    """What a premise assumes, and the quoted provision that says otherwise."""

    assumed: str
    quote_index: int  # of the quote (in the order given) that contradicts it


def law_premises(question: str) -> list[Premise]:
    """The clauses of a question that assert something about the law (a premise cue and a law noun)."""
    premises = []
    for sentence in split_sentences(question):
        for clause in re.split(r"(?<=,)\s+(?=[a-z])|;\s*", sentence.text):
            cue = _PREMISE_CUE.search(clause)
            if cue and _LAW_NOUN.search(clause, cue.start()):
                premises.append(Premise(clause.strip()))
    return premises


def _anchors(text: str) -> list[frozenset[str]]:
    """The events periods are counted from: '20 years from the date it issues' -> {'issu'}."""
    return [frozenset(content_terms(m.group(1))) - _GENERIC for m in _ANCHOR.finditer(digits_for_number_words(text))]


def contradiction(premise: Premise, quotes: list[str]) -> Contradiction | None:
    """The first quote that contradicts the premise, unless another quote confirms it."""
    assumed = periods(premise.text)
    if assumed:
        stated = [periods(q) for q in quotes]
        if any(assumed & s for s in stated):  # a quote states the same period: contradicted only from another event
            for index, quote in enumerate(quotes):
                if assumed & stated[index] and _other_anchor(premise.text, quote):
                    return Contradiction(_phrase(premise.text), index)
            return None
        conflicts = [(_scale_gap(conflict), index) for index, quote in enumerate(quotes)
                     for conflict in contradicted_periods(premise.text, quote)[:1]]
        return Contradiction(_phrase(premise.text), min(conflicts)[1]) if conflicts else None
    if _PRIVATE_ACTION.search(premise.text):
        for index, quote in enumerate(quotes):
            if _NO_PRIVATE_ACTION.search(quote):
                return Contradiction("a private right of action", index)
    return None


def _scale_gap(conflict: tuple[tuple[str, str], tuple[str, str]]) -> float:
    """How far apart in scale an assumed and a stated period are (the nearest is the premise's rule)."""
    assumed, stated = conflict
    return abs(math.log(days(*assumed) / days(*stated)))


def _other_anchor(premise: str, quote: str) -> bool:
    """Whether the premise counts its period from an event the quote does not count it from."""
    mine, theirs = _anchors(premise), _anchors(quote)
    return bool(mine and theirs and all(m and not (m & t) for m in mine for t in theirs))


def _phrase(text: str) -> str:
    """The premise as the correction repeats it, without its cue ("Since ...")."""
    return _PREMISE_CUE.sub("", text, count=1).strip(" ,")
