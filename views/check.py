"""Check a document page: upload or paste a brief, memo or letter and see every citation checked against the
corpus."""

from __future__ import annotations

import streamlit as st

from research.corpus.documents import DocumentError, parse_document
from research.wiring import IndexMissingError, default_index
from research.workflow.citecheck import SEVERITY, check_document, report_markdown
from views.common import as_text

st.title("Check a document")
st.caption("Every case citation and statute citation of our jurisdictions, and each Id., supra and short form, is "
           "checked: is it in the corpus, does the case name match, is the pin within the opinion or an existing "
           "subsection, are its quotations in its text, does the cited text support the sentence that cites it, has "
           "a later opinion overruled it or the section been repealed. Nothing is stored.")
upload_tab, paste_tab = st.tabs(["Upload a file", "Paste text"])
with upload_tab:
    upload = st.file_uploader("Brief, memo or letter (PDF, DOCX, TXT, Markdown)", type=["pdf", "docx", "txt", "md"],
                              key="check_upload")
with paste_tab:
    with st.form("check_paste"):
        pasted = st.text_area("Text of a brief, memo or letter", height=240, key="check_text",
                              placeholder="Paste the text whose citations to check")
        st.form_submit_button("Check the citations")
if upload is not None:
    name = upload.name
elif pasted.strip():
    name = "pasted text"
else:
    st.stop()
try:
    text = parse_document(upload.name, upload.getvalue()).text if upload is not None else pasted
    with st.spinner("Checking the citations…"):
        checked = check_document(text, default_index().check_sources())
except (DocumentError, IndexMissingError) as exc:
    st.error(as_text(str(exc)))
    st.stop()
st.caption(as_text(f"Checked: {name}" + (" (the uploaded file is checked while one is chosen)"
                                          if upload is not None and pasted.strip() else "")))
found = sum(1 for c in checked if c.status == "found")
left, middle, right = st.columns(3)
left.metric("Citations", len(checked))
middle.metric("Found in the corpus", found)
right.metric("With problems", sum(1 for c in checked if any(p["kind"] != "not in the corpus" for p in c.problems)))
problems = sorted(((SEVERITY.index(p["kind"]), c.start, c, p) for c in checked for p in c.problems),
                  key=lambda item: item[:2])
if not checked:
    st.info("No citation found in the document.")
elif not problems:
    st.success("Every citation checks out.")
else:
    st.dataframe([{"problem": p["kind"], "citation": c.shown, "form": c.form, "pin": c.pin,
                   "where": f"{c.start}-{c.end}", "detail": p["detail"]} for _, _, c, p in problems],
                 hide_index=True, width="stretch")
with st.expander(f"Every citation, in order ({len(checked)})"):
    st.dataframe([{"citation": c.shown, "pin": c.pin, "form": c.form, "where": f"{c.start}-{c.end}",
                   "status": c.status, "authority": c.authority_id or "—",
                   "problems": ", ".join(p["kind"] for p in c.problems) or "none"} for c in checked],
                 hide_index=True, width="stretch")
st.download_button("Download the report (Markdown)", report_markdown(name, checked),
                   file_name=f"citation-check-{name.replace(' ', '-')}.md", mime="text/markdown")
