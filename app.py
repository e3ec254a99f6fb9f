"""Streamlit front end: search the legal corpus (the chat workspace builds on this page)."""

from __future__ import annotations

import html
import logging
import os

import streamlit as st

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
logging.basicConfig(level=os.environ.get("RESEARCH_LOG_LEVEL", "WARNING"))

from research.domain import JURISDICTIONS, SearchFilter  # noqa: E402
from research.wiring import IndexMissingError, default_index  # noqa: E402

MAX_QUERY_CHARS = 2000
KIND_LABELS = {"Statutes": "statute", "Cases": "opinion"}


@st.cache_resource(show_spinner="Opening the index…")
def _retriever():
    return default_index().retriever()


def _render_hit(rank: int, hit, store) -> None:
    authority = store.authority(hit.authority_id)
    chunk = hit.chunk
    with st.container(border=True):
        st.markdown(f"**{rank}. {html.escape(chunk.pin_citation)}** — {html.escape(authority.heading if authority else '')}")
        if authority and authority.heading_path:
            st.caption(" › ".join(authority.heading_path))
        elif authority and authority.kind == "opinion":
            st.caption(f"{authority.court or ''} {authority.year or ''}")
        st.markdown(f"> {html.escape(' '.join(chunk.text.split()))}")
        st.caption(f"Pin: {chunk.pin or 'whole section'} · characters {chunk.start}–{chunk.end} · "
                   f"found by {', '.join(hit.matched_by)}")
        if authority and authority.url:
            st.markdown(f"[Official source]({authority.url})")


def main() -> None:
    """The search page."""
    st.set_page_config(page_title="Legal research", layout="wide")
    st.title("Legal research")
    st.caption("Statutes of D.C., Hawaii, Colorado and the U.S. Code, and U.S. Supreme Court opinions.")
    with st.form("search"):
        query = st.text_input("Question or citation", placeholder="e.g. How long does a Hawaii landlord have to return a security deposit?")
        left, middle, right = st.columns([3, 2, 1])
        jurisdictions = left.multiselect("Jurisdictions", JURISDICTIONS, default=list(JURISDICTIONS))
        kinds = middle.multiselect("Sources", list(KIND_LABELS), default=list(KIND_LABELS))
        k = right.number_input("Results", min_value=1, max_value=50, value=10)
        submitted = st.form_submit_button("Search")
    if not submitted:
        return
    if not query.strip():
        st.warning("Type a question or a citation to search.")
        return
    if len(query) > MAX_QUERY_CHARS:
        st.error(f"The question is {len(query):,} characters long; keep it under {MAX_QUERY_CHARS:,}.")
        return
    if not jurisdictions or not kinds:
        st.warning("Pick at least one jurisdiction and one kind of source.")
        return
    try:
        retriever = _retriever()
    except IndexMissingError as exc:
        st.error(f"The index is not built yet: {exc}")
        return
    search_filter = SearchFilter(tuple(jurisdictions), tuple(KIND_LABELS[x] for x in kinds))
    with st.spinner("Searching…"):
        hits = retriever.search(query, search_filter, k=int(k))
    if not hits:
        st.info("No authority found in the selected jurisdictions.")
        return
    for rank, hit in enumerate(hits, 1):
        _render_hit(rank, hit, retriever.chunks)


main()
