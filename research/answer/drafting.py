"""What a statute sentence does, read from the conventions of legislative drafting.

"shall not", "no person shall" and "unlawful" prohibit; "may" permits; "shall" and "must" require; "within N
days" and "not later than" set periods; "is liable", "damages" and "penalty" give remedies; "means" defines;
"except" and "unless" carve out. A sentence may do several things.
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
