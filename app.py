"""Streamlit front end: the associates' research workspace (the only module that configures the UI)."""

from __future__ import annotations

import logging
import os

import streamlit as st

from research.environment import stay_offline

stay_offline()
logging.basicConfig(level=os.environ.get("RESEARCH_LOG_LEVEL", "WARNING"))


st.set_page_config(page_title="Legal research", layout="wide")
navigation = st.navigation([
    st.Page("views/research.py", title="Research", icon="⚖️", default=True),
    st.Page("views/history.py", title="History", icon="🗂️"),
    st.Page("views/corpus.py", title="Corpus", icon="📚"),
    st.Page("views/review.py", title="Review", icon="✅"),
    st.Page("views/memos.py", title="Memos", icon="📝"),
    st.Page("views/dashboard.py", title="Dashboard", icon="📈"),
])
navigation.run()
