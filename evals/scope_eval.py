"""What an associate gets who leaves every jurisdiction selected (the app's default) and names the place
in the question, against asking within the item's own jurisdiction.

Usage: python evals/scope_eval.py [--set FILE]

Each non-survey item of a question set is answered three ways over the index in the data directory:
within the item's `jurisdiction` (as `research eval answers` asks it); with all jurisdictions selected
and searched (no scoping); and with all selected, scoped by the jurisdictions the question names
(research.answer.scope, what `ask` and the app do). Printed per way: answers citing the gold, gold in the
top 10, and answers citing another state's law (a jurisdiction neither the item's nor federal).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import research  # noqa: E402
from research.answer.scope import Scope, question_scope  # noqa: E402
from research.corpus.evalsets import is_survey  # noqa: E402
from research.evaluation.answers import read_question_set  # noqa: E402
from research.jurisdictions import FEDERAL, JURISDICTIONS  # noqa: E402

WAYS = {
    "item's jurisdiction": lambda item: Scope(item.jurisdictions),
    "all selected, not scoped": lambda item: Scope(()),
    "all selected, scoped by the question (shipped)": lambda item: question_scope(item.question, JURISDICTIONS),
}


def main() -> None:
    """Print one markdown row per way of choosing the scope."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=str(Path(__file__).resolve().parents[2] / "shared/evals/questions.dev.jsonl"))
    args = parser.parse_args()
    researcher = research.open_researcher().researcher  # answer_in_scope: the scope each way chooses
    items = [i for i in read_question_set(Path(args.set))
             if not is_survey(i.kind, i.jurisdictions) and i.kind != "unanswerable" and i.gold]
    print(f"{len(items)} answerable non-survey items of {Path(args.set).name}\n")
    print("| scope | answers citing the gold | gold in top 10 | answers citing another state's law (citations) |")
    print("|---|---|---|---|")
    for way, scope_of in WAYS.items():
        gold = top10 = stray_answers = stray = 0
        for item in items:
            answer = researcher.answer_in_scope(item.question, item.question, scope_of(item))
            allowed = set(item.jurisdictions) | {FEDERAL}
            elsewhere = [c for c in answer.citations if c.jurisdiction not in allowed]
            gold += bool({c.authority_id for c in answer.citations} & set(item.gold))
            top10 += bool(set(answer.retrieved[:10]) & set(item.gold))
            stray_answers += bool(elsewhere)
            stray += len(elsewhere)
        print(f"| {way} | {gold} | {top10} | {stray_answers} ({stray}) |", flush=True)


if __name__ == "__main__":
    main()
