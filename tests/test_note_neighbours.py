"""The nearest-notes vote (research.search.priors.note_neighbours) and its use as evidence in the retriever."""

import pytest

from research.corpus.evalsets import EvalItem
from research.search.fusion import add_note_votes
from research.search.priors.note_neighbours import (
    NoteNeighbours,
    ensure_note_neighbours,
    fit_note_neighbours,
)
from tests.conftest import write_jsonl_gz

# invented case notes of an invented code, each annotating one or two invented sections
NOTES = [
    ("n1", "US-HI", "lantern keeper liable for a fire the unattended lantern started", ["us-hi:hrs:901-2"]),
    ("n2", "US-HI", "keeper of an unattended lantern answers for the fire it caused", ["us-hi:hrs:901-2"]),
    ("n3", "US-HI", "owl sanctuary permit revoked for feeding the owls at night", ["us-hi:hrs:902-5"]),
    ("n4", "US-HI", "permit holder may not feed owls inside the sanctuary", ["us-hi:hrs:902-5", "us-hi:hrs:902-6"]),
    ("n5", "US-CO", "ditch company must repair the headgate before the irrigation season", ["us-co:crs:7-1-101"]),
]


def note(note_id, jurisdiction, text, gold):
    return EvalItem(note_id, f"{text} [SECTION]", frozenset(gold), (jurisdiction,), frozenset())


@pytest.fixture(scope="module")
def neighbours():
    return fit_note_neighbours([note(*row) for row in NOTES])


def test_the_section_of_the_most_similar_notes_takes_the_largest_share(neighbours):
    shares = neighbours.vote("an unattended lantern set the barn on fire", "US-HI")
    assert max(shares, key=shares.get) == "us-hi:hrs:901-2"
    assert sum(shares.values()) == pytest.approx(1.0)
    assert neighbours.covers("US-CO") and not neighbours.covers("US-DC")


@pytest.mark.parametrize("text, jurisdiction", [
    ("zoning setback variance", "US-HI"),  # no word shared with any note
    ("an unattended lantern set the barn on fire", "US-DC"),  # no notes of the jurisdiction
    ("an unattended lantern set the barn on fire", "US-CO"),  # notes of another jurisdiction never vote
])
def test_no_vote_without_notes_that_share_a_word(neighbours, text, jurisdiction):
    assert neighbours.vote(text, jurisdiction) == {}


def test_a_note_of_two_sections_votes_for_both(neighbours):
    shares = neighbours.vote("feed owls inside the sanctuary with a permit", "US-HI")
    assert {"us-hi:hrs:902-5", "us-hi:hrs:902-6"} <= set(shares)


def test_excluded_notes_do_not_vote(neighbours):
    query = "keeper liable for a fire the unattended lantern started"
    assert "us-hi:hrs:901-2" in neighbours.vote(query, "US-HI", exclude=frozenset({"n1"}))  # n2 still votes
    assert "us-hi:hrs:901-2" not in neighbours.vote(query, "US-HI", exclude=frozenset({"n1", "n2"}))


def test_saved_notes_load_with_the_same_votes(neighbours, tmp_path):
    path = tmp_path / "note_neighbours.npz"
    neighbours.save(path)
    loaded = NoteNeighbours.load(path)
    for text in ("an unattended lantern set the barn on fire", "feed owls inside the sanctuary"):
        assert loaded.vote(text, "US-HI") == pytest.approx(neighbours.vote(text, "US-HI"), abs=1e-3)


def test_votes_add_weighted_shares_and_bring_in_sections_without_a_score():
    added = add_note_votes({"us-hi:hrs:901-1": 1.0, "us-hi:hrs:901-2": 0.5}, {"us-hi:hrs:901-2": 0.75,
                                                                             "us-hi:hrs:902-5": 0.25}, 2.0)
    assert added == pytest.approx({"us-hi:hrs:901-1": 1.0, "us-hi:hrs:901-2": 2.0, "us-hi:hrs:902-5": 0.5})


def test_retriever_finds_the_section_the_nearest_notes_annotate_for_statements_only(catalogue, neighbours):
    from research.domain.types import Authority, SearchFilter
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    def statute(section, heading, text):
        return Authority(id=f"us-hi:hrs:{section}", source="t", jurisdiction="US-HI", kind="statute",
                         citation=f"Haw. Rev. Stat. § {section}", heading=heading, text=text)

    # 901-2 shares no word with a proposition about lanterns; 901-3 shares one
    authorities = [statute("901-2", "Who may sue and for what", "Every person is responsible in damages for injury."),
                   statute("901-3", "Lantern registry", "Each lantern shall be entered in the registry.")]
    store, chunks, directory = catalogue(authorities)
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.text) for c in chunks])

    def ranked(query, search_filter=SearchFilter(jurisdictions=("US-HI",)), weight=1.0, exclude=frozenset()):
        retriever = build_retriever(store, lexical, directory, RetrievalConfig(note_weight=weight),
                                    note_neighbours=neighbours)
        return [(h.authority_id, h.matched_by) for h in retriever.search(query, search_filter, k=2, exclude=exclude)]

    statement = "The keeper of the unattended lantern is liable for the fire."
    assert ranked(statement)[0] == ("us-hi:hrs:901-2", ["case notes"])
    assert [a for a, _ in ranked(statement, weight=0.0)] == ["us-hi:hrs:901-3"]
    assert [a for a, _ in ranked(statement, exclude=frozenset({"n1", "n2"}))] == ["us-hi:hrs:901-3"]
    assert [a for a, _ in ranked(statement, SearchFilter())] == ["us-hi:hrs:901-3"]  # no single jurisdiction
    assert [a for a, _ in ranked(statement, SearchFilter(jurisdictions=("US-HI",), kinds=("opinion",)))] == []
    assert [a for a, _ in ranked("Is the keeper of an unattended lantern liable for the fire?")] == ["us-hi:hrs:901-3"]


def test_ensure_builds_once_per_notes_content_and_ingest_wires_it(tmp_path, invented_index_env):
    from research.settings import Settings
    from research.wiring import ResearchIndex

    def write(rows):
        return write_jsonl_gz(tmp_path / "notes.jsonl.gz", [
            {"id": i, "query": f"{text} [SECTION]", "jurisdiction": j, "gold": [{"id": g} for g in gold]}
            for i, j, text, gold in rows])

    notes = write(NOTES)
    path = tmp_path / "models" / "note_neighbours.npz"
    assert ensure_note_neighbours(notes, path) is True
    assert ensure_note_neighbours(notes, path) is False  # same notes: nothing to do
    write(NOTES[:3])
    assert ensure_note_neighbours(notes, path) is True
    assert not NoteNeighbours.load(path).covers("US-CO")
    assert not list(path.parent.glob("*.partial.npz"))

    index = ResearchIndex(Settings(chapter_notes_file=notes))
    index.ingest(progress=False)
    assert index.paths.note_neighbours.is_file() and index.retriever().signal("case notes").neighbours.covers("US-HI")
    assert ResearchIndex(Settings(chapter_notes_file="")).retriever().signal("case notes") is None
