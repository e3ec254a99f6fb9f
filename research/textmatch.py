"""Content-word matching of short statements against text: key facts and claim support.

Text is reduced to content terms: lowercased, number words written as digits ("forty-five" -> 45,
"two-thirds" -> 2/3), stopwords dropped, stemmed (the lexical index's analyser). The same rule
scores every answer mode, so modes can be compared.
"""

from __future__ import annotations

import re

from research.lexical import analyse

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
              "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_NUMBER_WORD = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_NUMBER_PHRASE = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?:[\s-](?P<unit>{'|'.join(_UNITS)}))?|(?P<word>{_NUMBER_WORD}))"
    rf"(?:[\s-](?P<frac>{'|'.join(_FRACTIONS)}))?\b")
HALF = 0.5


def digits_for_number_words(text: str) -> str:
    """`text` lowercased with number words as digits: 'forty-five days' -> '45 days', 'two-thirds' -> '2/3'."""

    def replace(match: re.Match) -> str:
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
