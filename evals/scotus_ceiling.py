"""How far the evidence the index holds could carry a set such as scotus_citeprec: the shipped fusion against each
of the rankings it fuses, and against a perfect choice, per item, of the best of those rankings.

Usage: python evals/scotus_ceiling.py [--set FILE] [--limit N]

Each ranking is the retriever run with that evidence alone (every other weight 0, no passage re-scoring), over
the index in the data directory, each item searched as `research eval retrieval` searches it (its jurisdictions,
its exclusions). "Best of them, per item" counts an item found within k when at least one ranking has a gold
authority in its first k: no fusion of these rankings can choose better per item, so recall@10 above that figure
needs evidence of another kind. Prints a markdown table (recall@1, recall@10, recall@100).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research.domain import SearchFilter  # noqa: E402
from research.evaluate import EvalItem, read_eval_set  # noqa: E402
from research.retrieve import RetrievalConfig  # noqa: E402
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


def gold_rank(ranked: list[str], gold: frozenset[str]) -> int | None:
    """The 0-based rank of the first gold authority in `ranked`, or None."""
    return next((rank for rank, authority in enumerate(ranked) if authority in gold), None)


def found_within(ranks: list[int | None], k: int) -> bool:
    """Whether any of `ranks` (one per ranking) is within the first k."""
    return any(rank is not None and rank < k for rank in ranks)


def ceiling_rows(items: list[EvalItem], index: ResearchIndex) -> list[str]:
    """Markdown rows: recall@k of the shipped fusion, of each ranking alone, and of the best of them per item."""
    configs = {"shipped fusion": RetrievalConfig(), **{name: replace(RetrievalConfig(), **weights)
                                                       for name, weights in ALONE.items()}}
    ranks: dict[str, list[int | None]] = {}
    for name, config in configs.items():
        retriever = index.retriever(config)
        ranks[name] = [gold_rank([h.authority_id for h in retriever.search(
            item.query, SearchFilter(jurisdictions=item.jurisdictions), k=DEPTH, exclude=item.exclude)], item.gold)
            for item in tqdm(items, desc=name, file=sys.stderr)]
    best = [[ranks[name][i] for name in ALONE] for i in range(len(items))]
    lines = ["| ranking | " + " | ".join(f"recall@{k}" for k in CUTOFFS) + " |", "|---|" + "---|" * len(CUTOFFS)]
    for name, item_ranks in ranks.items():
        lines.append(f"| {name} | " + " | ".join(
            f"{sum(found_within([r], k) for r in item_ranks) / len(items):.3f}" for k in CUTOFFS) + " |")
    lines.append("| best of the rankings alone, per item | " + " | ".join(
        f"{sum(found_within(r, k) for r in best) / len(items):.3f}" for k in CUTOFFS) + " |")
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
    print("\n".join(ceiling_rows(items, ResearchIndex(Settings()))))


if __name__ == "__main__":
    main()
