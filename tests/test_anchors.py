"""Citing contexts: anchors written by one authority about another, and how search uses them."""

import pytest

from research.corpus.anchors import Anchor, all_anchors, anchors_of
from research.domain.ids import citing_authority
from research.domain.types import Authority
from research.index.directory import AuthorityDirectory


def opinion(n, name, text, cite=None):
    return Authority(id=f"cl-cluster:{n}", source="o", jurisdiction="US-federal", kind="opinion",
                     citation=cite or f"{900 + n} U.S. {n}", heading=name, text=text,
                     reporter_citations=(cite or f"{900 + n} U.S. {n}",))


def statute(section, heading, text):
    return Authority(id=f"us-hi:hrs:{section}", source="s", jurisdiction="US-HI", kind="statute",
                     citation=f"Haw. Rev. Stat. § {section}", heading=heading, text=text)


CAPTION = "LANTERN CO. v. MOTH. Argued before the whole bench of the imaginary court. " * 40
LANTERN = opinion(1, "Lantern Co. v. Moth", CAPTION + "\n\nThe moth may not sue the lantern for its light.")
OWL = opinion(2, "Owl v. Barn", "We hold, following Lantern Co. v. Moth, 901 U.S. 1, 5 (1890), that a "
                                "creature drawn to a light assumes the risk of it. See also 999 U.S. 9.")
SELF = opinion(3, "Self v. Same", "As we said in this very case, 903 U.S. 3, nothing.")
PERMITS = statute("990-1", "Lantern permits", "A lantern permit is required to hang a lantern.")
FEES = statute("990-2", "Permit fees", "The fee for a permit under section 990-1 is five shells a year.")
ALL = [LANTERN, OWL, SELF, PERMITS, FEES]


@pytest.fixture
def directory():
    return AuthorityDirectory([(a.id, a.jurisdiction, a.kind, a.citation) for a in ALL])


def test_an_opinion_writes_an_anchor_for_each_cited_case_of_the_corpus(directory):
    (anchor,) = anchors_of(OWL, directory.ids_for)
    assert (anchor.cited, anchor.citing) == (LANTERN.id, OWL.id)
    assert "assumes the risk" in anchor.text
    assert OWL.text[anchor.start:anchor.end] == anchor.text


def test_statutes_write_no_anchors_even_when_they_refer_to_other_sections(directory):
    assert anchors_of(FEES, directory.ids_for) == []


def test_no_anchor_for_self_citations_or_authorities_outside_the_corpus(directory):
    anchors = all_anchors(ALL, directory.ids_for)
    assert {(a.cited, a.citing) for a in anchors} == {(LANTERN.id, OWL.id)}


def test_context_window_keeps_whole_words(directory, monkeypatch):
    import research.corpus.anchors as anchors_module

    monkeypatch.setattr(anchors_module, "CONTEXT_BEFORE", 12)
    monkeypatch.setattr(anchors_module, "CONTEXT_AFTER", 6)
    (anchor,) = anchors_of(OWL, directory.ids_for)
    assert "901 U.S. 1" in anchor.text and len(anchor.text) < 60
    assert OWL.text[anchor.start - 1] == " " and OWL.text[anchor.end] == " "  # whole words at both ends


@pytest.mark.parametrize("entry, citing", [
    (Anchor("cl-cluster:1", "cl-cluster:2", 40, 90, "x").id, "cl-cluster:2"),
    (Anchor("cl-cluster:1", "cl-cluster:22", 0, 5, "x").id, "cl-cluster:22"),
    ("cl-cluster:1#4:abcd", None),
    ("us-hi:hrs:990-1#h:abcd", None),
])
def test_anchor_ids_name_the_citing_authority(entry, citing):
    assert citing_authority(entry) == citing


def _retriever(tmp_path, directory):
    from research.corpus.chunking import chunk_authority
    from research.index.catalogue import ChunkStore, SourceStatus, now
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    chunks = [c for a in ALL for c in chunk_authority(a)]
    store = ChunkStore(tmp_path / "c.sqlite")
    store.replace_source("o", ALL, chunks, SourceStatus("o", "x", "v", "ready", 5, {}, 5, len(chunks), "v", now()))
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    anchors = LexicalIndex.build([(a.id, "US-federal", "opinion", a.text) for a in all_anchors(ALL, directory.ids_for)])
    # lexical search keeps only its best chunk (Owl's), so Lantern can only be found by what cites it
    return build_retriever(store, lexical, directory, RetrievalConfig(heading_weight=0, lexical_depth=1),
                           anchors=anchors)


def test_search_finds_a_case_by_what_later_opinions_say_it_held(tmp_path, directory):
    retriever = _retriever(tmp_path, directory)
    hits = retriever.search("creature drawn to a light assumes the risk", k=3)
    assert len([c for c in retriever.chunks.chunks_of(LANTERN.id)]) > 1
    assert LANTERN.id in [h.authority_id for h in hits]
    lantern = next(h for h in hits if h.authority_id == LANTERN.id)
    assert "cited-by" in lantern.matched_by and lantern.chunk.authority_id == LANTERN.id  # its own text is shown
    assert lantern.matched_by == ["cited-by"]
    assert lantern.chunk.text.startswith("The moth may not sue")  # its own words closest to the query, not the caption


def test_anchors_written_by_an_excluded_authority_do_not_count(tmp_path, directory):
    retriever = _retriever(tmp_path, directory)
    hits = retriever.search("creature drawn to a light assumes the risk", k=3, exclude=frozenset({OWL.id}))
    assert LANTERN.id not in [h.authority_id for h in hits]
