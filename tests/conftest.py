"""Shared fixtures: an invented corpus (not copies of real law), manifests, and a hashing embedder."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import uuid
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from research.environment import stay_offline

stay_offline()
# no chapter prior trained from the real case notes at every test ingest (~40 s); tests that want one name a file
os.environ.setdefault("RESEARCH_CHAPTER_NOTES_FILE", "")

SHARED = Path(__file__).resolve().parents[2] / "shared"
MIRROR = SHARED / "corpora"

# Invented statutes of an imaginary code, written for these tests.
INVENTED_SECTIONS = [
    {"id": "us-dc:dc-code:99-101", "citation": "D.C. Code § 99-101", "section": "99-101",
     "heading": "Lantern permits.",
     "hierarchy": ["Title 99 — Invented Matters.", "Chapter 1 — Lanterns."],
     "text": "  (a) No person shall hang a paper lantern over a public sidewalk without a lantern permit.\n"
             "  (b) A lantern permit expires 90 days after it is issued.\n"
             "    (1) The Lantern Office may renew a permit once.\n"
             "    (2) A renewed permit expires 30 days after renewal.\n"
             "  (c) A person who violates subsection (a) shall pay a fine of $25."},
    {"id": "us-dc:dc-code:99-102", "citation": "D.C. Code § 99-102", "section": "99-102",
     "heading": "Goat grazing in parks.",
     "hierarchy": ["Title 99 — Invented Matters.", "Chapter 2 — Goats."],
     "text": "  (a) Goats may graze in a municipal park only between sunrise and noon.\n"
             "  (b) The owner of a grazing goat shall remove its droppings within one hour."},
    {"id": "us-dc:dc-code:99-103", "citation": "D.C. Code § 99-103", "section": "99-103",
     "heading": "Repealed.", "hierarchy": ["Title 99 — Invented Matters."], "text": "Repealed."},
    {"id": "us-dc:dc-code:99-104", "citation": "D.C. Code § 99-104", "section": "99-104",
     "heading": "Bicycle bells.", "hierarchy": ["Title 99 — Invented Matters.", "Chapter 3 — Bicycles."],
     "text": "Every bicycle ridden on a shared path shall carry a bell audible at 30 meters, and the rider "
             "shall ring the bell before overtaking a pedestrian."},
    {"id": "us-dc:dc-code:99-105", "citation": "D.C. Code § 99-105", "section": "99-105",
     "heading": "Empty.", "hierarchy": [], "text": ""},
]

INVENTED_OPINION = {
    "id": "cl-cluster:9999001", "case_name": "Pemberton v. Lantern Office", "citations": ["901 U.S. 77", "88 S. Ct. 1"],
    "year": 2031, "court_name": "Supreme Court of the United States", "url": "https://example.invalid/9999001",
    "text": "901 U.S. 77 (2031)\n\nPEMBERTON v. LANTERN OFFICE.\n\nThe petitioner hung a lantern.\n\n"
            "[*78] We hold that a lantern permit is a license, not a property right.\n\n"
            "[*79] The judgment is affirmed.",
}


def invented_statute(n, text, heading=None):
    """An invented D.C. section 97-n (heading "Statute n" unless given)."""
    from research.domain.types import Authority

    return Authority(id=f"us-dc:dc-code:97-{n}", source="t", jurisdiction="US-DC", kind="statute",
                     citation=f"D.C. Code § 97-{n}", heading=heading or f"Statute {n}", text=text)


def write_jsonl_gz(path: Path, records: list[dict]) -> Path:
    """Write records as a gzipped JSON-lines file."""
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")
    return path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


HAWAII_STYLE_FIELDS = ('id = "id"\ncitation = "citation"\nsection = "section"\nheading = "heading"\n'
                       'text = "text"\nchapter = "chapter"\nchapter_title = "chapter_title"\n')


def write_manifest(directory: Path, name: str, file: str, sha: str, kind: str = "statute",
                   jurisdiction: str = "US-DC", expected: int = 0, fields: str | None = None) -> Path:
    """Write a TOML manifest for an invented source (`fields`: its [fields] table, else by kind)."""
    if fields is None:
        fields = ('id = "id"\ncase_name = "case_name"\ncitations = "citations"\nyear = "year"\n'
                  'court = "court_name"\ntext = "text"\nurl = "url"\n') if kind == "opinion" else (
                  'id = "id"\ncitation = "citation"\nsection = "section"\nheading = "heading"\n'
                  'text = "text"\nhierarchy = "hierarchy"\n')
    path = directory / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\ntitle = "Invented {name}"\njurisdiction = "{jurisdiction}"\nkind = "{kind}"\n'
        f'file = "{file}"\nsha256 = "{sha}"\nexpected_records = {expected}\nupstream = "tests"\n'
        f'version = "test fixture"\nlicence = "written for the tests"\n\n[fields]\n{fields}'
    )
    return path


@pytest.fixture
def invented_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """(corpus_dir, manifests_dir) holding an invented statute source and an invented opinion source."""
    corpus, manifests = tmp_path / "corpora", tmp_path / "manifests"
    corpus.mkdir()
    manifests.mkdir()
    statutes = write_jsonl_gz(corpus / "invented_code.jsonl.gz",
                              [{**s, "jurisdiction": "US-DC"} for s in INVENTED_SECTIONS])
    opinions = write_jsonl_gz(corpus / "invented_opinions.jsonl.gz", [INVENTED_OPINION])
    write_manifest(manifests, "invented-code", statutes.name, sha256_of(statutes), expected=len(INVENTED_SECTIONS))
    write_manifest(manifests, "invented-opinions", opinions.name, sha256_of(opinions), kind="opinion",
                   jurisdiction="US-federal", expected=1)
    return corpus, manifests


class HashingEmbedder:
    """Deterministic bag-of-words vectors: fast, no model, similar texts get similar vectors."""

    name = "hashing"
    dimension = 64

    def __init__(self):
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def static_models_dir(tmp_path_factory) -> Path:
    """A models directory holding the static embedder, distilled once per test session."""
    from research.index.embedders import STATIC_MODEL_DIR_NAME, distill_static_model

    models = tmp_path_factory.mktemp("models")
    distill_static_model(models / STATIC_MODEL_DIR_NAME)
    return models


@pytest.fixture
def invented_index_env(invented_corpus, tmp_path, monkeypatch, static_models_dir) -> Path:
    """RESEARCH_* settings pointing at the invented corpus and a fresh data directory; returns tmp_path."""
    from research.wiring import default_index

    corpus, manifests = invented_corpus
    monkeypatch.setenv("RESEARCH_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RESEARCH_MANIFESTS_DIR", str(manifests))
    monkeypatch.setenv("RESEARCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RESEARCH_SETTINGS_FILE", str(tmp_path / "none.toml"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "models").symlink_to(static_models_dir)
    default_index.cache_clear()
    yield tmp_path
    default_index.cache_clear()


DC_SLICE_PREFIXES = ("42-35", "16-55", "32-13")


@pytest.fixture(scope="session")
def dc_slice_settings(tmp_path_factory, static_models_dir) -> dict:
    """Settings (as keyword arguments) of an index built from a slice of the real D.C. Code in the mirror:
    the first 150 sections plus the landlord-tenant, anti-SLAPP and employment chapters."""
    from research.corpus.sources import load_manifests
    from research.settings import PROJECT_ROOT, Settings
    from research.wiring import ResearchIndex

    dc = next(m for m in load_manifests(PROJECT_ROOT / "corpora") if m.name == "us-dc-code")
    mirror_file = MIRROR / dc.file
    if not mirror_file.is_file():
        pytest.skip(f"corpus mirror not found at {mirror_file}")
    records = []
    with gzip.open(mirror_file, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            if record["section"].startswith(DC_SLICE_PREFIXES) or len(records) < 150:
                records.append(record)
    root = tmp_path_factory.mktemp("dc-slice")
    (root / "corpora").mkdir()
    (root / "manifests").mkdir()
    path = write_jsonl_gz(root / "corpora" / "dc_slice.jsonl.gz", records)
    write_manifest(root / "manifests", "dc-slice", path.name, sha256_of(path), expected=len(records))
    (root / "data").mkdir()
    (root / "data" / "models").symlink_to(static_models_dir)
    settings = {"corpus_dir": root / "corpora", "manifests_dir": root / "manifests", "data_dir": root / "data"}
    (report,) = ResearchIndex(Settings(**settings)).ingest(progress=False)
    assert 250 <= report.records_read == len(records)
    return settings


@pytest.fixture(scope="session")
def dc_slice_index(dc_slice_settings):
    """The index of the real D.C. slice."""
    from research.settings import Settings
    from research.wiring import ResearchIndex

    return ResearchIndex(Settings(**dc_slice_settings))


@pytest.fixture
def catalogue(tmp_path):
    """A factory: authorities chunked into a ready catalogue, as (store, chunks, authority directory)."""
    from research.corpus.chunking import chunk_authority
    from research.index.catalogue import ChunkStore, SourceStatus, now
    from research.index.directory import AuthorityDirectory

    def ready(authorities):
        chunks = [c for a in authorities for c in chunk_authority(a)]
        store = ChunkStore(tmp_path / "c.sqlite")
        count = len(authorities)
        store.replace_source("t", authorities, chunks,
                             SourceStatus("t", "x", "v", "ready", count, {}, count, len(chunks), "v", now()))
        return store, chunks, AuthorityDirectory([(a.id, a.jurisdiction, a.kind, a.citation) for a in authorities])

    return ready


FAST_HASHER_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}  # argon2id, cheap for tests
PASSWORD = "correct horse battery"


def open_database(url: str, tmp_path: Path, **options):
    """An app database with its uploads and audit key under tmp_path and a cheap argon2 hasher."""
    from argon2 import PasswordHasher

    from research.storage.database import AppDatabase

    return AppDatabase(url, tmp_path / "uploads", b"test audit key 0123456789abcdef",
                       hasher=PasswordHasher(**FAST_HASHER_PARAMETERS), **options)


class Firm:
    """A small firm in an app database: an admin, a reviewer, two associates, and matters with walls between them.

    Ada (admin) and Rex (reviewer) belong to both matters; Amy (associate) only to the lantern matter, Otto
    (associate) only to the goat matter."""

    LANTERN, GOAT = "Lantern matter", "Goat matter"

    def __init__(self, db):
        self.db = db
        accounts = db.accounts
        self.admin = accounts.add_user("Ada", "admin", PASSWORD, by=None)
        self.reviewer = accounts.add_user("Rex", "reviewer", PASSWORD, by=self.admin)
        self.associate = accounts.add_user("Amy", "associate", PASSWORD, by=self.admin)
        self.outsider = accounts.add_user("Otto", "associate", PASSWORD, by=self.admin)
        accounts.add_matter(self.LANTERN, ["Ada", "Rex", "Amy"], by=self.admin)
        accounts.add_matter(self.GOAT, ["Ada", "Rex", "Otto"], by=self.admin)

    def as_(self, user):
        """The workspace of `user`."""
        return self.db.workspace(user)


POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_up() -> bool:
    try:
        with sa.create_engine(POSTGRES).connect():
            return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite'}"
        return
    if not _postgres_up():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float, process=None) -> None:
    """Poll `url` until it answers 200 (fails the test after `seconds`, or when `process` exits)."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server on loopback (chromadb's `chroma run`), for the server variant of the store suites."""
    import subprocess
    import sys

    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    directory = tmp_path_factory.mktemp("chroma-server")
    with open(directory / "server.log", "wb") as log:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen([str(chroma), "run", "--path", str(directory / "data"), "--host", "127.0.0.1",
                                    "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/api/v2/heartbeat", 60, process)
        yield url
        process.terminate()
        process.wait(timeout=20)
