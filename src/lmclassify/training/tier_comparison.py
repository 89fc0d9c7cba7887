"""Does the accurate tier earn its place? Choose its embedding weight by cross-validation, then compare it with
the default model where neither was tuned (what ``lmclassify select --accurate`` runs).

1. **Embedding weight** (and encoder, when several are given): 5-fold grouped, stratified cross-validation on the
   train split's single units and train documents, every weight in :data:`EMBEDDING_WEIGHTS` against the default
   configuration (weight 0) on the same folds. The TF-IDF blocks are fitted once per fold and shared.
2. **Leave one genre out** and **leave one domain out**: default and accurate configurations fitted on the same
   rows, tested on the held-out genre's document units (or domain's units).
3. **The shipped models** (bundled ``default`` and ``accurate``, calibrated, with their kind offsets) on the test
   documents, unit by unit and document by document (how many documents each gets more units right in, and a
   bootstrap over documents of the macro-F1 difference), end to end through ``analyze()``, on the test split and on
   the challenge set. None of these was used to choose anything.

The verdict says whether the accurate tier beats the default on every one of these; the report is written by
:mod:`lmclassify.training.tier_report`. Temperature scaling is left out of the refits in 1 and 2: it never
changes a label.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sparse
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from lmclassify.corpus.codebook import LABELS
from lmclassify.corpus.load import DocumentSet, load_challenge_set
from lmclassify.embeddings.encoder import SentenceEncoder
from lmclassify.evaluation.evaluate import evaluate, evaluate_documents
from lmclassify.features.union import build_features
from lmclassify.io.atomic import sha256_of, write_json_atomically, write_text_atomically
from lmclassify.model.format import read_model_or_bundled
from lmclassify.resources import ACCURATE_MODEL_NAME, DEFAULT_MODEL_NAME, default_corpus_path
from lmclassify.runtime.compiled import CompiledClassifier
from lmclassify.training.data import split_train_test, with_documents
from lmclassify.training.selection_report import machine_description
from lmclassify.training.train import ACCURATE_CONFIG, DEFAULT_CONFIG

logger = logging.getLogger(__name__)

#: The embedding block weights compared by cross-validation (0 is the default model).
EMBEDDING_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)
#: The command that writes the report.
COMMAND = "lmclassify select --accurate --out docs/model-selection-accurate.md"
#: Bootstrap resamples of the test documents.
BOOTSTRAP_SAMPLES = 2000


def _macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    return float(f1_score(truth, predicted, average="macro", labels=list(LABELS), zero_division=0))


def _fit_and_predict(
    train: pd.DataFrame, tests: Sequence[pd.DataFrame], encoder: SentenceEncoder, weights: Sequence[float]
) -> dict[float, list[np.ndarray]]:
    """For each embedding weight, the labels predicted for each frame of ``tests`` by a model fitted on ``train``
    (the TF-IDF blocks fitted once and shared by all weights)."""
    features = build_features(DEFAULT_CONFIG.features).fit(train["text"])
    train_matrix = features.transform(train["text"])
    test_matrices = [features.transform(test["text"]) for test in tests]
    train_embedding = encoder.embed(train["text"].tolist())
    test_embeddings = [encoder.embed(test["text"].tolist()) for test in tests]
    predicted: dict[float, list[np.ndarray]] = {}
    for weight in weights:

        def joined(matrix: Any, embedding: np.ndarray, weight: float = weight) -> Any:
            return matrix if weight == 0 else sparse.hstack([matrix, weight * embedding.astype(np.float64)]).tocsr()

        head = DEFAULT_CONFIG.estimator().linear_head()
        model = head.fit(joined(train_matrix, train_embedding), train["label"])
        predicted[weight] = [model.predict(joined(m, e)) for m, e in zip(test_matrices, test_embeddings)]
    return predicted


def _parallel(calls: list[tuple[Any, ...]]) -> list[dict[float, list[np.ndarray]]]:
    from joblib import Parallel, delayed

    results: list[dict[float, list[np.ndarray]]] = Parallel(n_jobs=min(2, os.cpu_count() or 1))(
        delayed(_fit_and_predict)(*call) for call in calls
    )
    return results


def compare_weights(
    train: pd.DataFrame, encoders: dict[str, SentenceEncoder], seed: int = 0, folds: int = 5
) -> list[dict[str, Any]]:
    """One row per (encoder, embedding weight): cross-validated macro-F1 (mean and spread over folds)."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    splits = list(splitter.split(train, train["label"], train["group"]))
    rows = []
    for name, encoder in encoders.items():
        encoder.embed(train["text"].tolist())  # once, before the folds (the workers receive the cache)
        results = _parallel([(train.iloc[fit], [train.iloc[held]], encoder, EMBEDDING_WEIGHTS) for fit, held in splits])
        for weight in EMBEDDING_WEIGHTS:
            scores = [
                _macro_f1(train["label"].to_numpy()[held], result[weight][0])
                for (_, held), result in zip(splits, results)
            ]
            rows.append(
                {
                    "encoder": name,
                    "embedding_weight": weight,
                    "macro_f1": float(np.mean(scores)),
                    "std": float(np.std(scores)),
                }
            )
            logger.info("  %s weight %g: CV macro-F1 %.4f", name, weight, rows[-1]["macro_f1"])
    return rows


def held_out(train: pd.DataFrame, column: str, encoder: SentenceEncoder, weight: float) -> list[dict[str, Any]]:
    """Default against accurate with each value of ``column`` held out in turn (``general``, which holds only
    neither units, always stays in training)."""
    values = sorted(set(train[column].dropna()) - {"general"})
    masks = [(train[column] == value).to_numpy() for value in values]
    results = _parallel([(train[~mask], [train[mask]], encoder, (0.0, weight)) for mask in masks])
    rows = []
    for value, mask, result in zip(values, masks, results):
        truth = train.loc[mask, "label"].to_numpy()
        row = {column: value, "n": int(mask.sum())}
        row.update({"default": _macro_f1(truth, result[0.0][0]), "accurate": _macro_f1(truth, result[weight][0])})
        rows.append(row)
        logger.info("  held out %s %s: %.3f -> %.3f", column, value, row["default"], row["accurate"])
    return rows


def by_document(
    default: CompiledClassifier, accurate: CompiledClassifier, documents: DocumentSet, seed: int = 0
) -> dict[str, Any]:
    """The two models on the test documents' units: documents each gets more units right in, and a bootstrap over
    documents of the accurate model's macro-F1 minus the default's (median and 95% interval)."""
    units = documents.units.reset_index(drop=True)
    truth = units["label"].to_numpy()
    texts = units["text"].tolist()
    labels = {name: np.asarray(model.predict(texts)) for name, model in (("default", default), ("accurate", accurate))}
    right = {name: pd.Series(predicted == truth).groupby(units["doc_id"]).mean() for name, predicted in labels.items()}
    groups = [np.flatnonzero(units["doc_id"].to_numpy() == doc) for doc in right["default"].index]
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(BOOTSTRAP_SAMPLES):
        rows = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        differences.append(
            _macro_f1(truth[rows], labels["accurate"][rows]) - _macro_f1(truth[rows], labels["default"][rows])
        )
    low, median, high = np.percentile(differences, [2.5, 50, 97.5])
    gap = right["accurate"] - right["default"]
    return {
        "documents": len(groups),
        "samples": BOOTSTRAP_SAMPLES,
        "better": int((gap > 0).sum()),
        "worse": int((gap < 0).sum()),
        "tied": int((gap == 0).sum()),
        "difference_median": float(median),
        "difference_low": float(low),
        "difference_high": float(high),
    }


def shipped_models(
    default: CompiledClassifier, accurate: CompiledClassifier, test: pd.DataFrame, documents: DocumentSet
) -> dict[str, Any]:
    """Both shipped models on the test split, the challenge set and the test documents (their figures, as
    ``lmclassify evaluate`` gives them), and :func:`by_document`."""
    challenge = load_challenge_set()
    figures: dict[str, Any] = {}
    for name, model in (("default", default), ("accurate", accurate)):
        on_documents = evaluate_documents(model, documents)
        figures[name] = {
            "test_split": evaluate(model, test),
            "challenge": evaluate(model, challenge),
            "test_documents_units": on_documents["units"],
            "test_documents_end_to_end": on_documents["end_to_end"],
        }
        logger.info("  shipped %s: test documents macro-F1 %.3f", name, on_documents["units"]["macro_f1"])
    figures["by_document"] = by_document(default, accurate, documents)
    return figures


def verdict(report: dict[str, Any]) -> dict[str, bool]:
    """Whether the accurate tier beats the default on each comparison (means for the held-out ones)."""
    shipped = report["shipped"]

    def better(key: str) -> bool:
        return bool(shipped["accurate"][key]["macro_f1"] > shipped["default"][key]["macro_f1"])

    def mean_better(rows: list[dict[str, Any]]) -> bool:
        return bool(np.mean([row["accurate"] for row in rows]) > np.mean([row["default"] for row in rows]))

    return {
        "test documents (units)": better("test_documents_units"),
        "test documents (end to end)": better("test_documents_end_to_end"),
        "test documents (more documents better than worse)": shipped["by_document"]["better"]
        > shipped["by_document"]["worse"],
        "leave one genre out (mean)": mean_better(report["leave_one_genre_out"]),
        "leave one domain out (mean)": mean_better(report["leave_one_domain_out"]),
        "challenge set": better("challenge"),
    }


def run(
    out: str | Path,
    encoders: Sequence[str | Path | None] = (),
    seed: int = 0,
    default_model: str | Path = DEFAULT_MODEL_NAME,
    accurate_model: str | Path = ACCURATE_MODEL_NAME,
    command: str = COMMAND,
) -> dict[str, Any]:
    """The whole comparison on the bundled corpus and documents; writes ``out`` (Markdown) and its ``.json``.

    ``encoders``: encoder files to compare (default: the bundled accurate model's encoder); the held-out
    comparisons use the first. ``default_model``/``accurate_model``: the shipped models to measure.
    """
    from lmclassify.corpus.load import load_corpus, load_documents
    from lmclassify.training.encoding import load_training_encoder
    from lmclassify.training.tier_report import report_markdown

    corpus = load_corpus()
    singles, test = split_train_test(corpus, seed)
    documents = load_documents()
    train = with_documents(singles, documents.split("train"))
    loaded = {
        (Path(path).stem if path is not None else ACCURATE_MODEL_NAME): load_training_encoder(path)
        for path in (list(encoders) or [None])
    }
    logger.info("embedding weights by 5-fold cross-validation on %d train rows", len(train))
    weights = compare_weights(train, loaded, seed)
    first = next(iter(loaded))
    chosen_weight = float(ACCURATE_CONFIG.features.embedding_weight)
    encoder = loaded[first]
    logger.info("leave one genre out, then leave one domain out (embedding weight %g)", chosen_weight)
    logo = held_out(train, "genre", encoder, chosen_weight)
    lodo = held_out(train, "domain", encoder, chosen_weight)
    default, accurate = (
        CompiledClassifier.from_file(read_model_or_bundled(name)) for name in (default_model, accurate_model)
    )
    shipped = shipped_models(default, accurate, test, documents.split("test"))
    report: dict[str, Any] = {
        "command": command,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "data_sha256": sha256_of(default_corpus_path()),
        "train_rows": len(train),
        "seed": seed,
        "weights": weights,
        "best_weight": max((row for row in weights if row["encoder"] == first), key=lambda row: row["macro_f1"]),
        "chosen_weight": chosen_weight,
        "encoder": encoder.files.spec,
        "leave_one_genre_out": logo,
        "leave_one_domain_out": lodo,
        "shipped": shipped,
    }
    report["verdict"] = verdict(report)
    out = Path(out)
    write_text_atomically(out, report_markdown(report))
    write_json_atomically(out.with_suffix(".json"), report)
    logger.info("wrote %s and %s", out, out.with_suffix(".json"))
    return report


__all__ = ["ACCURATE_CONFIG", "EMBEDDING_WEIGHTS", "compare_weights", "held_out", "shipped_models", "verdict"]
