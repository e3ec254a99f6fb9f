"""Exports of reviewers' grades: CSV/JSON lines, and approved answers as a replayable eval set."""

from __future__ import annotations

import csv
import io
import json

from research.corpus.evalsets import SURVEY
from research.domain.answer import AnswerMode
from research.domain.records import QueuedAnswer
from research.domain.review import CORRECT

CSV_FIELDS = ("answer_id", "matter", "associate", "question", "jurisdictions", "status", "reviewer", "graded_at",
              "blind", "rubric_version", "accuracy", "completeness", "clarity", "passed", "citation_marks",
              "missing_authorities", "comments")


def grade_records(answers: list[QueuedAnswer]) -> list[dict]:
    """One record per grade, with the answer it grades. Each citation mark names the authority and the citation
    text it was given to, so it keeps its meaning outside the answer it came from."""
    records = []
    for queued in answers:
        stored = queued.stored
        by_number = {c.number: c for c in stored.answer.citations}
        for grade in queued.grades:
            records.append({
                "answer_id": stored.id, "matter": queued.matter, "associate": queued.associate,
                "question": stored.answer.question, "jurisdictions": list(stored.answer.jurisdictions),
                "status": stored.status, "reviewer": grade.reviewer,
                "graded_at": grade.graded_at.isoformat() if grade.graded_at else None, "blind": grade.blind,
                "rubric_version": grade.rubric_version, "accuracy": grade.accuracy,
                "completeness": grade.completeness, "clarity": grade.clarity, "passed": grade.passed,
                "citation_marks": [{"number": n, "authority_id": by_number[n].authority_id,
                                    "citation": by_number[n].citation, "mark": m}
                                   for n, m in sorted(grade.citation_marks.items()) if n in by_number],
                "missing_authorities": list(grade.missing_authorities), "comments": grade.comments,
            })
    return records


def to_jsonl(records: list[dict]) -> str:
    """Records as JSON lines."""
    return "".join(json.dumps(r) + "\n" for r in records)


def to_csv(records: list[dict]) -> str:
    """Records as CSV (lists and marks as JSON in their cells)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for r in records:
        writer.writerow({k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in r.items()})
    return buffer.getvalue()


def confirmed_authorities(queued: QueuedAnswer) -> list[str]:
    """Authorities the reviewers confirmed: cited ones some reviewer marked correct and none marked otherwise on
    any citation of them, plus the ones reviewers added."""
    answer = queued.stored.answer
    marks: dict[str, list[str]] = {}
    for citation in answer.citations:
        marks.setdefault(citation.authority_id, []).extend(
            g.citation_marks[citation.number] for g in queued.grades if citation.number in g.citation_marks)
    confirmed = [a for a, given in marks.items() if given and all(m == CORRECT for m in given)]
    for grade in queued.grades:
        confirmed += [a for a in grade.missing_authorities if a not in confirmed]
    return confirmed


def evalset_items(approved: list[QueuedAnswer], key_fact_words: int = 12) -> list[dict]:
    """Approved answers as items in the format of `../shared/evals/questions.dev.jsonl`.

    Gold is what reviewers confirmed; key facts are the opening words of the confirmed quotes; an
    approved abstention with nothing confirmed becomes an `unanswerable` item.
    """
    items = []
    for queued in approved:
        answer = queued.stored.answer
        gold_ids = confirmed_authorities(queued)
        if not gold_ids and not answer.abstained:
            continue
        by_id = {c.authority_id: c for c in answer.citations}
        quotes = [c for c in answer.citations if c.authority_id in gold_ids]
        if answer.mode == AnswerMode.SURVEY:
            kind = SURVEY
        elif not gold_ids:
            kind = "unanswerable"
        else:
            kind = "single" if len(gold_ids) == 1 else "multi"
        jurisdictions = list(answer.jurisdictions)
        items.append({
            "id": f"graded-{queued.stored.id}", "question": answer.question,
            "jurisdiction": jurisdictions[0] if len(jurisdictions) == 1 else jurisdictions, "kind": kind,
            "gold": [{"id": a, "citation": by_id[a].citation.removesuffix(by_id[a].pin) if a in by_id else a,
                      "pin": by_id[a].pin if a in by_id else ""} for a in gold_ids],
            "answer": queued.stored.final_text,
            "key_facts": [" ".join(c.quote.split()[:key_fact_words]) for c in quotes],
            "evidence": [{"id": c.authority_id, "quote": c.quote} for c in quotes],
            "split": "graded",
        })
    return items
