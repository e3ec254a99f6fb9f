"""Content-word matching of short statements against text: key facts and claim support.

Text is reduced to content terms: lowercased, number words written as digits ("forty-five" -> 45,
"two-thirds" -> 2/3), stopwords dropped, stemmed (the lexical index's analyser). The same rule
scores every answer mode, so modes can be compared.
"""

from __future__ import annotations

import math
import re

from research.corpus.analysis import analyse

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
         if w != "_"}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
              "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_NUMBER_WORD = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_NUMBER_PHRASE = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?:[\s-](?P<unit>{'|'.join(_UNITS)}))?|(?P<word>{_NUMBER_WORD}))"
    rf"(?:[\s-](?P<frac>{'|'.join(_FRACTIONS)}))?\b")
HALF = 0.5


def digits_for_number_words(text: str) -> str:
    """`text` lowercased with number words as digits: 'forty-five days' -> '45 days', 'two-thirds' -> '2/3'."""

    def replace(match: re.Match[str]) -> str:
        if match.group("tens"):
            value = _TENS[match.group("tens")] + (_UNITS[match.group("unit")] if match.group("unit") else 0)
        else:
            value = _UNITS[match.group("word")]
        if match.group("frac"):
            return f"{value}/{_FRACTIONS[match.group('frac')]}"
        return str(value)

    return _NUMBER_PHRASE.sub(replace, text.lower())


def content_terms(text: str) -> list[str]:
    """Content terms of `text` (see the module docstring)."""
    return analyse(digits_for_number_words(text))


def _numbers(terms: list[str]) -> set[str]:
    return {t for t in terms if t[0].isdigit()}


def coverage(statement: str, text: str) -> float:
    """Share of the statement's distinct content terms that occur in `text` (1.0 for an empty statement)."""
    wanted = set(content_terms(statement))
    if not wanted:
        return 1.0
    return len(wanted & set(content_terms(text))) / len(wanted)


def key_fact_stated(fact: str, sentences: list[str]) -> bool:
    """A key fact counts as stated when at least half of its content terms occur in one sentence."""
    return any(coverage(fact, sentence) >= HALF for sentence in sentences)


def supports(claim: str, passage: str, threshold: float = 0.7) -> bool:
    """Whether `passage` plausibly states `claim`: its numbers all occur there and most of its terms do."""
    claim_terms = content_terms(claim)
    passage_terms = set(content_terms(passage))
    if not _numbers(claim_terms) <= passage_terms:
        return False
    return coverage(claim, passage) >= threshold


_PERIOD = re.compile(r"\b(\d+(?:/\d+)?)[\s-]+(day|week|month|year|hour)s?\b")
# 'eight days ago', '17-year-old': facts, not rules
_FACT_AFTER = re.compile(r"\s*(?:-\s*)?(?:ago|old|later|earlier)\b")


def periods(text: str) -> set[tuple[str, str]]:
    """Periods stated as rules in `text`, as (number, unit): 'within forty-five days' -> {('45', 'day')};
    facts such as 'eight days ago' or 'a 17-year-old' are left out."""
    text = digits_for_number_words(text)
    return {(m.group(1), m.group(2)) for m in _PERIOD.finditer(text) if not _FACT_AFTER.match(text, m.end())}


_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}


def days(number: str, unit: str) -> float:
    """A period's length in days: ('2', 'year') -> 730.0."""
    top, _, bottom = number.partition("/")
    return float(top) / float(bottom or 1) * _DAYS[unit]


def contradicted_periods(question: str, quote: str) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """(assumed, stated) pairs: a period the question assumes where the quote states a different one
    (and none equal to it, comparing lengths in days), nearest in scale first: of "fired one week after
    reporting" and "the Act gives only 90 days to sue", set against "within two years", the 90 days is
    the question's premise about the rule, the week a fact of the story."""
    stated = periods(quote)
    conflicts = []
    for assumed in sorted(periods(question)):
        if not stated or any(abs(days(*assumed) - days(*other)) < 0.5 for other in stated):
            continue
        conflicts.append((assumed, min(stated, key=lambda other: abs(days(*other) - days(*assumed)))))
    return sorted(conflicts, key=lambda pair: abs(math.log(days(*pair[0]) / days(*pair[1]))))
