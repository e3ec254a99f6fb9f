"""Query rewriting: plain facts in a question gain the legal issue's terms; statements stay as they are."""

import pytest

from research.rewrite import Concept, IssueRewriter, issue_terms, load_concepts
from research.lexical import analyse


def concept(terms, *phrases):
    return Concept(terms, tuple(tuple(analyse(p)) for p in phrases))


CONCEPTS = [concept("wrongful death", "killed", "survived by"),
            concept("discharge retaliation", "fired"),
            concept("unordered merchandise", "never ordered")]


@pytest.mark.parametrize("question, terms", [
    ("A cyclist was killed by a bus. Who may sue?", ["wrongful death"]),
    ("He is survived by two children; can they sue?", ["wrongful death"]),
    ("She was firing staff, and then got fired herself?", ["discharge retaliation"]),  # inflections match
    ("I never ordered these vitamins, and he was killed?", ["wrongful death", "unordered merchandise"]),
    ("Can a landlord keep a deposit?", []),
    ("She ordered it, never mind?", []),  # the words of a phrase must be adjacent and in order
])
def test_issue_terms_of_a_question(question, terms):
    assert issue_terms(question, CONCEPTS) == terms


def test_rewriter_appends_terms_to_questions_only():
    rewrite = IssueRewriter(CONCEPTS)
    assert rewrite("Was the driver who killed him negligent?") == "Was the driver who killed him negligent?\nwrongful death"
    statement = "The decedent was killed when the defendant ran the light."  # a proposition, not a question
    assert rewrite(statement) == statement
    assert rewrite("Can a landlord keep a deposit?") == "Can a landlord keep a deposit?"


def test_shipped_table_loads_and_every_phrase_is_searchable():
    concepts = load_concepts()
    assert len(concepts) >= 50
    assert all(c.terms and c.phrases and all(c.phrases) for c in concepts)
    assert "wrongful death" in " ".join(issue_terms("My husband was killed by a drunk driver; what can I do?", concepts))


def test_a_phrase_with_no_searchable_word_is_rejected_by_name(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text('[[concept]]\nterms = "x"\nwhen = ["fired"]\n\n[[concept]]\nterms = "y"\nwhen = ["and the"]\n')
    with pytest.raises(ValueError, match="concept 2: phrase 'and the'"):
        load_concepts(path)


def test_search_finds_the_section_named_by_the_issue_not_the_facts(tmp_path):
    from research.chunk import chunk_authority
    from research.chunkstore import ChunkStore, SourceStatus, now
    from research.domain import Authority
    from research.lexical import LexicalIndex
    from research.retrieve import AuthorityDirectory, HybridRetriever, RetrievalConfig

    def statute(n, heading, text):
        return Authority(id=f"us-dc:dc-code:97-{n}", source="t", jurisdiction="US-DC", kind="statute",
                         citation=f"D.C. Code § 97-{n}", heading=heading, text=text)

    authorities = [statute(1, "Wrongful death of a lamplighter", "The personal representative may bring an action."),
                   statute(2, "Helmets", "Cyclists must wear helmets.")]
    chunks = [c for a in authorities for c in chunk_authority(a)]
    store = ChunkStore(tmp_path / "c.sqlite")
    store.replace_source("t", authorities, chunks, SourceStatus("t", "x", "v", "ready", 2, {}, 2, len(chunks), "v", now()))
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    directory = AuthorityDirectory([(a.id, a.jurisdiction, a.kind, a.citation) for a in authorities])

    def ids(issue_terms_on):
        retriever = HybridRetriever(store, lexical, None, None, None, directory,
                                    RetrievalConfig(heading_weight=0, issue_terms=issue_terms_on),
                                    rewrite=IssueRewriter(CONCEPTS))
        return [h.authority_id for h in retriever.search("A cyclist was killed on Elm Street; who may sue?", k=5)]

    assert ids(False) == ["us-dc:dc-code:97-2"]
    assert ids(True)[0] == "us-dc:dc-code:97-1"
