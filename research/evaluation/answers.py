"""Scoring answers on question sets in the format of `../shared/evals/questions.dev.jsonl`.

Each item is asked within its `jurisdiction` (one, or a list for surveys, which go through survey
mode). The scores follow the evals README: invented citations, unsupported sentences (checked again
here against the stored authority text, not taken from the answer's own statuses), gold citation
recall, key-fact coverage (content-word rule of `research.answer.textmatch`), abstention accuracy, survey
cell accuracy and latency.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from research.answer.textmatch import key_fact_stated
from research.corpus.evalsets import (
    EvalSetError,
    is_survey,
    jurisdictions_of,
    read_records,
)
from research.domain.answer import Answer, AnswerMode, SupportStatus, Survey, quoted
from research.domain.stats import percentile

UNANSWERABLE = "unanswerable"
FALSE_PREMISE = "false_premise"


@dataclass(frozen=True)
class QuestionItem:
    """A question with its gold authorities and the facts a right answer states."""

    id: str
    question: str
    jurisdictions: tuple[str, ...]
    kind: str
    gold: tuple[str, ...]
    key_facts: tuple[str, ...]


def read_question_set(path: Path) -> list[QuestionItem]:
    """Items of a `.jsonl`/`.jsonl.gz` question set; a defect raises EvalSetError naming file and line."""
    items = []
    for line_no, record in read_records(path, "question set"):
        try:
            items.append(QuestionItem(
                id=str(record["id"]), question=record["question"],
                jurisdictions=jurisdictions_of(record.get("jurisdiction")),
                kind=record.get("kind", "single"), gold=tuple(g["id"] for g in record.get("gold", [])),
                key_facts=tuple(record.get("key_facts", []))))
        except (KeyError, TypeError) as exc:
            raise EvalSetError(f"{path}: line {line_no}: not a question item ({exc})") from exc
    return items


def answers_of(result: Answer | Survey) -> list[Answer]:
    """The answers inside a result (one, or one per survey row)."""
    return [row.answer for row in result.rows] if isinstance(result, Survey) else [result]


def sentence_supported(sentence, answer: Answer, authority_text: Callable[[str], str | None]) -> bool:
    """A sentence is supported when it cites something, and every cited quote lies at its offsets in the
    authority's text; a sentence given as a verbatim quote must also be inside a cited quote (written as a quotation
    is, its own quotation marks made single: research.domain.answer.quoted)."""
    if sentence.status == SupportStatus.UNSUPPORTED or not sentence.citations:
        return False
    quotes = []
    for number in sentence.citations:
        citation = answer.citation(number)
        text = authority_text(citation.authority_id)
        if text is None or text[citation.start:citation.end] != citation.quote:
            return False
        quotes.append(citation.quote)
    stripped = sentence.text.strip()
    if len(stripped) > 2 and stripped[0] == stripped[-1] == '"':
        return any(stripped[1:-1] in quoted(quote)[1:-1] for quote in quotes)
    return True


def brief_sentences(brief: str) -> list[str]:
    """The sentences of a brief answer, each ending at its citation marks: key facts are matched per sentence."""
    return [part for part in re.split(r"(?<=\])\s+(?=\S)", brief.strip()) if part]


def _cited_in(text: str, answer: Answer) -> set[str]:
    """Authority ids of the citations whose marks `text` carries."""
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    return {c.authority_id for c in answer.citations if c.number in numbers}


def score_item(item: QuestionItem, result: Answer | Survey, authority_text, jurisdiction_of) -> dict:
    """The per-item scores (None where a score does not apply to the item)."""
    answers = answers_of(result)
    cited = {c.authority_id for a in answers for c in a.citations}
    invented = sum(1 for a in answers for c in a.citations
                   if c.authority_id not in a.retrieved or authority_text(c.authority_id) is None)
    sentences = [(s, a) for a in answers if not a.abstained for s in a.sentences]
    unsupported = sum(1 for s, a in sentences if not sentence_supported(s, a, authority_text))
    abstained = all(a.abstained for a in answers)
    answerable = item.kind != UNANSWERABLE
    cites_gold = bool(cited & set(item.gold))
    if answerable:
        abstention_right = not abstained and (item.kind != FALSE_PREMISE or cites_gold)
    else:
        abstention_right = abstained
    briefs = [part for a in answers if not a.abstained for part in brief_sentences(a.brief_answer)]
    said = briefs + [s.text for s, _ in sentences]
    facts = [key_fact_stated(f, said) for f in item.key_facts] if answerable and item.key_facts else None
    brief_facts = [key_fact_stated(f, briefs) for f in item.key_facts] if answerable and item.key_facts else None
    single = not isinstance(result, Survey)
    brief_gold = (bool(_cited_in(answers[0].brief_answer, answers[0]) & set(item.gold))
                  if single and answerable and item.gold else None)
    cells = None
    if isinstance(result, Survey):
        gold_by_jurisdiction = {jurisdiction_of(g): g for g in item.gold}
        cells = [gold_by_jurisdiction.get(row.jurisdiction) in {c.authority_id for c in row.answer.citations}
                 for row in result.rows if row.jurisdiction in gold_by_jurisdiction]
    return {"id": item.id, "kind": item.kind, "invented": invented, "sentences": len(sentences),
            "unsupported": unsupported, "cites_gold": cites_gold if answerable and item.gold else None,
            "key_facts": facts, "abstention_right": abstention_right, "survey_cells": cells,
            "brief_key_facts": brief_facts, "brief_cites_gold": brief_gold, "abstained": abstained,
            "authorities_quoted": len(cited) if not abstained else 0,
            "premise_corrected": any(a.premise_correction for a in answers),
            "brief_answers": [a.brief_answer for a in answers],
            "quoted": [[c.authority_id, c.start, c.end] for a in answers for c in a.citations]}


def summarise(rows: list[dict], latencies_ms: list[float]) -> dict:
    """The set-level scores from per-item rows."""
    sentences = sum(r["sentences"] for r in rows)
    gold = [r["cites_gold"] for r in rows if r["cites_gold"] is not None]
    facts = [sum(r["key_facts"]) / len(r["key_facts"]) for r in rows if r["key_facts"]]
    cells = [c for r in rows if r["survey_cells"] for c in r["survey_cells"]]
    p95 = percentile(latencies_ms, 0.95)  # None exactly when there are no latencies
    return {
        "n": len(rows),
        "invented_citations": sum(r["invented"] for r in rows),
        "unsupported_sentence_rate": round(sum(r["unsupported"] for r in rows) / sentences, 4) if sentences else 0.0,
        "gold_citation_recall": round(sum(gold) / len(gold), 4) if gold else None,
        "key_fact_coverage": round(statistics.fmean(facts), 4) if facts else None,
        "abstention_accuracy": round(sum(r["abstention_right"] for r in rows) / len(rows), 4) if rows else None,
        "survey_cell_accuracy": round(sum(cells) / len(cells), 4) if cells else None,
        **_brief_and_size(rows),
        **_abstention_and_premises(rows),
        "latency_p50_ms": round(statistics.median(latencies_ms), 1) if latencies_ms else None,
        "latency_p95_ms": round(p95, 1) if p95 is not None else None,
    }


def _rate(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _brief_and_size(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the brief answer states and cites, and how long answers are (medians over answers given)."""
    brief_facts = [sum(r["brief_key_facts"]) / len(r["brief_key_facts"]) for r in rows if r["brief_key_facts"]]
    given = [r for r in rows if not r["abstained"]]
    return {
        "brief_gold_citation_rate": _rate([r["brief_cites_gold"] for r in rows if r["brief_cites_gold"] is not None]),
        "brief_key_fact_coverage": round(statistics.fmean(brief_facts), 4) if brief_facts else None,
        "sentences_median": statistics.median([r["sentences"] for r in given]) if given else None,
        "authorities_quoted_median": statistics.median([r["authorities_quoted"] for r in given]) if given else None,
    }


def _abstention_and_premises(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Both abstention error rates, and the premise check's catches and false alarms."""
    premised = [r for r in rows if r["kind"] == FALSE_PREMISE]
    return {
        "unanswerable_abstained": _rate([r["abstained"] for r in rows if r["kind"] == UNANSWERABLE]),
        "answerable_wrongly_abstained": _rate([r["abstained"] for r in rows if r["kind"] != UNANSWERABLE]),
        "premise_catches": f"{sum(r['premise_corrected'] and bool(r['cites_gold']) for r in premised)} of "
                           f"{len(premised)}",
        "premise_false_alarms": sum(r["premise_corrected"] for r in rows if r["kind"] != FALSE_PREMISE),
    }


def evaluate_answers(items: list[QuestionItem], researcher, authority_text, jurisdiction_of,
                     mode: str = AnswerMode.EXTRACTIVE, on_item: Callable[[dict], None] | None = None) -> dict:
    """Ask every item (surveys through survey mode) and score the answers; adds `items` with per-item rows."""
    rows, latencies = [], []
    for item in items:
        started = time.perf_counter()
        if is_survey(item.kind, item.jurisdictions):
            result = researcher.survey(item.question, item.jurisdictions, mode=mode)
        else:
            result = researcher.ask(item.question, item.jurisdictions, mode=mode)
        latencies.append(1000 * (time.perf_counter() - started))
        row = score_item(item, result, authority_text, jurisdiction_of)
        rows.append(row)
        if on_item:
            on_item(row)
    summary = summarise(rows, latencies)
    summary["items"] = rows
    return summary


def record_eval_run(log: Path, set_name: str, mode: str, summary: dict) -> None:
    """Append a run's summary, with its time, set and mode, to the eval-runs log (JSON lines)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "set": set_name, "mode": mode,
              **summary}
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def latest_eval_run(log: Path) -> dict | None:
    """The last summary in the eval-runs log, or None when nothing was recorded."""
    if not log.is_file():
        return None
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None
