"""The ONNX Runtime embedder: same vectors as PyTorch, exported once and cached by the model's hash,
PyTorch when ONNX cannot be had; stored vectors follow the model's identity."""

from __future__ import annotations

import numpy as np
import pytest

from workflows_library.loader import load_library
from workflows_library.search import embedder as embedder_module
from workflows_library.search.documents import embedding_text
from workflows_library.search.embedder import MiniLMEmbedding, model_fingerprint

QUERIES = [
    "upscale",
    "animate this product photo into a 5-second clip",
    "  Vertical 9:16 café B-roll, HDR!  ",
    "replace the sky in my drone footage " * 60,  # past max_seq_length: truncated alike
]


def _refuse_export(*_args: object) -> None:
    raise RuntimeError("export refused by the test")


@pytest.fixture(scope="module")
def torch_fallback(tmp_path_factory: pytest.TempPathFactory) -> MiniLMEmbedding:
    """An embedder whose export fails: it must settle on PyTorch, the reference for the ONNX vectors."""
    fallback = MiniLMEmbedding(cache_dir=tmp_path_factory.mktemp("no_onnx"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(embedder_module, "export_onnx", _refuse_export)
        assert fallback.backend == "torch"
    assert not fallback.onnx_file().exists()
    return fallback


@pytest.fixture(scope="module")
def onnx_embedder(embedder: MiniLMEmbedding) -> MiniLMEmbedding:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    assert embedder.backend == "onnx"
    return embedder


def test_onnx_vectors_match_pytorch(onnx_embedder, torch_fallback):
    documents = [embedding_text(card) for card in load_library()] + QUERIES
    batched = np.array(onnx_embedder(documents))
    reference = np.array(torch_fallback(documents))
    assert batched.shape == reference.shape == (len(documents), 384)
    assert np.min(np.sum(batched * reference, axis=1)) >= 0.999
    for text in QUERIES:
        single = np.array(MiniLMEmbedding.embed_one(onnx_embedder, text + " ?"))  # not from the cache
        assert float(single @ np.array(torch_fallback.embed_one(text + " ?"))) >= 0.999
        assert abs(np.linalg.norm(single) - 1.0) < 1e-5


def test_onnx_export_is_cached_by_model_hash(onnx_embedder, monkeypatch, tmp_path):
    cached = onnx_embedder.onnx_file()
    assert cached.exists() and model_fingerprint(onnx_embedder.model_path) in cached.name
    assert not list(cached.parent.glob(".*.partial"))
    monkeypatch.setattr(embedder_module, "export_onnx", _refuse_export)
    reopened = MiniLMEmbedding(cache_dir=cached.parent)  # a new process: loads the file, exports nothing
    assert reopened.backend == "onnx"
    assert reopened.embed_one("upscale") == pytest.approx(onnx_embedder.embed_one("upscale"), abs=1e-6)
    with pytest.raises(RuntimeError, match="export refused"):
        MiniLMEmbedding(cache_dir=tmp_path, backend="onnx").embed_one("upscale")


def test_stored_vectors_follow_the_model_identity(embedder, monkeypatch, tmp_path):
    from workflows_library.search.index import VectorIndex

    cards = list(load_library())[:3]
    index = VectorIndex(tmp_path, embedder)
    assert index.sync(cards).added == 3
    assert index.sync(cards).unchanged == 3
    assert embedder.identity().endswith(model_fingerprint(embedder.model_path))
    monkeypatch.setattr(embedder, "identity", lambda: "kijkocut-all-minilm-l6-v2:another-model")
    assert index.sync(cards).updated == 3


def test_backend_from_the_environment(monkeypatch):
    monkeypatch.setenv("KIJKOCUT_EMBED_BACKEND", "torch")
    assert embedder_module.default_backend() == "torch"
    monkeypatch.setenv("KIJKOCUT_EMBED_BACKEND", "tensorflow")
    with pytest.raises(ValueError, match="auto, onnx or torch"):
        embedder_module.default_backend()
