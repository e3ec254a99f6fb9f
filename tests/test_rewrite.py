"""Query rewriting: plain facts in a question gain the legal issue's terms; statements stay as they are."""

import pytest

from research.corpus.analysis import analyse
from research.search.rewrite import (
    Concept,
    IssueRewriter,
    issue_terms,
    load_concepts,
    phrase_tokens,
)
from research.settings import DEFAULT_ISSUE_TERMS_FILE


def concept(terms, *phrases):
    return Concept(terms, tuple(phrase_tokens(p) for p in phrases))


CONCEPTS = [concept("wrongful death", "killed", "survived by"),
            concept("discharge retaliation", "fired"),
            concept("unordered merchandise", "never ordered"),
            concept("copyright registration", "not registered")]


@pytest.mark.parametrize("question, terms", [
    ("A cyclist was killed by a bus. Who may sue?", ["wrongful death"]),
    ("He is survived by two children; can they sue?", ["wrongful death"]),
    ("She was firing staff, and then got fired herself?", ["discharge retaliation"]),  # inflections match
    ("I never ordered these vitamins, and he was killed?", ["wrongful death", "unordered merchandise"]),
    ("Can a landlord keep a deposit?", []),
    ("She ordered it, never mind?", []),  # the words of a phrase must be adjacent and in order
    ("His photo was not registered; was it copied?", ["copyright registration"]),
    ("Must a sex offender register with the police?", []),  # "not" is a stopword of search, not of phrases
    ("Was the lease not renewed, or no longer registered?", []),
])
def test_issue_terms_of_a_question(question, terms):
    assert issue_terms(question, CONCEPTS) == terms


def test_rewriter_appends_terms_to_questions_only():
    rewrite = IssueRewriter(CONCEPTS)
    assert (rewrite("Was the driver who killed him negligent?")
            == "Was the driver who killed him negligent?\nwrongful death")
    statement = "The decedent was killed when the defendant ran the light."  # a proposition, not a question
    assert rewrite(statement) == statement
    assert rewrite("Can a landlord keep a deposit?") == "Can a landlord keep a deposit?"


def test_shipped_table_loads_and_every_phrase_is_searchable():
    concepts = load_concepts(DEFAULT_ISSUE_TERMS_FILE)
    assert len(concepts) >= 50
    assert all(c.terms and c.phrases and all(c.phrases) for c in concepts)
    killed = issue_terms("My husband was killed by a drunk driver; what can I do?", concepts)
    assert "wrongful death" in " ".join(killed)
    assert issue_terms("Must a sex offender who moved here register, and when?", concepts) == []  # not copyright's


@pytest.mark.parametrize("content, message", [
    ('[[concept]]\nterms = "x"\nwhen = ["fired"]\n\n[[concept]]\nterms = "y"\nwhen = ["and the"]\n',
     "concept 2: phrase 'and the' has no searchable word"),
    ('[[concept]]\nterms = "x"\n', "concept 1: needs `terms`"),
    ('[[concept]\nterms = "x"', "not valid TOML"),
    (None, "cannot be read"),
])
def test_a_bad_terms_file_is_rejected_naming_file_and_concept(tmp_path, content, message):
    from research.search.rewrite import IssueTermsError

    path = tmp_path / "terms.toml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(IssueTermsError, match=message) as caught:
        load_concepts(path)
    assert str(path) in str(caught.value)


def test_the_terms_file_is_a_setting_and_empty_turns_rewriting_off(invented_index_env, monkeypatch):
    from research.wiring import default_index

    own = invented_index_env / "firm_terms.toml"
    own.write_text('[[concept]]\nterms = "lantern permit"\nwhen = ["paper light"]\n')
    monkeypatch.setenv("RESEARCH_ISSUE_TERMS_FILE", str(own))
    default_index().ingest(progress=False)
    assert default_index().retriever().added_terms("May I hang a paper light?") == "lantern permit"

    monkeypatch.setenv("RESEARCH_ISSUE_TERMS_FILE", "")
    default_index.cache_clear()
    assert default_index().retriever().added_terms("May I hang a paper light?") == ""


def test_retaliation_questions_search_both_forms_statutes_use():
    """The stemmer keeps "retaliation" and "retaliatory" apart; codes head their sections with either ("Retaliation.",
    D.C. Code § 42-3505.02 "Retaliatory action."), so the retaliation concepts name both."""
    concepts = load_concepts(DEFAULT_ISSUE_TERMS_FILE)
    assert set(analyse("retaliation")) != set(analyse("retaliatory"))
    for question in ("The landlord refused to renew her lease after she called the housing inspectors. What now?",
                     "He was fired a week after he reported his employer to OSHA. Is that legal?"):
        added = set(analyse(" ".join(issue_terms(question, concepts))))
        assert set(analyse("retaliation retaliatory")) <= added, question
