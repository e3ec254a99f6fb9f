"""Cited answers over an invented index: extractive quotes, abstention, the checked generator, surveys."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from research.answer.extractive import ExtractiveAnswerer, ExtractiveConfig
from research.answer.followup import replay
from research.answer.generate import Generator, parse_reply
from research.answer.prompts import PromptError, PromptTemplate
from research.answer.researcher import QuestionError, Researcher
from research.corpus.chunking import chunk_authority
from research.domain.answer import (
    CANNOT_ANSWER,
    Answer,
    AnswerMode,
    SupportStatus,
    is_abstention,
)
from research.domain.types import Authority
from research.index.catalogue import ChunkStore, SourceStatus, now
from research.index.directory import AuthorityDirectory
from research.index.lexical import LexicalIndex
from research.search.config import RetrievalConfig
from research.search.evidence.registry import build_retriever
from research.settings import PROJECT_ROOT


def statute(jurisdiction, prefix, number, heading, text):
    return Authority(id=f"{prefix}:{number}", source=f"code-{jurisdiction}", jurisdiction=jurisdiction,
                     kind="statute", citation=f"Inv. Code {jurisdiction} § {number}", heading=heading, text=text)


AUTHORITIES = [
    statute("US-DC", "us-dc:inv", "7-101", "Lantern permits.",
            "(a) No person shall hang a paper lantern over a public sidewalk without a lantern permit.\n"
            "(b) A lantern permit expires ninety days after it is issued.\n"
            "(c) A person who hangs a lantern without a permit shall pay a fine of twenty-five dollars."),
    statute("US-DC", "us-dc:inv", "7-102", "Goat grazing.",
            "(a) Goats may graze in a municipal park only between sunrise and noon.\n"
            "(b) The owner of a grazing goat shall remove its droppings within one hour."),
    statute("US-HI", "us-hi:inv", "8-1", "Lantern licences.",
            "(a) A lantern licence issued by the county lasts one year from the date of issue.\n"
            "(b) The county may revoke a lantern licence for a fire hazard."),
]


class FailingChatModel:
    """A chat model whose endpoint is down."""

    def invoke(self, messages):
        raise TimeoutError("endpoint timed out after 60 s")


@pytest.fixture
def world(tmp_path, hashing_embedder):
    store = ChunkStore(tmp_path / "catalog.sqlite")
    for source in {a.source for a in AUTHORITIES}:
        mine = [a for a in AUTHORITIES if a.source == source]
        chunks = [c for a in mine for c in chunk_authority(a)]
        store.replace_source(source, mine, chunks, SourceStatus(
            source, "sha", "v", "ready", len(mine), {}, len(mine), len(chunks), f"{source} edition 2031", now()))
    chunks = [c for batch in store.iter_chunks() for c in batch]
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    directory = AuthorityDirectory(store.citation_index())
    retriever = build_retriever(store, lexical, directory, RetrievalConfig(heading_weight=0))
    answerer = ExtractiveAnswerer(hashing_embedder, ExtractiveConfig(abstain_below=0.2, abstain_at=1.0))
    return store, retriever, answerer


def researcher(world, chat_model=None) -> Researcher:
    store, retriever, answerer = world
    generator = None
    if chat_model is not None:
        generator = Generator(chat_model, PromptTemplate.load(PROJECT_ROOT / "prompts", "answer"), "fake-model")
    return Researcher(retriever, store, answerer, generator)


def test_extractive_answer_quotes_retrieved_text_with_pins_and_law_version(world):
    store = world[0]
    answer = researcher(world).ask("How long does a lantern permit last after it is issued?", ("US-DC",))
    assert not answer.abstained and answer.mode == "extractive"
    assert answer.brief_answer.startswith("Under Inv. Code US-DC § 7-101(b)")
    assert "ninety days" in answer.brief_answer
    for citation in answer.citations:
        assert citation.authority_id in answer.retrieved
        assert store.authority(citation.authority_id).text[citation.start:citation.end] == citation.quote
        assert citation.status == SupportStatus.VERIFIED and citation.jurisdiction == "US-DC"
    assert all(s.text.strip('"') in answer.citation(s.citations[0]).quote for s in answer.sentences)
    assert answer.law_versions == {"code-US-DC": "code-US-DC edition 2031"}
    assert answer.timings_ms["total"] >= answer.timings_ms["retrieve"]


def test_nothing_relevant_means_the_shared_abstention(world):
    answer = researcher(world).ask("What is the statute of limitations for securities fraud?", ("US-DC",))
    assert answer.abstained and answer.citations == [] and answer.sentences == []
    assert is_abstention(answer.brief_answer) and answer.brief_answer.startswith(CANNOT_ANSWER)
    assert "US-DC" in answer.brief_answer


def test_answer_round_trips_through_its_dict(world):
    answer = researcher(world).ask("When may goats graze in a park?", ("US-DC",))
    again = Answer.from_dict(answer.to_dict())
    assert again == answer and again.text == answer.text


@pytest.mark.parametrize("question, jurisdictions, message", [
    ("   ", (), "empty"),
    ("x" * 20_000, (), "20,000 characters"),
    ("lanterns?", ("US-XX",), "Unknown jurisdiction US-XX"),
])
def test_bad_questions_are_refused_with_a_reason(world, question, jurisdictions, message):
    with pytest.raises(QuestionError, match=message):
        researcher(world).ask(question, jurisdictions)


def test_follow_up_moves_to_the_named_jurisdiction(world):
    history = replay(["How long does a lantern permit last?"], ("US-DC",))
    answer = researcher(world).ask("What about in Hawaii?", ("US-DC",), history=history)
    assert answer.jurisdictions == ("US-HI",)
    assert answer.citations and {c.jurisdiction for c in answer.citations} == {"US-HI"}


def test_survey_has_a_row_per_jurisdiction_and_says_when_nothing_is_found(world):
    survey = researcher(world).survey("How long does a lantern permit or licence last?", ("US-DC", "US-HI", "US-CO"))
    rows = {row.jurisdiction: row for row in survey.rows}
    assert rows["US-DC"].lead_citation.authority_id == "us-dc:inv:7-101"
    assert rows["US-HI"].lead_citation.authority_id == "us-hi:inv:8-1"
    assert not rows["US-CO"].found and is_abstention(rows["US-CO"].rule)
    assert survey.to_dict()["rows"][2]["citation"] is None
    with pytest.raises(QuestionError):
        researcher(world).survey("lanterns", ("US-DC",))


def test_generated_sentences_cite_given_keys_and_are_verified(world):
    reply = ("A lantern permit expires ninety days after it is issued [P1]. "
             "Hanging a lantern without a permit costs a fine of twenty-five dollars [P1][P7].")
    answer = researcher(world, FakeListChatModel(responses=[reply])).ask(
        "How long does a lantern permit last?", ("US-DC",), mode=AnswerMode.GENERATED)
    assert answer.mode == AnswerMode.GENERATED and answer.model == "fake-model" and answer.prompt_version == "answer-v1"
    assert [s.status for s in answer.sentences] == [SupportStatus.VERIFIED, SupportStatus.VERIFIED]
    assert {c.authority_id for c in answer.citations} == {"us-dc:inv:7-101"}
    assert any("not given" in n for n in answer.notices)  # P7 was invented and dropped
    assert "ninety days" in answer.citations[0].quote


def test_unsupported_generated_answer_falls_back_to_extractive(world):
    reply = "A lantern permit lasts five years [P1]. Permits are free for veterans [P1]."
    answer = researcher(world, FakeListChatModel(responses=[reply])).ask(
        "How long does a lantern permit last?", ("US-DC",), mode=AnswerMode.GENERATED)
    assert answer.mode == "extractive" and answer.model is None
    assert any("could not be verified" in n for n in answer.notices)
    assert all(s.status == SupportStatus.VERIFIED for s in answer.sentences)


def test_one_unsupported_generated_sentence_is_marked(world):
    reply = ("A lantern permit expires ninety days after it is issued [P1]. "
             "Hanging a lantern without a permit costs a fine of twenty-five dollars [P1]. "
             "Permits are free for veterans [P1].")
    answer = researcher(world, FakeListChatModel(responses=[reply])).ask(
        "How long does a lantern permit last?", ("US-DC",), mode=AnswerMode.GENERATED)
    assert [s.status for s in answer.sentences] == [SupportStatus.VERIFIED, SupportStatus.VERIFIED,
                                                    SupportStatus.UNSUPPORTED]
    assert any("marked" in n for n in answer.notices)


def test_model_down_gives_the_extractive_answer_and_a_notice(world, tmp_path):
    r = researcher(world, FailingChatModel())
    r.generator.call_log = tmp_path / "calls.jsonl"
    answer = r.ask("How long does a lantern permit last?", ("US-DC",), mode=AnswerMode.GENERATED)
    assert answer.mode == "extractive" and answer.citations
    assert any("did not answer" in n and "timed out" in n for n in answer.notices)
    assert "TimeoutError" in (tmp_path / "calls.jsonl").read_text()


def test_model_saying_it_cannot_answer_abstains(world):
    answer = researcher(world, FakeListChatModel(responses=[CANNOT_ANSWER])).ask(
        "How long does a lantern permit last?", ("US-DC",), mode=AnswerMode.GENERATED)
    assert answer.abstained and is_abstention(answer.brief_answer)


def test_no_configured_model_means_extractive_with_a_notice(world):
    answer = researcher(world).ask("How long does a lantern permit last?", ("US-DC",), mode=AnswerMode.GENERATED)
    assert answer.mode == "extractive" and any("No language model" in n for n in answer.notices)


def test_reply_parsing_moves_keys_and_drops_invented_ones():
    draft = parse_reply("Permits last ninety days [P1]. Fines are due [P2, P4]. Ok.", {"P1", "P2"})
    assert [(s.text, s.keys) for s in draft.sentences] == [
        ("Permits last ninety days.", ("P1",)), ("Fines are due.", ("P2",))]
    assert draft.invented_keys == ["P4"]


def test_prompt_declares_its_variables(tmp_path):
    prompt = PromptTemplate.load(PROJECT_ROOT / "prompts", "answer")
    with pytest.raises(PromptError, match="missing"):
        prompt.render(question="q")
    (tmp_path / "bad.toml").write_text('name="bad"\nversion="bad-v1"\nvariables=["a"]\nsystem="{a} {b}"\nuser=""\n')
    with pytest.raises(PromptError, match="declares"):
        PromptTemplate.load(tmp_path, "bad")


def test_a_false_premise_is_corrected_by_the_quoted_authority(world):
    answer = researcher(world).ask("Since a lantern permit lasts 30 days after it is issued, must we renew monthly?",
                                   ("US-DC",))
    assert answer.brief_answer.startswith(
        'The question assumes that a lantern permit lasts 30 days after it is issued, but Inv. Code US-DC § 7-101(b) '
        'provides: "A lantern permit expires ninety days after it is issued." [')
    confirmed = researcher(world).ask("Does a lantern permit last ninety days after it is issued?", ("US-DC",))
    assert not confirmed.brief_answer.startswith("The question assumes")
    one = researcher(world).ask("Since a lantern permit lasts one year after it is issued, must we renew yearly?",
                                ("US-DC",))
    assert one.brief_answer.startswith("The question assumes that a lantern permit lasts one year after it is issued, "
                                       "but Inv. Code US-DC § 7-101(b) provides: ")


def test_heading_lines_are_not_quoted():
    from research.answer.extractive import Passage, candidate_sentences
    from research.domain.types import Authority

    text = ("[PART II.] LANTERN DEPOSITS\n\n"
            "[§8-9] Refund of deposits. (a) The county shall refund a deposit within ten days.\n"
            "(b) The county shall not refund a deposit until:\n(1) the lantern is returned intact to the office.")
    authority = Authority(id="us-hi:inv:8-9", source="s", jurisdiction="US-HI", kind="statute",
                          citation="Inv. § 8-9", heading="Refund of deposits.", text=text)
    chunk = chunk_authority(authority)[0]
    quotes = [s.text for s, _ in candidate_sentences(Passage(authority, 0, (chunk,)), 900)]
    assert "The county shall refund a deposit within ten days." in quotes
    assert not any(q.startswith(("[§", "[PART")) for q in quotes)
    assert "The county shall not refund a deposit until:" in quotes


def test_sentences_of_the_matched_chunk_are_preferred_as_candidates(hashing_embedder):
    from research.answer.extractive import Passage
    from research.domain.types import Authority

    sentences = [f"Rule {i}: a lantern permit holder shall keep the permit number {i} visible." for i in range(12)]
    text = " ".join(sentences)
    authority = Authority(id="us-dc:inv:9-1", source="s", jurisdiction="US-DC", kind="statute",
                          citation="Inv. § 9-1", heading="Lantern permits.", text=text)
    chunks = tuple(chunk_authority(authority))
    last = text.index("Rule 11")
    answerer = ExtractiveAnswerer(hashing_embedder, ExtractiveConfig(candidates_per_authority=2, abstain_below=0.0,
                                                                    abstain_at=1.0, relative_cutoff=10.0))
    result = answerer.answer("lantern permit number", [Passage(authority, 0, chunks, (last, len(text)))])
    assert any(p.sentence.start == last for p in result.picks)
    unmatched = answerer.answer("lantern permit number", [Passage(authority, 0, chunks)])
    assert all(p.sentence.start != last for p in unmatched.picks)


def test_answer_shows_the_issue_terms_search_added(world):
    from research.domain.answer import Answer
    from research.search.rewrite import IssueRewriter, load_concepts
    from research.settings import DEFAULT_ISSUE_TERMS_FILE

    store, retriever, answerer = world
    plain = Researcher(retriever, store, answerer).ask("How long does a lantern permit last?", ("US-DC",))
    assert plain.added_terms == ""
    rewriting = build_retriever(retriever.chunks, retriever.lexical, retriever.directory,
                                retriever.config, rewrite=IssueRewriter(load_concepts(DEFAULT_ISSUE_TERMS_FILE)))
    answer = Researcher(rewriting, store, answerer).ask(
        "My neighbor was killed by a falling lantern; can his widow sue?", ("US-DC",))
    assert "wrongful death" in answer.added_terms
    assert answer.standalone_question.startswith("My neighbor")  # the question itself is not rewritten
    assert Answer.from_dict(answer.to_dict()).added_terms == answer.added_terms


def test_a_question_naming_one_jurisdiction_is_searched_there_and_says_so(world):
    answer = researcher(world).ask("How long does a lantern licence from a Maui county last?")
    assert answer.jurisdictions == ("US-HI",)
    assert {c.jurisdiction for c in answer.citations} == {"US-HI"}
    assert any(n.startswith("Searched US-HI only") for n in answer.notices)
    everywhere = researcher(world).ask("How long does a lantern licence from the county last?")
    assert everywhere.jurisdictions == () and not everywhere.notices


def test_survey_rows_are_not_narrowed_by_the_jurisdictions_the_question_names(world):
    survey = researcher(world).survey("How long does a lantern permit last in D.C. or a licence in Hawaii?",
                                      ("US-DC", "US-HI"))
    assert [row.answer.jurisdictions for row in survey.rows] == [("US-DC",), ("US-HI",)]
    assert not any(row.answer.notices for row in survey.rows)


def test_a_generated_answer_gets_a_brief_sentence_per_part_of_the_question(world):
    reply = ("Goats may graze in a municipal park only between sunrise and noon [P2]. "
             "A lantern permit expires ninety days after it is issued [P1]. "
             "A person who hangs a lantern without a permit shall pay a fine of twenty-five dollars [P1].")
    answer = researcher(world, FakeListChatModel(responses=[reply])).ask(
        "How long does a lantern permit last, and what fine applies without one?", ("US-DC",),
        mode=AnswerMode.GENERATED)
    assert answer.mode == AnswerMode.GENERATED
    assert "ninety days" in answer.brief_answer and "twenty-five dollars" in answer.brief_answer
    assert "Goats" not in answer.brief_answer
    assert answer.brief_answer.index("ninety days") < answer.brief_answer.index("twenty-five dollars")
