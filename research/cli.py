"""The `research` command line: ingest, search, eval and corpus, over the configured index."""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import sys
from pathlib import Path

from research.domain.answer import ASKABLE_MODES, AnswerMode, SupportStatus
from research.domain.types import JURISDICTIONS, KINDS, SearchFilter

EXIT_USAGE = 2
EXIT_FAILURE = 1


def _configure() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    logging.basicConfig(level=os.environ.get("RESEARCH_LOG_LEVEL", "WARNING"),
                        format="%(levelname)s %(name)s: %(message)s")


def _index():
    from research.wiring import default_index

    return default_index()


def cmd_ingest(args) -> int:
    """Load, chunk, embed and index the sources."""
    reports = _index().ingest(args.source or None, progress=not args.quiet)
    if args.json:
        print(json.dumps([r.as_dict() for r in reports]))
        return 0
    print(f"{'source':<12}{'read':>8}{'skipped':>9}  {'(reasons)':<40}{'chunks':>8}{'written':>9}")
    for r in reports:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(r.skipped.items())) or "-"
        print(f"{r.source:<12}{r.records_read:>8}{sum(r.skipped.values()):>9}  {reasons:<40}"
              f"{r.chunks_total:>8}{r.chunks_written:>9}" + ("  (up to date)" if r.up_to_date else ""))
    return 0


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
    index = _index()
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


def cmd_eval_retrieval(args) -> int:
    """Score retrieval on one eval set, or on all sets of the evals directory."""
    from tqdm import tqdm

    from research.corpus.evalsets import read_eval_set
    from research.evaluation.retrieval import (
        eval_files,
        evaluate_retrieval,
        format_sets_table,
        format_table,
    )
    from research.settings import Settings

    if not args.set and not args.all:
        print("error: give --set FILE or --all", file=sys.stderr)
        return EXIT_USAGE
    paths = [Path(p) for p in args.set] if args.set else eval_files(Settings().evals_dir)
    retriever = _index().retriever()

    def search(query, search_filter, depth, exclude):
        return [h.authority_id for h in retriever.search(query, search_filter, k=depth, exclude=exclude)]

    rankings: list[str] = []
    results = {}
    for path in paths:
        items = read_eval_set(path)
        items = items[: args.limit] if args.limit else items
        with tqdm(total=sum(1 for i in items if i.gold), desc=path.name, disable=args.quiet, file=sys.stderr) as bar:
            def scored(item, ranked, set_name=path.name):
                bar.update(1)
                if args.items:
                    rankings.append(json.dumps({"set": set_name, "id": item.id, "top10": ranked[:10]}) + "\n")
            summary = evaluate_retrieval(items, search, on_item=scored)
        results[path.name] = summary
    if args.items:
        from research.files import write_output

        data = "".join(rankings).encode("utf-8")
        write_output(gzip.compress(data, mtime=0) if args.items.endswith(".gz") else data, Path(args.items), force=True)
    print(format_table(*next(iter(results.items()))) if len(results) == 1 else format_sets_table(results))
    if args.json:
        print(json.dumps(next(iter(results.values())) if len(results) == 1 else {"sets": results}))
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
        marks = "".join(f"[{n}]" for n in sentence.citations)
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


def cmd_ask(args) -> int:
    """A cited answer to a research question (follow-ups take the earlier questions with --after)."""
    from research.answer.followup import replay

    researcher = _index().researcher()
    history = replay(args.after or [], tuple(args.jurisdiction or ()))
    answer = researcher.ask(args.question, tuple(args.jurisdiction or ()), tuple(args.kind or ()),
                            history=history, mode=args.mode)
    if args.json:
        print(json.dumps(answer.to_dict()))
    else:
        _print_answer(answer)
    return 0


def cmd_survey(args) -> int:
    """The same question answered per jurisdiction, as a table."""
    survey = _index().researcher().survey(args.question, tuple(args.jurisdiction or ()), tuple(args.kind or ()),
                                          mode=args.mode)
    if args.json:
        print(json.dumps(survey.to_dict()))
        return 0
    for row in survey.rows:
        lead = row.lead_citation
        print(f"{row.jurisdiction}")
        if lead is None:
            print(f"  {row.rule}")
            continue
        print(f"  {lead.citation}: \"{' '.join(lead.quote.split())}\"")
    print("Draft - needs attorney review.")
    return 0


def cmd_eval_answers(args) -> int:
    """Score cited answers on a question set."""
    from tqdm import tqdm

    from research.evaluation.answers import (
        evaluate_answers,
        read_question_set,
        record_eval_run,
    )

    index = _index()
    researcher = index.researcher()
    items = read_question_set(Path(args.set))
    items = items[: args.limit] if args.limit else items
    store = index.store
    texts: dict[str, str | None] = {}

    def authority_text(authority_id: str) -> str | None:
        if authority_id not in texts:
            authority = store.authority(authority_id)
            texts[authority_id] = authority.text if authority else None
        return texts[authority_id]

    def jurisdiction_of(authority_id: str) -> str | None:
        authority = store.authority(authority_id)
        return authority.jurisdiction if authority else None

    with tqdm(total=len(items), desc=Path(args.set).name, disable=args.quiet, file=sys.stderr) as bar:
        summary = evaluate_answers(items, researcher, authority_text, jurisdiction_of, mode=args.mode,
                                   on_item=lambda row: bar.update(1))
    rows = summary.pop("items")
    record_eval_run(index.settings.eval_runs_log, Path(args.set).name, args.mode, summary)
    if args.items:
        for row in rows:
            print(json.dumps(row))
    width = max(len(k) for k in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        print(json.dumps(summary))
    return 0


def _app_database():
    from research.wiring import open_app_database

    return open_app_database(_index().settings)


def cmd_history(args) -> int:
    """Past conversations, newest first (optionally searched)."""
    rows = [{"id": c.id, "matter": c.matter, "updated_at": c.updated_at.isoformat(), "questions": c.questions,
             "first_question": c.first_question} for c in _app_database().conversations(args.search or "")]
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("No conversations.")
    for r in rows:
        print(f"{r['id']:>5}  {r['updated_at'][:16]}  {r['matter']}  ({r['questions']} questions)  {r['first_question'][:80]}")
    return 0


def cmd_memo(args) -> int:
    """Export a conversation (or chosen answers of it) as a memo."""
    from datetime import date

    from research.files import write_output
    from research.workflow.memo import build_memo
    from research.workflow.memo_render import render

    conversation = _app_database().conversation(args.conversation_id)
    answers = conversation.answers
    if args.answers:
        wanted = [int(n) for n in args.answers.split(",")]
        unknown = [n for n in wanted if not 1 <= n <= len(answers)]
        if unknown:
            raise ValueError(f"the conversation has answers 1-{len(answers)}; no answer {unknown[0]}")
        answers = [answers[n - 1] for n in wanted]
    memo = build_memo(answers, conversation.matter, args.to, args.author or conversation.associate or "Research team",
                      date.today())
    out = Path(args.out)
    write_output(render(memo, args.format), out, force=args.force)
    print(f"wrote {out} ({args.format}, {len(answers)} answer(s), {'draft' if memo.draft else 'reviewed'})")
    return 0


def cmd_grades_export(args) -> int:
    """Every grade as CSV or JSON lines (to stdout, or --out)."""
    from research.workflow.grades import grade_records, to_csv, to_jsonl

    db = _app_database()
    graded = [q for q in db.review_queue() + db.approved() if q.grades]
    graded.sort(key=lambda q: q.stored.id)
    records = grade_records(graded)
    text = to_csv(records) if args.format == "csv" else to_jsonl(records)
    return _emit(text, args.out, args.force, f"{len(records)} grade(s)")


def cmd_grades_to_evalset(args) -> int:
    """Approved answers with reviewer-confirmed authorities as an eval set for `research eval answers`."""
    from research.workflow.grades import evalset_items, to_jsonl

    items = evalset_items(_app_database().approved())
    if not items:
        raise ValueError("no approved answer with reviewer-confirmed authorities yet")
    return _emit(to_jsonl(items), args.file, args.force, f"{len(items)} item(s)")


def _emit(text: str, out: str | None, force: bool, what: str) -> int:
    from research.files import write_output

    if out is None:
        sys.stdout.write(text)
        return 0
    write_output(text.encode("utf-8"), Path(out), force=force)
    print(f"wrote {what} to {out}", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    """A status report of quality and turnaround for a period (Markdown or CSV)."""
    from datetime import date

    from research.evaluation.answers import latest_eval_run
    from research.workflow.reporting import (
        agreement,
        quality_figures,
        status_report_markdown,
    )

    db = _app_database()
    since = date.fromisoformat(args.since) if args.since else None
    until = date.fromisoformat(args.until) if args.until else None
    figures = quality_figures(db.answer_facts(), since, until, args.matter or "", args.jurisdiction or "")
    period = f"{since or 'start'} to {until or 'today'}"
    if args.format == "csv":
        lines = ["measure,value"] + [f"{k},{v}" for k, v in figures.items() if not isinstance(v, dict)]
        lines += [f"answers on {day},{n}" for day, n in figures["answers_per_day"].items()]
        text = "\n".join(lines) + "\n"
    else:
        text = status_report_markdown(figures, f"Research status report, {period}", agreement(db.graded()),
                                      latest_eval_run(_index().settings.eval_runs_log))
    return _emit(text, args.out, args.force, "the report")


def cmd_corpus_list(args) -> int:
    """Sources, jurisdictions, record counts and ingest status."""
    rows = _index().corpus_overview()
    if args.json:
        print(json.dumps([r.as_dict() for r in rows]))
        return 0
    print(f"{'source':<12}{'jurisdiction':<13}{'kind':<9}{'records':>9}{'indexed':>9}{'chunks':>9}  status")
    for r in rows:
        print(f"{r.source:<12}{r.jurisdiction:<13}{r.kind:<9}{r.expected_records:>9}"
              f"{r.authorities:>9}{r.chunks:>9}  {r.status}" + (f" ({r.ingested_at})" if r.ingested_at else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `research`."""
    parser = argparse.ArgumentParser(prog="research", description="Legal research assistant: index, search, ask, evaluate.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="load, chunk, embed and index corpus sources (idempotent, resumable)")
    p.add_argument("--source", action="append", metavar="NAME", help="a source to ingest (repeatable; default all)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="ranked authorities for a query")
    p.add_argument("query")
    p.add_argument("--jurisdiction", action="append", choices=JURISDICTIONS, help="repeatable; default all")
    p.add_argument("--kind", action="append", choices=KINDS, help="statute or opinion; default both")
    p.add_argument("--k", type=int, default=10, help="number of authorities (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search)

    for name, helptext in (("ask", "a cited answer to a research question"),
                           ("survey", "the same question answered per jurisdiction")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("question")
        p.add_argument("--jurisdiction", action="append", choices=JURISDICTIONS,
                       help="repeatable; " + ("default all" if name == "ask" else "at least two"))
        p.add_argument("--kind", action="append", choices=KINDS, help="statute or opinion; default both")
        p.add_argument("--mode", choices=ASKABLE_MODES, default=AnswerMode.EXTRACTIVE,
                       help="extractive (default, no model) or generated (the configured model)")
        p.add_argument("--json", action="store_true", help="print JSON")
        if name == "ask":
            p.add_argument("--after", action="append", metavar="EARLIER_QUESTION",
                           help="an earlier question of the conversation (repeatable, oldest first)")
        p.set_defaults(func=cmd_ask if name == "ask" else cmd_survey)

    p = sub.add_parser("eval", help="evaluations")
    eval_sub = p.add_subparsers(dest="eval_command", required=True)
    r = eval_sub.add_parser("retrieval", help="authority-level recall@1/10/100 and MRR@10 of an eval set")
    r.add_argument("--set", action="append", metavar="FILE", help=".jsonl or .jsonl.gz (repeatable)")
    r.add_argument("--all", action="store_true", help="every set in the evals directory, in one table")
    r.add_argument("--limit", type=int, help="only the first N items of each set")
    r.add_argument("--items", metavar="FILE", help="write each item's top 10 authority ids as JSON lines (.gz: gzipped)")
    r.add_argument("--json", action="store_true", help="print one JSON object last")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=cmd_eval_retrieval)
    a = eval_sub.add_parser("answers", help="score cited answers on a question set")
    a.add_argument("--set", required=True, metavar="FILE", help=".jsonl or .jsonl.gz in the questions format")
    a.add_argument("--limit", type=int, help="only the first N items")
    a.add_argument("--mode", choices=ASKABLE_MODES, default=AnswerMode.EXTRACTIVE)
    a.add_argument("--items", action="store_true", help="also print one JSON line of scores per item")
    a.add_argument("--json", action="store_true", help="print one JSON object last")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.set_defaults(func=cmd_eval_answers)

    p = sub.add_parser("history", help="past conversations, newest first")
    p.add_argument("--search", help="text to find in matters, questions and answers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("memo", help="export a conversation as a research memo")
    p.add_argument("conversation_id", type=int)
    p.add_argument("--format", choices=("docx", "pdf", "md"), required=True)
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    p.add_argument("--answers", metavar="1,3", help="only these answers of the conversation (1-based)")
    p.add_argument("--to", default="Supervising Attorney")
    p.add_argument("--from", dest="author", help="default: the conversation's associate")
    p.set_defaults(func=cmd_memo)

    p = sub.add_parser("grades", help="reviewers' grades")
    grades_sub = p.add_subparsers(dest="grades_command", required=True)
    g = grades_sub.add_parser("export", help="every grade as CSV or JSON lines")
    g.add_argument("--format", choices=("csv", "jsonl"), required=True)
    g.add_argument("--out", metavar="FILE", help="default: standard output")
    g.add_argument("--force", action="store_true")
    g.set_defaults(func=cmd_grades_export)
    g = grades_sub.add_parser("to-evalset", help="approved answers as an eval set for `research eval answers`")
    g.add_argument("file", metavar="FILE")
    g.add_argument("--force", action="store_true")
    g.set_defaults(func=cmd_grades_to_evalset, out=None)

    p = sub.add_parser("report", help="status report: answers, turnaround, pass rate, citation accuracy")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--until", metavar="YYYY-MM-DD")
    p.add_argument("--matter")
    p.add_argument("--jurisdiction", choices=JURISDICTIONS)
    p.add_argument("--format", choices=("md", "csv"), default="md")
    p.add_argument("--out", metavar="FILE")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("corpus", help="corpus sources")
    corpus_sub = p.add_subparsers(dest="corpus_command", required=True)
    c = corpus_sub.add_parser("list", help="sources, jurisdictions, record counts, ingest status")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_corpus_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `research`."""
    from research.corpus.evalsets import EvalSetError
    from research.corpus.sources import CorpusError
    from research.wiring import IndexMissingError

    _configure()
    args = build_parser().parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except (CorpusError, EvalSetError, IndexMissingError, ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
