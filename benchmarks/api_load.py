"""Benchmark: `research serve` cold start, simulated associates under load, and outages of its stores.

Usage: python benchmarks/api_load.py --data-dir DATA [--users 50] [--seconds 120] [--think 5] [--workers 1]
                                     [--faults] [--output FILE]

DATA is an ingested data directory (`make run` builds one). The run is on loopback only and bounded in time:
- a Chroma server (`chroma run`) serves a copy of DATA's vectors, and a fresh PostgreSQL database on 127.0.0.1:5432
  holds the records, so the API is the scaled-out configuration of docs/deploy.md;
- cold start: seconds from launching `research serve` to /readyz, then the first answer; and the median of three
  one-shot `research ask` commands (a new process each);
- load: USERS threads, each an associate with a token, repeating ask (a questions.dev question, filed under the
  matter) / search / read history / download that conversation's memo, pausing THINK s on average (exponential)
  between actions;
- faults (--faults): the Chroma server is stopped at 30% of the run and started again at 45%; at 70% every
  PostgreSQL connection of the database is terminated. Requests in the outage should fail fast with 503, and
  the service resume without a restart;
- afterwards every accepted question must have its stored answer, once (no lost or duplicated writes).
Writes benchmarks/results/<date>-api-load.md (or FILE; an existing file is never overwritten).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
from benchmarks.run import machine  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
PASSWORD = "load test password"
MATTER = "Load test"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, seconds: float) -> float:
    """Seconds until `url` answers 200 (RuntimeError after `seconds`)."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return time.monotonic() - began
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {seconds} s")


def call(url: str, token: str, method: str = "GET", body: dict | None = None,
         timeout: float = 300) -> tuple[int, bytes, float]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, reply.read(), time.perf_counter() - began
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.perf_counter() - began
    except OSError:
        return 0, b"", time.perf_counter() - began  # connection refused or reset: counted as an error


class Chroma:
    """A Chroma server over a copy of DATA's vectors."""

    def __init__(self, vectors: Path, work: Path):
        self.path = work / "chroma"
        shutil.copytree(vectors, self.path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(work / "chroma.log", "ab")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([str(BIN / "chroma"), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT)
        wait(f"{self.url}/api/v2/heartbeat", 60)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between one user's actions (s)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    name = f"{date.today()}-api-load{'-faults' if args.faults else ''}.md"
    out = args.output or ROOT / "benchmarks" / "results" / name
    if out.exists():
        print(f"{out} exists; pass --output", file=sys.stderr)
        return 2
    import sqlalchemy as sa

    from research.settings import Settings
    from research.wiring import IndexPaths, open_app_database

    work = Path(tempfile.mkdtemp(prefix="api-load-"))
    database = f"bench_{os.getpid()}"
    with sa.create_engine(POSTGRES.format(database="test"), isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {database}"))
    database_url = POSTGRES.format(database=database)
    settings = Settings(data_dir=args.data_dir, database_url=database_url, audit_key_file=work / "audit.key")
    chroma = Chroma(IndexPaths(settings).chroma, work)
    chroma.start()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RESEARCH_DATA_DIR": str(args.data_dir),
           "RESEARCH_DATABASE_URL": database_url, "RESEARCH_AUDIT_KEY_FILE": str(work / "audit.key"),
           "RESEARCH_CHROMA_URL": chroma.url, "RESEARCH_API__REQUESTS_PER_MINUTE": "100000",
           "RESEARCH_SETTINGS_FILE": str(work / "none.toml")}
    db = open_app_database(Settings(data_dir=args.data_dir, database_url=database_url,
                                    audit_key_file=work / "audit.key", chroma_url=chroma.url))
    admin = db.accounts.add_user("Admin", "admin", PASSWORD, by=None)
    names = [f"Associate {i:02d}" for i in range(args.users)]
    users = [db.accounts.add_user(name, "associate", PASSWORD, by=admin) for name in names]
    db.accounts.add_matter(MATTER, names, by=admin)
    tokens = [db.tokens.create(user, None)[1] for user in users]
    questions = [json.loads(line) for line in open(settings.evals_dir / "questions.dev.jsonl")]

    # cold start
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN / "research"), "serve", "--port", str(port), "--workers", str(args.workers)],
                              env=env, stdout=open(work / "serve.log", "ab"), stderr=subprocess.STDOUT)
    ready_after = wait(f"{api}/readyz", 300)
    first = questions[0]
    status, _body, first_answer = call(f"{api}/v1/ask", tokens[0], "POST",
                                       {"question": first["question"], "jurisdictions": [first["jurisdiction"]]})
    one_shots = []
    for question in questions[1:4]:
        began = time.monotonic()
        subprocess.run([str(BIN / "research"), "ask", question["question"], "--jurisdiction", question["jurisdiction"],
                        "--json"], env=env, capture_output=True, check=True)
        one_shots.append(time.monotonic() - began)
    print(f"ready {ready_after:.1f} s after launch, first answer "
          f"{first_answer:.2f} s (status {status}); one-shot research ask median {statistics.median(one_shots):.1f} s")

    # load
    samples: list[tuple[str, int, float, float]] = []  # endpoint, status, seconds, at (s from start)
    accepted: list[int] = []
    lock = threading.Lock()
    began = time.monotonic()
    deadline = began + args.seconds

    def associate(index: int) -> None:
        token, local = tokens[index], random.Random(index)
        conversation = None
        while time.monotonic() < deadline:
            question = local.choice(questions)
            jurisdictions = question["jurisdiction"] if isinstance(question["jurisdiction"], list) else [
                question["jurisdiction"]]
            for endpoint in ("ask", "search", "history", "memo"):
                if time.monotonic() >= deadline:
                    return
                at = time.monotonic() - began
                if endpoint == "ask":
                    status, body, seconds = call(f"{api}/v1/ask", token, "POST", {
                        "question": question["question"], "jurisdictions": jurisdictions, "matter": MATTER})
                    if status == 200:
                        filed = json.loads(body)["filed"]
                        conversation = filed["conversation_id"]
                        with lock:
                            accepted.append(filed["answer_id"])
                elif endpoint == "search":
                    status, _body, seconds = call(f"{api}/v1/search", token, "POST", {
                        "query": question["question"][:300], "jurisdictions": jurisdictions})
                elif endpoint == "history":
                    status, _body, seconds = call(f"{api}/v1/conversations", token)
                else:
                    if conversation is None:
                        continue
                    status, _body, seconds = call(f"{api}/v1/conversations/{conversation}/memo?format=md", token)
                with lock:
                    samples.append((endpoint, status, seconds, at))
                time.sleep(local.expovariate(1 / args.think) if args.think else 0)

    def faults() -> None:
        time.sleep(args.seconds * 0.30)
        chroma.stop()
        print(f"{time.monotonic() - began:.0f} s: Chroma server stopped", flush=True)
        time.sleep(args.seconds * 0.15)
        chroma.start()
        print(f"{time.monotonic() - began:.0f} s: Chroma server started", flush=True)
        time.sleep(args.seconds * 0.25)
        with sa.create_engine(POSTGRES.format(database="test"), isolation_level="AUTOCOMMIT").connect() as c:
            killed = c.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": database}).scalar()
        print(f"{time.monotonic() - began:.0f} s: {killed} PostgreSQL connections terminated", flush=True)

    threads = [threading.Thread(target=associate, args=(i,)) for i in range(args.users)]
    if args.faults:
        threads.append(threading.Thread(target=faults))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    # nothing lost, nothing duplicated
    with db.engine.connect() as connection:
        stored = [r[0] for r in connection.execute(sa.text("SELECT id FROM answers"))]
        per_conversation = connection.execute(sa.text(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM answers GROUP BY conversation_id) AS counts")).scalar()
    lost = sorted(set(accepted) - set(stored))
    unreplied = len(set(stored) - set(accepted))
    server.terminate()
    server.wait(timeout=30)
    chroma.stop()
    db.close()
    with sa.create_engine(POSTGRES.format(database="test"), isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE {database} WITH (FORCE)"))

    by_endpoint: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for endpoint, status, seconds, at in samples:
        by_endpoint[endpoint].append((status, seconds, at))
    lines = [f"# API load{' and faults' if args.faults else ''}: {date.today()}", "",
             f"Machine: {machine()}.", "",
             f"`python benchmarks/api_load.py --data-dir DATA --users {args.users} --seconds {args.seconds} "
             f"--think {args.think} --workers {args.workers}{' --faults' if args.faults else ''}` over the full "
             "ingest of the mirror; the API on a Chroma server and PostgreSQL, all on loopback.", "",
             "## Cold start", "",
             "| measure | seconds | target |", "|---|---|---|",
             f"| launch of `research serve` to /readyz 200 | {ready_after:.1f} | |",
             f"| first /v1/ask after ready | {first_answer:.2f} | <= 3 |",
             f"| one-shot `research ask` (median of 3 new processes) | {statistics.median(one_shots):.1f} | <= 5 |",
             "", f"## Load: {args.users} associates for {elapsed:.0f} s", "",
             "| endpoint | requests | errors | p50 s | p95 s | p99 s | statuses |", "|---|---|---|---|---|---|---|"]
    for endpoint, rows in sorted(by_endpoint.items()):
        times = [s for status, s, _ in rows if status == 200]
        errors = sum(1 for status, _, _ in rows if status != 200)
        statuses = dict(sorted(defaultdict(int, {k: sum(1 for st, _, _ in rows if st == k)
                                                 for k in {st for st, _, _ in rows}}).items()))
        lines.append(f"| {endpoint} | {len(rows)} | {errors} | {percentile(times, 0.5):.2f} | "
                     f"{percentile(times, 0.95):.2f} | {percentile(times, 0.99):.2f} | {statuses} |")
    total = len(samples)
    lines += ["", f"Throughput: {total / elapsed:.2f} requests/s ({len(accepted) / elapsed:.2f} answers/s).",
              f"Writes: {len(accepted)} questions accepted (200), {len(stored)} answers stored; lost {len(lost)}, "
              f"stored without a 200 reply {unreplied}, most answers in one conversation {per_conversation} "
              "(each ask opens its own conversation: more than 1 would be a duplicate)."]
    if args.faults:
        lines += ["", "## During the faults", "",
                  "| window (s from start) | requests | 200 | 503 | other errors | slowest error s |",
                  "|---|---|---|---|---|---|"]
        windows = [(0, 0.30), (0.30, 0.45), (0.45, 0.70), (0.70, 0.75), (0.75, 1.01)]
        for start, end in windows:
            rows = [(st, s) for _, st, s, at in samples if start * args.seconds <= at < end * args.seconds]
            failed = [s for st, s in rows if st not in (200, 503)]
            slowest = max((s for st, s in rows if st != 200), default=0.0)
            lines.append(f"| {start * args.seconds:.0f}-{min(end, 1) * args.seconds:.0f} | {len(rows)} | "
                         f"{sum(st == 200 for st, _ in rows)} | {sum(st == 503 for st, _ in rows)} | {len(failed)} | "
                         f"{slowest:.2f} |")
        lines += ["", "Windows: Chroma server stopped at 30% and started at 45%; PostgreSQL connections terminated "
                  "at 70%."]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
