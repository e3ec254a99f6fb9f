"""The section prior (research.search.priors.section_prior) and its use as evidence in the retriever."""

from dataclasses import replace

import pytest

from research.corpus.evalsets import EvalItem
from research.domain.types import Authority, SearchFilter
from research.search.fusion import add_section_prior
from research.search.priors.section_prior import (
    SectionPrior,
    StatuteSection,
    annotated_sections,
    ensure_section_prior,
    fit_section_prior,
    history_years,
    record_features,
    sections_of,
)
from tests.conftest import write_jsonl_gz

# an invented code: operative sections (liability, damages, penalties) that notes annotate, and housekeeping ones
# (definitions, appropriations, reports) that they do not
OPERATIVE = ["Liability of owner for injury", "Damages for breach of the duty", "Penalty for violation; liability",
             "Liability of keeper; damages", "Civil penalty and damages", "Owner liability for damages",
             "Penalty; injury to another", "Breach of duty; liability"]
HOUSEKEEPING = ["Definitions", "Appropriation to the department", "Annual report to the legislature",
                "Report of the department", "Definitions; applicability", "Appropriation; report",
                "Department report; definitions", "Legislature appropriation"]


def sections(jurisdiction="US-HI", code="us-hi:hrs"):
    """Invented sections: the operative ones with a sentence of duty, the housekeeping ones with a list of terms."""
    rows = [StatuteSection(f"{code}:1-{n}", jurisdiction, heading,
                           "A person who breaches the duty is liable for the injury and damages caused.")
            for n, heading in enumerate(OPERATIVE)]
    rows += [StatuteSection(f"{code}:2-{n}", jurisdiction, heading,
                            "As used in this chapter: \"department\" means the department of lanterns.")
             for n, heading in enumerate(HOUSEKEEPING)]
    return rows


# the first six of each kind train the prior (operative ones annotated); the last two of each kind were never seen
ANNOTATED = {f"us-hi:hrs:1-{n}" for n in range(6)}


@pytest.fixture(scope="module")
def prior():
    return fit_section_prior(ANNOTATED, sections())


def test_an_unseen_section_that_reads_like_the_annotated_ones_ranks_above_a_housekeeping_one(prior):
    ratios = prior.bonus("US-HI")
    unseen_operative = [ratios[f"us-hi:hrs:1-{n}"] for n in (6, 7)]
    unseen_housekeeping = [ratios[f"us-hi:hrs:2-{n}"] for n in (6, 7)]
    assert min(unseen_operative) > max(unseen_housekeeping)
    assert prior.covers("US-HI") and not prior.covers("US-CO") and prior.bonus("US-CO") == {}


def test_a_jurisdiction_with_nothing_to_learn_is_left_out():
    every = {s.id for s in sections()}
    assert not fit_section_prior(every, sections()).covers("US-HI")  # all annotated
    assert not fit_section_prior(set(), sections()).covers("US-HI")  # none annotated


def test_a_tiny_catalogue_still_trains():  # too few headings for any word to reach min_df: length alone
    rows = [StatuteSection("us-hi:hrs:1-1", "US-HI", "Liability", "A long operative text about the duty owed. " * 5),
            StatuteSection("us-hi:hrs:1-2", "US-HI", "Definitions", "Short.")]
    assert set(fit_section_prior({"us-hi:hrs:1-1"}, rows).bonus("US-HI")) == {"us-hi:hrs:1-1", "us-hi:hrs:1-2"}


def test_saved_prior_loads_with_the_same_ratios(prior, tmp_path):
    prior.save(tmp_path / "prior.npz")
    loaded = SectionPrior.load(tmp_path / "prior.npz")
    assert loaded.bonus("US-HI").keys() == prior.bonus("US-HI").keys()
    for section, ratio in prior.bonus("US-HI").items():
        assert loaded.bonus("US-HI")[section] == pytest.approx(ratio, abs=0.01)  # float16 on disk
        assert loaded.record_bonus("US-HI")[section] == pytest.approx(prior.record_bonus("US-HI")[section], abs=0.01)


def test_annotated_sections_are_the_gold_of_single_jurisdiction_notes():
    items = [EvalItem("a", "q", frozenset({"us-hi:hrs:1-1"}), ("US-HI",), frozenset()),
             EvalItem("b", "q", frozenset({"us-hi:hrs:1-2", "us-hi:hrs:1-3"}), ("US-HI",), frozenset()),
             EvalItem("c", "q", frozenset({"us-hi:hrs:9-9"}), ("US-HI", "US-CO"), frozenset())]
    assert annotated_sections(items) == {"us-hi:hrs:1-1", "us-hi:hrs:1-2", "us-hi:hrs:1-3"}


def test_the_prior_reads_statutes_only():
    statute = Authority(id="us-hi:hrs:1-1", source="t", jurisdiction="US-HI", kind="statute",
                        citation="Haw. Rev. Stat. § 1-1", heading="Liability", text="The owner is liable.")
    opinion = Authority(id="cl-cluster:1", source="o", jurisdiction="US-federal", kind="opinion",
                        citation="1 U.S. 1", heading="A v. B", text="Affirmed.")
    assert list(sections_of([statute, opinion])) == [
        StatuteSection("us-hi:hrs:1-1", "US-HI", "Liability", "The owner is liable.")]
    recorded = replace(statute, history="L 1892", annotations=4)
    assert list(sections_of([recorded])) == [
        StatuteSection("us-hi:hrs:1-1", "US-HI", "Liability", "The owner is liable.", "L 1892", 4)]


def write_notes(path, gold_ids, jurisdiction="US-HI"):
    """Case notes in the format of ../shared/evals, one per gold section."""
    return write_jsonl_gz(path, [{"id": f"n{n}", "query": f"The owner was liable under {gold}. [SECTION]",
                                  "jurisdiction": jurisdiction, "gold": [{"id": gold}]}
                                 for n, gold in enumerate(sorted(gold_ids))])


def test_ensure_trains_once_per_notes_and_catalogue_and_retrains_when_either_changes(tmp_path):
    notes = write_notes(tmp_path / "notes.jsonl.gz", ANNOTATED)
    prior_file = tmp_path / "index" / "section_prior.npz"
    assert ensure_section_prior(notes, "catalogue v1", sections(), prior_file) is True
    assert SectionPrior.load(prior_file).covers("US-HI")
    assert ensure_section_prior(notes, "catalogue v1", sections(), prior_file) is False  # same notes and sections
    assert ensure_section_prior(notes, "catalogue v2", sections(), prior_file) is True  # the statutes changed
    write_notes(notes, ANNOTATED | {"us-hi:hrs:1-6"})
    assert ensure_section_prior(notes, "catalogue v2", sections(), prior_file) is True  # the notes changed
    assert not list(prior_file.parent.glob("*.partial.npz"))


def test_section_prior_is_added_by_authority_and_weight():
    scores = {"us-hi:hrs:1-1": 1.0, "us-hi:hrs:2-1": 1.0, "cl-cluster:1": 0.5}
    ratios = {"us-hi:hrs:1-1": 1.5, "us-hi:hrs:2-1": -2.0}
    assert add_section_prior(scores, ratios, 0.1) == pytest.approx(
        {"us-hi:hrs:1-1": 1.15, "us-hi:hrs:2-1": 0.8, "cl-cluster:1": 0.5})


def test_retriever_prefers_the_annotatable_section_in_a_one_jurisdiction_search(catalogue):
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    def statute(section, heading):
        return Authority(id=f"us-hi:hrs:{section}", source="t", jurisdiction="US-HI", kind="statute",
                         citation=f"Haw. Rev. Stat. § {section}", heading=heading,
                         text="The owner of a lantern shall keep it lit.")

    authorities = [statute("3-1", "Lanterns"), statute("3-2", "Lanterns")]
    store, chunks, directory = catalogue(authorities)
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.text) for c in chunks])
    # the text model favours 3-2, the record model 3-1
    prior = SectionPrior({"US-HI": {"us-hi:hrs:3-1": -1.0, "us-hi:hrs:3-2": 1.0}},
                         {"US-HI": {"us-hi:hrs:3-1": 1.0, "us-hi:hrs:3-2": -1.0}})

    def order(search_filter, weight=0.5, record_weight=0.0, section_prior=prior, query="The owner of a lantern."):
        retriever = build_retriever(store, lexical, directory,
                                    RetrievalConfig(section_prior_weight=weight, record_prior_weight=record_weight),
                                    section_prior=section_prior)
        return [h.authority_id for h in retriever.search(query, search_filter, k=2)]

    hawaii = SearchFilter(jurisdictions=("US-HI",))
    assert order(hawaii, section_prior=None) == ["us-hi:hrs:3-1", "us-hi:hrs:3-2"]  # a tie: catalogue order
    assert order(hawaii) == ["us-hi:hrs:3-2", "us-hi:hrs:3-1"]
    assert order(hawaii, weight=0.0) == ["us-hi:hrs:3-1", "us-hi:hrs:3-2"]
    assert order(SearchFilter()) == ["us-hi:hrs:3-1", "us-hi:hrs:3-2"]  # no single jurisdiction: no prior
    # a statement takes the record model too, an associate's question does not
    assert order(hawaii, record_weight=1.0) == ["us-hi:hrs:3-1", "us-hi:hrs:3-2"]
    assert order(hawaii, record_weight=1.0, query="Who is the owner of a lantern?") == [
        "us-hi:hrs:3-2", "us-hi:hrs:3-1"]


def test_ingest_trains_the_prior_over_the_catalogue_and_search_uses_it(invented_index_env):
    from research.settings import Settings
    from research.wiring import ResearchIndex

    # two chapters, as the chapter prior trained from the same notes needs; 98-1 is not in the catalogue
    notes = write_notes(invented_index_env / "notes.jsonl.gz",
                        {"us-dc:dc-code:99-101", "us-dc:dc-code:99-102", "us-dc:dc-code:98-1"}, "US-DC")
    index = ResearchIndex(Settings(chapter_notes_file=notes))
    index.ingest(progress=False)
    assert index.paths.section_prior.is_file()
    prior = index.retriever().signal("section prior").prior
    statutes = {a.id for a in index.store.iter_authorities("statute")}
    assert "us-dc:dc-code:99-104" in statutes and set(prior.bonus("US-DC")) == statutes  # the unannotated too
    assert ResearchIndex(Settings(chapter_notes_file="")).retriever().signal("section prior") is None


@pytest.mark.parametrize("history, years", [
    ("L 1892, c 57, §5; am L 1903, c 32, §2; RL 1925, §1", [1892, 1903, 1925]),
    ("Source: L. 92: Entire article R&RE, p. 624, § 1, effective January 1, 1993.", [1993, 1992]),
    ("L. 05: p. 12, § 3.", [2005]),
    ("Aug. 12, 1955, 69 Stat. 700, ch. 862, § 7; Apr. 9, 1997, D.C. Law 11-248", [1955, 1997]),
    ("", []),
])
def test_history_years_are_four_digit_years_and_colorado_session_law_years(history, years):
    assert history_years(history) == years


def test_record_features_say_how_old_how_amended_and_how_annotated_a_section_is():
    old = record_features(StatuteSection("a", "US-CO", "H", "T", "L 1892; am L 1903; am L 1925", 2))
    new = record_features(StatuteSection("b", "US-CO", "H", "T", "L 2021", 0))
    unrecorded = record_features(StatuteSection("c", "US-HI", "H", "T"))
    assert old[0] > new[0] and old[1] > new[1]  # more entries, more distinct years
    assert old[2] < new[2]  # enacted earlier
    assert old[5:] > new[5:] and new[5:] == [0.0, 0.0]  # annotated twice / never
    assert unrecorded == [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def test_sections_alike_in_text_are_told_apart_by_their_record():
    rows = [StatuteSection(f"us-co:crs:1-{n}", "US-CO", "Lanterns", "Every lantern shall be lit at dusk.",
                           f"L {1890 + n}; am L 1950; am L 1990" if n % 2 == 0 else f"L {2015 + n % 5}",
                           n % 2 == 0 and 2 or 0) for n in range(40)]
    annotated = {s.id for s in rows[:30] if s.annotations}
    prior = fit_section_prior(annotated, rows)
    assert len({round(ratio, 6) for ratio in prior.bonus("US-CO").values()}) == 1  # the text model cannot tell
    ratios = prior.record_bonus("US-CO")
    old_unseen = [ratios[s.id] for s in rows[30:] if s.annotations]
    new_unseen = [ratios[s.id] for s in rows[30:] if not s.annotations]
    assert min(old_unseen) > max(new_unseen)
