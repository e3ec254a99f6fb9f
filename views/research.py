"""Research page: a chat per matter; every answer quoted, cited and stored as given. The sidebar holds the matter's
own documents: uploaded ones are searched and cited with the corpus, inside this matter only."""

from __future__ import annotations

import re

import streamlit as st

from research.answer.researcher import MAX_QUESTION_CHARS, QuestionError
from research.corpus.documents import DocumentError
from research.domain.accounts import Permission
from research.domain.answer import AnswerMode
from research.domain.records import DRAFT_LABEL
from research.domain.types import Kind
from research.jurisdictions import JURISDICTIONS
from research.search.rewrite import IssueTermsError
from research.service import ResearchRequest
from research.wiring import IndexMissingError, default_index
from views.common import as_text, current, render_answer, research_service, workspace

KIND_LABELS = {"Statutes": Kind.STATUTE, "Cases": Kind.OPINION}
MODE_LABELS = {"Extractive (quotes only)": AnswerMode.EXTRACTIVE, "Configured model": AnswerMode.GENERATED}

def _documents(matter: str) -> None:
    """The matter's documents: upload (searched and cited inside this matter only), list, delete."""
    st.divider()
    st.markdown("**Documents of this matter**")
    upload = st.file_uploader("Add a document (PDF, DOCX, TXT, Markdown)", type=["pdf", "docx", "txt", "md"],
                              key=f"upload-{matter}")
    if upload is not None and st.session_state.get("uploaded") != (matter, upload.file_id):
        try:
            with st.spinner("Reading and indexing the document…"):
                document = research_service().add_document(ws, matter, upload.name, upload.getvalue())
        except (DocumentError, PermissionError) as exc:
            st.error(as_text(str(exc)))
        else:
            st.session_state["uploaded"] = (matter, upload.file_id)
            st.success(as_text(f"Added {document.filename} ({document.pages} page(s))."))
    for document in ws.documents.documents(matter):
        left, right = st.columns([4, 1])
        left.caption(as_text(f"{document.filename} · {document.pages} p. · {document.uploaded_by}"))
        if right.button("✕", key=f"delete-document-{document.id}", help="Delete this document"):
            try:
                ws.documents.delete(document.id)
            except PermissionError as exc:
                st.error(as_text(str(exc)))
            else:
                st.rerun()


st.title("Research")
ws = workspace()
settings = default_index().settings
matters = [m.name for m in ws.matters()]

conversation_id = st.session_state.get("conversation_id")
if conversation_id is None and re.fullmatch(r"[0-9]{1,9}", st.query_params.get("conversation", "")):
    conversation_id = int(st.query_params["conversation"])  # a reload of the page keeps its conversation open
conversation = None
if conversation_id:
    try:
        conversation = ws.conversations.get(conversation_id)
    except (LookupError, PermissionError):
        st.session_state.pop("conversation_id", None)
if conversation is not None:
    st.session_state["conversation_id"] = conversation.id
    st.query_params["conversation"] = str(conversation.id)
else:
    st.query_params.pop("conversation", None)

with st.sidebar:
    if conversation is not None:
        matter = conversation.matter
        st.markdown(f"**Matter:** {as_text(matter)}")
    else:
        # a new conversation starts in the matter of the one left; a user of one matter has it chosen
        preset = st.session_state.pop("next_matter", None)
        index = matters.index(preset) if preset in matters else (0 if len(matters) == 1 else None)
        matter = st.selectbox("Matter", matters, key="matter", index=index, placeholder="Choose a matter")
    jurisdictions = st.multiselect("Jurisdictions", JURISDICTIONS, default=list(JURISDICTIONS), key="jurisdictions")
    kinds = st.multiselect("Sources", list(KIND_LABELS), default=list(KIND_LABELS), key="kinds")
    if settings.llm_configured:
        mode_label = st.radio("Answer mode", list(MODE_LABELS), key="mode")
    else:  # nothing to choose: the configured-model mode needs an endpoint
        mode_label = next(iter(MODE_LABELS))
        st.caption("Answers are extractive: no model endpoint is configured "
                   "(`RESEARCH_LLM_BASE_URL` and `RESEARCH_LLM_MODEL`).")
    survey = st.toggle("Survey: answer per jurisdiction", key="survey")
    if st.button("New conversation"):
        st.session_state.pop("conversation_id", None)
        st.query_params.pop("conversation", None)
        if conversation is not None:
            st.session_state["next_matter"] = conversation.matter
        st.rerun()
    if matter:
        _documents(matter)

if not matters:
    if ws.user.can(Permission.MANAGE_MATTERS):
        st.info("You belong to no matter yet: on the Admin page, create a matter and add yourself to it "
                "(or `research matters add`).")
    else:
        st.info("You belong to no matter yet: an admin adds you to one (Admin page or `research matters add`).")
    st.stop()
if conversation is not None:
    st.subheader(as_text(conversation.matter))
    for stored in current(conversation.answers):
        with st.chat_message("user"):
            st.markdown(as_text(stored.answer.question))
        with st.chat_message("assistant"):
            if stored.edited_text:  # the approved version is what the firm uses: it comes first
                st.caption(f"**{as_text(stored.label)}** · approved version, edited by the reviewer")
                st.markdown(as_text(stored.edited_text))
                st.caption("The answer as first given, with its citations:")
                render_answer(stored.answer, stored.label)
            else:
                render_answer(stored.answer, stored.label)
else:
    st.caption("Choose the matter in the sidebar, pick jurisdictions, and ask a research question. Every sentence "
               "of an answer is a quotation or is checked against the passage it cites.")


def _ask(question: str) -> None:
    if not matter:
        st.error("Choose the matter in the sidebar before asking, so the research is filed under it.")
        return
    if not question.strip():
        st.error("The question is empty: type a research question.")
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
        st.markdown(as_text(question))
    with st.chat_message("assistant"):
        try:
            with st.status("Researching…", expanded=False) as progress:
                progress.update(label="Retrieving authorities and choosing the passages that answer…")
                request = ResearchRequest(
                    question, tuple(jurisdictions), tuple(KIND_LABELS[k] for k in kinds), MODE_LABELS[mode_label],
                    survey=survey, history=tuple(conversation.turns()) if conversation else (),
                    matter=matter, conversation_id=conversation.id if conversation else None)
                result = service.research(request, ws)
                progress.update(label="Answer ready", state="complete")
        except (QuestionError, PermissionError) as exc:
            st.error(as_text(str(exc)))
            return
        st.session_state.conversation_id = result.conversation_id
        st.query_params["conversation"] = str(result.conversation_id)
        render_answer(result.answer, DRAFT_LABEL)


# no max_chars: the browser drops a longer pasted question without a word; the question check says why
question = st.chat_input(f"Ask a research question (up to {MAX_QUESTION_CHARS:,} characters)")
if question is not None:
    _ask(question)
