"""Corpus page: the sources, their jurisdictions, record and chunk counts, ingest time and versions."""

from __future__ import annotations

import streamlit as st

from research.wiring import default_index

st.title("Corpus")
index = default_index()
statuses = {s.name: s for s in index.store.statuses()}
rows = []
for manifest in index.manifests():
    status = statuses.get(manifest.name)
    rows.append({
        "Source": manifest.title, "Jurisdiction": manifest.jurisdiction, "Kind": manifest.kind,
        "Records": status.records_read if status else manifest.expected_records,
        "Authorities indexed": status.authorities if status else 0, "Chunks": status.chunks if status else 0,
        "Status": status.status if status else "not ingested",
        "Ingested": status.updated_at if status else "—", "Version of the law": manifest.version,
        "Upstream": f"{manifest.upstream} @ {manifest.commit[:10]}" if manifest.commit else manifest.upstream,
    })
st.dataframe(rows, hide_index=True, use_container_width=True)
if not statuses:
    st.warning("Nothing is ingested yet: run `research ingest`.")
