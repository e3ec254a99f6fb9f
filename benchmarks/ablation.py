"""Ablation of retrieval techniques on fixed samples of the dev eval sets, in one run.

Usage: python benchmarks/ablation.py [--per-set N] [--out evals/results/ablation-latest.md]
(docs/decisions/ records what was adopted; docs/decisions/archive.md what was not.)
Each configuration runs over the same items: casenotes (N Hawaii + N Colorado, random with seed 1),
scotus_citeprec (N random), questions.dev (all answerable items). Writes a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run import machine  # noqa: E402  (benchmarks/run.py, beside this script)

import research  # noqa: E402
from research.corpus.evalsets import EvalItem, read_eval_set
from research.evaluation.retrieval import evaluate_retrieval  # noqa: E402
from research.search.config import RetrievalConfig  # noqa: E402
from research.settings import Settings  # noqa: E402

CONFIGS = {
    "no passage re-scoring": RetrievalConfig(rerank_depth=0),
    "int8 MiniLM re-scores the first 6 statutes, w 2.0 (default)": RetrievalConfig(),
    "int8 MiniLM re-scores the first 10 statutes, w 2.0": RetrievalConfig(rerank_depth=10),
}


def samples(evals_dir: Path, per_set: int) -> dict[str, list[EvalItem]]:
    """Fixed samples of each dev set."""
    rng = random.Random(1)
    casenotes = read_eval_set(evals_dir / "casenotes.dev.jsonl.gz")
    sets = {}
    for jurisdiction in ("US-HI", "US-CO"):
        pool = [i for i in casenotes if i.jurisdictions == (jurisdiction,)]
        sets[f"casenotes {jurisdiction}"] = rng.sample(pool, min(per_set, len(pool)))
    scotus = read_eval_set(evals_dir / "scotus_citeprec.dev.jsonl")
    sets["scotus_citeprec"] = rng.sample(scotus, min(per_set, len(scotus)))
    sets["questions.dev"] = [i for i in read_eval_set(evals_dir / "questions.dev.jsonl") if i.gold]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-set", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path("evals/results/ablation-latest.md"))
    args = parser.parse_args()
    settings = Settings()
    index = research.open_index(settings)
    sets = samples(settings.evals_dir, args.per_set)
    lines = [
        "# Retrieval ablation (dev samples)", "",
        f"Machine: {machine()}; "
        f"embedder `{settings.embedder}`; samples: " + ", ".join(f"{k} n={len(v)}" for k, v in sets.items()) + ".",
        "Latency is the median / p95 of the whole hybrid search per query, in ms, measured in this run.", "",
        "| configuration | set | recall@1 | recall@10 | recall@100 | MRR@10 | hit@3 | hit@10 | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, config in CONFIGS.items():
        retriever = index.retriever(config)

        # the retriever bound as a default: this iteration's, whenever the search is called
        def search(query, search_filter, depth, exclude, retriever=retriever):
            return [h.authority_id for h in retriever.search(query, search_filter, k=depth, exclude=exclude)]

        for set_name, items in sets.items():
            began = time.time()
            s = evaluate_retrieval(items, search)
            lines.append(f"| {name} | {set_name} | {s['recall@1']:.3f} | {s['recall@10']:.3f} | "
                         f"{s['recall@100']:.3f} | {s['mrr@10']:.3f} | {s['hit@3']:.3f} | {s['hit@10']:.3f} | "
                         f"{s['latency_ms']['p50']} | {s['latency_ms']['p95']} |")
            print(lines[-1], f"({time.time() - began:.0f}s)", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
