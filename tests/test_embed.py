"""Both embedders load offline from the packaged MiniLM weights and rank related text closer."""

import numpy as np
import pytest

from research.embed import STATIC_MODEL_DIR_NAME, MiniLMEmbedder, StaticEmbedder

pytestmark = pytest.mark.integration

TEXTS = ["The landlord shall return the security deposit within fourteen days.",
         "A tenant's deposit must be refunded by the landlord soon after the lease ends.",
         "The court reversed the conviction for lack of a speedy trial."]


@pytest.mark.parametrize("make, dimension", [
    (lambda models: StaticEmbedder(models), 256),
    (lambda models: MiniLMEmbedder(), 384),
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
