"""History page: past conversations by matter and date, searchable, reopened exactly as given."""

from __future__ import annotations

import streamlit as st

from views.common import as_text, workspace

st.title("History")
db = workspace()
left, right = st.columns([3, 2])
text = left.text_input("Search questions and answers")
matter = right.selectbox("Matter", ["All matters"] + db.conversations.matters())
conversations = db.conversations.summaries(text, "" if matter == "All matters" else matter)
if not conversations:
    st.info("No conversations match." if text or matter != "All matters" else "No conversations yet.")
for summary in conversations:
    with st.container(border=True):
        by = f" · {summary.associate}" if summary.associate else ""
        st.markdown(f"**{as_text(summary.matter)}**{as_text(by)} · {summary.updated_at:%Y-%m-%d %H:%M} UTC · "
                    f"{summary.questions} question{'s' if summary.questions != 1 else ''} · "
                    f"**{as_text(summary.status_line or 'no answers')}**")
        if summary.first_question:
            st.caption(as_text(summary.first_question[:300]))
        if st.button("Open", key=f"open-{summary.id}"):
            st.session_state.conversation_id = summary.id
            st.switch_page("views/research.py")
