"""`research citator CITATION`: what later opinions of the corpus did to a case."""

from __future__ import annotations

import json

from research.cli.common import open_index
from research.domain.types import Kind, SearchFilter


def cmd_citator(args) -> int:
    """List a case's negative treatment (overruled, overruled in part, abrogated) with the sentence that does it."""
    index = open_index()
    opinions = SearchFilter((), (Kind.OPINION,))
    found = index.directory.cited(args.citation, opinions) or index.directory.named(args.citation, opinions)
    if not found:
        raise LookupError(f"no opinion of the corpus is cited as {args.citation!r} (a reporter citation such as "
                          "'384 U.S. 436', or a case name)")
    citator = index.citator(progress=not args.quiet)
    case = index.store.authority(found[0])
    treatments = citator.treatment_of(found[0])
    if args.json:
        print(json.dumps({"authority_id": found[0], "citation": case.citation if case else args.citation,
                          "name": case.heading if case else "", "treatment": [t.to_dict() for t in treatments]}))
        return 0
    print(f"{case.heading if case else ''}, {case.citation if case else args.citation}")
    if not treatments:
        print("  No negative treatment found in the corpus's opinions.")
    for t in treatments:
        print(f"  {t.kind} by {t.citation} {t.pin}".rstrip())
        print(f"    \"{t.quote[:400]}\"")
    return 0


def cmd_check(args) -> int:
    """Check every citation of a brief, memo or letter (PDF, DOCX, TXT, Markdown) against the corpus."""
    from pathlib import Path

    from research.cli.records import emit
    from research.corpus.documents import parse_document
    from research.workflow.citecheck import check_document, report_markdown

    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    parsed = parse_document(path.name, path.read_bytes())
    checked = check_document(parsed.text, open_index().check_sources())
    if args.json:
        return emit(json.dumps([c.to_dict() for c in checked]) + "\n", args.out, args.force,
                    f"{len(checked)} citation(s)")
    return emit(report_markdown(path.name, checked), args.out, args.force, f"{len(checked)} citation(s)")
