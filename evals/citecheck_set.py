"""Measure the cite-checker on documents built from the corpus: real quotations under their real citations, and
the same with one fault each: an invented section, a real citation under a wrong case name, a pin outside the
opinion or the section, an altered quotation, a case a later opinion overruled.

Usage: python evals/citecheck_set.py [--items 60] [--seed 7] [--out evals/results/citecheck-dev.md]

For each of ITEMS opinions and ITEMS statute sections of the index in the data directory (drawn with SEED), one
sentence of its text is quoted under its citation; each fault is then made on a copy. Reported per problem kind:
how many faulty citations the checker flagged with that kind, and how many correct citations it flagged at all
(false alarms: any problem claimed; "not in the corpus" claims none). Targets (issue 33): every invented or
misnamed citation and every altered quotation found; false alarms on correct citations <= 2%. The documents are
made to be checkable (quoted sentences hold no numbers, so no citation of their own); real briefs are harder.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import research  # noqa: E402
from research.corpus.chunking import first_page  # noqa: E402
from research.corpus.sentences import split_sentences  # noqa: E402
from research.domain.types import Kind  # noqa: E402
from research.workflow.citecheck import check_document  # noqa: E402


def quotable(text: str, rng: random.Random) -> str | None:
    """A sentence of 8-40 words without quotation marks, brackets or numbers (a number may be a citation of its
    own, which would take the quotation for itself), or None."""
    sentences = [s.text for s in split_sentences(" ".join(text.split()))
                 if 8 <= len(s.text.split()) <= 40 and not re.search(r"[\"“”\[\]*§\d]", s.text)]
    return rng.choice(sentences) if sentences else None


def altered(quote: str) -> str:
    """The quotation with one word changed, as a careless brief would."""
    words = quote.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    words[index] = "notwithstanding" if words[index].lower() != "notwithstanding" else "nevertheless"
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("evals/results/citecheck-dev.md"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    index = research.open_index()
    sources = index.check_sources()
    opinions = [a for a in index.store.iter_authorities(Kind.OPINION) if re.search(r"\d+ U\.S\. \d+$", a.citation)]
    statutes = [a for a in index.store.iter_authorities(Kind.STATUTE) if a.citation.startswith("D.C. Code §")]
    cases: list[tuple[str, str, str]] = []  # (fault, document, expected problem kind or "")
    overruled = {r.target for r in index.citator(progress=False).records}
    for opinion in rng.sample(opinions, min(args.items, len(opinions))):
        quote = quotable(opinion.text, rng)
        if quote is None:
            continue
        cite = f"{opinion.heading}, {opinion.citation}, {first_page(opinion.citation)}"
        expected_treatment = "negative treatment" if opinion.id in overruled else ""
        cases.append(("correct case", f"The Court said \"{quote}\" {cite}.", expected_treatment))
        cases.append(("altered quotation", f"The Court said \"{altered(quote)}\" {cite}.", "quotation not found"))
        cases.append(("wrong case name", f"See Nobody v. Nowhere, {opinion.citation}.", "name does not match"))
        cases.append(("pin outside the opinion", f"See {opinion.heading}, {opinion.citation}, 9999.",
                      "pin not found"))
    for statute in rng.sample(statutes, min(args.items, len(statutes))):
        quote = quotable(statute.text, rng)
        section = statute.citation.split("§")[-1].strip()
        if quote is None:
            continue
        cases.append(("correct statute", f"The Code provides \"{quote}\" {statute.citation}.", ""))
        cases.append(("invented section", f"See D.C. Code § {section}9999.", "no such citation"))
        cases.append(("subsection that does not exist", f"See {statute.citation}(zz).", "pin not found"))
    found: dict[str, list[int]] = {}
    for fault, document, expected in cases:
        # "not in the corpus" claims nothing is wrong: the quoted sentence may itself cite a state reporter
        kinds = {p["kind"] for c in check_document(document, sources) for p in c.problems} - {"not in the corpus"}
        if fault.startswith("correct"):
            unexpected = kinds - {expected} if expected else kinds
            found.setdefault(fault, []).append(int(bool(unexpected)))
        else:
            found.setdefault(fault, []).append(int(expected in kinds))
    lines = ["# Cite-checker on documents built from the corpus", "",
             f"`python evals/citecheck_set.py --items {args.items} --seed {args.seed}` on the index of this "
             "machine's data directory (D.C. Code sections and Supreme Court opinions).", "",
             "| citations | n | flagged |", "|---|---|---|"]
    for fault, flags in found.items():
        what = "false alarms" if fault.startswith("correct") else "detected"
        lines.append(f"| {fault} | {len(flags)} | {what} {sum(flags)} ({sum(flags) / len(flags):.1%}) |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
