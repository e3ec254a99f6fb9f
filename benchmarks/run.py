"""Benchmark: full-corpus ingest time and memory, search latency and memory, on this machine.

Usage: python benchmarks/run.py [--skip-ingest] [--queries N] [--output FILE]
Ingests the whole mirror into a fresh data directory (unless --skip-ingest, which reuses
RESEARCH_DATA_DIR), then runs `research search` in a child process over N real queries from the dev
sets, with and without jurisdiction filters, and writes benchmarks/results/<date>.md (or FILE; an existing
file is never overwritten).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESEARCH = str(Path(sys.executable).with_name("research"))

LATENCY_SCRIPT = """
import json, sys, time, resource
from research.domain.types import SearchFilter
import research
queries = json.load(open(sys.argv[1]))
retriever = research.open_index().retriever()
retriever.search("warm up", SearchFilter(), k=10)
times = []
for q, jurisdictions in queries:
    began = time.perf_counter()
    retriever.search(q, SearchFilter(tuple(jurisdictions)), k=10)
    times.append((time.perf_counter() - began) * 1000)
print(json.dumps({"times": times, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def machine() -> str:
    """This machine as results must describe it: cores, CPU model with its family / model numbers and widest vector
    instructions (the ONNX Runtime embedders' speed turns on them), memory, system, Python, and the code's commit."""
    info: dict[str, str] = {}
    for line in open("/proc/cpuinfo"):
        key, _, value = line.partition(":")
        info.setdefault(key.strip(), value.strip())
    flags = set(info.get("flags", "").split())
    vector = next((name for flag, name in (("avx512_vnni", "AVX-512 VNNI"), ("avx512f", "AVX-512"), ("avx2", "AVX2"))
                   if flag in flags), "no AVX2")
    cpu = (f"{info.get('model name', 'cpu')}, family {info.get('cpu family', '?')} model {info.get('model', '?')}, "
           f"{vector}")
    mem_kb = next(int(row.split()[1]) for row in open("/proc/meminfo") if row.startswith("MemTotal"))
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "unknown"
    except OSError:  # no git on this machine
        commit = "unknown"
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; code of {commit}")


def sample_queries(evals_dir: Path, n: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(7)
    queries = []
    for line in open(evals_dir / "questions.dev.jsonl"):
        item = json.loads(line)
        j = item["jurisdiction"]
        queries.append((item["question"], [j] if isinstance(j, str) else j))
    import gzip
    notes = [json.loads(row) for row in gzip.open(evals_dir / "casenotes.dev.jsonl.gz", "rt")]
    queries += [(x["query"], [x["jurisdiction"]]) for x in rng.sample(notes, n // 2)]
    cites = [json.loads(row) for row in open(evals_dir / "scotus_citeprec.dev.jsonl")]
    queries += [(x["query"], []) for x in rng.sample(cites, n // 4)]
    rng.shuffle(queries)
    return queries[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--output", type=Path,
                        default=ROOT / "benchmarks" / "results" / f"{date.today().isoformat()}.md")
    args = parser.parse_args()
    if args.output.exists():
        parser.error(f"{args.output} exists: name another file with --output")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    lines = [f"# Benchmark {date.today().isoformat()}", "", f"Machine: {machine()}.", ""]
    if not args.skip_ingest:
        data_dir = Path(tempfile.mkdtemp(prefix="research-bench-"))
        env["RESEARCH_DATA_DIR"] = str(data_dir)
        began = time.time()
        subprocess.run([RESEARCH, "ingest", "--quiet"], env=env, check=True)
        seconds = time.time() - began
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        corpus = json.loads(subprocess.run([RESEARCH, "corpus", "list", "--json"], env=env, check=True,
                                           capture_output=True, text=True).stdout)["sources"]
        chunks = sum(r["chunks"] for r in corpus)
        lines += ["## Full ingest (fresh data directory, default embedder, includes distilling the static model)", "",
                  f"- wall time: {seconds / 60:.1f} min for {sum(r['authorities'] for r in corpus):,} authorities, "
                  f"{chunks:,} chunks ({chunks / seconds:.0f} chunks/s)",
                  f"- peak resident memory of the ingest process: {rss / 2**20:.2f} GiB", ""]
    from research.settings import Settings
    queries = sample_queries(Settings().evals_dir, args.queries)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(queries, f)
    from research.domain.stats import percentile
    lines += ["## Hybrid search over the full index (one process each, after one warm-up query)", "",
              f"{len(queries)} real dev queries (questions, case notes, Supreme Court citing sentences), k=10, "
              "each within its item's jurisdictions, the same queries in both processes.", ""]
    for name, setting in (("default", {}), ("without passage re-scoring (RESEARCH_RERANK=false)",
                                            {"RESEARCH_RERANK": "false"})):
        out = subprocess.run([sys.executable, "-c", LATENCY_SCRIPT, f.name], env={**env, **setting}, check=True,
                             capture_output=True, text=True, cwd=ROOT)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        times = sorted(result["times"])
        lines += [f"- {name}: latency median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
                  f"max {times[-1]:.1f} ms; peak resident memory of the search process "
                  f"{result['max_rss_kb'] / 2**20:.2f} GiB"]
    lines.append("")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
