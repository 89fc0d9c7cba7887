"""Train a model on labelled data and write it (what ``lmclassify train`` runs).

1. Read and validate the data (every problem is reported at once, in plain words, with its rows): the single
   units of the CSV and, by default with the bundled corpus, the units of its whole documents, plus your own
   ``--add`` files (:mod:`lmclassify.training.merge`).
2. Choose hyperparameters by cross-validation on the train split only (macro-F1; without the search, the
   default configuration is cross-validated alone). Folds are grouped: all the units of one document fall in the
   same fold. Below the macro-F1 floor (:data:`~lmclassify.training.crossval.MIN_MACRO_F1`) training stops here
   and writes nothing, unless forced.
3. Fit the chosen :class:`~lmclassify.training.estimator.KotterClassifier` on the train split, calibrated on
   held-out documents (the temperature, and a log-odds shift per unit kind for document analysis), and measure it
   on the test split and on the test documents, unit by unit and end to end through ``analyze()``; with added
   rows, measure them without and with them (:mod:`lmclassify.training.additions_report`).
4. Export it, prove the compiled model matches scikit-learn (1e-9), then write ``<name>.npz`` (the model),
   ``<name>.json`` (metadata and metrics) and ``<name>.joblib`` (the scikit-learn reference, for research). Each
   file is replaced atomically, and only after everything above succeeded: a failed or killed run leaves the
   previous model as it was.

With ``embeddings`` (``lmclassify train --embeddings``) it trains the accurate tier: the same blocks plus the
sentence embeddings of a frozen encoder (:mod:`lmclassify.embeddings`), which every text is run through once, up
front; the model file then holds the encoder too. Without a ``split`` column, a stratified 80/20 split is drawn
with ``seed``. Without a ``function`` column the model predicts labels only. Progress is logged at INFO level under
the ``lmclassify`` logger.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn

from lmclassify.corpus.codebook import LABELS
from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.evaluation.evaluate import evaluate, evaluate_documents
from lmclassify.evaluation.metrics import format_label_metrics
from lmclassify.features.config import FeatureConfig
from lmclassify.io.atomic import replace_together, sha256_of
from lmclassify.model.format import model_file_bytes, model_metadata_json
from lmclassify.resources import ACCURATE_MODEL_NAME, DEFAULT_MODEL_NAME
from lmclassify.runtime.compiled import CompiledClassifier
from lmclassify.training.additions_report import log_report, user_rows_report
from lmclassify.training.calibration import fit_offsets
from lmclassify.training.crossval import MIN_MACRO_F1, check_floor, check_min_macro_f1, out_of_fold
from lmclassify.training.data import calibration_weights, document_set, groups_of, split_train_test, with_documents
from lmclassify.training.encoding import encode_once, load_training_encoder
from lmclassify.training.estimator import KotterClassifier
from lmclassify.training.merge import training_data

logger = logging.getLogger(__name__)

#: Unit kinds that get their own log-odds shift when at least this many training units have the kind.
MIN_UNITS_PER_KIND_OFFSET = 30


@dataclass(frozen=True)
class TrainingConfig:
    """Hyperparameters of one candidate model."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    C: float = 10.0
    class_weight: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """A short name, such as ``word1-2+char2-5+lexicon0.5 C=10 class_weight=None``."""
        blocks = []
        if self.features.word_ngrams:
            blocks.append("word{}-{}".format(*self.features.word_ngrams))
        if self.features.char_ngrams:
            blocks.append("char{}-{}".format(*self.features.char_ngrams))
        if self.features.lexicon_weight:
            blocks.append(f"lexicon{self.features.lexicon_weight:g}")
        if self.features.embedding_weight:
            blocks.append(f"embedding{self.features.embedding_weight:g}")
        return f"{'+'.join(blocks)} C={self.C:g} class_weight={self.class_weight}"

    def estimator(
        self, calibration_folds: int = 5, random_state: int | None = 0, encoder: Any = None
    ) -> KotterClassifier:
        """An unfitted :class:`KotterClassifier` with these hyperparameters (``encoder``: the sentence encoder
        of the embedding block, when the features have one)."""
        features = self.features
        return KotterClassifier(
            word_ngrams=features.word_ngrams,
            char_ngrams=features.char_ngrams,
            min_df=features.min_df,
            sublinear_tf=features.sublinear_tf,
            lexicon_weight=features.lexicon_weight,
            embedding_weight=features.embedding_weight,
            encoder=encoder,
            C=self.C,
            class_weight=self.class_weight,
            calibration_folds=calibration_folds,
            random_state=random_state,
        )


#: The configuration model selection chose (``docs/model-selection.md``), used when the search is skipped
#: (``--no-search``); the search varies its regularisation and class weighting.
DEFAULT_CONFIG = TrainingConfig(features=FeatureConfig(lexicon_weight=0.5))
#: The accurate tier's configuration (``docs/model-selection-accurate.md``): the default's blocks plus the sentence
#: embedding, weighted by cross-validation on the train split.
ACCURATE_CONFIG = TrainingConfig(features=FeatureConfig(lexicon_weight=0.5, embedding_weight=0.5))
#: Regularisation strengths and class weightings that training searches (and model selection crosses with
#: feature sets).
REGULARISATION = (3.0, 10.0, 30.0)
CLASS_WEIGHTS = (None, "balanced")


def candidate_configs(features: FeatureConfig | None = None) -> list[TrainingConfig]:
    """The grid searched by cross-validation at training time: regularisation x class weighting, on the feature
    set that model selection chose (``docs/model-selection.md``) unless ``features`` is given."""
    features = DEFAULT_CONFIG.features if features is None else features
    return [
        TrainingConfig(features=features, C=c, class_weight=weight) for c in REGULARISATION for weight in CLASS_WEIGHTS
    ]


def cross_validate(
    train: pd.DataFrame,
    configs: list[TrainingConfig],
    seed: int,
    folds: int = 5,
    jobs: int = -1,
    predictions: dict[str, np.ndarray] | None = None,
    encoder: Any = None,
) -> list[dict[str, Any]]:
    """Mean and spread of macro-F1 over stratified folds of the train split, for each config; rows that share
    a ``group`` (the units of one document) stay in one fold. ``predictions``, when given, receives each config's
    out-of-fold labels (one per row) under its :meth:`TrainingConfig.describe` name."""
    results = []
    for config in configs:
        started = time.perf_counter()
        estimator = config.estimator(calibration_folds=0, encoder=encoder)
        predicted, scores = out_of_fold(estimator, train, seed, folds, jobs)
        if predictions is not None:
            predictions[config.describe()] = predicted
        results.append(
            {
                "config": config.describe(),
                "macro_f1": float(scores.mean()),
                "macro_f1_std": float(scores.std()),
                "seconds": round(time.perf_counter() - started, 2),
                "params": config.to_dict(),
            }
        )
        logger.info("  cv %.4f ± %.4f  %s", results[-1]["macro_f1"], results[-1]["macro_f1_std"], config.describe())
    return results


def fit_model(train: pd.DataFrame, config: TrainingConfig, seed: int, encoder: Any = None) -> KotterClassifier:
    """Fit the label head (temperature-calibrated on folds grouped by document) and, when functions are
    labelled, a function head per label."""
    return config.estimator(random_state=seed, encoder=encoder).fit(
        train["text"],
        train["label"],
        functions=train["function"].where(train["function"].notna(), None) if "function" in train.columns else None,
        groups=groups_of(train),
        calibration_weight=calibration_weights(train),
    )


def fit_kind_offsets(model: KotterClassifier, train: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per unit kind, the log-odds shift of each label that best fits held-out document units.

    Uses the label head's out-of-fold scores (whole documents held out), scaled by its temperature; kinds with
    fewer than :data:`MIN_UNITS_PER_KIND_OFFSET` document units get no shift.
    """
    if "kind" not in train.columns:
        return {}
    head = model.label_head_
    classes = list(head.classes_)
    scaled = head.out_of_fold_scores_ / head.temperature_
    y_index = np.searchsorted(head.classes_, train["label"].to_numpy())
    kinds = train["kind"].fillna("").to_numpy()
    offsets = {}
    for kind in sorted(set(kinds) - {""}):
        rows = kinds == kind
        if rows.sum() >= MIN_UNITS_PER_KIND_OFFSET:
            values = fit_offsets(scaled[rows], y_index[rows])
            offsets[str(kind)] = {label: round(float(values[classes.index(label)]), 6) for label in LABELS}
    return offsets


def check_enough_rows(train: pd.DataFrame, data_path: str | Path, folds: int = 5) -> None:
    """Raise :class:`CorpusError` before any fitting when a label has fewer train rows (or documents) than the
    cross-validation and calibration folds need."""
    groups = groups_of(train)
    short = []
    for label in LABELS:
        rows = (train["label"] == label).to_numpy()
        if 0 < len(set(groups[rows])) < folds:
            short.append(f"{label} ({int(rows.sum())} rows in {len(set(groups[rows]))} groups)")
    if short:
        raise CorpusError(
            f"{data_path}: the train split has too few examples of {', '.join(short)}; cross-validation and "
            f"calibration use {folds} folds, so each label needs at least {folds} train rows from {folds} different "
            "documents or single units. Add rows, or move some from the test split"
        )


def check_writable(out: Path) -> None:
    """Raise :class:`ArgumentError` before any fitting when the model files could not be written to ``out``."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".lmclassify-write-check-"):
            pass
    except OSError as error:
        raise ArgumentError(
            f"{out}: the model files cannot be written there ({error.strerror or error}); choose another output "
            "folder. Nothing was trained"
        ) from None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("lmclassify")
    except PackageNotFoundError:
        package_version = "unknown"
    return {
        "package_version": package_version,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
    }


def train(
    data: str | Path | None = None,
    out: str | Path = "models",
    seed: int = 0,
    name: str | None = None,
    search: bool = True,
    jobs: int = -1,
    documents: str | Path | bool | None = None,
    *,
    add: Sequence[str | Path] | None = None,
    replace: bool = False,
    force: bool = False,
    min_macro_f1: float = MIN_MACRO_F1,
    embeddings: bool = False,
    encoder: str | Path | None = None,
) -> dict[str, Any]:
    """Train, evaluate, compile and write a model; return its metadata. Raises :class:`CorpusError` on bad data.

    ``documents``: whole documents to train and test with as well (``None``: the bundled ones when ``data`` is
    the bundled corpus; ``False``: none; a path: a folder of the same layout). ``add``: your own labelled CSV
    files, added to ``data`` (:mod:`lmclassify.training.additions`; only ``text,label`` are needed) or, with
    ``replace``, trained on alone (no bundled corpus, no documents); ``metadata["user_rows"]`` then holds the
    figures on those rows without and with them (:mod:`lmclassify.training.additions_report`). Nothing is
    written when the chosen configuration's cross-validated macro-F1 is below ``min_macro_f1`` (a
    :class:`CorpusError` says so), unless ``force``. ``embeddings``: train the accurate tier, TF-IDF plus the
    sentence embeddings of ``encoder`` (an encoder file from ``tools/export_encoder.py``, or a model that holds
    one; default: the bundled accurate model's encoder). ``name``: the file stem (default: ``default``, or
    ``accurate`` with ``embeddings``).
    """
    floor = check_min_macro_f1(min_macro_f1)
    if name is None:
        name = ACCURATE_MODEL_NAME if embeddings else DEFAULT_MODEL_NAME
    sentence_encoder = load_training_encoder(encoder) if embeddings else None
    frame, data_path, added = training_data(data, list(add or []), replace, documents, seed)
    names = [] if data_path is None else [data_path.name]
    where = " + ".join(names + [file["path"] for file in (added or {}).get("files", [])])
    documents_used = None if replace else document_set(data, documents)
    train_singles, test_rows = split_train_test(frame, seed)
    if train_singles.empty or test_rows.empty:
        raise CorpusError(f"{where}: the split column leaves no train or no test rows")
    train_documents = documents_used.split("train") if documents_used is not None else None
    test_documents = documents_used.split("test") if documents_used is not None else None
    train_rows = with_documents(train_singles, train_documents)
    check_enough_rows(train_rows, where)
    out = Path(out)
    check_writable(out)
    logger.info("data: %s (%d rows: %d train, %d test)", where, len(frame), len(train_singles), len(test_rows))
    if documents_used is not None and train_documents is not None and test_documents is not None:
        logger.info(
            "documents: %d (%d train, %d test), %d units",
            len(documents_used),
            len(train_documents),
            len(test_documents),
            len(documents_used.units),
        )
    base = ACCURATE_CONFIG if embeddings else DEFAULT_CONFIG
    configs = candidate_configs(base.features) if search else [base]
    if sentence_encoder is not None:
        extra = [] if documents_used is None else documents_used.units["text"].tolist()
        encode_once(sentence_encoder, [*frame["text"], *extra])
    logger.info(
        "%s by 5-fold cross-validation on the train split:",
        "choosing hyperparameters" if search else f"scoring the configuration {base.describe()}",
    )
    predictions: dict[str, np.ndarray] = {}
    cv_results = cross_validate(train_rows, configs, seed, jobs=jobs, predictions=predictions, encoder=sentence_encoder)
    best = max(cv_results, key=lambda row: row["macro_f1"])
    config = next(c for c in configs if c.describe() == best["config"])
    forced = check_floor(best["macro_f1"], floor, force)
    started = time.perf_counter()
    model = fit_model(train_rows, config, seed, sentence_encoder)
    kind_offsets = fit_kind_offsets(model, train_rows)
    fit_seconds = time.perf_counter() - started
    if added is not None:
        estimator = config.estimator(calibration_folds=0, random_state=seed, encoder=sentence_encoder)
        report = user_rows_report(
            estimator, train_rows, test_rows, predictions[config.describe()], model, best["macro_f1"]
        )
        log_report(report, [file["path"] for file in added["files"]])
        added.update({key: report[key] for key in ("without", "with", "cv_macro_f1")})
    metadata = {
        **_versions(),
        "name": name,
        "tier": "accurate" if embeddings else "default",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "corpus": {
            "path": None if data_path is None else data_path.name,
            "sha256": None if data_path is None else sha256_of(data_path),
            "rows": len(frame),
            "train_rows": len(train_singles),
            "test_rows": len(test_rows),
        },
        "user_rows": added,
        "documents": None
        if documents_used is None or train_documents is None or test_documents is None
        else {
            "documents": len(documents_used),
            "units": len(documents_used.units),
            "train_documents": len(train_documents),
            "test_documents": len(test_documents),
            "train_units": len(train_documents.units),
            "test_units": len(test_documents.units),
        },
        "kind_offsets": kind_offsets,
        "hyperparameters": config.to_dict(),
        "temperature": float(model.label_head_.temperature_),
        "fit_seconds": round(fit_seconds, 2),
        "cross_validation": {"folds": 5, "scoring": "macro_f1", "searched": search, "results": cv_results},
        "quality_floor": {"min_macro_f1": floor, "cv_macro_f1": round(best["macro_f1"], 4), "forced": forced},
    }
    all_texts = frame["text"].tolist() + ([] if documents_used is None else documents_used.units["text"].tolist())
    arrays, compiled_metadata = model.export(metadata=metadata, check_texts=all_texts)
    compiled = CompiledClassifier(arrays, compiled_metadata)
    metrics = {"test": evaluate(compiled, test_rows), "train": evaluate(compiled, train_singles)}
    if test_documents is not None and len(test_documents):
        metrics["test_documents"] = evaluate_documents(compiled, test_documents)
    compiled_metadata["metrics"] = metrics
    model_bytes = model_file_bytes(arrays, compiled_metadata)
    reference = model.reference()
    sidecar = {
        **json.loads(model_metadata_json(compiled_metadata)),
        "file_sha256": hashlib.sha256(model_bytes).hexdigest(),
    }
    sidecar_bytes = (json.dumps(sidecar, indent=2, sort_keys=True) + "\n").encode("utf-8")
    replace_together(
        out,
        name,
        {
            ".npz": lambda handle: handle.write(model_bytes),
            ".joblib": lambda handle: joblib.dump(reference, handle, compress=3),
            ".json": lambda handle: handle.write(sidecar_bytes),
        },
    )
    _log_summary(config, compiled_metadata, len(test_rows), out, name)
    return compiled_metadata


def _log_summary(config: TrainingConfig, metadata: dict[str, Any], test_rows: int, out: Path, name: str) -> None:
    metrics = metadata["metrics"]
    logger.info("chosen: %s (temperature %.3f)", config.describe(), metadata["temperature"])
    logger.info("%s", format_label_metrics(metrics["test"], title=f"test split ({test_rows} rows):"))
    if metrics["test"].get("function", {}).get("accuracy") is not None:
        logger.info("function accuracy on correctly labelled test rows: %.3f", metrics["test"]["function"]["accuracy"])
    for way in ("units", "end_to_end") if "test_documents" in metrics else ():
        row = metrics["test_documents"][way]
        logger.info("test documents, %s: macro-F1 %.3f, ECE %.3f", way.replace("_", " "), row["macro_f1"], row["ece"])
    logger.info("compiled model matches scikit-learn within %.2e", metadata["compiled_max_difference"])
    logger.info("wrote %s, %s, %s", out / f"{name}.npz", out / f"{name}.json", out / f"{name}.joblib")


__all__ = ["ACCURATE_CONFIG", "DEFAULT_CONFIG", "MIN_MACRO_F1", "TrainingConfig", "candidate_configs", "train"]
