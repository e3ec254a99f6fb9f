"""Shared pieces of the app's pages: cached adapters and how an answer and its sources are shown."""

from __future__ import annotations

import html
import logging
import threading

import streamlit as st

from research.domain.answer import (
    NEGATIVE_TREATMENTS,
    Answer,
    Citation,
    SupportStatus,
    citation_marks,
    treatment_label,
)
from research.domain.markup import escape_markdown
from research.domain.records import StoredAnswer
from research.domain.types import Authority, Kind
from research.service import document_authority, with_currency
from research.storage.database import Workspace
from research.storage.documents import document_id_of
from research.wiring import default_index, open_app_database
from research.wiring import research_service as wiring_research_service

CONTEXT_CHARS = 700
log = logging.getLogger(__name__)


def as_text(text: str) -> str:
    """User or source text for st.markdown (and captions, labels, alerts) shown as the text itself: HTML escaped
    and every Markdown sign backslashed, so nothing in it becomes markup, a link or a directive."""
    return escape_markdown(text)


@st.cache_resource(show_spinner=False)
def warm_up_in_background() -> threading.Thread:
    """Once per app process, load the models and indexes answers need in a background thread, so the first visitor
    is not kept waiting on their first question (they are still signing in meanwhile)."""
    index = default_index()

    def run() -> None:
        try:
            index.warm_up()
        except Exception:  # a broken index is reported on the page that uses it, not here
            log.warning("warming up the research service failed", exc_info=True)

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner="Opening the index…")
def research_service():
    """The research service over the configured index and app database (IndexMissingError before ingest)."""
    return wiring_research_service(database=app_database())


@st.cache_resource(show_spinner="Opening the app database…")
def app_database():
    """The app database (SQLite in the data directory unless RESEARCH_DATABASE_URL is set)."""
    return open_app_database(default_index().settings)


def workspace() -> Workspace:
    """The signed-in user's walled workspace (app.py signs in before any page runs)."""
    return app_database().workspace(st.session_state["signed_in_user"])


def authority_of(authority_id: str) -> Authority | None:
    """A corpus authority from the index, or a document of the user's matters ("doc:12") through their wall."""
    document_id = document_id_of(authority_id)
    if document_id is None:
        return default_index().store.authority(authority_id)
    try:
        return document_authority(workspace().documents.get(document_id))
    except (LookupError, PermissionError):
        return None


def current(stored: list[StoredAnswer]) -> list[StoredAnswer]:
    """Stored answers marked where a later version of the law changed what they quoted (research.service)."""
    index = default_index()
    return [with_currency(answer, index.currency_of) for answer in stored]


def highlighted_passage(text: str, start: int, end: int) -> str:
    """HTML of the source text around [start, end) with the quoted span marked."""
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    before = html.escape(text[left:start])
    quote = html.escape(text[start:end])
    after = html.escape(text[end:right])
    ellipsis_left = "… " if left > 0 else ""
    ellipsis_right = " …" if right < len(text) else ""
    body = f"{ellipsis_left}{before}<mark>{quote}</mark>{after}{ellipsis_right}"
    return f'<div class="source-passage" style="white-space: pre-wrap">{body}</div>'


def _sentence_case(text: str) -> str:
    """The text with its first letter capitalised and the rest as written (case names keep their capitals)."""
    return text[:1].upper() + text[1:]


def render_citation(citation: Citation, law_versions: dict[str, str]) -> None:
    """One citation: an expander that opens the source passage with the quoted span highlighted."""
    flag = "" if citation.status == SupportStatus.VERIFIED else " ⚠ unsupported"
    negative = next((t for t in citation.treatment if t["kind"] in NEGATIVE_TREATMENTS), None)
    if negative is not None:
        flag += f" ⚠ {treatment_label(negative, pin=False)}"
    with st.expander(f"\\[{citation.number}\\] {as_text(citation.citation)}{as_text(flag)}"):
        for treatment in citation.treatment:
            evidence = f": \"{treatment['quote']}\"" if treatment.get("quote") else ""
            note = f" ({treatment['note']})" if treatment.get("note") else ""
            st.warning(as_text(f"{_sentence_case(treatment_label(treatment))}{evidence}{note}"))
        authority = authority_of(citation.authority_id)
        st.markdown(f"**{as_text(citation.citation)}**")
        if authority is not None and authority.kind == Kind.OPINION:
            st.caption(as_text(" · ".join(str(part) for part in (authority.heading, authority.court, authority.year)
                                          if part)))
        elif authority is not None:
            path = " › ".join(authority.heading_path + ((authority.heading,) if authority.heading else ()))
            st.caption(as_text(path))
        document = citation.kind == Kind.DOCUMENT
        version = "uploaded to the matter" if document else law_versions.get(citation.source, "unknown version")
        whole = "whole document" if document else "whole section"
        st.caption(as_text(f"Pin: {citation.pin or whole} · characters {citation.start}–{citation.end} · "
                           f"support: {citation.status} · law: {version}"))
        if authority is None:
            st.error("This authority is no longer in the index; the quote below is as it was given.")
            st.markdown(f"> {as_text(citation.quote)}")
        elif authority.text[citation.start:citation.end] == citation.quote:
            st.markdown(highlighted_passage(authority.text, citation.start, citation.end), unsafe_allow_html=True)
        elif (moved := authority.text.find(citation.quote)) >= 0:  # a newer version moved the words quoted
            st.markdown(highlighted_passage(authority.text, moved, moved + len(citation.quote)), unsafe_allow_html=True)
        else:
            st.info("The section's text has changed since this answer was given; the words quoted then:")
            st.markdown(f"> {as_text(citation.quote)}")
        if citation.url:
            st.markdown(f"[Official source]({citation.url})")


def render_answer(answer: Answer, label: str) -> None:
    """The brief answer first, then the sentences with numbered citations, notices and the review label."""
    st.caption(f"**{label}** · {answer.mode} answer · {', '.join(answer.jurisdictions) or 'all jurisdictions'}"
               f" · {answer.timings_ms.get('total', 0) / 1000:.1f} s")
    if answer.standalone_question.strip() and answer.standalone_question.strip() != answer.question.strip():
        st.caption(f"Interpreted as: {as_text(answer.standalone_question)}")
    if answer.added_terms:
        st.caption(f"Also searched for the issue: *{as_text(answer.added_terms)}*")
    if answer.abstained:
        st.warning(as_text(answer.brief_answer), icon="🔎")
        for notice in answer.notices:
            st.info(as_text(notice))
        return
    st.markdown(f"**Brief answer.** {as_text(answer.brief_answer)}")
    if answer.survey_rows:
        st.table([{"Jurisdiction": r["jurisdiction"],
                   "Rule (quoted)": r["rule"] if r["found"] else "No authority found",
                   "Citation": answer.citation(r["citation"]).citation if r["citation"] else "—"}
                  for r in answer.survey_rows])
    else:
        for sentence in answer.sentences:
            marks = citation_marks(sentence.citations)
            if sentence.status == SupportStatus.VERIFIED:
                st.markdown(f"- {as_text(sentence.text)} {as_text(marks)}")
            else:
                st.markdown(f"- :red[**Unsupported:**] {as_text(sentence.text)} {as_text(marks)}")
    for notice in answer.notices:
        st.info(as_text(notice))
    for citation in answer.citations:
        render_citation(citation, answer.law_versions)
    render_also_retrieved(answer)


def render_also_retrieved(answer: Answer) -> None:
    """The authorities retrieved but not quoted, each opening its text on demand."""
    if not answer.also_retrieved:
        return
    st.markdown("**Also retrieved** (not quoted):")
    for entry in answer.also_retrieved:
        with st.expander(as_text(entry["citation"])):
            authority = authority_of(entry["authority_id"])
            if authority is None:
                st.error("This authority is no longer in the index.")
            else:
                st.markdown(highlighted_passage(authority.text, 0, 0), unsafe_allow_html=True)
