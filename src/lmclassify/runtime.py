"""Load a compiled model and score texts with numpy alone: no pickle, no scikit-learn.

A compiled model is one ``.npz`` file (see :mod:`lmclassify.compile`) holding, for each TF-IDF block, its
vocabulary and idf weights, and for each head (the label, and the Kotter function within management and within
leadership) its coefficients, intercepts and temperature. Its JSON metadata travels inside the same file, with a
checksum of the arrays, so a model is written and replaced in one atomic step.

>>> model = load_model(default_model_path())
>>> model.classify("Prepare the quarterly budget and track spending against it.").label
'management'
>>> [p.label for p in model.classify(["Inspire people to believe in the new direction.", "Lead is a metal."])]
['leadership', 'neither']
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from lmclassify.errors import ModelError
from lmclassify.labels import LABELS
from lmclassify.resources import default_model_path
from lmclassify.storage import sha256_of

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.analysis import DocumentReport
    from lmclassify.explanation import Explanation

FORMAT_NAME = "lmclassify-compiled-model"
FORMAT_VERSION = 1
METADATA_KEY = "metadata"
_CHUNK = 4096


@dataclass(frozen=True)
class Prediction:
    """What the model says about one text.

    ``scores`` holds a calibrated probability for every label (in :data:`LABELS` order, summing to 1);
    ``confidence`` is the probability of ``label``. ``function`` is the most likely Kotter function within the
    predicted label (``None`` for neither), with its probability given the label in ``function_confidence``.

    >>> p = Prediction("management", 0.9, {"management": 0.9, "leadership": 0.06, "neither": 0.04}, "budgeting", 0.7)
    >>> p.to_dict()["scores"]["leadership"]
    0.06
    """

    label: str
    confidence: float
    scores: Mapping[str, float]
    function: str | None = None
    function_confidence: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))

    def __reduce__(self):
        return (Prediction, (self.label, self.confidence, dict(self.scores), self.function, self.function_confidence))

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict."""
        return {
            "label": self.label,
            "confidence": self.confidence,
            "scores": dict(self.scores),
            "function": self.function,
            "function_confidence": self.function_confidence,
        }


def check_text(text: object, position: int | None = None) -> str:
    """Return ``text`` if it can be classified; raise ``TypeError``/``ValueError`` naming the problem otherwise."""
    where = "" if position is None else f"item {position}: "
    if not isinstance(text, str):
        raise TypeError(f"{where}expected a str to classify, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"{where}text is empty or only whitespace; there is nothing to classify")
    return text


class _Block:
    """One feature block: turns lower-cased text into the n-grams that scikit-learn's analyzer would produce.

    Each term maps to a column of the block; several terms may share a column (a lexicon block counts all the
    terms of one Kotter function in one column). Counts are optionally log-scaled, multiplied by the column's idf,
    L2-normalised within the block (``norm``) and multiplied by the block's ``weight``.
    """

    def __init__(self, spec: Mapping[str, Any], terms: list[str], columns: Sequence[int], offset: int):
        self.kind = spec["analyzer"]
        self.min_n, self.max_n = spec["ngram_range"]
        self.sublinear_tf = bool(spec["sublinear_tf"])
        self.normalised = spec.get("norm", "l2") == "l2"
        self.weight = float(spec.get("weight", 1.0))
        self.token_pattern = re.compile(spec.get("token_pattern") or r"(?u)\b\w\w+\b")
        self.vocabulary = {term: offset + int(column) for term, column in zip(terms, columns)}
        self.grams = self._word_grams if self.kind == "word" else self._char_wb_grams

    def _word_grams(self, text: str) -> list[str]:
        tokens = self.token_pattern.findall(text)
        grams = list(tokens) if self.min_n == 1 else []
        count = len(tokens)
        for n in range(max(self.min_n, 2), min(self.max_n, count) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(count - n + 1))
        return grams

    def _char_wb_grams(self, text: str) -> list[str]:
        grams: list[str] = []
        append = grams.append
        for word in text.split():
            padded = f" {word} "
            length = len(padded)
            for n in range(self.min_n, self.max_n + 1):
                if n >= length:  # a short word counts once, whole, and longer n-grams are skipped
                    append(padded)
                    break
                for start in range(length - n + 1):
                    append(padded[start : start + n])
        return grams


@dataclass(frozen=True)
class _Head:
    """A linear head: which columns of the weight matrix it owns, its classes and its temperature."""

    classes: tuple[str, ...]
    columns: slice
    temperature: float = 1.0


@dataclass
class _Features:
    """Sparse TF-IDF rows of a batch, as coordinate arrays."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    n_rows: int = field(default=0)


class Classifier:
    """A loaded model. Use :func:`load_model` to make one; it is safe to share between threads.

    >>> model = load_model(default_model_path())
    >>> model.metadata["labels"]
    ['management', 'leadership', 'neither']
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any], source: str = "<memory>"):
        self._metadata = json.loads(json.dumps(metadata))
        self.source = source
        self._blocks = []
        idf_parts = []
        offset = 0
        for index, spec in enumerate(metadata["blocks"]):
            terms = bytes(arrays[f"block{index}_terms"]).decode("utf-8").split("\n")
            idf = np.asarray(arrays[f"block{index}_idf"], dtype=np.float64)
            columns = arrays.get(f"block{index}_columns", np.arange(len(terms)))
            if len(terms) != len(columns) or (len(columns) and not 0 <= columns.min() <= columns.max() < len(idf)):
                raise ModelError(f"{source}: block {index} maps {len(terms)} terms onto {len(idf)} idf weights")
            self._blocks.append(_Block(spec, terms, columns, offset))
            idf_parts.append(idf)
            offset += len(idf)
        self._n_features = offset
        self._idf = np.concatenate(idf_parts)
        self._block_of_feature = np.repeat(np.arange(len(idf_parts)), [len(part) for part in idf_parts])
        self._sublinear = np.array([block.sublinear_tf for block in self._blocks])
        self._normalised = np.array([block.normalised for block in self._blocks])
        self._block_weight = np.array([block.weight for block in self._blocks])
        weights = np.asarray(arrays["weights"], dtype=np.float64)
        if weights.shape[0] != offset:
            raise ModelError(f"{source}: weights have {weights.shape[0]} rows for {offset} features")
        self._weights_by_class = np.ascontiguousarray(weights.T)  # classes x features: contiguous gathers
        self._intercepts = np.asarray(arrays["intercepts"], dtype=np.float64)
        self._heads = {
            name: _Head(tuple(head["classes"]), slice(*head["columns"]), float(head.get("temperature", 1.0)))
            for name, head in metadata["heads"].items()
        }
        self.labels: tuple[str, ...] = tuple(metadata["labels"])
        label_head = self._heads["label"]
        self._label_order = [label_head.classes.index(label) for label in self.labels]

    @property
    def metadata(self) -> dict[str, Any]:
        """Training metadata: versions, corpus checksum, hyperparameters, metrics, labels, creation time."""
        return json.loads(json.dumps(self._metadata))

    def __repr__(self) -> str:
        return f"Classifier(source={self.source!r}, features={self._n_features}, labels={self.labels})"

    # ----------------------------------------------------------------------------------------------- scoring
    def _featurize(self, texts: Sequence[str]) -> _Features:
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            lowered = text.lower()
            found: dict[int, int] = {}
            for block in self._blocks:
                lookup = block.vocabulary.get
                for gram in block.grams(lowered):
                    column = lookup(gram)
                    if column is not None:
                        found[column] = found.get(column, 0) + 1
            rows.extend([row] * len(found))
            columns.extend(found)
            counts.extend(found.values())
        row_array = np.asarray(rows, dtype=np.int64)
        column_array = np.asarray(columns, dtype=np.int64)
        values = np.asarray(counts, dtype=np.float64)
        block = self._block_of_feature[column_array]
        sublinear = self._sublinear[block]
        values[sublinear] = np.log(values[sublinear]) + 1.0
        values *= self._idf[column_array]
        group = row_array * len(self._blocks) + block
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=len(texts) * len(self._blocks)))
        values /= np.where(self._normalised[block], norms[group], 1.0)
        values *= self._block_weight[block]
        return _Features(row_array, column_array, values, len(texts))

    def _scores(self, features: _Features) -> np.ndarray:
        """Decision scores for every head's classes, one row per text (before temperature and softmax)."""
        scores = np.empty((features.n_rows, len(self._weights_by_class)))
        for column, weights in enumerate(self._weights_by_class):  # 1-D takes are far faster than a 2-D gather
            contributions = np.take(weights, features.columns) * features.values
            scores[:, column] = np.bincount(features.rows, weights=contributions, minlength=features.n_rows)
        scores += self._intercepts
        return scores

    @staticmethod
    def _probabilities(scores: np.ndarray, head: _Head) -> np.ndarray:
        scaled = scores[:, head.columns] / head.temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        np.exp(scaled, out=scaled)
        scaled /= scaled.sum(axis=1, keepdims=True)
        return scaled

    def _predict_chunk(self, texts: Sequence[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        scores = self._scores(self._featurize(texts))
        label_probs = self._probabilities(scores, self._heads["label"])[:, self._label_order]
        function_probs = {
            name.split(":", 1)[1]: self._probabilities(scores, head)
            for name, head in self._heads.items()
            if name.startswith("function:")
        }
        return label_probs, function_probs

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated label probabilities, shape ``(len(texts), 3)``, columns in :attr:`labels` order.

        Texts are not validated here (use :meth:`classify` for checked input); empty text gets the prior.
        """
        texts = list(texts)
        parts = [self._predict_chunk(texts[i : i + _CHUNK])[0] for i in range(0, len(texts), _CHUNK)]
        return np.vstack(parts) if parts else np.empty((0, len(self.labels)))

    def _predictions(self, texts: Sequence[str]) -> list[Prediction]:
        results: list[Prediction] = []
        for start in range(0, len(texts), _CHUNK):
            label_probs, function_probs = self._predict_chunk(texts[start : start + _CHUNK])
            best = label_probs.argmax(axis=1)
            for row, label_index in enumerate(best):
                label = self.labels[label_index]
                function = function_confidence = None
                if label in function_probs:
                    classes = self._heads[f"function:{label}"].classes
                    probs = function_probs[label][row]
                    function_index = int(probs.argmax())
                    function, function_confidence = classes[function_index], float(probs[function_index])
                results.append(
                    Prediction(
                        label=label,
                        confidence=float(label_probs[row, label_index]),
                        scores=dict(zip(self.labels, map(float, label_probs[row]))),
                        function=function,
                        function_confidence=function_confidence,
                    )
                )
        return results

    # ------------------------------------------------------------------------------------------- public API
    @overload
    def classify(self, texts: str) -> Prediction: ...
    @overload
    def classify(self, texts: Iterable[str]) -> list[Prediction]: ...
    def classify(self, texts):
        """Classify one text (returns a :class:`Prediction`) or an iterable of texts (returns a list, same order).

        Raises ``TypeError`` for anything that is not a ``str`` (in a list, naming the item's index) and
        ``ValueError`` for empty or whitespace-only text. Texts of any length are scored whole, in linear time.
        """
        if isinstance(texts, str):
            return self._predictions([check_text(texts)])[0]
        if isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
            raise TypeError(f"expected a str or an iterable of str to classify, got {type(texts).__name__}")
        return self._predictions([check_text(text, position) for position, text in enumerate(texts)])

    def classify_frame(self, frame: pd.DataFrame, column: str = "text") -> pd.DataFrame:
        """A copy of ``frame`` with ``label, confidence, p_<label>..., function, function_confidence`` added.

        The index is kept and ``frame`` is not modified. Missing, empty or non-text cells never raise: their
        rows get no label and NaN probabilities, and one warning says how many there were.

        >>> import pandas as pd
        >>> out = load_model(default_model_path()).classify_frame(pd.DataFrame({"text": ["Cut costs by 5%."]}))
        >>> list(out.columns)
        ['text', 'label', 'confidence', 'p_management', 'p_leadership', 'p_neither', 'function', 'function_confidence']
        """
        import pandas as pd

        if column not in frame.columns:
            raise KeyError(f"column {column!r} not found; the frame has columns {list(frame.columns)}")
        cells = frame[column].tolist()
        usable = [isinstance(cell, str) and bool(cell.strip()) for cell in cells]
        predictions = iter(self._predictions([cell for cell, ok in zip(cells, usable) if ok]))
        rows = [next(predictions) if ok else None for ok in usable]
        skipped = usable.count(False)
        if skipped:
            warnings.warn(
                f"{skipped} row(s) of column {column!r} had missing, empty or non-text values; "
                "they were not classified and have no label",
                UserWarning,
                stacklevel=2,
            )
        result = frame.copy()
        result["label"] = pd.Series([p.label if p else None for p in rows], index=frame.index, dtype=object)
        result["confidence"] = [p.confidence if p else math.nan for p in rows]
        for label in self.labels:
            result[f"p_{label}"] = [p.scores[label] if p else math.nan for p in rows]
        result["function"] = pd.Series([p.function if p else None for p in rows], index=frame.index, dtype=object)
        result["function_confidence"] = [
            p.function_confidence if p and p.function_confidence is not None else math.nan for p in rows
        ]
        return result

    def explain(self, text: str, top: int | None = 5) -> Explanation:
        """Which terms of ``text`` moved each label's decision score: see :class:`lmclassify.explanation.Explanation`.

        ``top`` terms per label are listed (all when ``None``); the rest are summed, so the terms plus the
        intercept always add up to the decision score exactly.

        >>> load_model(default_model_path()).explain("Inspire the team.", top=2).prediction.label
        'leadership'
        """
        from lmclassify.explanation import explain_text

        return explain_text(self, text, top=top)

    def analyze(self, document: str) -> DocumentReport:
        """Split ``document`` into sentences and classify each: see :class:`lmclassify.analysis.DocumentReport`.

        >>> report = load_model(default_model_path()).analyze("Plan the budget. Inspire the team.")
        >>> report.sentences["label"].tolist()
        ['management', 'leadership']
        """
        from lmclassify.analysis import analyze_document

        return analyze_document(self, document)


def arrays_checksum(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head != b"PK\x03\x04":
        kind = "a pickle/joblib file, which can run code when loaded" if head[:1] == b"\x80" else "not a zip archive"
        raise ModelError(f"{path}: not an lmclassify model (.npz): the file is {kind}; it was not loaded")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise ModelError(f"{path}: the model file is truncated or corrupted ({error}); retrain or reinstall") from None
    if METADATA_KEY not in arrays:
        raise ModelError(f"{path}: not an lmclassify model: the archive has no {METADATA_KEY!r} entry")
    try:
        metadata = json.loads(bytes(arrays.pop(METADATA_KEY)).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: the model's metadata is unreadable ({error})") from None
    return arrays, metadata


def load_model(path: str | Path, *, expected_sha256: str | None = None) -> Classifier:
    """Load a compiled model (``.npz``) written by ``python -m lmclassify.train``.

    Nothing in the file is executed: arrays are read with ``allow_pickle=False`` and checked against the
    checksum stored with them; with ``expected_sha256`` the whole file must also have that SHA-256 (the bundled
    default model is checked this way). Raises :class:`ModelError` naming the file and the cause when the file is
    missing, not a model, truncated, corrupted or written by an incompatible version.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    if expected_sha256 is not None and sha256_of(path) != expected_sha256:
        raise ModelError(f"{path}: the file does not have its recorded SHA-256; it was altered or damaged, reinstall")
    arrays, metadata = _read_npz(path)
    if metadata.get("format") != FORMAT_NAME:
        raise ModelError(f"{path}: not an lmclassify model (format {metadata.get('format')!r})")
    written_by = metadata.get("package_version", "an unknown version")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: written by lmclassify {written_by} in model format {metadata.get('format_version')}; this "
            f"lmclassify reads format {FORMAT_VERSION}. "
            "Retrain it with `python -m lmclassify.train --data CSV --out DIR`"
        )
    if arrays_checksum(arrays) != metadata.get("arrays_sha256"):
        raise ModelError(f"{path}: checksum mismatch, the model file is corrupted; retrain or reinstall it")
    try:
        return Classifier(arrays, metadata, source=str(path))
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise ModelError(f"{path}: the model is incomplete ({error!r}); retrain it") from None


__all__ = ["LABELS", "Classifier", "ModelError", "Prediction", "check_text", "default_model_path", "load_model"]
