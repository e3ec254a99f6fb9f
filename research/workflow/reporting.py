"""Review rubric, agreement between reviewers, and quality figures (pure: no database, no UI)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from itertools import combinations

from research.domain.review import CORRECT, AnswerFacts, Grade, GradedAnswer
from research.domain.stats import percentile


def cohen_kappa(first: list, second: list) -> float | None:
    """Cohen's kappa of two raters' labels of the same items (None with no items; 1.0 when both
    raters agree on every item and use one label only)."""
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[label] * counts_b[label] for label in set(first) | set(second)) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


AGREEMENT_COLUMNS = {"reviewers": "Reviewers", "answers": "Answers both graded blind",
                     "kappa_pass_fail": "Agreement on pass/fail (Cohen's kappa)",
                     "citations": "Citations both marked",
                     "kappa_citation_marks": "Agreement on citation marks (Cohen's kappa)"}


EVAL_LABELS = {  # the figures of `research eval answers` a status report shows, in order
    "time": "Run at (UTC)", "set": "Question set", "mode": "Answer mode", "n": "Questions",
    "invented_citations": "Invented citations", "unsupported_sentence_rate": "Unsupported sentence rate",
    "gold_citation_recall": "Answer cites a gold authority", "key_fact_coverage": "Key facts stated (whole answer)",
    "brief_gold_citation_rate": "Brief answer cites a gold authority",
    "brief_key_fact_coverage": "Key facts stated (brief answer)", "sentences_median": "Quoted sentences (median)",
    "authorities_quoted_median": "Authorities quoted (median)",
    "unanswerable_abstained": "Unanswerable questions abstained",
    "answerable_wrongly_abstained": "Answerable questions wrongly abstained",
    "premise_catches": "False premises corrected", "premise_false_alarms": "Premise false alarms",
    "abstention_accuracy": "Abstention decisions right", "survey_cell_accuracy": "Survey cells right",
    "latency_p50_ms": "Latency p50 (ms)", "latency_p95_ms": "Latency p95 (ms)",
}


def eval_rows(run: dict) -> list[tuple[str, str]]:
    """An eval run's summary as (measure, value) rows with readable names: the known figures first, in
    EVAL_LABELS's order, then any other field under its own name; figures that do not apply (None) are left out."""
    keys = [k for k in EVAL_LABELS if k in run] + [k for k in run if k not in EVAL_LABELS]
    return [(EVAL_LABELS.get(k) or k, str(run[k])) for k in keys if run[k] is not None]


def agreement(graded: list[GradedAnswer]) -> list[dict]:
    """Per reviewer pair: answers both graded blind (neither having seen the other's grade), kappa on pass/fail
    and on the citation marks both gave. A grade given after seeing another's would inflate agreement: left out."""
    by_reviewer: dict[str, dict[int, Grade]] = {}
    for g in graded:
        if g.blind:
            by_reviewer.setdefault(g.grade.reviewer, {})[g.answer_id] = g.grade
    rows = []
    for a, b in combinations(sorted(by_reviewer), 2):
        shared = sorted(set(by_reviewer[a]) & set(by_reviewer[b]))
        if not shared:
            continue
        passes_a = [by_reviewer[a][i].passed for i in shared]
        passes_b = [by_reviewer[b][i].passed for i in shared]
        marks_a, marks_b = [], []
        for i in shared:
            ga, gb = by_reviewer[a][i], by_reviewer[b][i]
            for number in sorted(set(ga.citation_marks) & set(gb.citation_marks)):
                marks_a.append(ga.citation_marks[number])
                marks_b.append(gb.citation_marks[number])
        rows.append({"reviewers": f"{a} / {b}", "answers": len(shared),
                     "kappa_pass_fail": _round(cohen_kappa(passes_a, passes_b)),
                     "citations": len(marks_a), "kappa_citation_marks": _round(cohen_kappa(marks_a, marks_b))})
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def quality_figures(answers: list[AnswerFacts], since: date | None = None, until: date | None = None,
                    matter: str = "", jurisdiction: str = "") -> dict:
    """Figures of the answers asked in [since, until] (inclusive), of one matter and jurisdiction if given."""
    chosen = [a for a in answers
              if (since is None or a.asked_at.date() >= since) and (until is None or a.asked_at.date() <= until)
              and (not matter or a.matter == matter) and (not jurisdiction or jurisdiction in a.jurisdictions)]
    per_day = Counter(a.asked_at.date().isoformat() for a in chosen)
    turnaround = [(a.decided_at - a.asked_at).total_seconds() / 3600 for a in chosen if a.decided_at]
    grades = [g for a in chosen for g in a.grades]
    marks = [m for g in grades for m in g.citation_marks.values()]
    sentences = sum(a.sentences for a in chosen)
    return {
        "answers": len(chosen),
        "answers_per_day": dict(sorted(per_day.items())),
        "approved": sum(a.approved for a in chosen),
        "graded_not_approved": sum(1 for a in chosen if (a.grades or a.reviews) and not a.approved),
        "turnaround_hours_median": _round(statistics.median(turnaround)) if turnaround else None,
        "turnaround_hours_p90": _round(percentile(turnaround, 0.9)),
        "grades": len(grades),
        # grades the reader may not see yet (blind review): the pass rate and citation accuracy leave them out
        "grades_hidden": sum(max(a.reviews - len(a.grades), 0) for a in chosen),
        "pass_rate": _round(sum(g.passed for g in grades) / len(grades)) if grades else None,
        "citation_accuracy": _round(sum(m == CORRECT for m in marks) / len(marks)) if marks else None,
        "citation_marks": dict(Counter(marks)),
        "unsupported_sentence_rate": (_round(sum(a.unsupported_sentences for a in chosen) / sentences)
                                      if sentences else None),
        "abstentions": sum(a.abstained for a in chosen),
    }


def status_report_markdown(figures: dict, title: str, pairs: list[dict], latest_eval: dict | None) -> str:
    """A status report of the figures, as a firm would send to a client."""
    def show(value, suffix=""):
        return "n/a" if value is None else f"{value}{suffix}"

    lines = [f"# {title}", "", "| measure | value |", "|---|---|",
             f"| answers delivered | {figures['answers']} |",
             f"| answers approved by a reviewer | {figures['approved']} |",
             f"| answers graded, not yet approved | {figures['graded_not_approved']} |",
             f"| turnaround to review decision, median | {show(figures['turnaround_hours_median'], ' h')} |",
             f"| turnaround to review decision, p90 | {show(figures['turnaround_hours_p90'], ' h')} |",
             f"| reviewer pass rate | {show(figures['pass_rate'])} |",
             f"| citation accuracy (reviewer marks) | {show(figures['citation_accuracy'])} |",
             *([f"| grades hidden by blind review, not counted above | {figures['grades_hidden']} |"]
               if figures.get("grades_hidden") else []),
             f"| unsupported sentence rate (automatic) | {show(figures['unsupported_sentence_rate'])} |",
             f"| abstentions (no authority found) | {figures['abstentions']} |", "",
             "## Answers per day", "", "| day | answers |", "|---|---|"]
    lines += [f"| {day} | {count} |" for day, count in figures["answers_per_day"].items()] or ["| - | 0 |"]
    if pairs:
        lines += ["", "## Reviewer agreement (blind reviews only)", "",
                  "| " + " | ".join(AGREEMENT_COLUMNS.values()) + " |", "|---|---|---|---|---|"]
        lines += [f"| {p['reviewers']} | {p['answers']} | {show(p['kappa_pass_fail'])} | {p['citations']} | "
                  f"{show(p['kappa_citation_marks'])} |" for p in pairs]
    if latest_eval:
        lines += ["", "## Latest automatic evaluation", "", "| measure | value |", "|---|---|"]
        lines += [f"| {label} | {value} |" for label, value in eval_rows(latest_eval)]
    return "\n".join(lines) + "\n"
