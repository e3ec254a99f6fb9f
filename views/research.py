"""Research page: a chat per matter; every answer quoted, cited and stored as given."""

from __future__ import annotations

import streamlit as st

from research.answer.researcher import QuestionError
from research.domain.answer import AnswerMode
from research.domain.records import DRAFT_LABEL
from research.domain.types import Kind
from research.jurisdictions import JURISDICTIONS
from research.search.rewrite import IssueTermsError
from research.service import ResearchRequest
from research.wiring import IndexMissingError, default_index
from views.common import app_database, render_answer, research_service

KIND_LABELS = {"Statutes": Kind.STATUTE, "Cases": Kind.OPINION}
MODE_LABELS = {"Extractive (quotes only)": AnswerMode.EXTRACTIVE, "Configured model": AnswerMode.GENERATED}

st.title("Research")
db = app_database()
settings = default_index().settings

with st.sidebar:
    st.text_input("Matter", key="matter", placeholder="e.g. Lantern Co. v. District")
    st.text_input("Associate", key="associate", placeholder="your name (for the review queue and memos)")
    jurisdictions = st.multiselect("Jurisdictions", JURISDICTIONS, default=list(JURISDICTIONS), key="jurisdictions")
    kinds = st.multiselect("Sources", list(KIND_LABELS), default=list(KIND_LABELS), key="kinds")
    mode_label = st.radio("Answer mode", list(MODE_LABELS), key="mode")
    if not settings.llm_configured:
        st.caption("No model endpoint is configured: answers are extractive.")
    survey = st.toggle("Survey: answer per jurisdiction", key="survey")
    if st.button("New conversation"):
        st.session_state.pop("conversation_id", None)

conversation_id = st.session_state.get("conversation_id")
conversation = db.conversations.get(conversation_id) if conversation_id else None
if conversation is not None:
    st.subheader(conversation.matter)
    for stored in conversation.answers:
        with st.chat_message("user"):
            st.markdown(stored.answer.question)
        with st.chat_message("assistant"):
            render_answer(stored.answer, stored.label)
            if stored.edited_text:
                st.markdown(f"**Reviewer's edit.** {stored.edited_text}")
else:
    st.caption("Name the matter in the sidebar, pick jurisdictions, and ask a research question. Every sentence "
               "of an answer is a quotation or is checked against the passage it cites.")


def _ask(question: str) -> None:
    matter = (conversation.matter if conversation else st.session_state.get("matter", "")).strip()
    if not matter:
        st.error("Name the matter in the sidebar before asking, so the research is filed under it.")
        return
    if not jurisdictions or not kinds:
        st.error("Pick at least one jurisdiction and one kind of source.")
        return
    try:
        service = research_service()
    except IndexMissingError as exc:
        st.error(f"The index is not built yet: {exc}")
        return
    except IssueTermsError as exc:
        st.error(f"The issue-terms file set by RESEARCH_ISSUE_TERMS_FILE cannot be used: {exc}")
        return
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        try:
            with st.status("Researching…", expanded=False) as progress:
                progress.update(label="Retrieving authorities and choosing the passages that answer…")
                request = ResearchRequest(
                    question, tuple(jurisdictions), tuple(KIND_LABELS[k] for k in kinds), MODE_LABELS[mode_label],
                    survey=survey, history=tuple(conversation.turns()) if conversation else (),
                    matter=matter, conversation_id=conversation.id if conversation else None,
                    associate=st.session_state.get("associate", ""))
                result = service.research(request)
                progress.update(label="Answer ready", state="complete")
        except QuestionError as exc:
            st.error(str(exc))
            return
        st.session_state.conversation_id = result.conversation_id
        render_answer(result.answer, DRAFT_LABEL)


question = st.chat_input("Ask a research question")
if question is not None:
    _ask(question)
