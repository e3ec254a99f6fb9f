"""What a statute sentence does, read from the conventions of legislative drafting.

"shall not", "no person shall" and "unlawful" prohibit; "may" permits; "shall" and "must" require; "within N
days" and "not later than" set periods; "is liable", "damages" and "penalty" give remedies; "means" defines;
"except" and "unless" carve out. A sentence may do several things. An opinion states what it decides in the
first person of the Court: "we hold", "our holding ... is this", "we conclude that".
"""

from __future__ import annotations

import re

from research.answer.question import Ask
from research.answer.textmatch import digits_for_number_words

_DOES: dict[Ask, re.Pattern[str]] = {
    Ask.PERIOD: re.compile(
        r"\b\d+(?:/\d+)?[\s-]+(?:calendar |business |working )?(?:day|week|month|year|hour)s?\b|"
        r"\bnot later than\b|\bno later than\b|\bprior to\b|\bexpires?\b|\bperiod of\b", re.IGNORECASE),
    Ask.PERMISSION: re.compile(
        r"\bshall not\b|\bmay not\b|\bmust not\b|\bno (?:\w+ ){0,3}(?:shall|may)\b|\bunlawful\b|\bprohibit|"
        r"\bshall\b|\bmust\b|\bmay\b|\bis entitled\b|\bhas the right\b|\bis required\b", re.IGNORECASE),
    Ask.REMEDY: re.compile(
        r"\bliable\b|\bdamages\b|\brecover|\bpenalt|\bfine of\b|\bfined\b|\bcivil action\b|\baction (?:for|to)\b|"
        r"\bmay bring\b|\bremed|\brelief\b|\battorney'?s fees\b|\bimprison|\bguilty\b|\bmisdemeanor\b|"
        r"\bfelony\b|\brestitution\b|\binjunct", re.IGNORECASE),
    Ask.DEFINITION: re.compile(r"\bmeans\b|\bincludes\b|\bis defined\b|\bshall mean\b", re.IGNORECASE),
}


def drafting_tags(sentence: str) -> frozenset[Ask]:
    """The kinds of answer a statute sentence gives, by its drafting conventions."""
    text = digits_for_number_words(sentence)
    return frozenset(ask for ask, pattern in _DOES.items() if pattern.search(text))


def answers_part(sentence_tags: frozenset[Ask], asks: frozenset[Ask]) -> bool:
    """Whether a sentence does what a question part asks for (a GENERAL part is answered by any rule)."""
    if Ask.GENERAL in asks:
        return bool(sentence_tags)
    return bool(sentence_tags & asks)


_HOLDING = re.compile(
    r"\bwe (?:(?!(?:have|had|once|previously|then|not|do|did|need|cannot)\b)\w+ ){0,2}?hold\b"
    r"(?! (?:of|on|in|the|a|an)\b)|"
    r"\bour holding (?:today )?(?:is|will be)\b|\bwe (?:therefore |thus |accordingly )?conclude that\b|"
    r"\bwe (?:therefore |thus )?(?:decide|rule) that\b|\bit is this:", re.IGNORECASE)


# the disposition ("As we hold this was error, the judgment is reversed") says who won, not the rule
_DISPOSITION = re.compile(r"\b(?:judgment|decree|case)s?\b[^.]{0,60}\b(?:is|are|must be|will be) (?:therefore )?"
                          r"(?:reversed|affirmed|vacated|remanded)\b", re.IGNORECASE)


def states_holding(sentence: str) -> bool:
    """Whether an opinion's sentence states what the Court decides ("Accordingly we hold that ..."), not only its
    disposition."""
    return bool(_HOLDING.search(sentence)) and not _DISPOSITION.search(sentence)
