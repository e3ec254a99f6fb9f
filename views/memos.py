"""Memos page: a conversation (or chosen answers of it) as a memo, previewed and downloaded."""

from __future__ import annotations

import re
from datetime import date

import streamlit as st

from research.workflow.memo import MemoError, build_memo
from research.workflow.memo_render import render, to_markdown
from views.common import current, workspace

MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf", "md": "text/markdown"}

st.title("Memos")
db = workspace()
conversations = db.conversations.summaries()
if not conversations:
    st.info("No conversations yet: ask questions on the Research page first.")
    st.stop()
by_id = {c.id: c for c in conversations}
default = st.session_state.get("conversation_id")
ids = list(by_id)
chosen_id = st.selectbox("Conversation", ids, index=ids.index(default) if default in by_id else 0,
                         format_func=lambda i: f"{by_id[i].matter} · {by_id[i].updated_at:%Y-%m-%d %H:%M} · "
                                               f"{by_id[i].first_question[:80]}")
conversation = db.conversations.get(chosen_id)
numbers = list(range(1, len(conversation.answers) + 1))
picked = st.multiselect("Answers to include", numbers, default=numbers,
                        format_func=lambda n: f"{n}. {conversation.answers[n - 1].answer.question[:90]}")
left, right = st.columns(2)
to = left.text_input("To", "Supervising Attorney")
author = right.text_input("From", conversation.associate or "Research team")
try:
    memo = build_memo(current([conversation.answers[n - 1] for n in picked]), conversation.matter, to, author,
                      date.today())
except MemoError as exc:
    st.warning(str(exc))
    st.stop()
stem = re.sub(r"[^A-Za-z0-9]+", "-", conversation.matter).strip("-").lower() or "memo"
columns = st.columns(3)
for column, (fmt, label) in zip(columns, (("docx", "Word"), ("pdf", "PDF"), ("md", "Markdown"))):
    column.download_button(f"Download {label}", render(memo, fmt), file_name=f"memo-{stem}.{fmt}", mime=MIME[fmt],
                           key=f"download-{fmt}", on_click=db.conversations.export, args=(chosen_id, f"memo {fmt}"))
with st.container(border=True):
    st.markdown(to_markdown(memo))  # the memo's Markdown, whose user text research.workflow.memo_render escapes
