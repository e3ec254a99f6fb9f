"""The Streamlit search page, driven by AppTest over an index of the invented corpus."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from research.wiring import default_index

pytestmark = pytest.mark.integration
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_env(invented_index_env):
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def search(at: AppTest, query: str) -> AppTest:
    at.text_input[0].input(query)
    at.button[0].click()
    return at.run(timeout=60)


def test_search_shows_ranked_authority_with_pin_and_passage(app_env):
    default_index().ingest(progress=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = search(at, "how long does a lantern permit last before it expires")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "D.C. Code § 99-101" in text
    assert "lantern permit expires 90 days" in text


def test_empty_and_overlong_queries_get_clear_messages(app_env):
    default_index().ingest(progress=False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = search(at, "   ")
    assert "Type a question" in at.warning[0].value
    at = search(at, "x" * 20000)
    assert "20,000 characters" in at.error[0].value


def test_missing_index_is_reported_in_the_page(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = search(at, "lantern")
    assert not at.exception
    assert "research ingest" in at.error[0].value
