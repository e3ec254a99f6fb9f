"""Train the chapter classifier of research/chapters.py from case notes, and estimate what it is worth.

Usage:
  python evals/train_chapter_prior.py [--set FILE] [--out research/chapter_prior.npz]
  python evals/train_chapter_prior.py --cv 300 [--weights 0.05,0.07,0.1]

Training reads a case-note set (`casenotes.dev.jsonl.gz` of ../shared/evals by default) and writes the
model the retriever loads. A model trained on the dev notes would score its own notes too well, so
`--cv N` estimates the gain on notes of sections it has never seen (as on the held-out split, whose gold
authorities differ): five folds grouped by gold section; each fold's model is trained on the other
folds' notes and the full retriever (index in the data directory) searches up to N notes per
jurisdiction of that fold, once per weight (0 = no prior), with the same items for every weight.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research.chapters import ChapterClassifier, chapter_of, fit_chapter_classifier  # noqa: E402
from research.domain import SearchFilter  # noqa: E402
from research.evaluate import EvalItem, item_metrics, read_eval_set  # noqa: E402
from research.retrieve import RetrievalConfig  # noqa: E402
from research.settings import DEFAULT_CHAPTER_MODEL, Settings  # noqa: E402
from research.wiring import ResearchIndex  # noqa: E402

FOLDS = 5


def training_rows(items: list[EvalItem]) -> list[tuple[str, str, str]]:
    """(jurisdiction, note text, chapter) per gold section of each single-jurisdiction note."""
    return [(i.jurisdictions[0], i.query.replace("[SECTION]", " "), chapter)
            for i in items if len(i.jurisdictions) == 1
            for chapter in sorted({chapter_of(g) for g in i.gold} - {""})]


def fold_of(item: EvalItem) -> int:
    """A note's fold, by its (first) gold section: every note of one section falls in the same fold."""
    return random.Random(min(item.gold)).randrange(FOLDS)


def cross_validate(items: list[EvalItem], per_jurisdiction: int, weights: list[float], c: float) -> list[str]:
    """Markdown rows: recall@10 and MRR@10 per jurisdiction and weight, folds grouped by gold section."""
    index = ResearchIndex(Settings(chapter_model_file=None))  # each fold brings its own model
    items = [i for i in items if len(i.jurisdictions) == 1 and i.gold]
    jurisdictions = sorted({i.jurisdictions[0] for i in items})
    rng = random.Random(1)
    sample = {j: rng.sample([i for i in items if i.jurisdictions[0] == j],
                            min(per_jurisdiction * FOLDS, sum(i.jurisdictions[0] == j for i in items)))
              for j in jurisdictions}
    totals = {(j, w): [0.0, 0.0, 0] for j in jurisdictions for w in weights}
    for fold in range(FOLDS):
        model = fit_chapter_classifier(
            training_rows([i for i in items if fold_of(i) != fold]), c=c)
        for w in weights:
            retriever = index.retriever(replace(RetrievalConfig(), chapter_weight=w))
            retriever.chapters = model
            for j in jurisdictions:
                tested = [i for i in sample[j] if fold_of(i) == fold][:per_jurisdiction]
                for item in tested:
                    hits = retriever.search(item.query, SearchFilter(jurisdictions=item.jurisdictions), k=10,
                                            exclude=item.exclude)
                    metrics = item_metrics([h.authority_id for h in hits], item.gold)
                    row = totals[(j, w)]
                    row[0] += metrics["recall@10"]
                    row[1] += metrics["mrr@10"]
                    row[2] += 1
        print(f"fold {fold + 1} of {FOLDS} done", flush=True)
    lines = ["| weight | jurisdiction | n | recall@10 | MRR@10 |", "|---|---|---|---|---|"]
    for (j, w), (recall, mrr, n) in totals.items():
        lines.append(f"| {w:g} | {j} | {n} | {recall / n:.3f} | {mrr / n:.3f} |")
    return lines


def main() -> None:
    """Train and write the model, or with --cv print the grouped cross-validation table."""
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=settings.evals_dir / "casenotes.dev.jsonl.gz")
    parser.add_argument("--out", type=Path, default=DEFAULT_CHAPTER_MODEL)
    parser.add_argument("--c", type=float, default=30.0, help="inverse regularisation of the logistic regression")
    parser.add_argument("--cv", type=int, default=0, help="notes per jurisdiction and fold to search (0: train only)")
    parser.add_argument("--weights", default="0,0.2,0.4,0.6")
    args = parser.parse_args()
    items = read_eval_set(args.set)
    if args.cv:
        print("\n".join(cross_validate(items, args.cv, [float(w) for w in args.weights.split(",")], args.c)))
        return
    rows = training_rows(items)
    model = fit_chapter_classifier(rows, c=args.c)
    model.save(args.out)
    loaded = ChapterClassifier.load(args.out)
    for jurisdiction, m in loaded.models.items():
        print(f"{jurisdiction}: {sum(r[0] == jurisdiction for r in rows)} notes, {len(m.chapters)} chapters, "
              f"{len(m.terms)} terms")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
