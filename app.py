"""Streamlit front end: the associates' research workspace (the only module that configures the UI).

Nothing shows until someone is signed in (views/auth.py); the pages offered follow the account's role.
"""

from __future__ import annotations

import streamlit as st

from research.domain.accounts import Permission
from research.environment import configure_logging, stay_offline
from views.auth import sign_out, signed_in_user
from views.common import as_text, warm_up_in_background

stay_offline()
configure_logging()


st.set_page_config(page_title="Legal research", layout="wide")
warm_up_in_background()
user = signed_in_user()
with st.sidebar:
    st.caption(f"Signed in as **{as_text(user.name)}** ({user.role})")
    if st.button("Sign out"):
        sign_out()
        st.rerun()
pages = [
    st.Page("views/research.py", title="Research", icon="⚖️", default=True),
    st.Page("views/history.py", title="History", icon="🗂️"),
    st.Page("views/corpus.py", title="Corpus", icon="📚"),
    st.Page("views/memos.py", title="Memos", icon="📝"),
    st.Page("views/check.py", title="Check a document", icon="🔍"),
]
if user.can(Permission.GRADE):
    pages += [st.Page("views/review.py", title="Review", icon="✅"),
              st.Page("views/dashboard.py", title="Dashboard", icon="📈")]
if user.can(Permission.MANAGE_USERS):
    pages.append(st.Page("views/admin.py", title="Admin", icon="🔐"))
st.navigation(pages).run()
