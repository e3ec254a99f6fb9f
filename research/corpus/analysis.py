"""The legal-aware text analyser shared by the lexical indexes, issue rewriting and text matching.

Section numbers such as `42-3505.01` stay whole, English stopwords (and drafting words such as "shall")
are dropped, and words are Snowball-stemmed; `pairs_of` gives adjacent-term pairs ("statut_limit").
"""

from __future__ import annotations

import functools
import re

import bm25s
import Stemmer

# Section numbers ("42-3505.01", "6-1-1304", "521-44", "28:2-725") stay whole tokens; words split.
_TOKEN = re.compile(r"\d+[a-z]*(?:[\-.:]\d+[a-z]*)+|[a-z]+(?:'[a-z]+)?|\d+[a-z]*")


_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN) | {"shall", "may", "section", "subsection", "paragraph"}


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=500_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def analyse(text: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """Lowercased, stemmed tokens without stopwords (but those in `keep`); section numbers kept whole."""
    return [_stem(t) if t[0].isalpha() else t for t in _TOKEN.findall(text.lower())
            if t not in _STOPWORDS or t in keep]


def pairs_of(terms: list[str]) -> list[str]:
    """Each pair of neighbouring terms (of `analyse`) as one token ('statut_limit' for "statute of limitations"):
    phrase evidence that single terms do not carry."""
    return [f"{first}_{second}" for first, second in zip(terms, terms[1:])]
