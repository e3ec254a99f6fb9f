"""The chapter classifier (research.search.priors.chapters) and its use as evidence in the retriever."""

import numpy as np
import pytest

from research.domain.types import SearchFilter
from research.search.fusion import add_chapter_evidence
from research.search.priors.chapters import (
    ChapterClassifier,
    chapter_of,
    ensure_chapter_model,
    fit_chapter_classifier,
)
from tests.conftest import write_jsonl_gz

# invented case notes of an invented code: three chapters with their own vocabulary
NOTES = [
    ("US-HI", "landlord withheld the security deposit after the tenant moved out", "901"),
    ("US-HI", "tenant entitled to return of deposit less unpaid rent", "901"),
    ("US-HI", "landlord must account for deposit within fourteen days of the tenancy ending", "901"),
    ("US-HI", "defendant sentenced to prison for burglary of a dwelling", "902"),
    ("US-HI", "burglary conviction upheld where defendant entered the dwelling at night", "902"),
    ("US-HI", "sentence for burglary enhanced because the dwelling was occupied", "902"),
    ("US-CO", "water rights decree adjudicated the priority of the ditch", "7-1"),
    ("US-CO", "priority of water appropriation dates from the first diversion", "7-1"),
    ("US-CO", "child custody order modified for the best interests of the child", "7-2"),
    ("US-CO", "custody of the child awarded to the parent after a hearing", "7-2"),
]


@pytest.mark.parametrize("authority_id, chapter", [
    ("us-hi:hrs:663-1", "663"),
    ("us-hi:hrs:302A-1101", "302A"),
    ("us-hi:hrs:46-1.5", "46"),
    ("us-co:crs:5-12-102", "5-12"),
    ("us-co:crs:19-2.5-1101", "19-2.5"),
    ("cl-cluster:107252", ""),
])
def test_chapter_of_a_section_id(authority_id, chapter):
    assert chapter_of(authority_id) == chapter


@pytest.fixture(scope="module")
def classifier():
    return fit_chapter_classifier(NOTES, c=10.0, min_df=1)


def test_classifier_names_the_chapter_whose_notes_share_the_words(classifier):
    hawaii = classifier.probabilities("a landlord kept the deposit", "US-HI")
    assert set(hawaii) == {"901", "902"} and sum(hawaii.values()) == pytest.approx(1.0)
    assert hawaii["901"] > 0.6
    assert max(classifier.probabilities("burglary of an occupied dwelling", "US-HI").items(),
               key=lambda kv: kv[1])[0] == "902"
    assert max(classifier.probabilities("who gets custody of the child", "US-CO").items(),
               key=lambda kv: kv[1])[0] == "7-2"
    assert classifier.probabilities("a landlord kept the deposit", "US-DC") == {}
    assert classifier.covers("US-CO") and not classifier.covers("US-DC")


def test_text_without_known_words_gives_the_prior_and_bonus_grows_with_probability(classifier):
    flat = classifier.probabilities("zzz qqq", "US-HI")
    assert flat["901"] == pytest.approx(flat["902"], abs=0.2)
    bonus = classifier.bonus("a landlord kept the deposit", "US-HI")
    assert bonus["901"] > bonus["902"] > 0


def test_saved_model_loads_with_the_same_probabilities(classifier, tmp_path):
    path = tmp_path / "model.npz"
    classifier.save(path)
    loaded = ChapterClassifier.load(path)
    for text, jurisdiction in [("deposit returned to tenant", "US-HI"), ("ditch priority", "US-CO")]:
        expected = classifier.probabilities(text, jurisdiction)
        got = loaded.probabilities(text, jurisdiction)
        assert got.keys() == expected.keys()
        assert np.allclose([got[c] for c in expected], list(expected.values()), atol=1e-3)  # float16 weights


def test_one_chapter_is_refused():
    with pytest.raises(ValueError, match="two chapters"):
        fit_chapter_classifier([("US-HI", "a deposit", "901"), ("US-HI", "the deposit", "901")], min_df=1)


def test_chapter_evidence_is_added_by_chapter_and_weight():
    scores = {"us-hi:hrs:901-1": 1.0, "us-hi:hrs:902-1": 1.0, "cl-cluster:5": 1.0}
    added = add_chapter_evidence(scores, {"902": 2.0}, 0.1)
    assert added == pytest.approx({"us-hi:hrs:901-1": 1.0, "us-hi:hrs:902-1": 1.2, "cl-cluster:5": 1.0})


def test_retriever_lifts_sections_of_the_likely_chapter_in_a_one_jurisdiction_search(catalogue, classifier):
    from research.domain.types import Authority
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    def statute(section, text):
        return Authority(id=f"us-hi:hrs:{section}", source="t", jurisdiction="US-HI", kind="statute",
                         citation=f"Haw. Rev. Stat. § {section}", heading="Notice", text=text)

    authorities = [statute("902-7", "Notice shall be given in writing to the person."),
                   statute("901-7", "Notice shall be given in writing to the other person.")]
    store, chunks, directory = catalogue(authorities)
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.text) for c in chunks])

    def first(query, search_filter, weight=1.5, chapters=classifier):  # enough to pass one rank here
        retriever = build_retriever(store, lexical, directory,
                                    RetrievalConfig(chapter_weight=weight), chapters=chapters)
        return retriever.search(query, search_filter, k=2)[0].authority_id

    query = "notice in writing from the landlord about the deposit"
    hawaii = SearchFilter(jurisdictions=("US-HI",))
    assert first(query, hawaii, chapters=None) == "us-hi:hrs:902-7"  # shorter section: lexical order
    assert first(query, hawaii) == "us-hi:hrs:901-7"  # deposit notes belong to chapter 901
    assert first(query, hawaii, weight=0.0) == "us-hi:hrs:902-7"
    assert first(query, SearchFilter()) == "us-hi:hrs:902-7"  # no single jurisdiction: no chapter evidence
    assert first(query, SearchFilter(jurisdictions=("US-HI", "US-CO"))) == "us-hi:hrs:902-7"


def write_notes(path, notes=NOTES):
    """The invented notes as a case-note set in the format of ../shared/evals (gold ids of invented sections)."""
    code = {"US-HI": "us-hi:hrs", "US-CO": "us-co:crs"}
    return write_jsonl_gz(path, [{"id": f"n{n}", "query": f"{text} [SECTION]", "jurisdiction": jurisdiction,
                                  "gold": [{"id": f"{code[jurisdiction]}:{chapter}-{n}"}]}
                                 for n, (jurisdiction, text, chapter) in enumerate(notes)])


def test_ensure_trains_once_per_notes_content_and_retrains_when_they_change(tmp_path):
    notes = write_notes(tmp_path / "notes.jsonl.gz")
    model_file = tmp_path / "models" / "chapter_prior.npz"
    assert ensure_chapter_model(notes, model_file) is True
    model = ChapterClassifier.load(model_file)
    assert set(model.models) == {"US-HI", "US-CO"} and set(model.models["US-HI"].chapters) == {"901", "902"}
    assert ensure_chapter_model(notes, model_file) is False  # same notes: nothing to do
    write_notes(notes, NOTES + [("US-HI", "zoning variance for a setback", "903"),
                                ("US-HI", "setback variance denied by the zoning board", "903")])
    assert ensure_chapter_model(notes, model_file) is True
    assert "903" in ChapterClassifier.load(model_file).models["US-HI"].chapters
    assert not list(model_file.parent.glob("*.partial.npz"))


def test_ingest_trains_the_configured_notes_and_search_uses_them(invented_index_env):
    from research.settings import Settings
    from research.wiring import ResearchIndex

    notes = write_notes(invented_index_env / "notes.jsonl.gz")
    index = ResearchIndex(Settings(chapter_notes_file=notes))
    index.paths.chapter_model.unlink(missing_ok=True)
    index.ingest(progress=False)
    assert index.paths.chapter_model.is_file()
    assert index.retriever().signal("chapter prior").classifier.covers("US-HI")
    assert ResearchIndex(Settings(chapter_notes_file="")).retriever().signal("chapter prior") is None
    missing = ResearchIndex(Settings(chapter_notes_file=invented_index_env / "none.jsonl.gz"))
    missing.ingest(progress=False)  # warns and goes on
    assert missing.retriever().signal("chapter prior") is None
