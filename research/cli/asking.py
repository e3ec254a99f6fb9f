"""`research search`, `research ask` and `research survey`: finding and answering."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from research.cli.common import EXIT_FAILURE, EXIT_USAGE, open_index
from research.domain.answer import SupportStatus, citation_marks, treatment_label
from research.domain.types import SearchFilter
from research.service import hit_record


def cmd_search(args) -> int:
    """Ranked authorities for a query."""
    index = open_index()
    search_filter = SearchFilter(tuple(args.jurisdiction or ()), tuple(args.kind or ()))
    hits = index.retriever().search(args.query, search_filter, k=args.k)
    rows = [hit_record(h, index.store, index.treatment_of) for h in hits]
    if args.json:
        print(json.dumps({"query": args.query, "results": rows}))
        return 0
    if not rows:
        print("No authority found.")
    for rank, row in enumerate(rows, 1):
        flags = "".join(f"  [{treatment_label(t, pin=False)}]" for t in row["treatment"])
        title = f"{row['pin_citation']}  {row['heading']}{flags}"
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
        flag = "" if sentence.status == SupportStatus.VERIFIED else "  (UNSUPPORTED)"
        print(f"- {sentence.text} {marks}{flag}")
    print("\nCitations:")
    for c in answer.citations:
        print(f"  [{c.number}] {c.citation} ({c.status}; {c.authority_id}, characters {c.start}-{c.end})")
    for source, version in answer.law_versions.items():
        print(f"  Law: {source}: {version}")
    if answer.also_retrieved:
        print("\nAlso retrieved (not quoted):")
        for entry in answer.also_retrieved:
            print(f"  {entry['citation']} ({entry['authority_id']})")
    for notice in answer.notices:
        print(f"Notice: {notice}")
    print("Draft - needs attorney review.")


def _research(args, survey: bool):
    """Ask through the research service; with --matter (and --as) the answer is filed under a new conversation of
    that matter, and the matter's documents are searched too."""
    from research import open_researcher
    from research.answer.followup import replay
    from research.cli.common import workspace
    from research.service import ResearchRequest

    jurisdictions = tuple(args.jurisdiction or ())
    history = tuple(replay(getattr(args, "after", None) or [], jurisdictions))
    request = ResearchRequest(args.question, jurisdictions, tuple(args.kind or ()), args.mode, survey=survey,
                              history=history, matter=args.matter)
    return open_researcher().research(request, workspace(args) if args.matter else None)


def _ask_batch(path: Path) -> int:
    """One answer object a line for each question of a JSON-lines file, in order, in one process; a line that
    cannot be asked gives {"line", "error"} in its place, and the exit status says whether any did."""
    from research import open_researcher
    from research.answer.researcher import QuestionError
    from research.corpus.evalsets import jurisdictions_of, read_records
    from research.domain.answer import AnswerMode
    from research.service import ResearchRequest

    service = open_researcher()
    failed = 0
    for line_no, record in read_records(path, "question file"):
        try:
            question = record.get("question")
            if not isinstance(question, str):
                raise QuestionError("the line has no \"question\" text")
            request = ResearchRequest(
                question, jurisdictions_of(record.get("jurisdiction", record.get("jurisdictions"))),
                jurisdictions_of(record.get("kind", record.get("kinds"))),
                AnswerMode(record.get("mode", AnswerMode.EXTRACTIVE)))
            print(json.dumps(service.research(request).to_dict()), flush=True)
        except (QuestionError, ValueError) as exc:
            failed += 1
            print(json.dumps({"line": line_no, "error": str(exc)}), flush=True)
    return EXIT_FAILURE if failed else 0


def _print_filed(result) -> None:
    if result.answer_id is not None:
        print(f"Filed as answer {result.answer_id} of conversation {result.conversation_id} "
              f"(`research memo {result.conversation_id}` exports it).")


def cmd_ask(args) -> int:
    """A cited answer to a research question (follow-ups take the earlier questions with --after)."""
    if args.batch is not None:
        if args.question is not None or not args.json:
            print("error: --batch answers a file: give it with --json and without a question", file=sys.stderr)
            return EXIT_USAGE
        return _ask_batch(Path(args.batch))
    if args.question is None:
        print("error: give a question, or --batch FILE.jsonl --json", file=sys.stderr)
        return EXIT_USAGE
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
