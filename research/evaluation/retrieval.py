"""Retrieval evaluation on sets in the format of `../shared/evals` (JSONL or JSONL.gz).

Relevance is per authority: a ranked list of authorities (chunks already rolled up) is scored
against each item's gold ids. recall@k is the share of an item's gold found in its top k,
averaged over items; MRR@10 uses the first gold in the top 10; hit@k says whether any gold is in
the top k. Items without gold (unanswerable questions) are not scored for retrieval.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from research.corpus.evalsets import EvalItem
from research.domain.stats import percentile
from research.domain.types import SearchFilter

CUTOFFS = (1, 3, 5, 10, 100)



def item_metrics(ranked: list[str], gold: frozenset[str]) -> dict[str, float]:
    """recall@k, hit@k and MRR@10 of one ranked list of authority ids."""
    metrics = {}
    for k in CUTOFFS:
        found = len(gold.intersection(ranked[:k]))
        metrics[f"recall@{k}"] = found / len(gold)
        metrics[f"hit@{k}"] = 1.0 if found else 0.0
    metrics["mrr@10"] = next((1.0 / rank for rank, a in enumerate(ranked[:10], 1) if a in gold), 0.0)
    return metrics


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(sum(r[key] for r in rows) / len(rows), 4) for key in rows[0]} if rows else {}



Search = Callable[[str, SearchFilter, int, frozenset], list[str]]


SURVEY_DEPTH = 5


def evaluate_retrieval(items: Iterable[EvalItem], search: Search, depth: int = 100,
                       on_item: Callable[[EvalItem, list[str]], None] | None = None) -> dict[str, Any]:
    """Run every scorable item through `search` and aggregate metrics overall and per jurisdiction.

    Survey items are also searched once per jurisdiction, as survey mode answers them:
    `survey_hit@5` is the share of (item, jurisdiction) cells with a gold authority in that
    jurisdiction's top 5. `on_item` is called with each scored item and its ranking.
    """
    per_item: list[tuple[EvalItem, dict[str, float]]] = []
    latencies: list[float] = []
    survey_cells: list[float] = []
    for item in items:
        if not item.gold:
            continue
        began = time.perf_counter()
        ranked = search(item.query, SearchFilter(jurisdictions=item.jurisdictions), depth, item.exclude)
        latencies.append((time.perf_counter() - began) * 1000)
        per_item.append((item, item_metrics(ranked, item.gold)))
        if item.is_survey:
            for jurisdiction in item.jurisdictions:
                top = search(item.query, SearchFilter(jurisdictions=(jurisdiction,)), SURVEY_DEPTH, item.exclude)
                survey_cells.append(1.0 if item.gold.intersection(top[:SURVEY_DEPTH]) else 0.0)
        if on_item:
            on_item(item, ranked)
    groups: dict[str, list[dict[str, float]]] = {}
    for item, metrics in per_item:
        groups.setdefault(item.group, []).append(metrics)
    summary: dict[str, Any] = {"n": len(per_item), **_mean([m for _, m in per_item])}
    summary["by_jurisdiction"] = {g: {"n": len(rows), **_mean(rows)} for g, rows in sorted(groups.items())}
    if survey_cells:
        summary["survey_cells"] = len(survey_cells)
        summary[f"survey_hit@{SURVEY_DEPTH}"] = round(sum(survey_cells) / len(survey_cells), 4)
    p95 = percentile(latencies, 0.95)  # None exactly when there are no latencies
    summary["latency_ms"] = {"p50": round(statistics.median(latencies), 1) if latencies else 0.0,
                             "p95": round(p95, 1) if p95 is not None else 0.0}
    return summary


TABLE_COLUMNS = ["n", "recall@1", "recall@10", "recall@100", "mrr@10", "hit@3", "hit@10"]


def _column_heads() -> str:
    return "".join(f"{c:>11}" for c in TABLE_COLUMNS)


def _cells(metrics: dict) -> str:
    return "".join(f"{metrics.get(c, 0):>11}" if c == "n" else f"{metrics.get(c, 0):>11.3f}" for c in TABLE_COLUMNS)


def _survey_line(summary: dict) -> str:
    return (f"surveys: a gold authority in each jurisdiction's top {SURVEY_DEPTH} for "
            f"{summary[f'survey_hit@{SURVEY_DEPTH}']:.3f} of {summary['survey_cells']} jurisdiction cells")


def format_table(name: str, summary: dict) -> str:
    """A plain-text table of a summary, one row overall and one per jurisdiction."""
    lines = [f"{name}", f"{'group':<28}" + _column_heads()]
    rows = [("overall", summary)] + list(summary.get("by_jurisdiction", {}).items())
    for group, metrics in rows:
        lines.append(f"{group:<28}" + _cells(metrics))
    if "survey_cells" in summary:
        lines.append(_survey_line(summary))
    lat = summary.get("latency_ms", {})
    lines.append(f"latency per query: p50 {lat.get('p50', 0)} ms, p95 {lat.get('p95', 0)} ms")
    return "\n".join(lines)


def format_sets_table(summaries: dict[str, dict]) -> str:
    """One plain-text table of several sets: per set a row overall (with its latency) and one per
    jurisdiction, then each set's survey cells under the table."""
    width = max([len("set")] + [len(name) for name in summaries]) + 2
    lines = [f"{'set':<{width}}{'group':<24}" + _column_heads() + f"{'p50 ms':>9}{'p95 ms':>9}"]
    for name, summary in summaries.items():
        lat = summary.get("latency_ms", {})
        lines.append(f"{name:<{width}}{'overall':<24}" + _cells(summary)
                     + f"{lat.get('p50', 0):>9}{lat.get('p95', 0):>9}")
        for group, metrics in summary.get("by_jurisdiction", {}).items():
            lines.append(f"{name:<{width}}{group:<24}" + _cells(metrics))
    lines += [f"{name}: {_survey_line(summary)}" for name, summary in summaries.items() if "survey_cells" in summary]
    return "\n".join(lines)


def eval_files(directory: Path) -> list[Path]:
    """The eval sets (`*.jsonl`, `*.jsonl.gz`) in a directory, sorted."""
    return sorted(p for p in directory.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz")))
