"""Both embedders load offline from the packaged MiniLM weights and rank related text closer."""

import numpy as np
import pytest

from research.index.embedders import (
    ONNX_FILES,
    ONNX_MODEL_DIR_NAME,
    STATIC_MODEL_DIR_NAME,
    MiniLMEmbedder,
    OnnxMiniLMEmbedder,
    StaticEmbedder,
    export_onnx_minilm,
)

pytestmark = pytest.mark.integration

TEXTS = ["The landlord shall return the security deposit within fourteen days.",
         "A tenant's deposit must be refunded by the landlord soon after the lease ends.",
         "The court reversed the conviction for lack of a speedy trial."]


@pytest.mark.parametrize("make, dimension", [
    (lambda models: StaticEmbedder(models), 256),
    (lambda models: MiniLMEmbedder(), 384),
    (lambda models: OnnxMiniLMEmbedder(models), 384),
    (lambda models: OnnxMiniLMEmbedder(models, quantized=False), 384),
])
def test_embedder_vectors_are_normalised_and_meaningful(make, dimension, static_models_dir):
    embedder = make(static_models_dir)
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (3, dimension) == (3, embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert len(embedder.embed_query(TEXTS[0])) == dimension
    assert embedder.encode([]).shape == (0, dimension)


def test_static_model_is_cached_after_first_distillation(static_models_dir):
    assert (static_models_dir / STATIC_MODEL_DIR_NAME / "config.json").is_file()


def test_onnx_minilm_is_exported_once_fp32_matches_minilm_and_int8_stays_close(static_models_dir):
    quantized = OnnxMiniLMEmbedder(static_models_dir)
    model_files = [static_models_dir / ONNX_MODEL_DIR_NAME / name for name in ONNX_FILES]
    exported_at = [f.stat().st_mtime_ns for f in model_files]
    full = OnnxMiniLMEmbedder(static_models_dir, quantized=False)
    assert [f.stat().st_mtime_ns for f in model_files] == exported_at
    reference = MiniLMEmbedder(max_seq_length=128).encode(TEXTS)
    assert np.sum(full.encode(TEXTS) * reference, axis=1).min() > 0.9999
    agreement = np.sum(quantized.encode(TEXTS) * reference, axis=1)
    assert 0.9 < agreement.min() < 0.9999
    # batched by length, returned in the order given
    assert np.allclose(quantized.encode(TEXTS[::-1])[::-1], quantized.encode(TEXTS), atol=1e-5)


def test_the_onnx_export_says_nothing_meant_for_model_developers(tmp_path, capfd, caplog):
    export_onnx_minilm(tmp_path / ONNX_MODEL_DIR_NAME)
    assert all((tmp_path / ONNX_MODEL_DIR_NAME / name).is_file() for name in ONNX_FILES)
    said = capfd.readouterr().err + caplog.text
    assert "Loading weights" not in said and "pre-processing before quantization" not in said
