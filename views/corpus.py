"""Corpus page: the sources, their versions and what changed between them, and what the index holds of each
jurisdiction (the code's titles held and lacking, the opinions' years)."""

from __future__ import annotations

import streamlit as st

from research.wiring import default_index
from views.common import as_text

index = default_index()
st.title("Corpus")
overview = index.corpus_overview()
rows = [{"Source": r.title, "Jurisdiction": r.jurisdiction, "Kind": r.kind,
         "Records read": r.records_read if r.records_read is not None else r.expected_records,
         "Indexed (in force)": r.authorities, "Chunks": r.chunks, "Status": r.status,
         "Ingested (UTC)": r.ingested_at[:16].replace("T", " ") if r.ingested_at else "—",
         "Version of the law": r.version, "As of": r.as_of or "—", "Imported from": r.format or "mirror",
         "Upstream": r.upstream}
        for r in overview]
st.dataframe(rows, hide_index=True, width="stretch")
st.caption("Records read from each source; repealed, reserved and empty records are kept aside (the cite-checker "
           "still knows a repealed section), so fewer are indexed.")
if all(r.status == "not ingested" for r in overview):
    st.warning("Nothing is ingested yet: run `research ingest`.")
    st.stop()

st.subheader("Coverage")
st.caption("What the index holds of each jurisdiction; an answer that finds nothing names what is absent.")
coverage = index.coverage()
st.dataframe([{"Jurisdiction": c.name, "Code held": f"{c.code} {c.division}s {c.divisions_held}" if c.divisions_held
               else "—", "Sections": c.statutes,
               "Titles lacking": len(c.divisions_absent) if c.absent_known and c.statutes
               else "not recorded" if c.statutes else "—",
               "Opinions": c.opinions,
               "Opinion years": f"{c.opinion_years[0]}–{c.opinion_years[1]}" if c.opinion_years else "—"}
              for c in coverage], hide_index=True, width="stretch")
for c in coverage:  # in full, not cut to a column's width
    if c.divisions_absent:
        st.markdown(as_text(f"{c.name} lacks {c.code} {c.division}s "
                            + "; ".join(f"{n} ({name})" for n, name in c.divisions_absent) + "."))
st.caption("\"not recorded\": the project has no outline of that code's titles, so it cannot list what is absent.")

st.subheader("Versions")
st.caption("`research corpus import` brings a newer release; stored answers that quoted a changed section are "
           "marked \"amended since\" or \"repealed since\".")
for r in overview:
    versions = index.store.versions(r.source)
    if not versions:
        continue
    latest = versions[-1]
    with st.expander(as_text(f"{r.title}: version {latest.seq}, {latest.label}")):
        st.dataframe([{"Version": v.seq, "Label": v.label, "As of": v.as_of or "—", "Recorded": v.recorded_at[:16],
                       "Authorities": v.authorities, "Added": v.added, "Amended": v.amended,
                       "Repealed": v.repealed, "Removed": v.removed} for v in versions],
                     hide_index=True, width="stretch")
        if latest.seq > 1:
            changes = index.store.changes(r.source, latest.seq - 1, latest.seq)
            st.markdown(f"**Changes in version {latest.seq}** ({len(changes)})")
            st.dataframe([{"Change": c.change.value, "Citation": c.citation, "Heading": c.heading}
                          for c in changes[:500]], hide_index=True, width="stretch")
