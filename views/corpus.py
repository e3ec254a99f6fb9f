"""Corpus page: the sources, their jurisdictions, record and chunk counts, ingest time and versions."""

from __future__ import annotations

import streamlit as st

from research.wiring import default_index

st.title("Corpus")
overview = default_index().corpus_overview()
rows = [{"Source": r.title, "Jurisdiction": r.jurisdiction, "Kind": r.kind,
         "Records": r.records_read if r.records_read is not None else r.expected_records,
         "Authorities indexed": r.authorities, "Chunks": r.chunks, "Status": r.status,
         "Ingested": r.ingested_at or "—", "Version of the law": r.version, "Upstream": r.upstream}
        for r in overview]
st.dataframe(rows, hide_index=True, use_container_width=True)
if all(r.status == "not ingested" for r in overview):
    st.warning("Nothing is ingested yet: run `research ingest`.")
