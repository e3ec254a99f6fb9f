"""How many of the citator's flags are right: every "overruled" flag the citator shows, against hand labels.

Usage: python evals/citator_flags.py [--labels FILE] [--list]

`research eval citator` scores labelled case pairs only; a flag on a pair nobody labelled (a dissent's wish, a
wrong case of the sentence) is shown to associates all the same. evals/citator_flags.dev.jsonl labels each flag
the citator showed on the mirror before decision 0040 ({"by", "target", "start", "label": "correct" | "wrong",
"why"}): is the sentence this opinion's Court overruling that case? Printed: flags shown now, how many are
labelled correct and wrong (precision over the labelled ones), flags nobody labelled, and how many of the flags
labelled correct are still shown. `--list` prints the wrong ones still shown and the right ones lost.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from research.environment import stay_offline  # noqa: E402
from research.wiring import default_index  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path(__file__).with_name("citator_flags.dev.jsonl"))
    parser.add_argument("--list", action="store_true", help="list the wrong flags shown and the right ones lost")
    args = parser.parse_args()
    stay_offline()
    labels = {}
    for line in args.labels.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels[(row["by"], row["target"], row["start"])] = row
    shown = {(r.by, r.target, r.start): r for r in default_index().citator(progress=False).records}
    correct = [k for k in shown if k in labels and labels[k]["label"] == "correct"]
    wrong = [k for k in shown if k in labels and labels[k]["label"] == "wrong"]
    right_in_all = [k for k, row in labels.items() if row["label"] == "correct"]
    precision = len(correct) / (len(correct) + len(wrong)) if correct or wrong else None
    unlabelled = len(shown) - len(correct) - len(wrong)
    print(f"flags shown {len(shown)}: labelled correct {len(correct)}, wrong {len(wrong)} (precision "
          f"{precision if precision is None else round(precision, 3)}); unlabelled {unlabelled}; "
          f"correct flags still shown {len(correct)} of {len(right_in_all)}")
    if args.list:
        for key in wrong:
            print(f"wrong shown: {shown[key].citation} {shown[key].pin} -> {key[1]}: {labels[key]['why']}")
        for key in right_in_all:
            if key not in shown:
                print(f"right lost: {key[0]} -> {key[1]} at offset {key[2]}: {labels[key]['why']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
