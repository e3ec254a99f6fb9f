"""Two `research serve` processes, each with its own copy of one ingest (a slice of the real D.C. Code), sharing one
app database: ready only when warmed up, the same answers from either, what one files the other reads, and both
refusing to serve once the database publishes another index version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from research.settings import PROJECT_ROOT
from tests.conftest import Firm, free_port, wait_for

pytestmark = pytest.mark.integration
QUESTION = "Can a defendant sued over advocacy on public issues file a special motion to dismiss, and by when?"


def call(url: str, token: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def without_timings(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in ("timings_ms", "filed")}


@pytest.fixture
def two_nodes(dc_slice_settings, tmp_path):
    from research.settings import Settings
    from research.wiring import open_app_database

    database_url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    key = tmp_path / "audit.key"
    database = open_app_database(Settings(**dc_slice_settings, database_url=database_url, audit_key_file=key))
    firm = Firm(database)
    token = database.tokens.create(firm.associate, None)[1]
    nodes, processes = [], []
    for name in ("a", "b"):
        data = tmp_path / f"node-{name}"
        shutil.copytree(dc_slice_settings["data_dir"], data, symlinks=True)  # one ingest, copied to each node
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "RESEARCH_SETTINGS_FILE": str(tmp_path / "none.toml"),
               "RESEARCH_CORPUS_DIR": str(dc_slice_settings["corpus_dir"]),
               "RESEARCH_MANIFESTS_DIR": str(dc_slice_settings["manifests_dir"]), "RESEARCH_DATA_DIR": str(data),
               "RESEARCH_DATABASE_URL": database_url, "RESEARCH_AUDIT_KEY_FILE": str(key)}
        port = free_port()
        with open(tmp_path / f"node-{name}.log", "wb") as log:
            processes.append(subprocess.Popen(
                [str(Path(sys.executable).with_name("research")), "serve", "--port", str(port)],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        nodes.append(f"http://127.0.0.1:{port}")
    for url, process in zip(nodes, processes):
        wait_for(f"{url}/healthz", 60, process)
    yield nodes, token, database, firm
    for process in processes:
        process.terminate()
        process.wait(timeout=20)
    database.close()


def test_two_nodes_from_one_ingest_answer_alike_and_share_the_records(two_nodes):
    nodes, token, database, firm = two_nodes
    for url in nodes:
        wait_for(f"{url}/readyz", 240)  # ready once warmed up (models and indexes loaded by a first answer)
    answers = []
    for url in nodes:
        status, answer = call(f"{url}/v1/ask", token, "POST", {"question": QUESTION, "jurisdictions": ["US-DC"],
                                                               "matter": Firm.LANTERN})
        assert status == 200, answer
        answers.append(answer)
    assert without_timings(answers[0]) == without_timings(answers[1])
    assert "us-dc:dc-code:16-5502" in {c["authority_id"] for c in answers[0]["citations"]}
    filed_on_a = answers[0]["filed"]["conversation_id"]
    status, conversation = call(f"{nodes[1]}/v1/conversations/{filed_on_a}", token)
    assert status == 200 and conversation["answers"][0]["answer"]["question"] == QUESTION
    status, listed = call(f"{nodes[1]}/v1/conversations", token)
    assert sorted(c["id"] for c in listed) == sorted(a["filed"]["conversation_id"] for a in answers)

    published = database.releases.published()
    database.releases.publish("0123456789abcdef", firm.admin)  # another ingest is published: both must stop
    for url in nodes:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/readyz", timeout=10)
        assert refused.value.code == 503
        assert json.loads(refused.value.read())["checks"]["index_release"] == "not ready: IndexMismatch"
        status, body = call(f"{url}/v1/matters", token)
        assert status == 503 and "published index is 0123456789abcdef" in body["detail"]
        assert "copy that ingest here" in body["detail"]
    database.releases.publish(published.version, firm.admin)
    for url in nodes:
        wait_for(f"{url}/readyz", 30)
        assert call(f"{url}/v1/matters", token) == (200, [{"name": Firm.LANTERN}])
