"""Retrieval scoring: recall, MRR, per-jurisdiction groups, exclusions and survey cells."""

import pytest

from research.corpus.evalsets import EvalItem
from research.domain.types import SearchFilter
from research.evaluation.retrieval import evaluate_retrieval, item_metrics


@pytest.mark.parametrize("ranked, gold, expected", [
    (["a", "b", "c"], {"a"}, {"recall@1": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "hit@3": 1.0}),
    (["x", "a", "b"], {"a", "b"}, {"recall@1": 0.0, "recall@10": 1.0, "mrr@10": 0.5, "hit@3": 1.0}),
    (["x"] * 10 + ["a"], {"a"}, {"recall@10": 0.0, "recall@100": 1.0, "mrr@10": 0.0, "hit@10": 0.0}),
    ([], {"a"}, {"recall@100": 0.0, "mrr@10": 0.0}),
])
def test_item_metrics(ranked, gold, expected):
    metrics = item_metrics(ranked, frozenset(gold))
    assert {k: metrics[k] for k in expected} == expected


def item(id, gold, jurisdictions=(), kind="", exclude=()):
    return EvalItem(id, f"question {id}", frozenset(gold), tuple(jurisdictions), frozenset(exclude), kind)


# A fake index: per jurisdiction, its authorities in ranked order (the search filter selects them).
RANKINGS = {"US-DC": ["dc1", "dc2", "dc3", "dc4", "dc5", "dc6"], "US-HI": ["hi1", "hi2"]}


def fake_search(calls):
    def search(query, search_filter: SearchFilter, depth, exclude):
        calls.append((query, search_filter.jurisdictions, depth))
        places = search_filter.jurisdictions or tuple(RANKINGS)
        merged = [a for j in places for a in RANKINGS[j]]
        return [a for a in merged if a not in exclude][:depth]
    return search


def test_groups_by_jurisdiction_skips_items_without_gold_and_honours_exclusions():
    calls = []
    summary = evaluate_retrieval([item("1", {"dc1"}, ["US-DC"]), item("2", {"hi2"}, ["US-HI"], exclude={"hi1"}),
                                  item("3", set(), ["US-DC"])], fake_search(calls))
    assert summary["n"] == 2 and summary["recall@1"] == 1.0  # hi1 excluded lifts hi2 to rank 1
    assert summary["by_jurisdiction"]["US-DC"]["n"] == 1 and summary["by_jurisdiction"]["US-HI"]["mrr@10"] == 1.0
    assert "survey_cells" not in summary
    assert len(calls) == 2


def test_survey_items_are_also_scored_per_jurisdiction_top_5():
    calls = []
    survey = item("s", {"dc6", "hi2"}, ["US-DC", "US-HI"], kind="survey")  # dc6 is 6th in D.C.
    summary = evaluate_retrieval([survey], fake_search(calls))
    assert summary["survey_cells"] == 2 and summary["survey_hit@5"] == 0.5
    assert [(j, d) for _, j, d in calls[1:]] == [(("US-DC",), 5), (("US-HI",), 5)]


def test_an_item_never_counts_as_evidence_for_itself(tmp_path):
    from research.corpus.evalsets import read_eval_set
    from tests.conftest import write_jsonl_gz

    items = read_eval_set(write_jsonl_gz(tmp_path / "set.jsonl.gz", [
        {"id": "hi-cn-1", "query": "a note [SECTION]", "jurisdiction": "US-HI", "gold": [{"id": "us-hi:hrs:1-1"}]},
        {"id": "sc-cp-1", "query": "See [CASE].", "gold": [{"id": "cl-cluster:1"}],
         "source_opinion_id": "cl-cluster:2"},
    ]))
    assert [i.exclude for i in items] == [frozenset({"hi-cn-1"}), frozenset({"sc-cp-1", "cl-cluster:2"})]


def test_a_quoted_sentence_is_supported_only_by_its_quote_with_inner_marks_made_single():
    from research.domain.answer import Answer, AnswerSentence, Citation, SupportStatus, quoted
    from research.evaluation.answers import sentence_supported

    text = "Intro. “Act in furtherance of the right of advocacy” means: any written statement."
    quote = text[7:]
    citation = Citation(1, "x", "D.C. Code § 99-101", "", quote, 7, len(text), SupportStatus.VERIFIED, "s", "US-DC",
                        "statute", "h")
    answer = Answer(question="q", standalone_question="q", jurisdictions=("US-DC",), kinds=(), mode="extractive",
                    brief_answer="", sentences=[], citations=[citation], abstained=False, retrieved=("x",))
    assert sentence_supported(AnswerSentence(quoted(quote), (1,)), answer, lambda _: text)
    assert not sentence_supported(AnswerSentence(quoted(quote.replace("any", "every")), (1,)), answer, lambda _: text)
    assert not sentence_supported(AnswerSentence(quoted(quote), (1,)), answer, lambda _: "moved " + text)
