"""`research citator CITATION`: what later opinions of the corpus did to a case, or whether a section was repealed;
`research check FILE`: the cite-checker."""

from __future__ import annotations

import json

from research.cli.common import open_index
from research.corpus.citations import find_statute_citations
from research.domain.answer import treatment_label
from research.domain.types import Authority, Kind, SearchFilter


def cmd_citator(args) -> int:
    """List an authority's negative treatment with its evidence: a case overruled (in whole or in part) or abrogated
    by a later opinion of the corpus, with the sentence that does it; a statute section repealed, with the history
    entry that repealed it."""
    index = open_index()
    opinions = SearchFilter((), (Kind.OPINION,))
    statutes = SearchFilter((), (Kind.STATUTE,))
    found = (index.directory.cited(args.citation, opinions) or index.directory.named(args.citation, opinions)
             or index.directory.cited(args.citation, statutes))
    if not found:
        for match in find_statute_citations(args.citation):
            repeal = index.repeal_of(match.key)
            if repeal is not None:  # a section the code lists as repealed: kept for this, never indexed
                return _print_treatment(args, index.repealed[match.key], [repeal])
        raise LookupError(f"no authority of the corpus is cited as {args.citation!r} (a reporter citation such as "
                          "'384 U.S. 436', a case name, or a section such as 'D.C. Code § 1-1061.08')")
    authority = index.store.authority(found[0])
    if authority is None:
        raise LookupError(f"{args.citation!r}: the index lists it, and its text is missing; run `research ingest`")
    if authority.kind == Kind.OPINION:
        index.citator(progress=not args.quiet)  # mined at first use, with a progress bar
    return _print_treatment(args, authority, index.treatment_of(found[0]))


def _print_treatment(args, authority: Authority, treatments: list[dict]) -> int:
    if args.json:
        print(json.dumps({"authority_id": authority.id, "citation": authority.citation, "name": authority.heading,
                          "treatment": treatments}))
        return 0
    opinion = authority.kind == Kind.OPINION
    print(f"{authority.heading}, {authority.citation}" if opinion else f"{authority.citation}. {authority.heading}")
    if not treatments:
        print("  No negative treatment found in the corpus." if opinion
              else "  In force as the corpus holds it (no repeal recorded).")
    for t in treatments:
        print(f"  {treatment_label(t)}")
        print(f"    \"{t['quote'][:400]}\"")
    return 0


def cmd_check(args) -> int:
    """Check every citation of a brief, memo or letter (PDF, DOCX, TXT, Markdown) against the corpus."""
    from pathlib import Path

    from research.cli.records import emit
    from research.corpus.documents import parse_document
    from research.jurisdictions import get as get_jurisdiction
    from research.workflow.citecheck import check_document, report_markdown

    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    parsed = parse_document(path.name, path.read_bytes())
    index = open_index()
    jurisdictions = tuple(get_jurisdiction(code).code for code in args.jurisdiction)  # an unknown code is an error
    checked = check_document(parsed.text, index.check_sources(jurisdictions), progress=not args.quiet)
    if args.json:
        return emit(json.dumps([c.to_dict() for c in checked]) + "\n", args.out, args.force,
                    f"{len(checked)} citation(s)")
    return emit(report_markdown(path.name, checked), args.out, args.force, f"{len(checked)} citation(s)")
