"""`research search`, `research ask` and `research survey`: finding and answering."""

from __future__ import annotations

import json

from research.cli.common import open_index
from research.domain.answer import SupportStatus, citation_marks
from research.domain.types import SearchFilter


def _hit_json(hit, store) -> dict:
    authority = store.authority(hit.authority_id)
    return {
        "authority_id": hit.authority_id, "citation": hit.chunk.citation, "pin": hit.chunk.pin,
        "pin_citation": hit.chunk.pin_citation, "heading": authority.heading if authority else "",
        "heading_path": list(authority.heading_path) if authority else [],
        "jurisdiction": hit.chunk.jurisdiction, "kind": hit.chunk.kind, "score": round(hit.score, 6),
        "matched_by": hit.matched_by, "passage": hit.chunk.text, "start": hit.chunk.start, "end": hit.chunk.end,
        "url": authority.url if authority else None,
    }


def cmd_search(args) -> int:
    """Ranked authorities for a query."""
    index = open_index()
    search_filter = SearchFilter(tuple(args.jurisdiction or ()), tuple(args.kind or ()))
    hits = index.retriever().search(args.query, search_filter, k=args.k)
    rows = [_hit_json(h, index.store) for h in hits]
    if args.json:
        print(json.dumps({"query": args.query, "results": rows}))
        return 0
    if not rows:
        print("No authority found.")
    for rank, row in enumerate(rows, 1):
        title = f"{row['pin_citation']}  {row['heading']}"
        passage = " ".join(row["passage"].split())
        print(f"{rank:>2}. {title}\n    [{row['jurisdiction']}, {'+'.join(row['matched_by'])}] {passage[:300]}")
    return 0


def _print_answer(answer) -> None:
    if answer.added_terms:
        print(f"(also searched for: {answer.added_terms})")
    print(answer.brief_answer)
    if answer.abstained:
        for notice in answer.notices:
            print(f"Notice: {notice}")
        return
    print()
    for sentence in answer.sentences:
        marks = citation_marks(sentence.citations)
        flag = "" if sentence.status == SupportStatus.VERIFIED else "  (SupportStatus.UNSUPPORTED)"
        print(f"- {sentence.text} {marks}{flag}")
    print("\nCitations:")
    for c in answer.citations:
        print(f"  [{c.number}] {c.citation} ({c.status}; {c.authority_id}, characters {c.start}-{c.end})")
    for source, version in answer.law_versions.items():
        print(f"  Law: {source}: {version}")
    for notice in answer.notices:
        print(f"Notice: {notice}")
    print("Draft - needs attorney review.")


def _research(args, survey: bool):
    """Ask through the research service; with --matter the answer is filed under a new conversation."""
    from research import open_researcher
    from research.answer.followup import replay
    from research.service import ResearchRequest

    jurisdictions = tuple(args.jurisdiction or ())
    history = tuple(replay(getattr(args, "after", None) or [], jurisdictions))
    request = ResearchRequest(args.question, jurisdictions, tuple(args.kind or ()), args.mode, survey=survey,
                              history=history, matter=args.matter, associate=args.associate or "")
    return open_researcher().research(request)


def _print_filed(result) -> None:
    if result.answer_id is not None:
        print(f"Filed as answer {result.answer_id} of conversation {result.conversation_id} "
              f"(`research memo {result.conversation_id}` exports it).")


def cmd_ask(args) -> int:
    """A cited answer to a research question (follow-ups take the earlier questions with --after)."""
    result = _research(args, survey=False)
    if args.json:
        print(json.dumps(result.to_dict()))
        return 0
    _print_answer(result.answer)
    _print_filed(result)
    return 0


def cmd_survey(args) -> int:
    """The same question answered per jurisdiction, as a table."""
    result = _research(args, survey=True)
    if args.json:
        print(json.dumps(result.to_dict()))
        return 0
    for row in result.survey.rows:
        lead = row.lead_citation
        print(f"{row.jurisdiction}")
        if lead is None:
            print(f"  {row.rule}")
            continue
        print(f"  {lead.citation}: \"{' '.join(lead.quote.split())}\"")
    print("Draft - needs attorney review.")
    _print_filed(result)
    return 0
