"""`research review`: what the Review page does, from the command line, as the signed-in user."""

from __future__ import annotations

import json
from pathlib import Path

from research.cli.common import workspace


def cmd_review_queue(args) -> int:
    """Answers awaiting review or approval, oldest first, with their status (others' grades stay hidden until
    you give your own)."""
    db = workspace(args)
    required = db.reviews.reviews_required
    rows = [{"answer_id": q.stored.id, "matter": q.matter, "associate": q.associate,
             "asked_at": q.stored.asked_at.isoformat(), "status": q.stored.review_state(required),
             "reviews": q.stored.reviews, "reviews_required": required, "question": q.stored.answer.question,
             "standalone_question": q.stored.answer.standalone_question,
             "citations": [{"number": c.number, "citation": c.citation, "authority_id": c.authority_id}
                           for c in q.stored.answer.citations],
             "grades": [{"reviewer": g.reviewer, "passed": g.passed} for g in q.grades]}
            for q in db.reviews.queue(args.matter or "")]
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("No answers await review.")
    for r in rows:
        print(f"{r['answer_id']:>5}  {r['asked_at'][:16]}  {r['status']:<28}  {r['matter']}  {r['question'][:70]}")
    return 0


def parse_marks(given: list[str]) -> dict[int, str]:
    """`N=MARK` arguments as citation number -> rubric mark (MARK one of research.domain.review.MARK_NAMES)."""
    from research.domain.review import MARK_NAMES

    marks: dict[int, str] = {}
    for item in given:
        number, _, name = item.partition("=")
        if not number.strip().isdigit() or name.strip() not in MARK_NAMES:
            raise ValueError(f"--mark {item!r}: write N=MARK, MARK one of {', '.join(MARK_NAMES)}")
        marks[int(number)] = MARK_NAMES[name.strip()]
    return marks


def cmd_review_grade(args) -> int:
    """Grade an answer as the signed-in reviewer (replacing their earlier grade of it)."""
    from research.domain.review import Grade

    db = workspace(args)
    grade = Grade(db.user.name, args.accuracy, args.completeness, args.clarity, args.passed, parse_marks(args.mark),
                  tuple(args.add_authority), args.comment or "")
    db.reviews.record_grade(args.answer_id, grade)
    state = db.reviews.answer(args.answer_id).stored.review_state(db.reviews.reviews_required)
    print(f"graded answer {args.answer_id} as {db.user.name}: {'pass' if args.passed else 'fail'}; now {state}")
    return 0


def cmd_review_approve(args) -> int:
    """Approve an answer, optionally replacing its text by an edit read from a file (the original is kept)."""
    db = workspace(args)
    edited = None
    if args.edit_file:
        edited = Path(args.edit_file).read_text(encoding="utf-8")
        if not edited.strip():
            raise ValueError(f"{args.edit_file} is empty: an edit replaces the answer's text")
    db.reviews.approve(args.answer_id, edited_text=edited, override=args.override)
    print(f"approved answer {args.answer_id} as {db.user.name}" + (" (override)" if args.override else ""))
    return 0
