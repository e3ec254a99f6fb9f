"""How far the evidence the index holds could carry a set such as scotus_citeprec: the shipped fusion against each
of the rankings it fuses, and against a perfect choice, per item, of the best of those rankings.

Usage: python evals/scotus_ceiling.py [--set FILE] [--limit N]

Each ranking is the retriever run with that evidence alone (every other weight 0, no passage re-scoring), over
the index in the data directory, each item searched as `research eval retrieval` searches it (its jurisdictions,
its exclusions). "Best of them, per item" takes, for each item, the ranking with the most of its gold authorities
in the first k, knowing the answer. A fusion could in principle lift a gold that every ranking holds just below k;
the last line counts the items the shipped fusion finds in its first 10 and no ranking alone does, which says how
much it does so in practice. Prints a markdown table (recall@1, recall@10, recall@100) and that count.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import research  # noqa: E402
from research.corpus.evalsets import EvalItem, read_eval_set
from research.domain.types import SearchFilter  # noqa: E402
from research.evaluation.retrieval import item_metrics  # noqa: E402
from research.search.config import RetrievalConfig  # noqa: E402
from research.settings import Settings  # noqa: E402
from research.wiring import ResearchIndex  # noqa: E402

DEPTH = 100
CUTOFFS = (1, 10, 100)
_OFF = dict(lexical_weight=0.0, anchor_weight=0.0, phrase_weight=0.0, anchor_phrase_weight=0.0,
            opinion_phrase_weight=0.0, heading_weight=0.0, chapter_weight=0.0, section_prior_weight=0.0,
            record_prior_weight=0.0, note_weight=0.0, quote_weight=0.0, part_weight=0.0, rerank_depth=0)
# each ranking the shipped retriever fuses, as a configuration that keeps it alone
ALONE = {
    "passages blended with whole opinions": dict(_OFF, lexical_weight=1.0),
    "passages' adjacent-term pairs": dict(_OFF, phrase_weight=1.0),
    "citing contexts": dict(_OFF, anchor_weight=1.0),
    "citing contexts' pairs": dict(_OFF, anchor_phrase_weight=1.0),
    "whole opinions' pairs": dict(_OFF, opinion_phrase_weight=1.0),
}


def ceiling_rows(items: list[EvalItem], index: ResearchIndex) -> list[str]:
    """Markdown rows: recall@k of the shipped fusion, of each ranking alone, and of the best of them per item;
    then the count of items only the fusion finds in its first 10."""
    configs = {"shipped fusion": RetrievalConfig(), **{name: RetrievalConfig().model_copy(update=weights)
                                                       for name, weights in ALONE.items()}}
    metrics: dict[str, list[dict[str, float]]] = {}
    for name, config in configs.items():
        retriever = index.retriever(config)
        metrics[name] = [item_metrics([h.authority_id for h in retriever.search(
            item.query, SearchFilter(jurisdictions=item.jurisdictions), k=DEPTH, exclude=item.exclude)], item.gold)
            for item in tqdm(items, desc=name, file=sys.stderr)]
    lines = ["| ranking | " + " | ".join(f"recall@{k}" for k in CUTOFFS) + " |", "|---|" + "---|" * len(CUTOFFS)]
    for name, rows in metrics.items():
        lines.append(f"| {name} | " + " | ".join(
            f"{sum(m[f'recall@{k}'] for m in rows) / len(items):.3f}" for k in CUTOFFS) + " |")
    lines.append("| best of the rankings alone, per item | " + " | ".join(
        f"{sum(max(metrics[name][i][f'recall@{k}'] for name in ALONE) for i in range(len(items))) / len(items):.3f}"
        for k in CUTOFFS) + " |")
    fusion_only = sum(1 for i, m in enumerate(metrics["shipped fusion"])
                      if m["hit@10"] and not any(metrics[name][i]["hit@10"] for name in ALONE))
    lines.append(f"\nFound in the first 10 by the shipped fusion and by no ranking alone: {fusion_only} of "
                 f"{len(items)} items.")
    return lines


def main() -> None:
    """Print the ceiling table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=Settings().evals_dir / "scotus_citeprec.dev.jsonl")
    parser.add_argument("--limit", type=int, default=0, help="first N items only")
    args = parser.parse_args()
    items = [i for i in read_eval_set(args.set) if i.gold]
    items = items[: args.limit] if args.limit else items
    print(f"{args.set.name}: {len(items)} items with gold")
    print("\n".join(ceiling_rows(items, research.open_index(Settings()))))


if __name__ == "__main__":
    main()
