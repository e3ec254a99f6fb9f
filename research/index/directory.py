"""The authority directory: jurisdiction, kind and citation keys of every authority in the catalogue."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from research.corpus.citations import (
    CASE_NAME,
    authority_keys,
    case_name_key,
    find_case_names,
    find_citations,
    party_word,
)
from research.domain.types import SearchFilter

# a case named by one word ("Erie", "Miranda") only in a question about a case; and never by a word that names
# many parties or a party's title rather than the party
_CASE_CUE = re.compile(r"\b(?:case|cases|held|hold|holding|decision|decided|precedent|doctrine|warnings?|"
                       r"overrul\w*|opinion|supreme court)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][a-z'’]{3,}\b")
_NOT_A_PARTY_NAME = frozenset("""
united state states people city county board commonwealth court supreme congress constitution amendment federal
government america american national district circuit appeals justice attorney general department commission
commissioner commissioners company corporation railroad insurance bank trust union association
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho illinois
indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana
nebraska nevada hampshire jersey mexico york carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas
utah vermont virginia washington wisconsin wyoming columbia
""".split())


class AuthorityDirectory:
    """Jurisdiction, kind and citation keys of every authority: for filters and citation lookup."""

    def __init__(self, rows: list[tuple[str, str, str, str]], case_names: Iterable[tuple[str, str]] = ()):
        """`rows`: (id, jurisdiction, kind, citations joined by '|'); `case_names`: (opinion id, case name)."""
        self._where: dict[str, tuple[str, str]] = {}
        self._by_key: dict[str, list[str]] = {}
        for authority_id, jurisdiction, kind, citations in rows:
            self._where[authority_id] = (jurisdiction, kind)
            for key in authority_keys(jurisdiction, kind, citations.split("|")):
                self._by_key.setdefault(key, []).append(authority_id)
        self._by_name: dict[str, list[str]] = {}
        self._titles: set[tuple[str, str]] | None = None
        self._volumes: dict[str, list[tuple[int, str]]] | None = None
        first_parties: Counter[str] = Counter()
        second_parties: set[str] = set()
        for authority_id, name in case_names:
            name_key = case_name_key(name.replace("’", "'"))
            if name_key is None:
                continue
            self._by_name.setdefault(name_key, []).append(authority_id)
            first, second = name_key.split("|")
            first_parties[first] += 1
            second_parties.add(second)
        # one word names a case when it is the first party of that case alone and of no other case's second
        self._by_short_name = {key.split("|")[0]: ids[0] for key, ids in self._by_name.items()
                               if first_parties[key.split("|")[0]] == 1 and len(ids) == 1
                               and key.split("|")[0] not in second_parties
                               and key.split("|")[0] not in _NOT_A_PARTY_NAME}

    def holds_title(self, key: str) -> bool:
        """Whether the corpus holds the code title of a statute citation key ('US-DC|99-999' -> D.C. Code title
        99; 'US-federal|17|999' -> title 17): a section missing there does not exist in the code we hold."""
        if self._titles is None:
            self._titles = {_title_of(k) for k in self._by_key if k.count("|") in (1, 2) and " " not in k}
        return _title_of(key) in self._titles

    def opinions_in_volume(self, key: str) -> list[tuple[int, str]]:
        """(first page, opinion id) of the corpus's opinions in the reporter volume of `key` ('901 u.s. 80')."""
        if self._volumes is None:
            self._volumes = {}
            for citation_key, ids in self._by_key.items():
                volume, _, page = citation_key.rpartition(" ")
                for authority_id in ids:
                    if volume and page.isdigit() and self._where[authority_id][1] == "opinion":
                        self._volumes.setdefault(volume, []).append((int(page), authority_id))
            for opinions in self._volumes.values():
                opinions.sort()
        return self._volumes.get(key.rpartition(" ")[0], [])

    def opinion_named(self, name: str) -> str | None:
        """The one opinion a full case name ("Adkins v. Children's Hospital") names, or None (unknown or several)."""
        ids = self._by_name.get(case_name_key(name.replace("’", "'")) or "", [])
        return ids[0] if len(ids) == 1 else None

    def opinion_cited(self, key: str) -> str | None:
        """The one opinion a reporter citation key ('261 u.s. 525') names, or None."""
        ids = [i for i in self._by_key.get(key, []) if self._where.get(i, ("", ""))[1] == "opinion"]
        return ids[0] if len(ids) == 1 else None

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

    def named(self, query: str, search_filter: SearchFilter) -> list[str]:
        """Ids of the opinions a question names by case name ("Erie Railroad v. Tompkins", or "Erie" alone in a
        question about a case) that pass the filter, in order of mention."""
        found: list[str] = []
        for name in find_case_names(query):
            key = case_name_key(name)
            found += [a for a in self._by_name.get(key or "", []) if a not in found]
        if _CASE_CUE.search(query):
            without_full_names = CASE_NAME.sub(" ", query)
            for word in _CAPITALISED.findall(without_full_names):
                authority_id = self._by_short_name.get(party_word(word))
                if authority_id is not None and authority_id not in found:
                    found.append(authority_id)
        return [a for a in found if self.admits(a, search_filter)]

    def cited(self, query: str, search_filter: SearchFilter) -> list[str]:
        """Ids of the authorities cited in `query` that pass the filter, in order of citation."""
        found: list[str] = []
        for match in find_citations(query):
            for authority_id in self._by_key.get(match.key, []):
                if self.admits(authority_id, search_filter) and authority_id not in found:
                    found.append(authority_id)
        return found


def _title_of(key: str) -> tuple[str, str]:
    """(jurisdiction, title) of a statute key: the title part of a federal key, else the section's first number."""
    parts = key.split("|")
    if len(parts) == 3:
        return parts[0], parts[1]
    return parts[0], re.split(r"[-:.]", parts[-1], maxsplit=1)[0]
