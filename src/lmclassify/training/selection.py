"""Compare model configurations by cross-validation on the train split and write the comparison report.

>>> sorted(FEATURE_SETS)[0], CALIBRATORS[0]
('char 2-5', 'none')

``run(data, out)`` (what ``lmclassify select [--data CSV] [--out docs/model-selection.md] [--seed N]`` runs)
uses the train split's single units plus the units of the train documents (``data/documents``); every
cross-validation keeps all units of one document in one fold.

1. Every feature set (word n-grams, character n-grams, both, with and without the Kotter lexicon) is crossed with
   regularisation strengths and class weighting, and scored by 5-fold grouped, stratified cross-validation on the
   train split only: macro-F1, calibration error of the uncalibrated probabilities, fit time and scikit-learn
   predict speed. Features are fitted once per fold and feature set, then shared by the linear models of that fold.
2. For the best configuration, probability calibration methods (none, temperature scaling, Platt/sigmoid,
   isotonic) are compared by nested cross-validation: each calibrator is fitted inside the outer training folds
   and judged on the outer held-out fold.
3. For the best configuration, leave-one-domain-out cross-validation (train on every domain but one, test on the
   one left out) and leave-one-genre-out cross-validation (train on every document genre but one, test on the
   units of that genre's train documents) measure how well it carries over to a setting it has not seen.
4. The artefact audit (:mod:`lmclassify.training.audit`).

The test split and the test documents are never touched. The chosen configuration is the training default
(:data:`lmclassify.training.train.DEFAULT_CONFIG`). Progress is logged at INFO level under the ``lmclassify``
logger; :mod:`lmclassify.training.selection_report` writes the Markdown.
"""

from __future__ import annotations

import logging
import os
import shlex
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from lmclassify.corpus.codebook import LABELS
from lmclassify.corpus.load import read_labelled_csv
from lmclassify.errors import CorpusError
from lmclassify.evaluation.metrics import expected_calibration_error
from lmclassify.features.config import FeatureConfig
from lmclassify.features.union import build_features
from lmclassify.io.atomic import sha256_of, write_json_atomically, write_text_atomically
from lmclassify.resources import default_corpus_path
from lmclassify.training.audit import artefact_audit
from lmclassify.training.calibration import TemperatureScaledClassifier
from lmclassify.training.data import document_set, split_train_test, with_documents
from lmclassify.training.selection_report import calibration_note, machine_description, report_markdown
from lmclassify.training.train import CLASS_WEIGHTS, REGULARISATION, TrainingConfig

logger = logging.getLogger(__name__)

#: The feature sets compared, each crossed with :data:`REGULARISATION` and :data:`CLASS_WEIGHTS`.
FEATURE_SETS: dict[str, FeatureConfig] = {
    "word 1-2": FeatureConfig(word_ngrams=(1, 2), char_ngrams=None),
    "char 2-5": FeatureConfig(word_ngrams=None, char_ngrams=(2, 5)),
    "word 1-2 + char 2-5": FeatureConfig(word_ngrams=(1, 2), char_ngrams=(2, 5)),
    "word 1-2 + char 2-5 + lexicon 0.5": FeatureConfig(word_ngrams=(1, 2), char_ngrams=(2, 5), lexicon_weight=0.5),
}
#: The probability calibration methods compared on the chosen configuration.
CALIBRATORS = ("none", "temperature", "sigmoid", "isotonic")
#: The command that writes the report.
COMMAND = "lmclassify select"


@dataclass
class _Fold:
    """One cross-validation fold with its features fitted on the training rows."""

    train_index: np.ndarray
    test_index: np.ndarray
    train_matrix: Any
    test_matrix: Any
    fit_seconds: float
    transform_seconds: float


def _folds(
    texts: pd.Series, labels: np.ndarray, config: FeatureConfig, splitter: StratifiedGroupKFold, groups: pd.Series
) -> list[_Fold]:
    """The folds of ``splitter``, features fitted on each fold's training rows."""
    folds = []
    for train_index, test_index in splitter.split(texts, labels, groups):
        started = time.perf_counter()
        features = build_features(config).fit(texts.iloc[train_index])
        train_matrix = features.transform(texts.iloc[train_index])
        fitted = time.perf_counter()
        test_matrix = features.transform(texts.iloc[test_index])
        transformed = time.perf_counter()
        folds.append(_Fold(train_index, test_index, train_matrix, test_matrix, fitted - started, transformed - fitted))
    return folds


def _linear_model(config: TrainingConfig) -> LogisticRegression:
    """The unfitted linear classifier of a configuration."""
    return config.estimator().linear_head()


def _fit_fold(config: TrainingConfig, fold: _Fold, labels: np.ndarray) -> tuple[float, np.ndarray, float, float]:
    """(macro-F1, held-out probabilities, fit seconds, predict seconds) of one configuration on one fold."""
    started = time.perf_counter()
    model = _linear_model(config).fit(fold.train_matrix, labels[fold.train_index])
    fitted = time.perf_counter()
    probabilities = model.predict_proba(fold.test_matrix)
    predicted = model.classes_[probabilities.argmax(axis=1)]
    predict_seconds = fold.transform_seconds + time.perf_counter() - fitted
    score = float(f1_score(labels[fold.test_index], predicted, average="macro"))
    return score, probabilities, fold.fit_seconds + fitted - started, predict_seconds


def compare_configurations(train: pd.DataFrame, seed: int = 0, folds: int = 5) -> list[dict[str, Any]]:
    """One row per (feature set, C, class weight): CV macro-F1 (mean, std), ECE, fit seconds, predict speed.

    The linear models of one feature set are fitted two at a time (fit seconds are per fit, in its worker).
    """
    from joblib import Parallel, delayed

    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = train["label"].to_numpy()
    rows: list[dict[str, Any]] = []
    for name, features in FEATURE_SETS.items():
        prepared = _folds(train["text"], labels, features, splitter, train["group"])
        configs = [
            TrainingConfig(features=features, C=c, class_weight=weight)
            for c in REGULARISATION
            for weight in CLASS_WEIGHTS
        ]
        results = Parallel(n_jobs=min(2, os.cpu_count() or 1))(
            delayed(_fit_fold)(config, fold, labels) for config in configs for fold in prepared
        )
        for index, config in enumerate(configs):
            mine = results[index * len(prepared) : (index + 1) * len(prepared)]
            probabilities = np.zeros((len(train), 3))
            for fold, (_, fold_probabilities, _, _) in zip(prepared, mine):
                probabilities[fold.test_index] = fold_probabilities
            predicted = np.asarray(sorted(LABELS))[probabilities.argmax(axis=1)]
            scores = [row[0] for row in mine]
            rows.append(
                {
                    "features": name,
                    "C": config.C,
                    "class_weight": str(config.class_weight),
                    "macro_f1": float(np.mean(scores)),
                    "macro_f1_std": float(np.std(scores)),
                    "ece_uncalibrated": expected_calibration_error(probabilities, predicted == labels),
                    "fit_seconds": float(np.mean([row[2] for row in mine])),
                    "predict_per_second": float(len(train) / folds / np.mean([row[3] for row in mine])),
                    "config": config,
                }
            )
            logger.info("  %.4f  %s", rows[-1]["macro_f1"], config.describe())
    return rows


def _calibrated(method: str, config: TrainingConfig, seed: int) -> Any:
    """The unfitted classifier of ``config`` calibrated by ``method`` (one of :data:`CALIBRATORS`)."""
    base = _linear_model(config)
    if method == "none":
        return base
    if method == "temperature":
        return TemperatureScaledClassifier(base, cv=5, random_state=seed)
    return CalibratedClassifierCV(base, method=method, cv=5)


def compare_calibration(
    train: pd.DataFrame, config: TrainingConfig, seed: int = 0, folds: int = 5
) -> list[dict[str, Any]]:
    """Nested CV: each calibrator is fitted on outer-train folds and its ECE measured on the outer test fold."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = train["label"].to_numpy()
    prepared = _folds(train["text"], labels, config.features, splitter, train["group"])
    rows: list[dict[str, Any]] = []
    for method in CALIBRATORS:
        probabilities = np.zeros((len(train), 3))
        started = time.perf_counter()
        for fold in prepared:
            model = _calibrated(method, config, seed)
            if method == "temperature":
                model.fit(fold.train_matrix, labels[fold.train_index], groups=train["group"].iloc[fold.train_index])
            else:
                model.fit(fold.train_matrix, labels[fold.train_index])
            probabilities[fold.test_index] = model.predict_proba(fold.test_matrix)
        classes = np.asarray(sorted(LABELS))
        predicted = classes[probabilities.argmax(axis=1)]
        truth_probability = probabilities[np.arange(len(labels)), np.searchsorted(classes, labels)]
        log_loss = -np.mean(np.log(np.clip(truth_probability, 1e-15, 1.0)))
        rows.append(
            {
                "method": method,
                "ece": expected_calibration_error(probabilities, predicted == labels),
                "log_loss": float(log_loss),
                "macro_f1": float(f1_score(labels, predicted, average="macro")),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        logger.info("  calibration %s: ECE %.4f", method, rows[-1]["ece"])
    return rows


def _held_out_row(train: pd.DataFrame, held_out: np.ndarray, config: TrainingConfig) -> dict[str, Any]:
    """Fit on ``~held_out`` rows, measure labels on the ``held_out`` rows (temperature scaling, which never changes
    a label, is left out to keep these many fits affordable)."""
    features = build_features(config.features).fit(train.loc[~held_out, "text"])
    model = _linear_model(config).fit(features.transform(train.loc[~held_out, "text"]), train.loc[~held_out, "label"])
    truth = train.loc[held_out, "label"].to_numpy()
    predicted = model.predict(features.transform(train.loc[held_out, "text"]))
    oriented = np.isin(truth, ["management", "leadership"]) & np.isin(predicted, ["management", "leadership"])
    return {
        "n": int(held_out.sum()),
        "macro_f1": float(f1_score(truth, predicted, average="macro", labels=list(LABELS), zero_division=0)),
        "accuracy": float(np.mean(truth == predicted)),
        "management_vs_leadership_accuracy": float(np.mean(truth[oriented] == predicted[oriented]))
        if oriented.any()
        else float("nan"),
    }


def _held_out_rows(train: pd.DataFrame, column: str, values: list[str], config: TrainingConfig) -> list[dict[str, Any]]:
    """:func:`_held_out_row` for each value of ``column`` held out in turn, two at a time."""
    from joblib import Parallel, delayed

    masks = [(train[column] == value).to_numpy() for value in values]
    rows = Parallel(n_jobs=min(2, os.cpu_count() or 1))(delayed(_held_out_row)(train, mask, config) for mask in masks)
    for value, row in zip(values, rows):
        logger.info("  held out %s %s: macro-F1 %.3f", column, value, row["macro_f1"])
    return [{column: value, **row} for value, row in zip(values, rows)]


def leave_one_domain_out(train: pd.DataFrame, config: TrainingConfig, seed: int = 0) -> list[dict[str, Any]]:
    """Train on every domain but one, test on the one left out.

    The ``general`` domain holds only neither units, so it is never held out (it always stays in training).
    """
    return _held_out_rows(train, "domain", sorted(set(train["domain"].dropna()) - {"general"}), config)


def leave_one_genre_out(train: pd.DataFrame, config: TrainingConfig, seed: int = 0) -> list[dict[str, Any]]:
    """Train on the single units and every document genre but one, test on that genre's document units."""
    if "genre" not in train.columns:
        return []
    rows = _held_out_rows(train, "genre", sorted(set(train["genre"].dropna())), config)
    for row in rows:
        row["documents"] = int(train.loc[train["genre"] == row["genre"], "group"].nunique())
    return rows


def command_line(
    data: str | Path | None, out: str | Path, seed: int = 0, documents_folder: str | Path | None = None
) -> str:
    """The ``lmclassify select`` command that runs :func:`run` with these arguments.

    >>> command_line(None, "docs/model-selection.md")
    'lmclassify select --out docs/model-selection.md'
    """
    words = [] if data is None else ["--data", str(data)]
    words += ["--out", str(out)]
    if seed:
        words += ["--seed", str(seed)]
    if documents_folder:
        words += ["--documents", str(documents_folder)]
    return f"{COMMAND} {shlex.join(words)}"


def run(
    data: str | Path | None,
    out: str | Path,
    seed: int = 0,
    documents_folder: str | Path | None = None,
    command: str | None = None,
) -> dict[str, Any]:
    """Run the whole comparison and write ``out`` (markdown) and ``out`` with ``.json`` (all numbers).

    ``documents_folder``: labelled whole documents to add (default: the bundled ones, with the bundled corpus
    only). ``command``: how the report says it was written (default: :func:`command_line`). Returns the report;
    raises :class:`~lmclassify.errors.CorpusError` on bad data.
    """
    data_path = Path(data) if data is not None else default_corpus_path()
    frame = read_labelled_csv(data_path)
    if "domain" not in frame.columns:
        raise CorpusError(f"{data_path}: leave-one-domain-out needs a domain column")
    singles, _ = split_train_test(frame, seed)
    documents = document_set(data, documents_folder or None)
    train_documents = documents.split("train") if documents is not None else None
    train = with_documents(singles, train_documents)
    n_documents = 0 if train_documents is None else len(train_documents)
    logger.info(
        "comparing configurations on %d train-split units of %s and %d units of %d train documents",
        len(singles),
        data_path,
        len(train) - len(singles),
        n_documents,
    )
    configurations = compare_configurations(train, seed)
    best = max(configurations, key=lambda row: row["macro_f1"])
    chosen: TrainingConfig = best["config"]
    calibration = compare_calibration(train, chosen, seed)
    lodo = leave_one_domain_out(train, chosen, seed)
    logo = leave_one_genre_out(train, chosen, seed)
    audit = artefact_audit(train, chosen, seed)
    report = {
        "command": command if command is not None else command_line(data, out, seed, documents_folder),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "data": data_path.name,
        "data_sha256": sha256_of(data_path),
        "train_rows": len(singles),
        "train_documents": n_documents,
        "train_document_units": len(train) - len(singles),
        "seed": seed,
        "configurations": [
            {**{k: v for k, v in row.items() if k != "config"}, "params": row["config"].to_dict()}
            for row in configurations
        ],
        "chosen": chosen.describe(),
        "chosen_params": chosen.to_dict(),
        "calibration": calibration,
        "chosen_calibration": calibration_note(calibration),
        "leave_one_domain_out": lodo,
        "leave_one_genre_out": logo,
        "artefact_audit": audit,
    }
    out = Path(out)
    write_text_atomically(out, report_markdown(report))
    write_json_atomically(out.with_suffix(".json"), report)
    logger.info("chosen: %s; wrote %s and %s", chosen.describe(), out, out.with_suffix(".json"))
    return report
