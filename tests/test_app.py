"""The Streamlit workspace, driven by AppTest over an index of the invented corpus, signed in as the users of
tests.conftest's Firm (Amy belongs to the lantern matter only, Otto to the goat matter only, Rex to both)."""

import html
import re
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from research.domain.review import CORRECT, Grade
from research.wiring import default_index, open_app_database
from tests.conftest import PASSWORD, Firm

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUESTION = "How long does a lantern permit last before it expires?"


@pytest.fixture
def app_env(invented_index_env):
    st.cache_resource.clear()
    Firm(open_app_database(default_index().settings))
    yield invented_index_env
    st.cache_resource.clear()


@pytest.fixture
def ingested(app_env):
    default_index().ingest(progress=False)
    return app_env


def start(user: str | None = "Amy") -> AppTest:
    """The app, signed in as `user` (None: nobody)."""
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not None:
        at.session_state["signed_in_user"] = open_app_database(default_index().settings).accounts.user(user)
        at.session_state["last_seen"] = time.monotonic()
    return at.run()


def ask(at: AppTest, question: str, matter: str | None = Firm.LANTERN) -> AppTest:
    if matter is not None:
        at.sidebar.selectbox(key="matter").set_value(matter)
    at.chat_input[0].set_value(question)
    return at.run()


def shown(markdown: str) -> str:
    """Markdown source as the reader sees its text (escapes of research.domain.markup undone)."""
    return html.unescape(re.sub(r"\\([^\w\s])", r"\1", markdown))


def page_text(at: AppTest) -> str:
    return shown(" ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption))


def test_question_gets_a_cited_draft_answer_whose_passage_opens(ingested):
    at = ask(start(), QUESTION)
    assert not at.exception
    text = page_text(at)
    assert "Brief answer." in text and "D.C. Code § 99-101(b)" in text
    assert "Draft - needs attorney review" in text
    labels = [shown(e.label) for e in at.expander]
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
    at = ask(at, "And can it be renewed?", matter=None)
    assert not at.exception
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 2
    assert f"Interpreted as: {QUESTION} And can it be renewed?" in page_text(at)
    fresh = start()
    fresh.switch_page("views/history.py").run()
    fresh.text_input[0].input("renewed").run()
    assert Firm.LANTERN in page_text(fresh)
    fresh.button(key=next(b.key for b in fresh.button if b.key and b.key.startswith("open-"))).click().run()
    assert not fresh.exception
    reopened = page_text(fresh)
    assert QUESTION in reopened and "And can it be renewed?" in reopened
    assert "D.C. Code § 99-101" in reopened


@pytest.mark.parametrize("user, question, matter, message", [
    ("Rex", QUESTION, None, "Choose the matter"),  # Rex has two matters: none is chosen for him
    ("Amy", "   ", Firm.LANTERN, "empty"),
    ("Amy", "Is a lantern permit a license? " * 80, Firm.LANTERN, "the limit is 2,000"),  # pasted, too long
])
def test_bad_requests_get_a_message_and_the_app_keeps_working(ingested, user, question, matter, message):
    at = ask(start(user), question, matter=matter)
    assert not at.exception
    assert message in shown(" ".join(e.value for e in at.error))
    assert not any(m.name == "user" for m in at.chat_message) or matter is None or question.strip()
    at = ask(at, QUESTION, matter=Firm.LANTERN)
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
    assert any("did not answer" in shown(i.value) for i in at.info)
    assert "D.C. Code § 99-101(b)" in page_text(at)


def test_without_a_model_endpoint_the_mode_is_not_offered(app_env):
    at = start()
    assert not at.exception
    assert not [r for r in at.sidebar.radio if r.key == "mode"]
    assert any("no model endpoint is configured" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("role, advice", [("admin", "create a matter and add yourself to it"),
                                          ("associate", "an admin adds you to one")])
def test_a_user_of_no_matter_is_told_what_to_do(app_env, role, advice):
    accounts = open_app_database(default_index().settings).accounts
    accounts.add_user("Nell", role, PASSWORD, by=accounts.user("Ada"))
    at = start("Nell")
    assert not at.exception
    assert any(advice in i.value for i in at.info)


def test_pasted_text_is_checked_on_the_check_page(ingested):
    at = start()
    at.switch_page("views/check.py").run()
    assert not at.metric  # nothing to check yet
    at.text_area(key="check_text").set_value("A permit lapses. D.C. Code § 99-101(b). It must be renewed, "
                                             "D.C. Code § 99-101(z).")
    at.button[0].click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Citations": "2", "Found in the corpus": "2", "With problems": "1"}
    assert "Checked: pasted text" in page_text(at)


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
    assert frame["Ingested (UTC)"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()  # not a raw ISO stamp
    coverage = at.dataframe[1].value.set_index("Jurisdiction")
    assert coverage.loc["District of Columbia", "Code held"] == "D.C. Code titles 99"
    assert coverage.loc["United States (federal)", "Opinion years"] == "2031–2031"
    assert "Invented invented-code: version 1, test fixture" in [e.label for e in at.expander]


def test_memos_page_previews_and_offers_three_downloads(ingested):
    at = ask(start(), QUESTION)
    at.switch_page("views/memos.py").run()
    assert not at.exception
    text = page_text(at)
    assert "DRAFT - NOT REVIEWED BY AN ATTORNEY" in text and "Table of Authorities" in text
    assert "D.C. Code § 99-101" in text
    labels = sorted(b.label for b in at.get("download_button"))
    assert labels == ["Download Markdown", "Download PDF", "Download Word"]
    picker = next(box for box in at.selectbox if box.label == "Conversation")
    assert QUESTION[:80] in picker.options[0]  # a conversation is named by its first question, not a date alone


def test_review_grades_and_approves_and_the_label_changes_everywhere(ingested):
    ask(start("Amy"), QUESTION)
    at = start("Rex")
    at.switch_page("views/review.py").run()
    assert not at.exception
    assert "1 answer(s) awaiting review or approval" in page_text(at) and "Grading as **Rex**" in page_text(at)
    assert at.selectbox(key="review_associate").options == ["All", "Amy"]
    marks = [box for box in at.selectbox if box.key and box.key.startswith("mark_")]
    assert marks and all(box.value is None for box in marks)  # nothing marked for the reviewer
    captions = [shown(c.value) for c in at.caption]
    assert sum(c.startswith('"') for c in captions) == len(marks)  # each mark beside the quote it judges
    at.button(key=next(b.key for b in at.button if b.label == "Save grade and approve")).click().run()
    unmarked = ", ".join(f"[{n}]" for n in range(1, len(marks) + 1))
    assert f"mark citation{'s' if len(marks) > 1 else ''} {unmarked} and choose Pass or Fail" in at.error[0].value
    assert not at.success and "Status: **draft**" in page_text(at)  # nothing saved
    at = _grade(at, approve=True)
    assert not at.exception
    assert "Approved by Rex" in shown(at.success[0].value)
    at.switch_page("views/research.py").run()
    history = start("Amy")
    history.switch_page("views/history.py").run()
    history.button(key=next(b.key for b in history.button if b.key and b.key.startswith("open-"))).click().run()
    assert "Reviewed by Rex on" in page_text(history)
    history.switch_page("views/memos.py").run()
    assert "Reviewed by Rex on" in page_text(history) and "DRAFT - NOT REVIEWED" not in page_text(history)
    at.switch_page("views/dashboard.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Answers"] == "1" and metrics["Pass rate"] == "100%" and metrics["Citation accuracy"] == "100%"


def _grade(at: AppTest, approve: bool = False) -> AppTest:
    """Mark every citation correct, pass the answer, and save the grade (approving it too, when asked)."""
    for box in at.selectbox:
        if box.key and box.key.startswith("mark_"):
            box.set_value(CORRECT)
    next(r for r in at.radio if r.label == "Overall").set_value("Pass")
    label = "Save grade and approve" if approve else "Save grade"
    return at.button(key=next(b.key for b in at.button if b.label == label)).click().run()


def test_blind_double_review_and_the_status_of_each_answer(ingested, monkeypatch):
    monkeypatch.setenv("RESEARCH_REVIEW__REVIEWS_REQUIRED", "2")
    default_index.cache_clear()
    st.cache_resource.clear()
    ask(start("Amy"), QUESTION)
    rex = start("Rex")
    rex.switch_page("views/review.py").run()
    assert "Status: **draft**" in page_text(rex)
    _grade(rex, approve=True)
    assert "1 of the 2 review(s) required" in shown(rex.error[0].value)
    ada = start("Ada")
    ada.switch_page("views/review.py").run()
    assert not ada.exception
    assert "in review (1 of 2 reviews)" in ada.selectbox(key="review_answer").options[0]
    assert "Status: **in review (1 of 2 reviews)**" in page_text(ada)
    assert "1 other review(s) of this answer are hidden" in shown(ada.info[0].value)
    assert "Rex: pass" not in page_text(ada)
    _grade(ada)
    assert not ada.exception and "Grade saved for Ada" in shown(ada.success[0].value)
    assert "Grades so far: Rex: pass; Ada: pass" in page_text(ada)
    assert "Status: **reviewed, awaiting approval**" in page_text(ada)
    history = start("Amy")
    history.switch_page("views/history.py").run()
    assert "1 graded" in page_text(history)
    _grade(ada, approve=True)
    assert "Approved by Ada" in shown(ada.success[0].value)
    history.run()
    assert "1 approved" in page_text(history)


def test_the_approved_edit_comes_first_on_the_research_page(ingested):
    at = ask(start("Amy"), QUESTION)
    conversation_id = at.session_state["conversation_id"]
    db = open_app_database(default_index().settings)
    rex = db.workspace(db.accounts.user("Rex"))
    (queued,) = rex.reviews.queue()
    rex.reviews.record_grade(queued.stored.id, Grade("Rex", 4, 4, 4, True))
    rex.reviews.approve(queued.stored.id, edited_text="A lantern permit lasts ninety days [1].")
    reopened = start("Amy")
    reopened.session_state["conversation_id"] = conversation_id
    reopened.run()
    markdown = [shown(m.value) for m in reopened.markdown]
    edit = markdown.index("A lantern permit lasts ninety days [1].")
    assert edit < next(i for i, m in enumerate(markdown) if m.startswith("**Brief answer.**"))
    captions = [c.value for c in reopened.caption]
    assert any("approved version, edited by the reviewer" in c for c in captions)
    assert "The answer as first given, with its citations:" in captions


def test_nothing_shows_until_sign_in_and_a_wrong_password_is_refused(ingested):
    at = start(user=None)
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"] and not at.chat_input
    at.text_input[0].input("Amy")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert "Wrong name or password" in at.error[0].value and not at.chat_input
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and at.chat_input
    assert "Signed in as **Amy**" in page_text(at)
    assert at.sidebar.selectbox(key="matter").options == [Firm.LANTERN]  # not the goat matter


def test_the_first_start_asks_for_an_admin(app_env, tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    default_index.cache_clear()
    st.cache_resource.clear()
    at = start(user=None)
    assert [t.value for t in at.title] == ["Create the first admin"]
    at.text_input[0].input("Ada")
    at.text_input[1].input(PASSWORD)
    at.text_input[2].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and "Signed in as **Ada**" in page_text(at)
    at.switch_page("views/admin.py").run()
    assert not at.exception and "Ada" in page_text(at)


def test_an_admins_change_shows_at_once_and_a_new_conversation_keeps_its_matter(ingested):
    at = start("Ada")
    at.switch_page("views/admin.py").run()
    at.text_input[0].input("Carol")  # the "Add a user" form comes first: name, then initial password
    at.text_input[1].input(PASSWORD)
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception and "Added Carol (associate)." in at.success[0].value
    assert "Carol" in at.dataframe[0].value["Name"].tolist()  # the table drawn after the change
    assert start("Amy").sidebar.selectbox(key="matter").value == Firm.LANTERN  # her only matter, chosen
    rex = start("Rex")
    assert rex.sidebar.selectbox(key="matter").value is None  # two matters: his choice
    rex = ask(rex, QUESTION, matter=Firm.GOAT)
    next(b for b in rex.sidebar.button if b.label == "New conversation").click().run()
    assert rex.sidebar.selectbox(key="matter").value == Firm.GOAT


def test_an_idle_session_ends_and_sign_out_works(ingested):
    at = start("Amy")
    at.session_state["last_seen"] = time.monotonic() - 31 * 60
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "without use" in at.warning[0].value
    at = start("Amy")
    at.sidebar.button[0].click().run()  # Sign out
    assert [t.value for t in at.title] == ["Sign in"]


def test_another_matters_conversations_stay_behind_the_wall_in_the_app(ingested):
    ask(start("Amy"), QUESTION)
    at = start("Otto")
    at.switch_page("views/history.py").run()
    assert not at.exception
    assert "No conversations yet." in shown(" ".join(i.value for i in at.info))
    at = start("Otto")
    at.session_state["conversation_id"] = 1  # Amy's conversation, by id
    at.run()
    assert not at.exception and QUESTION not in page_text(at)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["conversation"] = "1"  # or by the address a reload keeps
    at.session_state["signed_in_user"] = open_app_database(default_index().settings).accounts.user("Otto")
    at.session_state["last_seen"] = time.monotonic()
    at.run()
    assert not at.exception and QUESTION not in page_text(at)


def test_a_reload_keeps_the_open_conversation(ingested):
    first = ask(start("Amy"), QUESTION)
    assert first.query_params["conversation"] == "1"
    at = AppTest.from_file(APP, default_timeout=120)  # a new connection, as after F5, with the page's address
    at.query_params["conversation"] = "1"
    at.session_state["signed_in_user"] = open_app_database(default_index().settings).accounts.user("Amy")
    at.session_state["last_seen"] = time.monotonic()
    at.run()
    assert not at.exception and QUESTION in page_text(at)
    next(b for b in at.sidebar.button if b.label == "New conversation").click().run()
    assert "conversation" not in at.query_params and QUESTION not in page_text(at)


def test_user_text_is_shown_as_text_not_markup(ingested):
    at = ask(start("Amy"), "**Bold** [click](javascript:alert(1)) <b>tag</b> How long does a lantern permit last?")
    assert not at.exception
    sources = " ".join(m.value for m in at.markdown)
    assert not re.search(r"(?<!\\)\*\*Bold|(?<!\\)\]\(javascript", sources) and "<b>" not in sources
    assert "**Bold** [click](javascript:alert(1)) <b>tag</b>" in page_text(at)


HOSTILE = "**Bold** [click](javascript:alert(1)) <b>tag</b> <img src=x onerror=alert(1)>"


def _no_live_markup(at: AppTest) -> None:
    """No Markdown element of the page renders a hostile string as markup: every sign of it is escaped."""
    assert not at.exception
    sources = " ".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.subheader])
    assert not re.search(r"(?<!\\)\*\*Bold|(?<!\\)\]\(javascript", sources)
    assert "<b>tag" not in sources and "<img" not in sources


def test_hostile_user_text_stays_text_on_every_page(ingested):
    ask(start("Amy"), f"{HOSTILE} How long does a lantern permit last?")
    at = ask(start("Amy"), f"{HOSTILE} May goats graze at night?")
    db = open_app_database(default_index().settings)
    rex = db.workspace(db.accounts.user("Rex"))
    first = rex.reviews.queue()[0].stored.id
    rex.reviews.record_grade(first, Grade("Rex", 4, 4, 4, True, comments=HOSTILE))
    rex.reviews.approve(first, edited_text=f"{HOSTILE} A permit lasts ninety days [1].")
    _no_live_markup(at)
    reviewer = start("Rex")
    for page in ("views/history.py", "views/review.py", "views/memos.py", "views/dashboard.py"):
        reviewer.switch_page(page).run()
        _no_live_markup(reviewer)
        text = page_text(reviewer) + shown(" ".join(h.value for h in reviewer.subheader))
        assert "**Bold** [click](javascript:alert(1))" in text or page == "views/dashboard.py", page
    reviewer.switch_page("views/research.py").run()
    reviewer.session_state["conversation_id"] = 1
    reviewer.run()
    _no_live_markup(reviewer)
    assert f"{HOSTILE} A permit lasts ninety days [1]." in page_text(reviewer)


def test_the_app_warms_the_research_service_while_the_first_visitor_signs_in(ingested):
    import threading

    index = default_index()
    assert "_researcher" not in index.__dict__
    at = start(user=None)
    assert [t.value for t in at.title] == ["Sign in"]
    for thread in [t for t in threading.enumerate() if t.name == "warm-up"]:
        thread.join(timeout=120)
    assert "_researcher" in index.__dict__ and "lexical_indexes" in index.__dict__  # loaded before any question


def test_a_stored_answer_whose_section_a_newer_release_amended_says_so_and_keeps_its_quote(ingested):
    from tests.test_corpus_versions import newer_release

    at = ask(start(), QUESTION)
    assert not at.exception
    release = newer_release(ingested / "release-2032.jsonl")
    default_index().import_source("jsonl", release, "invented-code", version="2032 supplement", progress=False)
    at.run()
    assert not at.exception
    labels = [shown(e.label) for e in at.expander]
    assert any("D.C. Code § 99-101" in label and "amended since 2032 supplement" in label for label in labels)
    warnings = [shown(w.value) for w in at.warning]
    assert "Amended since 2032 supplement (the words quoted are no longer in the current text)" in warnings
    assert any("text has changed since this answer was given" in shown(i.value) for i in at.info)
    assert any("Since this answer was given, D.C. Code § 99-101" in shown(i.value) for i in at.info)

    review = start("Rex")
    review.switch_page("views/review.py").run()
    assert not review.exception
    assert any("amended since 2032 supplement" in shown(e.label) for e in review.expander)
