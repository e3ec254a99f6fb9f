"""What a query says the text of its statute must hold: the words it quotes and the subsections it names.

A case note quotes the section it annotates ('not "sex offenders" for purposes of this chapter') and names its parts
('the notice required by subsection (b)'); a brief does the same. Words found verbatim in a section, and a section
that has every part a query names, are evidence no bag of words gives: BM25 scores the quoted words one by one, and
"(b)" is not a term at all. Measured on case notes of sections no training note annotates (docs/decisions/0025);
opinions are left alone (a quotation in a citing sentence did not single out the cited case there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTED = re.compile(r"[\"“]([^\"“”]{3,400}?)[\"”]")
_NAMED_PART = re.compile(
    r"\b(?:subsections?|paragraphs?|subparagraphs?|subdivisions?|clauses?)\s*((?:\([0-9a-z.]{1,6}\))+)", re.IGNORECASE)
_LABEL = re.compile(r"\(([0-9a-z.]{1,6})\)", re.IGNORECASE)


def normalised(text: str) -> str:
    """`text` lowercased, every run of characters other than letters and digits one space."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def part_labels(text: str) -> frozenset[str]:
    """Every parenthesised label in `text`: '(a)', '(12)', '(IV)' give 'a', '12', 'IV'."""
    return frozenset(_LABEL.findall(text))


@dataclass(frozen=True)
class TextCues:
    """The phrases a query quotes (normalised) and the labels of the parts it names ('subsection (b)(2)' names
    'b': the outermost label, which every section with that part carries)."""

    phrases: tuple[str, ...] = ()
    labels: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.phrases or self.labels)

    def quoted_share(self, normalised_text: str) -> float:
        """The share of the quoted phrases found in `normalised_text` (0.0 when nothing is quoted)."""
        if not self.phrases:
            return 0.0
        return sum(phrase in normalised_text for phrase in self.phrases) / len(self.phrases)

    def has_named_parts(self, labels: frozenset[str]) -> bool:
        """Whether a text with part `labels` has every part the query names (False when it names none)."""
        return bool(self.labels) and self.labels <= labels


def text_cues(query: str) -> TextCues:
    """The quoted phrases and named parts of `query`."""
    phrases = tuple(dict.fromkeys(p for p in (normalised(q) for q in _QUOTED.findall(query)) if p))
    labels = frozenset(_LABEL.findall(match.group(1))[0] for match in _NAMED_PART.finditer(query))
    return TextCues(phrases, labels)
