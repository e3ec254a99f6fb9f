"""Estimate what the chapter classifier of research/chapters.py and the section prior of research/section_prior.py
are worth on sections they never saw.

Usage: python evals/chapter_prior_cv.py [--per-fold 80] [--set FILE] [--weights 0,0.4] [--section-weights 0.05]

`research ingest` trains the model the retriever loads from the dev case notes (RESEARCH_CHAPTER_NOTES_FILE).
A model trained on the dev notes scores its own notes too well, so
this estimates the gain on notes of sections it has never seen (as on the held-out split, whose gold
authorities differ): five folds grouped by gold section; each fold's models are trained on the other
folds' notes (the section prior counts the fold's own gold sections as unannotated, as held-out ones would be)
and the full retriever (index in the data directory) searches up to N notes per jurisdiction of that fold, once
per pair of weights (0 = no prior), with the same items for every pair.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research.chapters import fit_chapter_classifier, training_notes  # noqa: E402
from research.domain import SearchFilter  # noqa: E402
from research.evaluate import EvalItem, item_metrics, read_eval_set  # noqa: E402
from research.retrieve import RetrievalConfig  # noqa: E402
from research.section_prior import annotated_sections, fit_section_prior, sections_of  # noqa: E402
from research.settings import Settings  # noqa: E402
from research.wiring import ResearchIndex  # noqa: E402

FOLDS = 5


def fold_of(item: EvalItem) -> int:
    """A note's fold, by its (first) gold section: every note of one section falls in the same fold."""
    return random.Random(min(item.gold)).randrange(FOLDS)


def cross_validate(items: list[EvalItem], per_jurisdiction: int, weights: list[float], c: float,
                   section_weights: list[float]) -> list[str]:
    """Markdown rows: recall@10 and MRR@10 per jurisdiction and pair of weights (chapter prior, section prior),
    folds grouped by gold section."""
    index = ResearchIndex(Settings(chapter_notes_file=None))  # each fold brings its own models
    sections = list(sections_of(index.store.iter_authorities("statute")))
    items = [i for i in items if len(i.jurisdictions) == 1 and i.gold]
    jurisdictions = sorted({i.jurisdictions[0] for i in items})
    rng = random.Random(1)
    sample = {j: rng.sample([i for i in items if i.jurisdictions[0] == j],
                            min(per_jurisdiction * FOLDS, sum(i.jurisdictions[0] == j for i in items)))
              for j in jurisdictions}
    pairs = [(w, s) for w in weights for s in section_weights]
    totals = {(j, w, s): [0.0, 0.0, 0] for j in jurisdictions for w, s in pairs}
    for fold in range(FOLDS):
        training = [i for i in items if fold_of(i) != fold]
        model = fit_chapter_classifier(training_notes(training), c=c)
        prior = fit_section_prior(annotated_sections(training), sections)
        for w, s in pairs:
            retriever = index.retriever(replace(RetrievalConfig(), chapter_weight=w, section_prior_weight=s))
            retriever.chapters = model
            retriever.section_prior = prior
            for j in jurisdictions:
                tested = [i for i in sample[j] if fold_of(i) == fold][:per_jurisdiction]
                for item in tested:
                    hits = retriever.search(item.query, SearchFilter(jurisdictions=item.jurisdictions), k=10,
                                            exclude=item.exclude)
                    metrics = item_metrics([h.authority_id for h in hits], item.gold)
                    row = totals[(j, w, s)]
                    row[0] += metrics["recall@10"]
                    row[1] += metrics["mrr@10"]
                    row[2] += 1
        print(f"fold {fold + 1} of {FOLDS} done", flush=True)
    lines = ["| chapter prior weight | section prior weight | jurisdiction | n | recall@10 | MRR@10 |",
             "|---|---|---|---|---|---|"]
    for (j, w, s), (recall, mrr, n) in totals.items():
        lines.append(f"| {w:g} | {s:g} | {j} | {n} | {recall / n:.3f} | {mrr / n:.3f} |")
    return lines


def main() -> None:
    """Print the grouped cross-validation table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=Settings().chapter_notes_file)
    parser.add_argument("--c", type=float, default=30.0, help="inverse regularisation of the logistic regression")
    parser.add_argument("--per-fold", type=int, default=80, help="notes per jurisdiction and fold to search")
    parser.add_argument("--weights", default="0,0.4", help="chapter prior weights")
    parser.add_argument("--section-weights", default=str(RetrievalConfig().section_prior_weight),
                        help="section prior weights")
    args = parser.parse_args()
    items = read_eval_set(args.set)
    print("\n".join(cross_validate(items, args.per_fold, [float(w) for w in args.weights.split(",")], args.c,
                                    [float(w) for w in args.section_weights.split(",")])))


if __name__ == "__main__":
    main()
