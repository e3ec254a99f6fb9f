"""Fit the calibrated abstention score and estimate its error rates on questions nobody fitted it on.

The score (research.answer.extractive, `ExtractiveConfig.unanswerable_weights`, decisions 0029 and 0032) is
P(no authority answers) = sigmoid(bias + w1 x best sentence similarity + w2 x first authority's retrieval score
+ w3 x title gap). This script asks every non-survey item of the sets given, records the three signals the answerer
computed, and fits the four weights by logistic regression (Newton's method, a small ridge). Its error rates are
estimated by leaving out each group in turn (an unanswerable question and its answerable twin of
evals/abstention.dev.jsonl form one group, "abs-co-005-u" and "abs-co-005-a"; every other item is its own), fitting
on the rest and scoring the group left out. The threshold reported is the lowest at which the held-out answerable
questions wrongly abstain at most `--max-wrong` (0.03).

Usage: python evals/abstention_fit.py [--set FILE ...] [--max-wrong 0.03] [--out evals/results/abstention-fit.md]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research import open_researcher  # noqa: E402
from research.answer import extractive  # noqa: E402
from research.corpus.evalsets import is_survey  # noqa: E402
from research.evaluation.answers import UNANSWERABLE, read_question_set  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SETS = [ROOT.parent / "shared" / "evals" / "questions.dev.jsonl", ROOT / "evals" / "abstention.dev.jsonl"]
RIDGE = 1e-3
THRESHOLDS = np.round(np.arange(0.20, 0.951, 0.01), 2)


def signals(sets: list[Path]) -> list[dict]:
    """Per non-survey item: id, group, whether it is unanswerable, and the answerer's three signals (None when the
    answer had no candidate sentence at all, which abstains whatever the weights)."""
    seen: list[tuple[float, float, float]] = []
    score = extractive.ExtractiveAnswerer.unanswerable

    def recording(self, best_similarity, top_score, title_gap=extractive.NO_ABSENT_TITLE):
        seen.append((best_similarity, top_score, title_gap))
        return score(self, best_similarity, top_score, title_gap)

    extractive.ExtractiveAnswerer.unanswerable = recording  # type: ignore[method-assign]
    researcher = open_researcher()
    rows = []
    items = [item for path in sets for item in read_question_set(path) if not is_survey(item.kind, item.jurisdictions)]
    for item in tqdm(items, desc="asking", file=sys.stderr):
        seen.clear()
        researcher.ask(item.question, item.jurisdictions)
        rows.append({"id": item.id, "group": re.sub(r"-[ua]$", "", item.id), "unanswerable": item.kind == UNANSWERABLE,
                     "signals": list(seen[-1]) if seen else None})
    extractive.ExtractiveAnswerer.unanswerable = score  # type: ignore[method-assign]
    return rows


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression weights (bias first) by Newton's method with a small ridge on the slopes."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    ridge = np.diag([0.0] + [RIDGE] * x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + ridge @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + ridge
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return weights


def probability(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(unanswerable) of each row of signals under `weights` (bias first)."""
    return 1 / (1 + np.exp(-(weights[0] + x @ weights[1:])))


def rates(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float]:
    """(unanswerable abstained, answerable wrongly abstained) at `threshold`."""
    abstains = p >= threshold
    return float(abstains[y == 1].mean()), float(abstains[y == 0].mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", type=Path, help="question sets (default: both dev sets)")
    parser.add_argument("--max-wrong", type=float, default=0.03)
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "results" / "abstention-fit.md")
    args = parser.parse_args(argv)
    rows = [r for r in signals(args.set or SETS) if r["signals"] is not None]
    x = np.array([r["signals"] for r in rows], dtype=float)
    y = np.array([r["unanswerable"] for r in rows], dtype=float)
    groups = [r["group"] for r in rows]
    held_out = np.zeros(len(rows))
    for group in dict.fromkeys(groups):
        out = np.array([g == group for g in groups])
        held_out[out] = probability(fit(x[~out], y[~out]), x[out])
    current = np.array(extractive.ExtractiveConfig().unanswerable_weights)
    chosen = next((t for t in THRESHOLDS if rates(held_out, y, t)[1] <= args.max_wrong), THRESHOLDS[-1])
    weights = fit(x, y)
    abstained, wrongly = rates(held_out, y, chosen)
    now_abstained, now_wrongly = rates(probability(current, x), y, extractive.ExtractiveConfig().abstain_at)
    summary = {"items": len(rows), "unanswerable": int(y.sum()), "threshold": float(chosen),
               "weights": [round(float(w), 3) for w in weights],
               "held_out_unanswerable_abstained": round(abstained, 3), "held_out_answerable_wrongly": round(wrongly, 3),
               "current_weights": current.tolist(), "current_abstain_at": extractive.ExtractiveConfig().abstain_at,
               "current_unanswerable_abstained": round(now_abstained, 3),
               "current_answerable_wrongly": round(now_wrongly, 3)}
    print(json.dumps(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# Abstention score: fit and held-out error rates\n\n"
        f"`python evals/abstention_fit.py` over {len(rows)} non-survey items of the dev sets ({int(y.sum())} "
        "unanswerable); groups left out in turn (a pair of evals/abstention.dev.jsonl is one group).\n\n"
        "| weights (bias, similarity, top score, title gap) | threshold | unanswerable abstained | answerable wrongly "
        "abstained |\n|---|---|---|---|\n"
        f"| current {summary['current_weights']} (in-sample) | {summary['current_abstain_at']} | "
        f"{now_abstained:.3f} | {now_wrongly:.3f} |\n"
        f"| refitted {summary['weights']} (held out) | {chosen} | {abstained:.3f} | {wrongly:.3f} |\n",
        encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
