"""Review page: the queue of answers awaiting review, the rubric, per-citation marks, edit and approval."""

from __future__ import annotations

import streamlit as st

from research.domain.accounts import Permission
from research.domain.answer import quoted
from research.domain.review import CITATION_MARKS, Grade, GradeError
from research.domain.types import SearchFilter
from research.jurisdictions import JURISDICTIONS
from research.wiring import IndexMissingError
from views.common import as_text, current, render_answer, research_service, workspace

st.title("Review")
db = workspace()
if saved_message := st.session_state.pop("review_saved", None):
    st.success(as_text(saved_message))
everything = db.reviews.queue()
left, middle, right = st.columns(3)
matter = left.selectbox("Matter", ["All"] + sorted({q.matter for q in everything}), key="review_matter")
jurisdiction = middle.selectbox("Jurisdiction", ["All"] + list(JURISDICTIONS), key="review_jurisdiction")
associate = right.selectbox("Associate", ["All"] + sorted({q.associate for q in everything if q.associate}),
                            key="review_associate")
queue = db.reviews.queue("" if matter == "All" else matter, "" if jurisdiction == "All" else jurisdiction,
                        "" if associate == "All" else associate)
if not queue:
    st.info("No answers await review." if not everything else "No answers in the queue match these filters.")
    st.stop()
required = db.reviews.reviews_required
st.caption(f"{len(queue)} answer(s) awaiting review or approval, oldest first; each needs {required} independent "
           "review(s) before approval.")
by_id = {q.stored.id: q for q in queue}
answer_id = st.selectbox("Answer", list(by_id), key="review_answer", format_func=lambda i: (
    f"#{i} · {by_id[i].stored.review_state(required)} · {by_id[i].stored.asked_at:%Y-%m-%d %H:%M} · "
    f"{by_id[i].matter} · {by_id[i].stored.answer.question[:80]}"))
queued = by_id[answer_id]
answer = current([queued.stored])[0].answer
st.subheader(as_text(answer.question))
st.markdown(f"Status: **{as_text(queued.stored.review_state(required))}**")
render_answer(answer, queued.stored.label)
hidden = queued.stored.reviews - len(queued.grades)
if hidden:
    st.info(f"{hidden} other review(s) of this answer are hidden until you submit your own: review is blind.")
elif queued.grades:
    st.caption("Grades so far: " + as_text("; ".join(f"{g.reviewer}: {'pass' if g.passed else 'fail'}"
                                                     for g in queued.grades)))

st.divider()
st.markdown("**Missing authorities** — search the corpus and add what the answer should have cited.")
missing_query = st.text_input("Search the corpus", key=f"missing_query_{answer_id}")
options: dict[str, str] = {}
if missing_query.strip():
    try:
        hits = research_service().researcher.retriever.search(missing_query, SearchFilter(answer.jurisdictions, ()),
                                                              k=10)
        options = {h.authority_id: f"{h.chunk.citation} ({h.authority_id})" for h in hits}
    except IndexMissingError as exc:
        st.error(f"The index is not built yet: {exc}")
    except ValueError as exc:
        st.error(str(exc))

with st.form(f"grade_{answer_id}"):
    st.caption(f"Grading as **{as_text(db.user.name)}**")
    c1, c2, c3 = st.columns(3)
    accuracy = c1.slider("Legal accuracy", 1, 5, 3)
    completeness = c2.slider("Completeness", 1, 5, 3)
    clarity = c3.slider("Clarity", 1, 5, 3)
    # nothing is marked or passed for the reviewer: a grade saved untouched would vouch for what nobody checked
    marks = {}
    for c in answer.citations:  # each mark beside the quote it judges, not only above in the answer
        marks[c.number] = st.selectbox(as_text(f"[{c.number}] {c.citation}"), CITATION_MARKS, index=None,
                                       placeholder="Check the quote against its passage, then mark it",
                                       key=f"mark_{answer_id}_{c.number}")
        st.caption(as_text(quoted(" ".join(c.quote.split()))))
    missing = st.multiselect("Authorities to add", list(options), format_func=lambda a: options[a])
    verdict = st.radio("Overall", ["Pass", "Fail"], horizontal=True, index=None)
    comments = st.text_area("Comments")
    edited = st.text_area("Answer text (edit before approving; the original is kept)", value=answer.text, height=200)
    override = (st.checkbox("Approve without the reviews required (admin override, recorded in the audit trail)")
                if db.user.can(Permission.MANAGE_MATTERS) and required > 1 else False)
    save, approve = st.columns(2)
    saved = save.form_submit_button("Save grade")
    approved = approve.form_submit_button("Save grade and approve")

unmarked = [f"[{number}]" for number, mark in marks.items() if mark is None]
to_do = ([f"mark citation{'s' if len(unmarked) > 1 else ''} {', '.join(unmarked)}"] if unmarked else []) \
    + (["choose Pass or Fail"] if verdict is None else [])
if (saved or approved) and to_do:
    st.error(f"Before saving, {' and '.join(to_do)}.")
elif saved or approved:
    grade = Grade(db.user.name, accuracy, completeness, clarity, verdict == "Pass",
                  {number: mark for number, mark in marks.items() if mark is not None}, tuple(missing), comments)
    try:
        db.reviews.record_grade(answer_id, grade)
        if approved:
            db.reviews.approve(answer_id, edited_text=edited, override=override)
    except (GradeError, ValueError, PermissionError) as exc:
        st.error(as_text(str(exc)))
    else:
        saved_as = f"Approved by {db.user.name}." if approved else f"Grade saved for {db.user.name}."
        st.session_state["review_saved"] = saved_as
        st.rerun()
