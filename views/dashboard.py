"""Dashboard page: answers per day, turnaround, pass rate, citation accuracy, automatic metrics, evals."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from research.evaluation.answers import latest_eval_run
from research.jurisdictions import JURISDICTIONS
from research.wiring import default_index
from research.workflow.reporting import (
    AGREEMENT_COLUMNS,
    agreement,
    eval_rows,
    quality_figures,
    status_report_markdown,
)
from views.common import workspace

st.title("Dashboard")
db = workspace()
facts = db.reviews.answer_facts()
today = date.today()
first = min((f.asked_at.date() for f in facts), default=today)
left, middle, right = st.columns(3)
period = left.date_input("Period", (first, today), key="dashboard_period")
matter = middle.selectbox("Matter", ["All"] + sorted({f.matter for f in facts}), key="dashboard_matter")
jurisdiction = right.selectbox("Jurisdiction", ["All"] + list(JURISDICTIONS), key="dashboard_jurisdiction")
since, until = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, today)
figures = quality_figures(facts, since, until, "" if matter == "All" else matter,
                          "" if jurisdiction == "All" else jurisdiction)

a, b, c, d = st.columns(4)
a.metric("Answers", figures["answers"])
turnaround = figures["turnaround_hours_median"]
b.metric("Turnaround median (h)", "—" if turnaround is None else turnaround,
         help=f"p90: {figures['turnaround_hours_p90']} h, from question to review decision")
c.metric("Pass rate", "—" if figures["pass_rate"] is None else f"{figures['pass_rate']:.0%}")
d.metric("Citation accuracy", "—" if figures["citation_accuracy"] is None else f"{figures['citation_accuracy']:.0%}")
e, f_, g = st.columns(3)
e.metric("Turnaround p90 (h)", "—" if figures["turnaround_hours_p90"] is None else figures["turnaround_hours_p90"])
f_.metric("Unsupported sentence rate", "—" if figures["unsupported_sentence_rate"] is None
          else f"{figures['unsupported_sentence_rate']:.1%}")
g.metric("Abstentions", figures["abstentions"])
if figures["grades_hidden"]:
    hidden = figures["grades_hidden"]
    st.caption(f"Pass rate and citation accuracy count the grades you may see: {hidden} grade"
               f"{'s' if hidden > 1 else ''} of answers you have not graded yourself "
               f"{'are' if hidden > 1 else 'is'} hidden by blind review.")

st.subheader("Answers per day")
if figures["answers_per_day"]:
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    st.bar_chart({"answers": [figures["answers_per_day"].get(day.isoformat(), 0) for day in days]} |
                 {"day": [day.isoformat() for day in days]}, x="day", y="answers")
else:
    st.caption("No answers in this period.")
if figures["citation_marks"]:
    st.subheader("Reviewer marks on citations")
    st.bar_chart({"mark": list(figures["citation_marks"]), "citations": list(figures["citation_marks"].values())},
                 x="mark", y="citations")
pairs = agreement(db.reviews.graded())
if pairs:
    st.subheader("Reviewer agreement")
    st.caption("Only answers both reviewers graded blind, before seeing the other's grade.")
    st.dataframe([{AGREEMENT_COLUMNS[k]: v for k, v in pair.items()} for pair in pairs], hide_index=True)

st.subheader("Latest automatic evaluation")
latest = latest_eval_run(default_index().settings.eval_runs_log)
if latest:
    st.dataframe([{"Measure": label, "Value": value} for label, value in eval_rows(latest)], hide_index=True)
else:
    st.caption("No `research eval answers` run recorded yet.")

report = status_report_markdown(figures, f"Research status report, {since} to {until}", pairs, latest)
st.download_button("Download status report (Markdown)", report, file_name=f"status-report-{since}-{until}.md",
                   mime="text/markdown", on_click=db.conversations.note_export, args=("report md",))
