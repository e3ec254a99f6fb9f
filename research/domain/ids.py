"""Index entry ids: chunks, heading entries and citing contexts all roll up to an authority id.

Chunk ids are '<authority id>#<ordinal>:<digest>', heading entries '<authority id>#h:<digest>', citing
contexts (anchors) '<cited authority id>#a:<citing authority id>@<offset>'.
"""

from __future__ import annotations

ANCHOR_MARK = "#a:"


def citing_authority(entry_id: str) -> str | None:
    """The authority that wrote an anchor, from its id; None for any other index entry."""
    if ANCHOR_MARK not in entry_id:
        return None
    return entry_id.split(ANCHOR_MARK, 1)[1].rsplit("@", 1)[0]


def is_text_chunk(entry_id: str) -> bool:
    """True for the id of a chunk of an authority's own text (not a heading entry or an anchor)."""
    return "#h:" not in entry_id and citing_authority(entry_id) is None


def authority_of(entry_id: str) -> str:
    """Chunk ids are '<authority id>#<ordinal>:<digest>', heading entries '<authority id>#h:<digest>',
    anchors '<cited authority id>#a:<citing authority id>@<offset>'."""
    return entry_id.rsplit("#", 1)[0]
