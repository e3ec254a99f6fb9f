"""Measure the cite-checker on documents built from the corpus: real quotations and propositions under their real
citations (full and `Id.`), and the same with one fault each: an invented section, a reporter page inside another
case, a real citation under a wrong case name, a pin outside the opinion or the section, an altered quotation, a
proposition the cited text does not state, a case a later opinion overruled, a section the code lists as repealed.

Usage: python evals/citecheck_set.py [--items 60] [--seed 7] [--out evals/results/citecheck-dev.md]

For each of ITEMS opinions and ITEMS statute sections of the index in the data directory (drawn with SEED), one
sentence of its text is quoted under its citation, and stated without quotation marks with a third of its words
left out (a crude paraphrase: real briefs reword more); each fault is then made on a copy. Reported per problem kind:
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

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import research  # noqa: E402
from research.answer.textmatch import content_terms  # noqa: E402
from research.corpus.chunking import first_page  # noqa: E402
from research.corpus.sentences import split_sentences  # noqa: E402
from research.domain.types import Kind  # noqa: E402
from research.index.citator import page_pin  # noqa: E402
from research.workflow.citecheck import check_document  # noqa: E402


def quotable(text: str, rng: random.Random) -> str | None:
    """A sentence of 8-40 words that says something (five content terms or more), without quotation marks,
    brackets, numbers or case names (a number may be a citation of its own, which would take the quotation for
    itself; a case name or "supra" is the quoted court's citation), or None."""
    sentences = [s.text for s in split_sentences(" ".join(text.split()))
                 if 8 <= len(s.text.split()) <= 40 and not re.search(r"[\"“”\[\]*§\d]| v\. |\bsupra\b", s.text)
                 and len(set(content_terms(s.text))) >= 5]
    return rng.choice(sentences) if sentences else None


def altered(quote: str) -> str:
    """The quotation with one word changed, as a careless brief would."""
    words = quote.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    words[index] = "notwithstanding" if words[index].lower() != "notwithstanding" else "nevertheless"
    return " ".join(words)


def paraphrased(sentence: str, rng: random.Random) -> str:
    """The sentence without quotation marks and with about a third of its words left out, in order."""
    words = sentence.rstrip(".").split()
    kept = [w for i, w in enumerate(words) if i == 0 or rng.random() > 0.33]
    return " ".join(kept) + "."


def inside_page(opinion_text: str, first: int) -> int | None:
    """A page of the opinion after its first (a citation to it as a first page is invented), or None."""
    pages = [int(p) for p in re.findall(r"\[\*(\d+)\]", opinion_text) if int(p) > first]
    return pages[len(pages) // 2] if pages else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print each false alarm and each missed fault")
    parser.add_argument("--out", type=Path, default=Path("evals/results/citecheck-dev.md"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    index = research.open_index()
    sources = index.check_sources()
    opinions = [a for a in index.store.iter_authorities(Kind.OPINION) if re.search(r"\d+ U\.S\. \d+$", a.citation)]
    statutes = [a for a in index.store.iter_authorities(Kind.STATUTE) if a.citation.startswith("D.C. Code §")]
    cases: list[tuple[str, str, str]] = []  # (fault, document, expected problem kind or "")
    overruled = {r.target for r in index.citator(progress=False).records}
    sampled = rng.sample(opinions, min(args.items, len(opinions)))
    for n, opinion in enumerate(sampled):
        quote = quotable(opinion.text, rng)
        other = quotable(sampled[(n + 1) % len(sampled)].text, rng)
        if quote is None or other is None:
            continue
        first = first_page(opinion.citation)
        flat = " ".join(opinion.text.split())  # as quotable() read it: the star pages are kept
        page = page_pin(flat, flat.find(quote), first).removeprefix("at ") or str(first)
        cite = f"{opinion.heading}, {opinion.citation}, {page}"
        expected_treatment = "negative treatment" if opinion.id in overruled else ""
        cases.append(("correct case", f"The Court said \"{quote}\" {cite}.", expected_treatment))
        cases.append(("correct case, reworded and cited again with Id.",
                      f"{paraphrased(quote, rng)} {cite}. {paraphrased(quote, rng)} Id. at {page}.",
                      expected_treatment))
        cases.append(("altered quotation", f"The Court said \"{altered(quote)}\" {cite}.", "quotation not found"))
        cases.append(("proposition of another case", f"{other} {cite}.", "weak support"))
        cases.append(("wrong case name", f"See Nobody v. Nowhere, {opinion.citation}.", "name does not match"))
        cases.append(("pin outside the opinion", f"See {opinion.heading}, {opinion.citation}, 9999.",
                      "pin not found"))
        cases.append(("Id. pin outside the opinion", f"See {opinion.heading}, {opinion.citation}. Id. at 9999.",
                      "pin not found"))
        inside = inside_page(opinion.text, first or 0)
        if inside is not None:
            volume = opinion.citation.rsplit(" ", 1)[0]
            cases.append(("invented case citation (a page inside a case)",
                          f"See Nobody v. Nowhere, {volume} {inside}.", "no such citation"))
    for opinion in rng.sample(sorted(overruled), min(args.items, len(overruled))):
        case = index.store.authority(opinion)
        if case is not None:
            cases.append(("overruled case", f"See {case.heading}, {case.citation}.", "negative treatment"))
    for section in rng.sample(sorted(index.repealed.values(), key=lambda a: a.id), min(args.items,
                                                                                       len(index.repealed))):
        cases.append(("repealed section", f"See {section.citation}.", "negative treatment"))
    statute_sample = rng.sample(statutes, min(args.items, len(statutes)))
    for n, statute in enumerate(statute_sample):
        quote = quotable(statute.text, rng)
        other = quotable(statute_sample[(n + 1) % len(statute_sample)].text, rng)
        section = statute.citation.split("§")[-1].strip()
        if quote is None or other is None:
            continue
        cases.append(("correct statute", f"The Code provides \"{quote}\" {statute.citation}.", ""))
        cases.append(("correct statute, reworded and cited again with Id.",
                      f"{paraphrased(quote, rng)} {statute.citation}. {paraphrased(quote, rng)} Id.", ""))
        cases.append(("proposition of another section", f"{other} {statute.citation}.", "weak support"))
        cases.append(("invented section", f"See D.C. Code § {section}9999.", "no such citation"))
        cases.append(("subsection that does not exist", f"See {statute.citation}(zz).", "pin not found"))
    found: dict[str, list[int]] = {}
    false_alarms: dict[str, int] = {}  # problem kind -> correct citations it was claimed of
    for fault, document, expected in tqdm(cases, desc="documents", unit="document"):
        # "not in the corpus" claims nothing is wrong: the quoted sentence may itself cite a state reporter
        kinds = {p["kind"] for c in check_document(document, sources) for p in c.problems} - {"not in the corpus"}
        if fault.startswith("correct"):
            unexpected = kinds - {expected} if expected else kinds
            found.setdefault(fault, []).append(int(bool(unexpected)))
            for kind in unexpected:
                false_alarms[kind] = false_alarms.get(kind, 0) + 1
                if args.show:
                    print(f"FALSE ALARM {kind}: {document[:400]}")
        else:
            found.setdefault(fault, []).append(int(expected in kinds))
            if args.show and expected not in kinds:
                print(f"MISSED {expected}: {document[:400]}")
    lines = ["# Cite-checker on documents built from the corpus", "",
             f"`python evals/citecheck_set.py --items {args.items} --seed {args.seed}` on the index of this "
             "machine's data directory (D.C. Code sections and Supreme Court opinions; repealed sections of every "
             "code). A citation is flagged when the checker claims any problem of it (false alarms) or the "
             "problem made (detected).", "",
             "| citations | n | flagged |", "|---|---|---|"]
    for fault, flags in found.items():
        what = "false alarms" if fault.startswith("correct") else "detected"
        lines.append(f"| {fault} | {len(flags)} | {what} {sum(flags)} ({sum(flags) / len(flags):.1%}) |")
    if false_alarms:
        lines += ["", "False alarms by problem kind: " + ", ".join(f"{kind} {n}" for kind, n in
                                                               sorted(false_alarms.items())) + "."]
    lines += ["", "Known limits: the reworded propositions are the cited sentence with a third of its words left out, "
              "far easier than a brief's own words; a proposition of another authority that shares the cited "
              "pages' common words (\"argued the cause\", \"the judgment is affirmed\") passes as supported; a "
              "citing sentence of fewer than four content terms is not scored. Run with `--show` to see each false "
              "alarm and each miss."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
