"""The Streamlit workspace, driven by AppTest over an index of the invented corpus."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from research.wiring import default_index

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUESTION = "How long does a lantern permit last before it expires?"


@pytest.fixture
def app_env(invented_index_env):
    st.cache_resource.clear()
    yield invented_index_env
    st.cache_resource.clear()


@pytest.fixture
def ingested(app_env):
    default_index().ingest(progress=False)
    return app_env


def start() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run()


def ask(at: AppTest, question: str, matter: str | None = "Lantern Co. permits") -> AppTest:
    if matter is not None:
        at.sidebar.text_input(key="matter").input(matter)
    at.chat_input[0].set_value(question)
    return at.run()


def page_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_question_gets_a_cited_draft_answer_whose_passage_opens(ingested):
    at = ask(start(), QUESTION)
    assert not at.exception
    text = page_text(at)
    assert "Brief answer." in text and "D.C. Code § 99-101(b)" in text
    assert "Draft - needs attorney review" in text
    labels = [e.label for e in at.expander]
    assert any(label.startswith("[1] D.C. Code § 99-101") for label in labels)
    assert "<mark>A lantern permit expires 90 days after it is issued.</mark>" in text
    assert "test fixture" in text  # the version of the law
    assert "Also searched for" not in text  # nothing in this question names facts of another issue


def test_issue_terms_added_to_a_question_are_shown(ingested):
    at = ask(start(), "A goat was killed by a lantern that fell in the park; can its owner sue?")
    assert not at.exception
    assert "Also searched for the issue: *wrongful death" in page_text(at)


def test_follow_up_in_the_same_conversation_and_reopening_from_history(ingested):
    at = ask(start(), QUESTION)
    at = ask(at, "Can the permit be renewed?", matter=None)
    assert not at.exception
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 2
    fresh = start()
    fresh.switch_page("views/history.py").run()
    fresh.text_input[0].input("renewed").run()
    assert "Lantern Co. permits" in page_text(fresh)
    fresh.button(key=next(b.key for b in fresh.button if b.key and b.key.startswith("open-"))).click().run()
    assert not fresh.exception
    reopened = page_text(fresh)
    assert QUESTION in reopened and "Can the permit be renewed?" in reopened
    assert "D.C. Code § 99-101" in reopened


@pytest.mark.parametrize("question, matter, message", [
    (QUESTION, "", "Name the matter"),
    ("x" * 20_000, "Overlong", "20,000 characters"),
    ("   ", "Blank", "empty"),
])
def test_bad_requests_get_a_message_and_the_app_keeps_working(ingested, question, matter, message):
    at = ask(start(), question, matter=matter)
    assert not at.exception
    assert message in " ".join(e.value for e in at.error)
    at = ask(at, QUESTION, matter="Recovered")
    assert "D.C. Code § 99-101" in page_text(at)


def test_missing_index_is_reported_in_the_page(app_env):
    at = ask(start(), QUESTION)
    assert not at.exception
    assert "research ingest" in at.error[0].value


def test_unusable_issue_terms_file_is_reported_in_the_page(ingested, monkeypatch):
    monkeypatch.setenv("RESEARCH_ISSUE_TERMS_FILE", str(ingested / "no-such-terms.toml"))
    default_index.cache_clear()
    at = ask(start(), QUESTION)
    assert not at.exception
    assert "no-such-terms.toml" in at.error[0].value and "RESEARCH_ISSUE_TERMS_FILE" in at.error[0].value


def test_model_endpoint_down_gives_the_extractive_answer_with_a_notice(ingested, monkeypatch):
    monkeypatch.setenv("RESEARCH_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RESEARCH_LLM_MODEL", "absent-model")
    default_index.cache_clear()
    st.cache_resource.clear()
    at = start()
    at.sidebar.radio(key="mode").set_value("Configured model")
    at = ask(at, QUESTION)
    assert not at.exception
    assert any("did not answer" in i.value for i in at.info)
    assert "D.C. Code § 99-101(b)" in page_text(at)


def test_survey_mode_shows_a_row_per_jurisdiction(ingested):
    at = start()
    at.sidebar.toggle(key="survey").set_value(True)
    at = ask(at, QUESTION)
    assert not at.exception
    table = at.table[0].value
    assert list(table["Jurisdiction"]) == ["US-DC", "US-HI", "US-CO", "US-federal"]
    assert "No authority found" in list(table["Rule (quoted)"])


def test_corpus_page_lists_sources_with_counts(ingested):
    at = start()
    at.switch_page("views/corpus.py").run()
    frame = at.dataframe[0].value
    assert set(frame["Source"]) == {"Invented invented-code", "Invented invented-opinions"}
    assert (frame["Status"] == "ready").all()


def test_memos_page_previews_and_offers_three_downloads(ingested):
    at = ask(start(), QUESTION)
    at.switch_page("views/memos.py").run()
    assert not at.exception
    text = page_text(at)
    assert "DRAFT - NOT REVIEWED BY AN ATTORNEY" in text and "Table of Authorities" in text
    assert "D.C. Code § 99-101" in text
    labels = sorted(b.label for b in at.get("download_button"))
    assert labels == ["Download Markdown", "Download PDF", "Download Word"]


def test_review_grades_and_approves_and_the_label_changes_everywhere(ingested):
    at = start()
    at.sidebar.text_input(key="associate").input("A. Associate")
    at = ask(at, QUESTION)
    at.switch_page("views/review.py").run()
    assert not at.exception
    assert "1 answer(s) awaiting review" in page_text(at)
    assert at.selectbox(key="review_associate").options == ["All", "A. Associate"]
    at.button(key=next(b.key for b in at.button if b.label == "Save grade and approve")).click().run()
    assert "reviewer's name" in " ".join(e.value for e in at.error)  # no reviewer yet
    at.text_input(key="reviewer_name").input("R. Reviewer")
    at.button(key=next(b.key for b in at.button if b.label == "Save grade and approve")).click().run()
    assert not at.exception
    assert "Approved by R. Reviewer" in at.success[0].value
    at.switch_page("views/research.py").run()
    assert "Reviewed by R. Reviewer on" in page_text(at)
    at.switch_page("views/memos.py").run()
    assert "Reviewed by R. Reviewer on" in page_text(at) and "DRAFT - NOT REVIEWED" not in page_text(at)
    at.switch_page("views/dashboard.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Answers"] == "1" and metrics["Pass rate"] == "100%" and metrics["Citation accuracy"] == "100%"
