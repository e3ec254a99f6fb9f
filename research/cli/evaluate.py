"""`research eval retrieval` and `research eval answers`."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from research.cli.common import EXIT_USAGE, open_index


def cmd_eval_retrieval(args) -> int:
    """Score retrieval on one eval set, or on all sets of the evals directory."""
    from tqdm import tqdm

    from research.corpus.evalsets import read_eval_set
    from research.evaluation.retrieval import (
        eval_files,
        evaluate_retrieval,
        format_sets_table,
        format_table,
    )
    from research.settings import Settings

    if not args.set and not args.all:
        print("error: give --set FILE or --all", file=sys.stderr)
        return EXIT_USAGE
    paths = [Path(p) for p in args.set] if args.set else eval_files(Settings().evals_dir)
    retriever = open_index().retriever()

    def search(query, search_filter, depth, exclude):
        return [h.authority_id for h in retriever.search(query, search_filter, k=depth, exclude=exclude)]

    rankings: list[str] = []
    results = {}
    for path in paths:
        items = read_eval_set(path)
        items = items[: args.limit] if args.limit else items
        with tqdm(total=sum(1 for i in items if i.gold), desc=path.name, disable=args.quiet, file=sys.stderr) as bar:
            def scored(item, ranked, set_name=path.name):
                bar.update(1)
                if args.items:
                    rankings.append(json.dumps({"set": set_name, "id": item.id, "top10": ranked[:10]}) + "\n")
            summary = evaluate_retrieval(items, search, on_item=scored)
        results[path.name] = summary
    if args.items:
        from research.files import write_output

        data = "".join(rankings).encode("utf-8")
        write_output(gzip.compress(data, mtime=0) if args.items.endswith(".gz") else data, Path(args.items), force=True)
    print(format_table(*next(iter(results.items()))) if len(results) == 1 else format_sets_table(results))
    if args.json:
        print(json.dumps(next(iter(results.values())) if len(results) == 1 else {"sets": results}))
    return 0


def cmd_eval_answers(args) -> int:
    """Score cited answers on a question set."""
    from tqdm import tqdm

    from research import open_researcher
    from research.evaluation.answers import (
        evaluate_answers,
        read_question_set,
        record_eval_run,
    )

    index = open_index()
    researcher = open_researcher()
    items = read_question_set(Path(args.set))
    items = items[: args.limit] if args.limit else items
    store = index.store
    texts: dict[str, str | None] = {}

    def authority_text(authority_id: str) -> str | None:
        if authority_id not in texts:
            authority = store.authority(authority_id)
            texts[authority_id] = authority.text if authority else None
        return texts[authority_id]

    def jurisdiction_of(authority_id: str) -> str | None:
        authority = store.authority(authority_id)
        return authority.jurisdiction if authority else None

    with tqdm(total=len(items), desc=Path(args.set).name, disable=args.quiet, file=sys.stderr) as bar:
        summary = evaluate_answers(items, researcher, authority_text, jurisdiction_of, mode=args.mode,
                                   on_item=lambda row: bar.update(1))
    rows = summary.pop("items")
    record_eval_run(index.settings.eval_runs_log, Path(args.set).name, args.mode, summary)
    if args.items:
        for row in rows:
            print(json.dumps(row))
    width = max(len(k) for k in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        print(json.dumps(summary))
    return 0


def cmd_eval_citator(args) -> int:
    """Score the citator's overruled decision on labelled pairs, beside the keyword baseline."""
    from research.evaluation.citator import keyword_says_overruled, read_pairs, score

    index = open_index()
    pairs = read_pairs(Path(args.set))
    texts = index.store.authorities({p.citing for p in pairs} | {p.cited for p in pairs})
    held = [p for p in pairs if p.citing in texts and p.cited in texts]
    citator = index.citator(progress=not args.quiet)
    overruled = {(r.by, r.target) for r in citator.records}
    scores = {"citator": score(held, lambda p: (p.citing, p.cited) in overruled),
              "keyword_baseline": score(held, lambda p: keyword_says_overruled(p, texts[p.citing].text))}
    result = {"set": str(args.set), "pairs_in_corpus": len(held), "pairs_left_out": len(pairs) - len(held), **scores}
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{result['pairs_in_corpus']} pairs with both opinions in the corpus ({result['pairs_left_out']} left out)")
    for name, r in scores.items():
        print(f"{name:<17} precision {r['precision']}  recall {r['recall']}  F1 {r['f1']}  "
              f"(TP {r['true_positives']}, FP {r['false_positives']}, FN {r['false_negatives']})")
    return 0
