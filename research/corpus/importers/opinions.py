"""Court opinions in CourtListener's JSON (bulk files and API responses) and the Caselaw Access Project's case JSON,
as records of the mirror's opinion shape (`id`, `case_name`, `citations`, `year`, `court`, `text`, ...).

CourtListener: a cluster with its opinions nested (`sub_opinions` or `opinions` as objects), an opinion with its
cluster nested, or an API page (`{"results": [...]}`) of either. The text is the first of `plain_text`,
`html_with_citations`, `html`, `html_lawbox`, `html_columbia`, `xml_harvard` that has words; the HTML's star-page
markers become `[*514]`, the pin cites of the official reporter. CAP: a case (`name`, `decision_date`,
`citations: [{"cite"}]`, `court`, `jurisdiction`, `casebody.opinions[].text`, or the older `casebody.data`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from research.jurisdictions import REGISTRY


class OpinionFormatError(ValueError):
    """A JSON object that is not an opinion of the format read, with where."""


_TEXT_FIELDS = ("plain_text", "html_with_citations", "html", "html_lawbox", "html_columbia", "xml_harvard")
_STAR_PAGE = re.compile(r"<span[^>]*class=\"[^\"]*star-pagination[^\"]*\"[^>]*>\s*\*?\s*(\d+)\s*</span>", re.I)
_BLOCK_END = re.compile(r"</(p|div|h\d|blockquote|li|pre)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_COURT_JURISDICTIONS = {court: jurisdiction.code for jurisdiction in REGISTRY for court in jurisdiction.courts}


def court_jurisdiction(court_id: str) -> str | None:
    """The jurisdiction whose court (CourtListener court id or CAP jurisdiction slug) this is, if registered."""
    return _COURT_JURISDICTIONS.get(court_id.lower())


def html_text(markup: str) -> str:
    """An opinion's HTML as text: star-page markers as `[*N]`, paragraphs on lines of their own."""
    text = _STAR_PAGE.sub(lambda m: f"[*{m.group(1)}]", markup)
    text = _TAG.sub("", _BLOCK_END.sub("\n", text))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n\n".join(line for line in lines if line)


def _opinion_text(opinion: dict) -> str:
    for name in _TEXT_FIELDS:
        value = opinion.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip() if name == "plain_text" else html_text(value)
    return ""


def _citation_strings(citations) -> list[str]:
    """`["381 U.S. 479"]` from CourtListener's `[{"volume", "reporter", "page"}]`, CAP's `[{"cite"}]` or strings."""
    found = []
    for citation in citations or ():
        if isinstance(citation, str):
            found.append(citation)
        elif isinstance(citation, dict) and citation.get("cite"):
            found.append(str(citation["cite"]))
        elif isinstance(citation, dict) and citation.get("reporter"):
            found.append(f"{citation.get('volume', '')} {citation['reporter']} {citation.get('page', '')}".strip())
    return found


def _year(date: object) -> int | None:
    match = re.match(r"\s*(\d{4})", str(date or ""))
    return int(match.group(1)) if match else None


def courtlistener_records(data: object, where: str, jurisdiction: str | None) -> Iterator[dict]:
    """The opinions in one CourtListener JSON value (cluster, opinion, or API page of either)."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        for n, item in enumerate(data["results"]):
            yield from courtlistener_records(item, f"{where}: results[{n}]", jurisdiction)
        return
    if not isinstance(data, dict):
        raise OpinionFormatError(f"{where}: expected a JSON object (a cluster or an opinion), found "
                                 f"{type(data).__name__}")
    if isinstance(data.get("cluster"), dict):  # an opinion with its cluster nested
        cluster, opinions = data["cluster"], [data]
    else:
        cluster = data
        opinions = [o for o in (data.get("sub_opinions") or data.get("opinions") or []) if isinstance(o, dict)]
    if "case_name" not in cluster and "case_name_full" not in cluster:
        raise OpinionFormatError(f"{where}: no case_name: not a CourtListener cluster or opinion")
    text = "\n\n".join(t for t in (_opinion_text(o) for o in opinions) if t)
    docket = cluster.get("docket") if isinstance(cluster.get("docket"), dict) else {}
    court = str(cluster.get("court_id") or docket.get("court_id") or cluster.get("court") or "")
    court = court.rstrip("/").rsplit("/", 1)[-1]  # an API url of the court: its id is the last part
    cluster_id = cluster.get("id") or (opinions[0].get("cluster_id") if opinions else None)
    if cluster_id is None:
        raise OpinionFormatError(f"{where}: the cluster has no id")
    url = cluster.get("absolute_url") or ""
    yield {"id": f"cl-cluster:{cluster_id}", "courtlistener_cluster_id": cluster_id, "court": court,
           "court_name": cluster.get("court_name") or docket.get("court_name") or court,
           "jurisdiction": jurisdiction or court_jurisdiction(court),
           "case_name": cluster.get("case_name") or cluster.get("case_name_full") or "",
           "case_name_full": cluster.get("case_name_full") or "",
           "citations": _citation_strings(cluster.get("citations")), "year": _year(cluster.get("date_filed")),
           "url": f"https://www.courtlistener.com{url}" if url.startswith("/") else (url or None), "text": text}


def cap_records(data: object, where: str, jurisdiction: str | None) -> Iterator[dict]:
    """The case in one Caselaw Access Project JSON value (a case, or an API page `{"results": [...]}` of cases)."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        for n, item in enumerate(data["results"]):
            yield from cap_records(item, f"{where}: results[{n}]", jurisdiction)
        return
    if not isinstance(data, dict) or "casebody" not in data or "name" not in data:
        raise OpinionFormatError(f"{where}: no name and casebody: not a Caselaw Access Project case")
    body = data["casebody"] if isinstance(data["casebody"], dict) else {}
    body = body.get("data", body) if isinstance(body.get("data"), dict) else body
    parts = [str(body.get("head_matter") or "").strip()]
    for opinion in body.get("opinions") or []:
        label = " ".join(str(opinion.get(k) or "") for k in ("type", "author")).strip()
        parts.append((f"[{label}]\n" if label else "") + str(opinion.get("text") or "").strip())
    court: dict = data["court"] if isinstance(data.get("court"), dict) else {}
    place: dict = data["jurisdiction"] if isinstance(data.get("jurisdiction"), dict) else {}
    slug = str(place.get("slug") or place.get("name_abbreviation") or "")
    if data.get("id") is None:
        raise OpinionFormatError(f"{where}: the case has no id")
    yield {"id": f"cap:{data.get('id')}", "case_name": data.get("name_abbreviation") or data["name"],
           "case_name_full": data["name"], "citations": _citation_strings(data.get("citations")),
           "year": _year(data.get("decision_date")), "court": court.get("name") or court.get("name_abbreviation"),
           "court_name": court.get("name"), "jurisdiction": jurisdiction or court_jurisdiction(slug),
           "url": data.get("frontend_url") or data.get("url"), "text": "\n\n".join(p for p in parts if p)}
