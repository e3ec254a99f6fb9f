"""Citing contexts: what later opinions of the corpus say around a citation of a case.

An opinion that cites a case usually restates what the case stands for. Indexed under the cited
case, these passages find it from the words of the proposition, as a brief would phrase it
(docs/decisions/0008; cross-references between statute sections were measured too and
did not pay). An anchor never counts for the opinion that wrote it, and search leaves out the
anchors written by an excluded authority.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from research.corpus.citations import scan_reporter_citations
from research.domain.ids import ANCHOR_MARK
from research.domain.types import Authority, Kind

CONTEXT_BEFORE = 500
CONTEXT_AFTER = 250


@dataclass(frozen=True)
class Anchor:
    """The text around one citation of `cited` inside `citing`, at `start`-`end` of the citing text."""

    cited: str
    citing: str
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        """'<cited id>#a:<citing id>@<start>': rolls up to the cited authority like a chunk id."""
        return f"{self.cited}{ANCHOR_MARK}{self.citing}@{self.start}"



def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The context span around start-end, widened to whole words."""
    lo, hi = max(0, start - CONTEXT_BEFORE), min(len(text), end + CONTEXT_AFTER)
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return lo, hi


def anchors_of(authority: Authority, resolve: Callable[[str], list[str]]) -> list[Anchor]:
    """The anchors an opinion writes: one per citation of another case of the corpus (resolved from its
    key). Statutes write none."""
    if authority.kind != Kind.OPINION:
        return []
    found: dict[str, Anchor] = {}
    for match in scan_reporter_citations(authority.text):
        for cited in resolve(match.key):
            if cited == authority.id:
                continue
            lo, hi = _window(authority.text, match.start, match.end)
            anchor = Anchor(cited, authority.id, lo, hi, authority.text[lo:hi])
            found.setdefault(anchor.id, anchor)
    return list(found.values())


def all_anchors(authorities: Iterable[Authority], resolve: Callable[[str], list[str]]) -> list[Anchor]:
    """Anchors written by all `authorities`."""
    return [anchor for authority in authorities for anchor in anchors_of(authority, resolve)]
