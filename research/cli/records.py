"""The firm's records: `research history`, `memo`, `grades` and `report`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from research.cli.common import open_index, workspace


def cmd_history(args) -> int:
    """Past conversations, newest first (optionally searched)."""
    rows = [{"id": c.id, "matter": c.matter, "updated_at": c.updated_at.isoformat(), "questions": c.questions,
             "statuses": c.statuses, "status": c.status_line, "first_question": c.first_question}
            for c in workspace(args).conversations.summaries(args.search or "")]
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("No conversations.")
    for r in rows:
        print(f"{r['id']:>5}  {r['updated_at'][:16]}  {r['matter']}  ({r['questions']} questions: {r['status']})  "
              f"{r['first_question'][:80]}")
    return 0


def cmd_memo(args) -> int:
    """Export a conversation (or chosen answers of it) as a memo."""
    from datetime import date

    from research.files import write_output
    from research.workflow.memo import build_memo, chosen_answers
    from research.workflow.memo_render import render

    conversation = workspace(args).conversations.export(args.conversation_id, f"memo {args.format}")
    from research.service import with_currency

    answers = chosen_answers(conversation.answers, [int(n) for n in args.answers.split(",")] if args.answers else None)
    answers = [with_currency(answer, open_index().currency_of) for answer in answers]
    memo = build_memo(answers, conversation.matter, args.to, args.author or conversation.associate or "Research team",
                      date.today())
    out = Path(args.out)
    write_output(render(memo, args.format), out, force=args.force)
    print(f"wrote {out} ({args.format}, {len(answers)} answer(s), {'draft' if memo.draft else 'reviewed'})")
    return 0


def cmd_grades_export(args) -> int:
    """Every grade as CSV or JSON lines (to stdout, or --out)."""
    from research.workflow.grades import grade_records, to_csv, to_jsonl

    db = workspace(args)
    records = grade_records(db.reviews.with_grades())
    text = to_csv(records) if args.format == "csv" else to_jsonl(records)
    db.conversations.note_export(f"grades {args.format}", grades=len(records))
    return emit(text, args.out, args.force, f"{len(records)} grade(s)")


def cmd_grades_to_evalset(args) -> int:
    """Approved answers with reviewer-confirmed authorities as an eval set for `research eval answers`."""
    from research.workflow.grades import evalset_items, to_jsonl

    db = workspace(args)
    items = evalset_items(db.reviews.approved())
    if not items:
        raise ValueError("no approved answer with reviewer-confirmed authorities yet")
    db.conversations.note_export("grades to eval set", items=len(items))
    return emit(to_jsonl(items), args.file, args.force, f"{len(items)} item(s)")


def emit(text: str, out: str | None, force: bool, what: str) -> int:
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

    db = workspace(args)
    since = date.fromisoformat(args.since) if args.since else None
    until = date.fromisoformat(args.until) if args.until else None
    figures = quality_figures(db.reviews.answer_facts(), since, until, args.matter or "", args.jurisdiction or "")
    period = f"{since or 'start'} to {until or 'today'}"
    if args.format == "csv":
        lines = ["measure,value"] + [f"{k},{v}" for k, v in figures.items() if not isinstance(v, dict)]
        lines += [f"answers on {day},{n}" for day, n in figures["answers_per_day"].items()]
        text = "\n".join(lines) + "\n"
    else:
        text = status_report_markdown(figures, f"Research status report, {period}", agreement(db.reviews.graded()),
                                      latest_eval_run(open_index().settings.eval_runs_log))
    db.conversations.note_export(f"report {args.format}", matter=args.matter or "")
    return emit(text, args.out, args.force, "the report")
