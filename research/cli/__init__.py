"""The `research` command line: the parser and `main`; the commands live in the modules beside this one."""

from __future__ import annotations

import argparse
import sys

from research.cli import accounts, asking, citator, corpus, evaluate, records, review, serve
from research.cli.common import EXIT_FAILURE, EXIT_USAGE
from research.domain.answer import ASKABLE_MODES, AnswerMode
from research.domain.types import KINDS
from research.environment import configure_logging, stay_offline
from research.jurisdictions import JURISDICTIONS
from research.storage.backup import BackupError


def _configure() -> None:
    stay_offline()
    configure_logging()


def record_id(text: str) -> int:
    """A record's id on the command line: a whole number from 1 to 2**31 - 1 (ids are 32-bit in the database)."""
    if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a record id (a whole number from 1)")
    return int(text)


def _acting(p: argparse.ArgumentParser, required: bool = True) -> None:
    """--as NAME: the user the command acts as (password from RESEARCH_PASSWORD or a prompt)."""
    p.add_argument("--as", dest="as_user", metavar="NAME", required=required,
                   help="act as this user (password from RESEARCH_PASSWORD, or asked)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `research`. Long on purpose: one flat declaration of every command and option, read
    top to bottom like the `--help` it prints; the commands themselves live in the modules beside this one."""
    parser = argparse.ArgumentParser(prog="research",
                                     description="Legal research assistant: index, search, ask, evaluate.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="load, chunk, embed and index corpus sources (idempotent, resumable)")
    p.add_argument("--source", action="append", metavar="NAME", help="a source to ingest (repeatable; default all)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=corpus.cmd_ingest)

    p = sub.add_parser("search", help="ranked authorities for a query")
    p.add_argument("query")
    p.add_argument("--jurisdiction", action="append", choices=JURISDICTIONS, help="repeatable; default all")
    p.add_argument("--kind", action="append", choices=KINDS, help="statute or opinion; default both")
    p.add_argument("--k", type=int, default=10, help="number of authorities (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=asking.cmd_search)

    for name, helptext in (("ask", "a cited answer to a research question"),
                           ("survey", "the same question answered per jurisdiction")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("question", nargs="?" if name == "ask" else None)
        p.add_argument("--jurisdiction", action="append", choices=JURISDICTIONS,
                       help="repeatable; " + ("default all" if name == "ask" else "at least two"))
        p.add_argument("--kind", action="append", choices=KINDS, help="statute or opinion; default both")
        p.add_argument("--mode", choices=ASKABLE_MODES, default=AnswerMode.EXTRACTIVE,
                       help="extractive (default, no model) or generated (the configured model)")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.add_argument("--matter", help="file the answer under a new conversation of this matter and search its "
                                        "documents too (needs --as; default: not stored)")
        _acting(p, required=False)
        if name == "ask":
            p.add_argument("--after", action="append", metavar="EARLIER_QUESTION",
                           help="an earlier question of the conversation (repeatable, oldest first)")
            p.add_argument("--batch", metavar="FILE.jsonl",
                           help='answer a file of questions, one JSON object a line ({"question", "jurisdiction", '
                                '"kind", "mode"}), printing one answer object a line in order (with --json)')
        p.set_defaults(func=asking.cmd_ask if name == "ask" else asking.cmd_survey)

    p = sub.add_parser("eval", help="evaluations")
    eval_sub = p.add_subparsers(dest="eval_command", required=True)
    r = eval_sub.add_parser("retrieval", help="authority-level recall@1/10/100 and MRR@10 of an eval set")
    r.add_argument("--set", action="append", metavar="FILE", help=".jsonl or .jsonl.gz (repeatable)")
    r.add_argument("--all", action="store_true", help="every set in the evals directory, in one table")
    r.add_argument("--limit", type=int, help="only the first N items of each set")
    r.add_argument("--items", metavar="FILE",
                   help="write each item's top 10 authority ids as JSON lines (.gz: gzipped)")
    r.add_argument("--json", action="store_true", help="print one JSON object last")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=evaluate.cmd_eval_retrieval)
    a = eval_sub.add_parser("answers", help="score cited answers on a question set")
    a.add_argument("--set", required=True, metavar="FILE", help=".jsonl or .jsonl.gz in the questions format")
    a.add_argument("--limit", type=int, help="only the first N items")
    a.add_argument("--mode", choices=ASKABLE_MODES, default=AnswerMode.EXTRACTIVE)
    a.add_argument("--items", action="store_true", help="also print one JSON line of scores per item")
    a.add_argument("--json", action="store_true", help="print one JSON object last")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.set_defaults(func=evaluate.cmd_eval_answers)

    c = eval_sub.add_parser("citator", help="precision and recall of the overruled decision on labelled pairs")
    c.add_argument("--set", required=True, metavar="FILE.csv", help="the format of scotus_overruled_pairs.dev.csv")
    c.add_argument("--json", action="store_true")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=evaluate.cmd_eval_citator)

    p = sub.add_parser("citator", help="negative treatment: a case overruled or abrogated, a section repealed")
    p.add_argument("citation", metavar="CITATION", help="'384 U.S. 436', a case name, or 'D.C. Code § 1-1061.08'")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=citator.cmd_citator)

    p = sub.add_parser("check", help="check every citation of a brief, memo or letter against the corpus")
    p.add_argument("file", metavar="FILE", help="PDF, DOCX, TXT or Markdown")
    p.add_argument("--jurisdiction", action="append", default=[], metavar="CODE",
                   help="check against these jurisdictions' authorities only (repeatable; default: all)")
    p.add_argument("--json", action="store_true", help="one object per citation")
    p.add_argument("--out", metavar="FILE", help="default: standard output")
    p.add_argument("--force", action="store_true")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=citator.cmd_check)

    p = sub.add_parser("history", help="past conversations, newest first")
    p.add_argument("--search", help="text to find in matters, questions and answers")
    p.add_argument("--json", action="store_true")
    _acting(p)
    p.set_defaults(func=records.cmd_history)

    p = sub.add_parser("memo", help="export a conversation as a research memo")
    p.add_argument("conversation_id", type=record_id)
    p.add_argument("--format", choices=("docx", "pdf", "md"), required=True)
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    p.add_argument("--answers", metavar="1,3", help="only these answers of the conversation (1-based)")
    p.add_argument("--to", default="Supervising Attorney")
    p.add_argument("--from", dest="author", help="default: the conversation's associate")
    _acting(p)
    p.set_defaults(func=records.cmd_memo)

    p = sub.add_parser("grades", help="reviewers' grades")
    grades_sub = p.add_subparsers(dest="grades_command", required=True)
    g = grades_sub.add_parser("export", help="every grade as CSV or JSON lines")
    g.add_argument("--format", choices=("csv", "jsonl"), required=True)
    g.add_argument("--out", metavar="FILE", help="default: standard output")
    g.add_argument("--force", action="store_true")
    _acting(g)
    g.set_defaults(func=records.cmd_grades_export)
    g = grades_sub.add_parser("to-evalset", help="approved answers as an eval set for `research eval answers`")
    g.add_argument("file", metavar="FILE")
    g.add_argument("--force", action="store_true")
    _acting(g)
    g.set_defaults(func=records.cmd_grades_to_evalset, out=None)

    p = sub.add_parser("review", help="the review queue, grading and approval (reviewers)")
    review_sub = p.add_subparsers(dest="review_command", required=True)
    v = review_sub.add_parser("queue", help="answers awaiting review or approval, oldest first, with their status")
    v.add_argument("--matter")
    v.add_argument("--json", action="store_true")
    _acting(v)
    v.set_defaults(func=review.cmd_review_queue)
    v = review_sub.add_parser("grade", help="grade an answer (your earlier grade of it is replaced)")
    v.add_argument("answer_id", type=record_id, metavar="ANSWER_ID")
    verdict = v.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--pass", dest="passed", action="store_true")
    verdict.add_argument("--fail", dest="passed", action="store_false")
    v.add_argument("--mark", action="append", default=[], metavar="N=MARK",
                   help="citation N: correct, wrong-authority, unsupported or bad-pin (repeat per citation)")
    for score in ("accuracy", "completeness", "clarity"):
        v.add_argument(f"--{score}", type=int, default=3, choices=range(1, 6), metavar="1-5",
                       help=f"{score} score (default 3)")
    v.add_argument("--add-authority", action="append", default=[], metavar="AUTHORITY_ID",
                   help="an authority the answer should have cited (repeat)")
    v.add_argument("--comment")
    _acting(v)
    v.set_defaults(func=review.cmd_review_grade)
    v = review_sub.add_parser("approve", help="approve an answer once it has the reviews required")
    v.add_argument("answer_id", type=record_id, metavar="ANSWER_ID")
    v.add_argument("--edit-file", metavar="FILE", help="the approved text (the original is kept beside it)")
    v.add_argument("--override", action="store_true",
                   help="admins: approve without the reviews required (recorded in the audit trail)")
    _acting(v)
    v.set_defaults(func=review.cmd_review_approve)

    p = sub.add_parser("report", help="status report: answers, turnaround, pass rate, citation accuracy")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--until", metavar="YYYY-MM-DD")
    p.add_argument("--matter")
    p.add_argument("--jurisdiction", choices=JURISDICTIONS)
    p.add_argument("--format", choices=("md", "csv"), default="md")
    p.add_argument("--out", metavar="FILE")
    p.add_argument("--force", action="store_true")
    _acting(p)
    p.set_defaults(func=records.cmd_report)

    p = sub.add_parser("users", help="accounts: add, list, disable, reset a password")
    users_sub = p.add_subparsers(dest="users_command", required=True)
    u = users_sub.add_parser("add", help="add an account (the first, an admin, needs no --as)")
    u.add_argument("name")
    u.add_argument("--role", choices=("associate", "reviewer", "admin"), required=True)
    u.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    _acting(u, required=False)
    u.set_defaults(func=accounts.cmd_users_add)
    u = users_sub.add_parser("list", help="every account (admins)")
    u.add_argument("--json", action="store_true")
    _acting(u)
    u.set_defaults(func=accounts.cmd_users_list)
    u = users_sub.add_parser("disable", help="disable an account (--enable: enable it again)")
    u.add_argument("name")
    u.add_argument("--enable", action="store_true")
    _acting(u)
    u.set_defaults(func=accounts.cmd_users_disable)
    u = users_sub.add_parser("reset-password", help="set a new password (admins for anyone; you for yourself)")
    u.add_argument("name")
    u.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    _acting(u)
    u.set_defaults(func=accounts.cmd_users_reset_password)

    p = sub.add_parser("matters", help="matters and their members: who sees what")
    matters_sub = p.add_subparsers(dest="matters_command", required=True)
    m = matters_sub.add_parser("add", help="create a matter with its members (admins)")
    m.add_argument("matter")
    m.add_argument("--member", action="append", metavar="NAME", help="a member (repeatable)")
    _acting(m)
    m.set_defaults(func=accounts.cmd_matters_add)
    m = matters_sub.add_parser("members", help="list a matter's members; --add/--remove change them (admins)")
    m.add_argument("matter")
    m.add_argument("--add", action="append", metavar="NAME")
    m.add_argument("--remove", action="append", metavar="NAME")
    m.add_argument("--json", action="store_true")
    _acting(m)
    m.set_defaults(func=accounts.cmd_matters_members)
    m = matters_sub.add_parser("list", help="your matters (admins: every matter)")
    m.add_argument("--json", action="store_true")
    _acting(m)
    m.set_defaults(func=accounts.cmd_matters_list)
    m = matters_sub.add_parser("delete", help="delete a matter and everything filed under it (admins)")
    m.add_argument("matter")
    m.add_argument("--yes", action="store_true", help="confirm")
    _acting(m)
    m.set_defaults(func=accounts.cmd_matters_delete)

    p = sub.add_parser("documents", help="a matter's private documents (PDF, DOCX, TXT, Markdown)")
    documents_sub = p.add_subparsers(dest="documents_command", required=True)
    d = documents_sub.add_parser("add", help="upload a document to a matter")
    d.add_argument("matter")
    d.add_argument("file")
    _acting(d)
    d.set_defaults(func=accounts.cmd_documents_add)
    d = documents_sub.add_parser("list", help="a matter's documents")
    d.add_argument("matter")
    d.add_argument("--json", action="store_true")
    _acting(d)
    d.set_defaults(func=accounts.cmd_documents_list)
    d = documents_sub.add_parser("delete", help="delete a document and its passages")
    d.add_argument("document_id", type=record_id)
    _acting(d)
    d.set_defaults(func=accounts.cmd_documents_delete)

    p = sub.add_parser("serve", help="the HTTP API (bearer tokens: research tokens create)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="worker processes sharing the index and database")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(func=serve.cmd_serve)

    p = sub.add_parser("tokens", help="bearer tokens of the HTTP API (`research serve`)")
    tokens_sub = p.add_subparsers(dest="tokens_command", required=True)
    t = tokens_sub.add_parser("create", help="issue a token to you (printed once, stored hashed)")
    t.add_argument("--expires", default="30d", help="30d, 12h, 90m or never (default 30d)")
    t.add_argument("--label", help="what the token is for (shown in the list)")
    t.add_argument("--json", action="store_true")
    _acting(t)
    t.set_defaults(func=accounts.cmd_tokens_create)
    t = tokens_sub.add_parser("list", help="your tokens (admins: everyone's), without their secrets")
    t.add_argument("--json", action="store_true")
    _acting(t)
    t.set_defaults(func=accounts.cmd_tokens_list)
    t = tokens_sub.add_parser("revoke", help="revoke a token: it stops working at once")
    t.add_argument("token_id", type=record_id, metavar="ID")
    _acting(t)
    t.set_defaults(func=accounts.cmd_tokens_revoke)

    p = sub.add_parser("audit", help="the audit trail")
    audit_sub = p.add_subparsers(dest="audit_command", required=True)
    a = audit_sub.add_parser("verify", help="check that no record was edited, deleted or reordered")
    a.set_defaults(func=accounts.cmd_audit_verify)
    a = audit_sub.add_parser("export", help="a matter's audit records (members, admins; all matters: admins)")
    a.add_argument("--matter")
    a.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    a.add_argument("--out", metavar="FILE")
    a.add_argument("--force", action="store_true")
    _acting(a)
    a.set_defaults(func=accounts.cmd_audit_export)

    p = sub.add_parser("corpus", help="corpus sources")
    corpus_sub = p.add_subparsers(dest="corpus_command", required=True)
    c = corpus_sub.add_parser("list", help="sources, jurisdictions, record counts, ingest status")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=corpus.cmd_corpus_list)
    c = corpus_sub.add_parser(
        "import", help="read the law in its published format into a source (then ingest it; unchanged sections "
                       "are not embedded again)",
        description="Formats: uslm (the U.S. Code's USLM XML), dc-law-xml (the D.C. Council's law-xml), "
                    "courtlistener (clusters or opinions, JSON or JSON lines), cap (Caselaw Access Project cases), "
                    "jsonl (the project's own JSON lines; docs/corpus-import.md). PATH is a file, a directory or an "
                    "archive (.tar.gz, .zip). A source named like a mirror source takes its place.")
    c.add_argument("format", metavar="FORMAT", help="uslm, dc-law-xml, courtlistener, cap or jsonl")
    c.add_argument("path", metavar="PATH")
    c.add_argument("--source", required=True, metavar="NAME", help="the source to write (e.g. us-usc)")
    c.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date the law read is current to")
    c.add_argument("--version", dest="version_label", metavar="LABEL",
                   help="the version's name (default: the release the data names, or the as-of date)")
    c.add_argument("--jurisdiction", metavar="CODE", help="the jurisdiction of the records (opinions, jsonl)")
    c.add_argument("--kind", choices=("statute", "opinion"), help="what the records are (jsonl)")
    c.add_argument("--no-ingest", action="store_true", help="write the source only; `research ingest` indexes it")
    c.add_argument("--json", action="store_true")
    c.add_argument("--quiet", action="store_true", help="no progress bars")
    c.set_defaults(func=corpus.cmd_corpus_import)
    c = corpus_sub.add_parser("diff", help="what changed between two versions of a source")
    c.add_argument("source", metavar="SOURCE")
    c.add_argument("--from", dest="from_version", type=int, metavar="N", help="the older version (default: the one "
                   "before --to)")
    c.add_argument("--to", dest="to_version", type=int, metavar="N", help="the newer version (default: the latest)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=corpus.cmd_corpus_diff)

    p = sub.add_parser("backup", help="back up the app database, uploads and index into a new directory")
    p.add_argument("directory", metavar="DIR")
    p.set_defaults(func=corpus.cmd_backup)
    p = sub.add_parser("restore", help="restore a backup made by `research backup`")
    p.add_argument("directory", metavar="DIR")
    p.add_argument("--force", action="store_true", help="replace the database, uploads and index that are there")
    p.set_defaults(func=corpus.cmd_restore)

    p = sub.add_parser("index", help="the index version API nodes serve")
    index_sub = p.add_subparsers(dest="index_command", required=True)
    i = index_sub.add_parser("version", help="this index's version and the published one (exit 1: they differ)")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=corpus.cmd_index_version)
    i = index_sub.add_parser("publish", help="make this index the one every API node serves (admins)")
    _acting(i)
    i.set_defaults(func=corpus.cmd_index_publish)
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
    except (CorpusError, EvalSetError, IndexMissingError, ValueError, LookupError, PermissionError,
            BackupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
