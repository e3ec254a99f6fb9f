"""Sentence splitting for legal text that keeps each sentence's character span in its source.

Legal prose is full of periods that do not end sentences ("U.S.", "v.", "No.", "Stat."), so a sentence
ends only at '.', '?', '!' or ';' followed by a space and then a capital letter, an opening parenthesis
or a quote, when the word before the period is not a known abbreviation; a line break before a
subsection label ("(b)", "(2)") also ends one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset("""
u.s s.ct l.ed f f.2d f.3d f.supp v vs no nos stat ann rev gen pub l cong sess art arts sec secs ch chs
cl cls subch subd subds para paras pt pts e.g i.e etc cf id ibid inc corp co ltd mr mrs ms dr st jr sr
jan feb mar apr jun jul aug sept sep oct nov dec d.c haw colo c.r.s h.r.s app supp et al op ops
rel assn ry mfg bros
""".split())

_BOUNDARY = re.compile(r"""(?:[.?!;:])["'”’)]*\s+(?=[A-Z(“"'])|\n+\s*(?=\(?[A-Za-z0-9]{1,5}\)\s)|\n{2,}""")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")
MIN_SENTENCE_CHARS = 25


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source text: `text == source[start:end]`."""

    text: str
    start: int
    end: int


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of `text` with spans relative to `offset` (the text's start in its source).

    Fragments shorter than MIN_SENTENCE_CHARS are joined to the sentence that follows them.
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.start() + 1 if text[match.start()] in ".?!;:" else match.start()
        if text[match.start()] == "." and _is_abbreviation(text[start:cut]):
            continue
        pieces.append((start, cut))
        start = match.end()
    pieces.append((start, len(text)))
    sentences: list[Sentence] = []
    pending: int | None = None
    for begin, end in pieces:
        begin = pending if pending is not None else begin
        begin, end = _strip(text, begin, end)
        if end - begin < MIN_SENTENCE_CHARS and end < len(text):
            pending = begin
            continue
        pending = None
        if end > begin:
            sentences.append(Sentence(text[begin:end], offset + begin, offset + end))
    return sentences


def _is_abbreviation(piece: str) -> bool:
    """True when the period ending `piece` belongs to an abbreviation."""
    match = _WORD_BEFORE.search(piece)
    if match is None:
        return False
    word = match.group(1).lower()
    return word in ABBREVIATIONS or len(word) == 1


def _strip(text: str, begin: int, end: int) -> tuple[int, int]:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    return begin, end
