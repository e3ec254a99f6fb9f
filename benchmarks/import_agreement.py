"""Agreement of the official-format importers with the mirror's JSON lines, and how long each import takes.

Usage: python benchmarks/import_agreement.py [--out FILE.md]
Imports ../shared/corpora/originals/us_usc_uslm-xml.tar.gz (uslm) and us-dc_code_law-xml.tar.gz (dc-law-xml) into a
temporary directory (nothing is ingested) and compares every record with the mirror's: same ids; same text exactly;
same text up to whitespace; and, for what differs, whether only where a paragraph number without words of its own
stands (the mirror writes it after the paragraph's subparagraphs, or drops it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run import machine  # noqa: E402  (benchmarks/run.py, beside this script)

from research.corpus.importers.run import RECORDS_FILE, import_source  # noqa: E402
from research.settings import Settings  # noqa: E402

ORIGINALS = {"uslm": ("us_usc_uslm-xml.tar.gz", "us_usc_sections.jsonl.gz"),
             "dc-law-xml": ("us-dc_code_law-xml.tar.gz", "us-dc_code_sections.jsonl.gz")}
_LONE_LABEL = re.compile(r"^\s*\([^)\s]+\)\s*$")


def _records(path: Path) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return {record["id"]: record for record in map(json.loads, lines)}


def _folded(text: str) -> str:
    return " ".join(text.split())


def _without_lone_labels(text: str) -> str:
    return _folded(" ".join(line for line in text.splitlines() if not _LONE_LABEL.match(line)))


def compare(mine: dict[str, dict], mirror: dict[str, dict]) -> tuple[Counter, list[str]]:
    """Counts of agreement classes over the mirror's ids, and some ids of each disagreement."""
    counts: Counter = Counter()
    examples: list[str] = []
    for key, theirs in mirror.items():
        ours = mine.get(key)
        if ours is None:
            counts["missing from the import"] += 1
        elif ours["text"] == theirs["text"]:
            counts["identical"] += 1
        elif _folded(ours["text"]) == _folded(theirs["text"]):
            counts["same up to whitespace"] += 1
        elif _without_lone_labels(ours["text"]) == _without_lone_labels(theirs["text"]):
            counts["differs only where a number without words stands"] += 1
        else:
            counts["differs otherwise"] += 1
            examples.append(key)
    counts["not in the mirror"] = len(set(mine) - set(mirror))
    return counts, examples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/results/import-agreement-latest.md")
    args = parser.parse_args()
    corpus = Settings().corpus_dir
    lines = [f"# Importers against the mirror ({time.strftime('%Y-%m-%d')})", "", f"Machine: {machine()}", "",
             "| format | mirror records | identical | same up to whitespace | only a wordless number's place "
             "| otherwise | missing | extra | agreement (ids, text up to whitespace) | import time |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, (original, mirrored) in ORIGINALS.items():
            started = time.perf_counter()
            report = import_source(fmt, corpus / "originals" / original, f"agree-{fmt}", Path(tmp), progress=False)
            seconds = time.perf_counter() - started
            mine = _records(Path(report.directory) / RECORDS_FILE)
            mirror = _records(corpus / mirrored)
            counts, examples = compare(mine, mirror)
            agree = counts["identical"] + counts["same up to whitespace"]
            lines.append(f"| {fmt} | {len(mirror):,} | {counts['identical']:,} | {counts['same up to whitespace']:,} "
                         f"| {counts['differs only where a number without words stands']:,} "
                         f"| {counts['differs otherwise']:,} | {counts['missing from the import']:,} "
                         f"| {counts['not in the mirror']:,} | {agree / len(mirror):.1%} | {seconds:.0f} s |")
            if examples:
                notes.append(f"- {fmt}, differing otherwise: {', '.join(examples[:10])}")
    lines += ["", *notes]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
