"""A case a question names is found like a citation: by its full name, or by one word in a question about a case."""

from research.corpus.citations import case_name_key, find_case_names
from research.domain.types import SearchFilter
from research.index.directory import AuthorityDirectory

CASES = [("cl:1", "Erie Railroad v. Tompkins"), ("cl:2", "Miranda v. Arizona"), ("cl:3", "Brown v. Maryland"),
         ("cl:4", "Brown v. Board of Education"), ("cl:5", "Supreme Tribe of Ben-Hur v. Cauble"),
         ("cl:6", "Guaranty Trust Co. v. York")]
ROWS = [(i, "US-federal", "opinion", f"{n} U.S. 1") for n, (i, _) in enumerate(CASES, 300)]


def directory():
    return AuthorityDirectory(ROWS, CASES)


def test_case_names_are_keyed_by_their_parties_first_words():
    assert case_name_key("Erie Railroad v. Tompkins") == case_name_key("Erie R. Co. v. Tompkins") == "erie|tompkins"
    names = find_case_names("Is Wolf v. Colorado still good law after Mapp v. Ohio?")
    assert [case_name_key(n) for n in names] == ["wolf|colorado", "mapp|ohio"]


def test_a_full_case_name_finds_its_opinion():
    assert directory().named("What did the Court hold in Erie R. Co. v. Tompkins?", SearchFilter()) == ["cl:1"]


def test_one_word_names_a_case_only_in_a_question_about_a_case_and_only_when_it_is_unambiguous():
    found = directory()
    assert found.named("Is the Erie doctrine still applied?", SearchFilter()) == ["cl:1"]
    assert found.named("Can the police question him without Miranda warnings?", SearchFilter()) == ["cl:2"]
    assert found.named("Erie County taxes lanterns at what rate?", SearchFilter()) == []  # no case cue
    assert found.named("What did the Supreme Court hold about Brown?", SearchFilter()) == []  # two Browns; Supreme
    assert found.named("Was the Arizona decision right?", SearchFilter()) == []  # a state, a party's second name
    assert found.named("What did Miranda hold?", SearchFilter(kinds=("statute",))) == []  # the filter applies


def test_the_retriever_puts_a_named_case_first_for_questions_only(catalogue):
    from research.domain.types import Authority
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    opinions = [Authority(id=i, source="s", jurisdiction="US-federal", kind="opinion", citation=f"{n} U.S. 1",
                          heading=name, text=f"[*1] The court considered lanterns and {name.split()[0]} at length.")
                for n, (i, name) in enumerate(CASES, 300)]
    store, chunks, _ = catalogue(opinions)
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    retriever = build_retriever(store, lexical, AuthorityDirectory(ROWS, CASES), RetrievalConfig(heading_weight=0))
    hits = retriever.search("What did Guaranty Trust Co. v. York hold about lanterns?", k=3)
    assert hits[0].authority_id == "cl:6" and hits[0].matched_by[0] == "case name"
    statement = retriever.search("As Guaranty Trust Co. v. York held, the court considered lanterns.", k=6)
    assert all("case name" not in h.matched_by for h in statement)
