"""What a research question asks: its parts, and for each part the kind of answer it wants.

"The landlord wants to evict her because she complained ... Is that allowed, and what can she do?" asks two
things: whether it is allowed (a permission or prohibition) and what she can do (a remedy). The facts of the
story are context, not parts. Plain patterns, measured on questions.dev (docs/decisions/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from research.corpus.sentences import split_sentences


class Ask(StrEnum):
    """The kind of answer a part of a question wants, as statutes are drafted to give it."""

    PERIOD = "period"  # a deadline, a duration, a waiting time
    PERMISSION = "permission"  # whether something is allowed, required or prohibited
    REMEDY = "remedy"  # what may be recovered or imposed, who may sue
    DEFINITION = "definition"  # what a term means or covers
    GENERAL = "general"


_ASK_CUES: dict[Ask, re.Pattern[str]] = {
    Ask.PERIOD: re.compile(
        r"\bhow long\b|\bhow many (?:days|weeks|months|years|hours)\b|\bhow soon\b|\bby when\b|\bdeadline\b|"
        r"\btime limit\b|\blimitations? period\b|\bstatute of limitations\b|\bwhen (?:must|does|do|is|are|can|may)\b|"
        r"\bhow much time\b|\bhow quickly\b|\bwhen (?:were|was|will|would)\b|\blast\b|\bexpire", re.IGNORECASE),
    Ask.PERMISSION: re.compile(
        r"^(?:can|may|must|is|are|does|do)\b|\b(?:is|are) (?:it|that|this|they|he|she) (?:legal|lawful|allowed)|"
        r"\ballowed\b|\bpermitted\b|\bprohibit|\brequired\b|\bhave to\b|\bhas to\b|\blegal\b|\blawful\b|\bentitled\b",
        re.IGNORECASE),
    Ask.REMEDY: re.compile(
        r"\bremed|\bdamages\b|\brecover|\bpenalt|\bfine[sd]?\b|\bsue\b|\blawsuit\b|\bclaim\b|\brelief\b|\bliab|"
        r"\bcompensat|\bwhat can (?:she|he|they|i|we|our|my)\b|\bwhat (?:are|is) (?:her|his|their|our|my)\b|"
        r"\bpunish|\bsentence\b|\bconsequence", re.IGNORECASE),
    Ask.DEFINITION: re.compile(r"\bwhat (?:is|are) (?:a|an|the)\b|\bwhat counts as\b|\bdefin|\bqualif|\bmean",
                               re.IGNORECASE),
}
# a second question joined to the first: "Is that allowed, and what can she do?"
_JOINED = re.compile(r"(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
                     r"(?=(?:what|how|can|may|is|are|does|do|must|who|when|which|will|where)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionPart:
    """One thing a question asks, with the kinds of answer it wants (GENERAL when no cue says)."""

    text: str
    asks: frozenset[Ask]


def asks_of(text: str) -> frozenset[Ask]:
    """The kinds of answer a piece of a question wants."""
    found = frozenset(ask for ask, cue in _ASK_CUES.items() if cue.search(text.strip()))
    return found or frozenset({Ask.GENERAL})


def question_parts(question: str) -> list[QuestionPart]:
    """The parts of a question: each interrogative sentence, split where a second question is joined to it with
    "and"; a question with no question mark is one part."""
    asked = [s.text.strip() for s in split_sentences(question) if s.text.strip().endswith("?")]
    if not asked:
        return [QuestionPart(question.strip(), asks_of(question))]
    parts = [piece.strip() for sentence in asked for piece in _JOINED.split(sentence) if piece.strip()]
    return [QuestionPart(part, asks_of(part)) for part in parts]
