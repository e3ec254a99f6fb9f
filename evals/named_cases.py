"""Does the brief answer to a question about a named Supreme Court case state what the case holds?

Usage: python evals/named_cases.py [--set FILE]

Each item of evals/named_cases.dev.jsonl names a landmark case of the corpus and lists words of its holding
("holding_words", any one of them counts, case-insensitive), written from the opinion of the Court. The
question is answered as `research ask` answers it; printed per item: whether the brief answer holds any of
those words and its first quoted sentence; last, the share of items whose brief answer states the holding.
A small set of the project's own, written and checked in the session that changed named-case answers
(docs/decisions/0041): a sign, not a held-out measure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research import open_researcher  # noqa: E402
from research.environment import stay_offline  # noqa: E402
from research.service import ResearchRequest  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=Path(__file__).with_name("named_cases.dev.jsonl"))
    args = parser.parse_args()
    stay_offline()
    service = open_researcher()
    items = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    stated = 0
    for item in items:
        answer = service.research(ResearchRequest(item["question"], (item["jurisdiction"],))).answer
        brief = answer.brief_answer.lower()
        hit = any(words.lower() in brief for words in item["holding_words"])
        stated += hit
        print(f"{item['id']}  {'states the holding' if hit else 'no holding       '}  {answer.brief_answer[:110]}")
    print(f"brief answer states the holding: {stated} of {len(items)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
