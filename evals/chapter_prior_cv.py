"""Estimate what the models learned from case notes (the chapter classifier of research/search/priors/chapters.py,
the section prior of research/search/priors/section_prior.py, the nearest-notes vote of
research/search/priors/note_neighbours.py) are worth on notes they never saw: of sections they never saw (the
default), or of sections other notes annotate (--split notes).

Usage: python evals/chapter_prior_cv.py [--per-fold 80] [--set FILE] [--weights 0,0.4] [--section-weights 0.05]
       [--record-weights 0,0.1] [--note-weights 0,1] [--split sections|notes]

`research ingest` trains the model the retriever loads from the dev case notes (RESEARCH_CHAPTER_NOTES_FILE).
A model trained on the dev notes scores its own notes too well, so
this estimates the gain on notes of sections it has never seen (as on the held-out split, whose gold
authorities differ): five folds grouped by gold section; each fold's models are trained on the other
folds' notes (the section prior counts the fold's own gold sections as unannotated, as held-out ones would be)
and the full retriever (index in the data directory) searches up to N notes per jurisdiction of that fold, once
per set of weights (0 = off), with the same items for every set. `--split notes` puts each note in a fold of
its own instead, so a fold's sections keep their other notes: the estimate for new notes of annotated sections.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import research  # noqa: E402
from research.corpus.evalsets import EvalItem, read_eval_set
from research.domain.types import Kind, SearchFilter  # noqa: E402
from research.evaluation.retrieval import item_metrics  # noqa: E402
from research.search.config import RetrievalConfig  # noqa: E402
from research.search.priors.chapters import fit_chapter_classifier, training_notes  # noqa: E402
from research.search.priors.note_neighbours import fit_note_neighbours  # noqa: E402
from research.search.priors.section_prior import (  # noqa: E402
    annotated_sections,
    fit_section_prior,
    sections_of,
)
from research.settings import Settings  # noqa: E402

FOLDS = 5


def fold_of(item: EvalItem) -> int:
    """A note's fold, by its (first) gold section: every note of one section falls in the same fold."""
    return random.Random(min(item.gold)).randrange(FOLDS)


def note_fold_of(item: EvalItem) -> int:
    """A note's fold, by the note alone: the other notes of its section fall in any fold."""
    return random.Random(item.id).randrange(FOLDS)


def cross_validate(items: list[EvalItem], per_jurisdiction: int, weights: list[float], c: float,
                   section_weights: list[float], note_weights: list[float] = (0.0,), split=fold_of,
                   record_weights: list[float] = (0.0,)) -> list[str]:
    """Markdown rows: recall@10 and MRR@10 per jurisdiction and set of weights (chapter prior, section prior by text,
    by record, nearest notes), folds by `split` (grouped by gold section by default)."""
    index = research.open_index(Settings(chapter_notes_file=None))  # each fold brings its own models
    sections = list(sections_of(index.store.iter_authorities(Kind.STATUTE)))
    items = [i for i in items if len(i.jurisdictions) == 1 and i.gold]
    jurisdictions = sorted({i.jurisdictions[0] for i in items})
    rng = random.Random(1)
    sample = {j: rng.sample([i for i in items if i.jurisdictions[0] == j],
                            min(per_jurisdiction * FOLDS, sum(i.jurisdictions[0] == j for i in items)))
              for j in jurisdictions}
    settings = [(w, s, r, n) for w in weights for s in section_weights for r in record_weights for n in note_weights]
    totals = {(j, *weighted): [0.0, 0.0, 0] for j in jurisdictions for weighted in settings}
    for fold in range(FOLDS):
        training = [i for i in items if split(i) != fold]
        model = fit_chapter_classifier(training_notes(training), c=c)
        prior = fit_section_prior(annotated_sections(training), sections)
        neighbours = fit_note_neighbours(training)
        for w, s, r, n in settings:
            config = RetrievalConfig().model_copy(update=dict(chapter_weight=w, section_prior_weight=s,
                                                              record_prior_weight=r, note_weight=n))
            retriever = index.retriever(config, chapters=model, section_prior=prior, note_neighbours=neighbours)
            for j in jurisdictions:
                tested = [i for i in sample[j] if split(i) == fold][:per_jurisdiction]
                for item in tested:
                    hits = retriever.search(item.query, SearchFilter(jurisdictions=item.jurisdictions), k=10,
                                            exclude=item.exclude)
                    metrics = item_metrics([h.authority_id for h in hits], item.gold)
                    row = totals[(j, w, s, r, n)]
                    row[0] += metrics["recall@10"]
                    row[1] += metrics["mrr@10"]
                    row[2] += 1
        print(f"fold {fold + 1} of {FOLDS} done", flush=True)
    lines = ["| chapter prior weight | section prior weight | record prior weight | nearest notes weight "
             "| jurisdiction | n | recall@10 | MRR@10 |",
             "|---|---|---|---|---|---|---|---|"]
    for (j, w, s, r, note_weight), (recall, mrr, n) in totals.items():
        lines.append(f"| {w:g} | {s:g} | {r:g} | {note_weight:g} | {j} | {n} | {recall / n:.3f} | {mrr / n:.3f} |")
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
    parser.add_argument("--record-weights", default=str(RetrievalConfig().record_prior_weight),
                        help="weights of the section prior by record (statements)")
    parser.add_argument("--note-weights", default=str(RetrievalConfig().note_weight), help="nearest notes weights")
    parser.add_argument("--split", choices=("sections", "notes"), default="sections",
                        help="folds grouped by gold section (new sections) or by note (new notes of known sections)")
    args = parser.parse_args()
    items = read_eval_set(args.set)
    print("\n".join(cross_validate(items, args.per_fold, [float(w) for w in args.weights.split(",")], args.c,
                                    [float(w) for w in args.section_weights.split(",")],
                                    [float(w) for w in args.note_weights.split(",")],
                                    fold_of if args.split == "sections" else note_fold_of,
                                    [float(w) for w in args.record_weights.split(",")])))


if __name__ == "__main__":
    main()
