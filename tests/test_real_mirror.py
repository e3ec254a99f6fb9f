"""Integration: ingest a slice of the real D.C. Code from the mirror and find a known section."""

import gzip
import json

import pytest

from research.corpus import load_manifests
from research.settings import PROJECT_ROOT, Settings
from research.wiring import ResearchIndex
from tests.conftest import MIRROR, sha256_of, write_jsonl_gz, write_manifest

pytestmark = pytest.mark.integration

WANTED_PREFIXES = ("42-35", "16-55", "32-13")


@pytest.fixture(scope="module")
def dc_slice_index(tmp_path_factory, static_models_dir):
    dc = next(m for m in load_manifests(PROJECT_ROOT / "corpora") if m.name == "us-dc-code")
    mirror_file = MIRROR / dc.file
    if not mirror_file.is_file():
        pytest.skip(f"corpus mirror not found at {mirror_file}")
    records = []
    with gzip.open(mirror_file, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            if record["section"].startswith(WANTED_PREFIXES) or len(records) < 150:
                records.append(record)
    root = tmp_path_factory.mktemp("dc-slice")
    (root / "corpora").mkdir()
    (root / "manifests").mkdir()
    path = write_jsonl_gz(root / "corpora" / "dc_slice.jsonl.gz", records)
    write_manifest(root / "manifests", "dc-slice", path.name, sha256_of(path), expected=len(records))
    (root / "data").mkdir()
    (root / "data" / "models").symlink_to(static_models_dir)
    index = ResearchIndex(Settings(corpus_dir=root / "corpora", manifests_dir=root / "manifests",
                                   data_dir=root / "data"))
    (report,) = index.ingest(progress=False)
    assert 250 <= report.records_read == len(records)
    return index


@pytest.mark.parametrize("question, expected", [
    ("My tenant keeps violating the lease. How much time must I give her to fix the violation before "
     "I can recover possession of the apartment?", "us-dc:dc-code:42-3505.01"),
    ("Can a defendant sued over advocacy on public issues file a special motion to dismiss, and by when?",
     "us-dc:dc-code:16-5502"),
    ("D.C. Code § 42-3505.02", "us-dc:dc-code:42-3505.02"),
])
def test_finds_known_section_for_plain_question(dc_slice_index, question, expected):
    hits = dc_slice_index.retriever().search(question, k=3)
    assert expected in [h.authority_id for h in hits]
    hit = next(h for h in hits if h.authority_id == expected)
    authority = dc_slice_index.store.authority(expected)
    assert authority.text[hit.chunk.start:hit.chunk.end] == hit.chunk.text
