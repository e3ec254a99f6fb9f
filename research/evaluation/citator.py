"""`research eval citator`: the citator's "overruled" decision scored on labelled pairs of opinions.

The set is a CSV in the format of `../shared/evals/scotus_overruled_pairs.dev.csv`: one row per (citing, cited)
pair of Supreme Court opinions, `overruled` yes or no. Pairs whose two opinions are not both in the corpus are
left out (and counted). Beside the citator, a keyword baseline: "overruled" when a sentence of the citing opinion
with a form of "overrule" names the cited case (its short name or first reporter citation).
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from research.corpus.evalsets import EvalSetError

OPINION_PREFIX = "cl-cluster:"
REQUIRED = ("citing_cluster_id", "cited_cluster_id", "overruled")


@dataclass(frozen=True)
class OverrulePair:
    """A labelled pair: did `citing` overrule `cited`?"""

    citing: str
    cited: str
    overruled: bool
    cited_name: str
    cited_citations: tuple[str, ...]


def read_pairs(path: Path) -> list[OverrulePair]:
    """The pairs of a labelled CSV; EvalSetError naming the file and line when a row is malformed."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise EvalSetError(f"{path}: no column {', '.join(missing)} (the format of "
                                   "scotus_overruled_pairs.dev.csv)")
            pairs = []
            for line, row in enumerate(reader, start=2):
                label = row["overruled"].strip().lower()
                if label not in ("yes", "no") or not row["citing_cluster_id"] or not row["cited_cluster_id"]:
                    raise EvalSetError(f"{path}:{line}: needs citing and cited ids and overruled yes or no")
                try:
                    citations = tuple(ast.literal_eval(row.get("cited_citations") or "[]"))
                except (ValueError, SyntaxError):
                    citations = ()
                pairs.append(OverrulePair(OPINION_PREFIX + row["citing_cluster_id"].strip(),
                                          OPINION_PREFIX + row["cited_cluster_id"].strip(), label == "yes",
                                          row.get("cited_name_short") or row.get("cited_name") or "", citations))
            return pairs
    except OSError as exc:
        raise EvalSetError(f"{path}: {exc.strerror or exc}") from exc


def score(pairs: list[OverrulePair], decide: Callable[[OverrulePair], bool]) -> dict:
    """Precision, recall and F1 of `overruled=yes` (None where undefined), with the counts."""
    tp = sum(1 for p in pairs if p.overruled and decide(p))
    fp = sum(1 for p in pairs if not p.overruled and decide(p))
    fn = sum(1 for p in pairs if p.overruled) - tp
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall) if precision and recall else None)
    return {"pairs": len(pairs), "overruled": tp + fn, "true_positives": tp, "false_positives": fp,
            "false_negatives": fn, "precision": _round(precision), "recall": _round(recall), "f1": _round(f1)}


def keyword_says_overruled(pair: OverrulePair, citing_text: str) -> bool:
    """The baseline: a sentence of the citing text with a form of "overrule" names the cited case."""
    name = pair.cited_name.split(" v. ")[0].strip()
    needles = [n for n in (name, *pair.cited_citations[:1]) if len(n) > 2]
    for sentence in re.split(r"(?<=[.?!])\s+", " ".join(citing_text.split())):
        if "overrul" in sentence.lower() and any(n in sentence for n in needles):
            return True
    return False


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
