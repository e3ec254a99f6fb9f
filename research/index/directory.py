"""The authority directory: jurisdiction, kind and citation keys of every authority in the catalogue."""

from __future__ import annotations

from research.corpus.citations import authority_keys, find_citations
from research.domain.types import SearchFilter


class AuthorityDirectory:
    """Jurisdiction, kind and citation keys of every authority: for filters and citation lookup."""

    def __init__(self, rows: list[tuple[str, str, str, str]]):
        self._where: dict[str, tuple[str, str]] = {}
        self._by_key: dict[str, list[str]] = {}
        for authority_id, jurisdiction, kind, citations in rows:
            self._where[authority_id] = (jurisdiction, kind)
            for key in authority_keys(jurisdiction, kind, citations.split("|")):
                self._by_key.setdefault(key, []).append(authority_id)

    def ids_for(self, key: str) -> list[str]:
        """Authorities known under a citation key."""
        return self._by_key.get(key, [])

    def place(self, authority_id: str) -> tuple[str, str] | None:
        """(jurisdiction, kind) of a known authority."""
        return self._where.get(authority_id)

    def admits(self, authority_id: str, search_filter: SearchFilter) -> bool:
        """Whether a known authority passes the filter (unknown ids never do)."""
        where = self._where.get(authority_id)
        return where is not None and search_filter.admits(*where)

    def cited(self, query: str, search_filter: SearchFilter) -> list[str]:
        """Ids of the authorities cited in `query` that pass the filter, in order of citation."""
        found: list[str] = []
        for match in find_citations(query):
            for authority_id in self._by_key.get(match.key, []):
                if self.admits(authority_id, search_filter) and authority_id not in found:
                    found.append(authority_id)
        return found
