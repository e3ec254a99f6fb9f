"""Query rewriting: add the legal issue's vocabulary to a question told in plain facts.

Deterministic and offline: a table of concepts (research/search/legal_terms.toml by default, or the file of
the `issue_terms_file` setting), each with the plain phrases that signal it and the terms statutes
use for it. Phrases are compared after the search analyser, so inflections match ("fired" / "firing"),
except that "not" and "no" are kept: the analyser drops them as stopwords, and "not registered" would
otherwise signal copyright registration in every question that says "register".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from research.corpus.analysis import analyse

NEGATIONS = frozenset({"not", "no"})  # stopwords of the search analyser that a phrase of the table keeps


def phrase_tokens(text: str) -> tuple[str, ...]:
    """The tokens phrases and questions are compared by: the search analyser's, negations kept."""
    return tuple(analyse(text, keep=NEGATIONS))


class IssueTermsError(ValueError):
    """The issue-terms file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Concept:
    """Terms of a legal issue and the analysed phrases that signal it."""

    terms: str
    phrases: tuple[tuple[str, ...], ...]


def load_concepts(path: Path) -> list[Concept]:
    """Concepts of a terms file; a missing file, bad TOML, a concept without `terms` or `when`, or a
    phrase that analyses to nothing raises IssueTermsError naming the file (and the concept)."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IssueTermsError(f"{path}: issue terms file cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise IssueTermsError(f"{path}: not valid TOML: {exc}") from exc
    concepts = []
    for number, entry in enumerate(table.get("concept", []), 1):
        if not isinstance(entry.get("terms"), str) or not isinstance(entry.get("when"), list):
            raise IssueTermsError(f"{path}: concept {number}: needs `terms` (text) and `when` (a list of phrases)")
        phrases = []
        for phrase in entry["when"]:
            tokens = phrase_tokens(str(phrase))
            if not tokens:
                raise IssueTermsError(f"{path}: concept {number}: phrase {phrase!r} has no searchable word")
            phrases.append(tokens)
        concepts.append(Concept(entry["terms"], tuple(phrases)))
    return concepts


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))


def issue_terms(question: str, concepts: list[Concept]) -> list[str]:
    """The terms of every concept one of whose phrases occurs in the question, in table order."""
    tokens = phrase_tokens(question)
    return [c.terms for c in concepts if any(_contains(tokens, p) for p in c.phrases)]


def is_question(text: str) -> bool:
    """Whether the text asks something (has a question mark), as an associate's chat question does.

    Propositions in a court's or a brief's words (case notes, a sentence citing a case) are already
    in the law's vocabulary; adding issue terms to them cost recall (docs/decisions/0009).
    """
    return "?" in text


@dataclass
class IssueRewriter:
    """Appends the matched concepts' terms to a question; statements and unmatched questions pass unchanged."""

    concepts: list[Concept]

    def added(self, question: str) -> str:
        """The terms this rewriter adds to `question` ('' for statements and unmatched questions)."""
        return " ".join(issue_terms(question, self.concepts)) if is_question(question) else ""

    def __call__(self, question: str) -> str:
        added = self.added(question)
        return f"{question}\n{added}" if added else question
