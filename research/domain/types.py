"""Pure domain types: authorities, the chunks cut from them, and search hits.

Nothing here touches a file, a model or a database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of source an answer may quote: the corpus's statutes and opinions, and a matter's own documents."""

    STATUTE = "statute"
    OPINION = "opinion"
    DOCUMENT = "document"  # a private document uploaded to a matter, searchable only inside it


KINDS: tuple[Kind, ...] = (Kind.STATUTE, Kind.OPINION)  # what the public corpus holds and a search may filter


@dataclass(frozen=True)
class Authority:
    """One statute section or one court opinion, as read from a corpus source."""

    id: str
    source: str
    jurisdiction: str
    kind: Kind
    citation: str
    heading: str
    text: str
    heading_path: tuple[str, ...] = ()
    url: str | None = None
    year: int | None = None
    court: str | None = None
    reporter_citations: tuple[str, ...] = ()
    history: str = ""  # a statute's enactment and amendment history as its code prints it ("L 1892, c 57; am L 1903")
    annotations: int | None = None  # notes of decisions the official code prints under the section, where recorded

    @property
    def display_title(self) -> str:
        """Citation plus heading (statutes) or case name (opinions)."""
        if self.kind == Kind.OPINION:
            return f"{self.heading}, {self.citation} ({self.year})" if self.year else self.citation
        return f"{self.citation}. {self.heading}".strip()

    @property
    def content_hash(self) -> str:
        """A digest of the law's words (research.domain.types.content_hash)."""
        return content_hash(self.heading, self.text)


def content_hash(heading: str, text: str) -> str:
    """A digest of an authority's words, heading and text with spaces folded: equal for two versions that say the
    same."""
    words = " ".join(f"{heading}\n{text}".split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Chunk:
    """A passage of an authority that stands alone.

    `text` is the verbatim slice `authority.text[start:end]`; `context` is the citation and
    heading path printed before it for indexing, so a chunk can be read without its section.
    """

    id: str
    authority_id: str
    source: str
    jurisdiction: str
    kind: Kind
    citation: str
    pin: str
    start: int
    end: int
    text: str
    context: str
    ordinal: int

    @property
    def indexed_text(self) -> str:
        """What the lexical and vector indexes see."""
        return f"{self.context}\n{self.text}"

    @property
    def pin_citation(self) -> str:
        """The citation with its pinpoint, e.g. `D.C. Code § 42-3505.01(b)` or `384 U.S. 436, at 444`."""
        if not self.pin:
            return self.citation
        if self.kind == Kind.OPINION:
            return f"{self.citation}, {self.pin}"
        return f"{self.citation}{self.pin}"


@dataclass(frozen=True)
class SearchFilter:
    """Which part of the corpus a search may return; empty tuples mean no restriction."""

    jurisdictions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def admits(self, jurisdiction: str, kind: str) -> bool:
        """True when a chunk of this jurisdiction and kind passes the filter."""
        return (not self.jurisdictions or jurisdiction in self.jurisdictions) and (
            not self.kinds or kind in self.kinds
        )


@dataclass
class AuthorityHit:
    """An authority in a ranked result, with the best-matching passage and how it was found."""

    authority_id: str
    score: float
    chunk: Chunk
    matched_by: list[str] = field(default_factory=list)
