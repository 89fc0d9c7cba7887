"""A frozen sentence encoder: WordPiece ids -> an ONNX transformer -> mean pooling -> unit-length vectors.

:class:`SentenceEncoder` holds the encoder's ONNX graph (bytes), its WordPiece vocabulary and its settings, all of
which travel inside a model file (:mod:`lmclassify.model.encoder`). It runs on onnxruntime (the
``embeddings`` extra), which is imported only when the first text is encoded; without it the error gives the
install command. Each text is encoded alone (no padding is computed, and an int8 graph, whose activations are
quantized per call, gives a text the same vector whatever else is encoded), on one thread per core.

Embeddings are cached by text (up to :data:`CACHE_TEXTS`), so training, which encodes the same texts fold after
fold, encodes each once. The encoder is safe to share between threads, and pickles as its bytes and its cache
(for training's worker processes), without its session.

>>> from lmclassify.model.encoder import read_encoder
>>> from lmclassify.resources import bundled_model_path
>>> encoder = SentenceEncoder(read_encoder(bundled_model_path("accurate")))
>>> encoder.embed(["Plan the budget.", "Inspire the team."]).shape  # doctest: +SKIP
(2, 384)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from lmclassify.embeddings.onnx_check import external_tensors
from lmclassify.embeddings.wordpiece import WordPiece
from lmclassify.errors import MissingExtraError, ModelError

#: The command that installs what the encoder runs on.
INSTALL_COMMAND = 'pip install "lmclassify[embeddings]"'
#: Most threads that encode texts at once (each runs one text at a time on one core).
MAX_THREADS = 4
#: Embeddings kept by text; training and repeated texts are encoded once.
CACHE_TEXTS = 50_000


def onnxruntime_module() -> Any:
    """The ``onnxruntime`` module, or :class:`MissingExtraError` naming the install command."""
    try:
        import onnxruntime
    except ImportError:
        raise MissingExtraError(
            f"the accurate tier (sentence embeddings) needs onnxruntime, which is not installed: {INSTALL_COMMAND}"
        ) from None
    return onnxruntime


def embeddings_available() -> bool:
    """Whether the ``embeddings`` extra is installed (onnxruntime can be imported)."""
    try:
        onnxruntime_module()
    except MissingExtraError:
        return False
    return True


@dataclass(frozen=True)
class EncoderFiles:
    """An encoder as bytes and settings: its ONNX ``graph``, its ``vocabulary`` (one token per id) and ``spec``
    (``name``, ``dimension``, ``max_tokens``, ``pooling``, ``normalize`` and where the weights came from)."""

    graph: bytes
    vocabulary: tuple[str, ...]
    spec: dict[str, Any]


class SentenceEncoder:
    """Texts -> embeddings, shape ``(n_texts, dimension)``, float32, each of unit length."""

    def __init__(self, files: EncoderFiles, source: str = "<memory>", threads: int | None = None):
        spec = files.spec
        try:
            self.dimension = int(spec["dimension"])
            max_tokens = int(spec["max_tokens"])
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"{source}: the encoder's settings are incomplete ({error!r})") from None
        if spec.get("pooling", "mean") != "mean":
            raise ModelError(f"{source}: encoder pooling {spec.get('pooling')!r} is not supported (only 'mean')")
        try:
            external = external_tensors(files.graph)
        except ModelError as error:
            raise ModelError(f"{source}: the encoder graph is not an ONNX model ({error})") from None
        if external:
            raise ModelError(
                f"{source}: the encoder graph would read tensors from external files ({', '.join(external[:3])}); "
                "an encoder must hold all its weights, so it was not loaded"
            )
        self.files = files
        self.source = source
        self.normalize = bool(spec.get("normalize", True))
        self.tokenizer = WordPiece(files.vocabulary, max_tokens)
        self.threads = threads
        self._session: Any = None
        self._takes_token_types = False
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        texts = list(self._cache)
        vectors = np.stack([self._cache[text] for text in texts]) if texts else None
        return (_rebuilt, (self.files, self.source, self.threads, texts, vectors))

    def __deepcopy__(self, memo: dict[int, Any]) -> SentenceEncoder:
        return self  # immutable in use: scikit-learn's clone() shares it

    def __repr__(self) -> str:
        return f"SentenceEncoder(name={self.files.spec.get('name')!r}, dimension={self.dimension})"

    def _remember(self, texts: Sequence[str], vectors: np.ndarray | None) -> None:
        for text, vector in zip(texts, vectors if vectors is not None else ()):
            if len(self._cache) >= CACHE_TEXTS:
                break
            self._cache[text] = vector

    def _started(self) -> Any:
        """The onnxruntime session, made on first use; :class:`ModelError` when the graph is not one it runs."""
        with self._lock:
            if self._session is None:
                runtime = onnxruntime_module()
                options = runtime.SessionOptions()
                options.intra_op_num_threads = 1  # texts are spread over threads instead
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                try:
                    session = runtime.InferenceSession(self.files.graph, options, providers=["CPUExecutionProvider"])
                except Exception as error:  # onnxruntime raises its own exception types
                    raise ModelError(f"{self.source}: the encoder graph cannot be run ({error})") from None
                names = {item.name for item in session.get_inputs()}
                if not {"input_ids", "attention_mask"} <= names:
                    raise ModelError(f"{self.source}: the encoder graph takes {sorted(names)}, not input_ids")
                self._takes_token_types = "token_type_ids" in names
                self._session = session
            return self._session

    def _encode_one(self, session: Any, token_ids: list[int]) -> np.ndarray:
        ids = np.asarray([token_ids], dtype=np.int64)
        inputs = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if self._takes_token_types:
            inputs["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, inputs)[0]
        if hidden.shape != (1, len(token_ids), self.dimension):
            raise ModelError(f"{self.source}: the encoder gave shape {hidden.shape}, not (1, tokens, {self.dimension})")
        pooled: np.ndarray = hidden[0].mean(axis=0, dtype=np.float64)
        if self.normalize:
            pooled /= max(float(np.linalg.norm(pooled)), 1e-12)
        return pooled.astype(np.float32)

    def workers(self, n_texts: int) -> int:
        """How many threads encode ``n_texts`` texts: one per core (at most :data:`MAX_THREADS`), one for a few."""
        cores = self.threads or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
        return max(1, min(cores or 1, MAX_THREADS, n_texts // 2))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The embeddings of ``texts``, shape ``(len(texts), dimension)``, float32."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for row, text in enumerate(texts):
            cached = self._cache.get(text)
            if cached is not None:
                out[row] = cached
            else:
                missing.setdefault(text, []).append(row)
        if not missing:
            return out
        session = self._started()
        unique = list(missing)

        def encode(text: str) -> np.ndarray:
            return self._encode_one(session, self.tokenizer.ids(text))

        workers = self.workers(len(unique))
        if workers == 1:
            vectors = [encode(text) for text in unique]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lmclassify-encoder") as pool:
                vectors = list(pool.map(encode, unique, chunksize=16))
        for text, vector in zip(unique, vectors):
            out[missing[text]] = vector
        self._remember(unique, np.stack(vectors))
        return out


def _rebuilt(
    files: EncoderFiles, source: str, threads: int | None, texts: list[str], vectors: np.ndarray | None
) -> SentenceEncoder:
    """An unpickled encoder, with the embeddings its original had cached (training's worker processes)."""
    encoder = SentenceEncoder(files, source, threads)
    encoder._remember(texts, vectors)
    return encoder
