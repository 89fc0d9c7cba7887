"""Train a model on a labelled CSV: ``python -m lmclassify.train [--data CSV] [--documents DIR] [--out DIR]``.

1. Read and validate the data (every problem is reported at once, in plain words, with its rows): the single
   units of the CSV and, by default with the bundled corpus, the units of its whole documents
   (``data/documents``; ``--no-documents`` leaves them out).
2. Choose hyperparameters by cross-validation on the train split only (macro-F1). Folds are grouped: all the
   units of one document fall in the same fold.
3. Fit the chosen configuration on the train split, calibrate it on held-out documents (the temperature, and a
   log-odds shift per unit kind for document analysis), and measure it on the test split and on the test
   documents, unit by unit and end to end through ``analyze()``.
4. Compile it to plain arrays, prove the compiled model matches scikit-learn (1e-9), then write
   ``<name>.npz`` (the model), ``<name>.json`` (metadata and metrics) and ``<name>.joblib`` (the scikit-learn
   reference, for research) to ``--out``. Each file is replaced atomically, and only after everything above
   succeeded: a failed or killed run leaves the previous model as it was.

Without a ``split`` column, a stratified 80/20 split is drawn with ``--seed``. Without a ``function`` column the
model predicts labels only.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline

from lmclassify.calibration import TemperatureScaledClassifier, fit_offsets
from lmclassify.compile import compile_reference, max_difference, save_compiled
from lmclassify.corpus import DocumentSet, load_documents, read_labelled_csv
from lmclassify.errors import CorpusError
from lmclassify.evaluate import evaluate, evaluate_documents
from lmclassify.features import FeatureConfig, build_features
from lmclassify.labels import FUNCTIONS, LABELS
from lmclassify.metrics import format_label_metrics
from lmclassify.resources import DEFAULT_MODEL_NAME, default_corpus_path
from lmclassify.runtime import Classifier
from lmclassify.storage import sha256_of, write_atomically, write_json_atomically

EQUIVALENCE_TOLERANCE = 1e-9
MAX_ITER = 5000


@dataclass(frozen=True)
class TrainingConfig:
    """Hyperparameters of one candidate model."""

    features: FeatureConfig = field(default_factory=FeatureConfig)
    C: float = 10.0
    class_weight: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        blocks = []
        if self.features.word_ngrams:
            blocks.append("word{}-{}".format(*self.features.word_ngrams))
        if self.features.char_ngrams:
            blocks.append("char{}-{}".format(*self.features.char_ngrams))
        if self.features.lexicon_weight:
            blocks.append(f"lexicon{self.features.lexicon_weight:g}")
        return f"{'+'.join(blocks)} C={self.C:g} class_weight={self.class_weight}"


#: The configuration model selection chose (``docs/model-selection.md``), used when the search is skipped
#: (``--no-search``); the search varies its regularisation and class weighting.
DEFAULT_CONFIG = TrainingConfig(features=FeatureConfig(lexicon_weight=0.5))


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


def linear_model(config: TrainingConfig) -> LogisticRegression:
    """The (unfitted) linear classifier of a configuration."""
    return LogisticRegression(C=config.C, class_weight=config.class_weight, max_iter=MAX_ITER)


def label_pipeline(config: TrainingConfig) -> Pipeline:
    """An unfitted pipeline for the label (no calibration: used for cross-validated model choice)."""
    return Pipeline([("features", build_features(config.features)), ("classifier", linear_model(config))])


def split_train_test(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Use the ``split`` column when present, else draw a stratified 80/20 split."""
    if "split" in frame.columns:
        return frame[frame["split"] == "train"], frame[frame["split"] == "test"]
    train, test = train_test_split(frame, test_size=0.2, stratify=frame["label"], random_state=seed)
    return train, test


#: Unit kinds that get their own log-odds shift when at least this many training units have the kind.
MIN_UNITS_PER_KIND_OFFSET = 30


def with_documents(units: pd.DataFrame, documents: DocumentSet | None) -> pd.DataFrame:
    """Single units plus the units of whole documents, as one frame with a ``group`` column (the document id
    for document units, a group of its own for each single unit) and a ``kind`` (``""`` for single units).

    >>> frame = pd.DataFrame({"text": ["Plan it.", "Lead it."], "label": ["management", "leadership"]})
    >>> with_documents(frame, None)[["group", "kind"]].values.tolist()
    [['unit:0', ''], ['unit:1', '']]
    """
    singles = units.copy()
    singles["group"] = [f"unit:{index}" for index in range(len(singles))]
    singles["kind"] = ""
    if documents is None or documents.units.empty:
        return singles.reset_index(drop=True)
    columns = [c for c in ("text", "label", "function", "domain") if c in singles.columns]
    document_units = documents.units[[*columns, "doc_id", "kind", "genre"]].copy()
    document_units["group"] = document_units["doc_id"]
    document_units = document_units.drop(columns="doc_id")
    return pd.concat([singles, document_units], ignore_index=True, sort=False)


def calibration_weights(frame: pd.DataFrame) -> np.ndarray | None:
    """Weights for fitting the temperature: single units and document units count half each, so that the
    probabilities are calibrated on held-out documents as much as on isolated sentences.

    >>> calibration_weights(pd.DataFrame({"kind": ["", "", "", "heading"]})).round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    if "kind" not in frame.columns:
        return None
    in_documents = (frame["kind"].fillna("") != "").to_numpy()
    if in_documents.all() or not in_documents.any():
        return None
    share = np.where(in_documents, 0.5 / in_documents.sum(), 0.5 / (~in_documents).sum())
    return share * len(frame)


def _groups(frame: pd.DataFrame) -> np.ndarray:
    if "group" in frame.columns:
        return frame["group"].to_numpy()
    return np.arange(len(frame))


def cross_validate(
    train: pd.DataFrame, configs: list[TrainingConfig], seed: int, folds: int = 5, jobs: int = -1
) -> list[dict[str, Any]]:
    """Mean and spread of macro-F1 over stratified folds of the train split, for each config; rows that share
    a ``group`` (the units of one document) stay in one fold."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    results = []
    for config in configs:
        started = time.perf_counter()
        scores = cross_val_score(
            label_pipeline(config),
            train["text"],
            train["label"],
            groups=_groups(train),
            cv=splitter,
            scoring="f1_macro",
            n_jobs=jobs,
        )
        results.append(
            {
                "config": config.describe(),
                "macro_f1": float(scores.mean()),
                "macro_f1_std": float(scores.std()),
                "seconds": round(time.perf_counter() - started, 2),
                "params": config.to_dict(),
            }
        )
        print(f"  cv {results[-1]['macro_f1']:.4f} ± {results[-1]['macro_f1_std']:.4f}  {config.describe()}")
    return results


def fit_reference(train: pd.DataFrame, config: TrainingConfig, seed: int) -> dict[str, Pipeline]:
    """Fit the label head (temperature-calibrated) and, when functions are labelled, a function head per label."""
    features = build_features(config.features).fit(train["text"])
    matrix = features.transform(train["text"])
    label_head = TemperatureScaledClassifier(linear_model(config), cv=5, random_state=seed)
    label_head.fit(matrix, train["label"], groups=_groups(train), calibration_weight=calibration_weights(train))
    reference = {"label": Pipeline([("features", features), ("classifier", label_head)])}
    if "function" in train.columns:
        for label in LABELS:
            rows = ((train["label"] == label) & train["function"].notna()).to_numpy()
            if FUNCTIONS[label] and train.loc[rows, "function"].nunique() > 1:
                head = linear_model(config).fit(matrix[rows], train.loc[rows, "function"])
                reference[f"function:{label}"] = Pipeline([("features", features), ("classifier", head)])
    return reference


def fit_kind_offsets(reference: dict[str, Pipeline], train: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per unit kind, the log-odds shift of each label that best fits held-out document units.

    Uses the label head's out-of-fold scores (whole documents held out), scaled by its temperature; kinds with
    fewer than :data:`MIN_UNITS_PER_KIND_OFFSET` document units get no shift.
    """
    if "kind" not in train.columns:
        return {}
    head = reference["label"][-1]
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


def _document_set(data: str | Path | None, documents: str | Path | bool | None) -> DocumentSet | None:
    """The whole documents to train with: ``None``/``True`` means the bundled ones when ``data`` is the bundled
    corpus (and none otherwise), ``False`` none, a path a folder of the same layout."""
    if documents is False or (documents in (None, True) and data is not None):
        return None
    return load_documents(None if documents in (None, True) else Path(documents))  # type: ignore[arg-type]


def train(
    data: str | Path | None = None,
    out: str | Path = "models",
    seed: int = 0,
    name: str = DEFAULT_MODEL_NAME,
    search: bool = True,
    jobs: int = -1,
    documents: str | Path | bool | None = None,
) -> dict[str, Any]:
    """Train, evaluate, compile and write a model; return its metadata. Raises :class:`CorpusError` on bad data.

    ``documents``: whole documents to train and test with as well (see :func:`_document_set`).
    """
    data_path = Path(data) if data is not None else default_corpus_path()
    frame = read_labelled_csv(data_path)
    document_set = _document_set(data, documents)
    train_singles, test_rows = split_train_test(frame, seed)
    if train_singles.empty or test_rows.empty:
        raise CorpusError(f"{data_path}: the split column leaves no train or no test rows")
    train_documents = document_set.split("train") if document_set is not None else None
    test_documents = document_set.split("test") if document_set is not None else None
    train_rows = with_documents(train_singles, train_documents)
    print(f"data: {data_path} ({len(frame)} rows: {len(train_singles)} train, {len(test_rows)} test)")
    if document_set is not None:
        print(
            f"documents: {len(document_set)} ({len(train_documents)} train, {len(test_documents)} test), "
            f"{len(document_set.units)} units"
        )
    cv_results: list[dict[str, Any]] = []
    config = DEFAULT_CONFIG
    if search:
        print("choosing hyperparameters by 5-fold cross-validation on the train split:")
        cv_results = cross_validate(train_rows, candidate_configs(), seed, jobs=jobs)
        best = max(cv_results, key=lambda row: row["macro_f1"])
        config = next(c for c in candidate_configs() if c.describe() == best["config"])
    started = time.perf_counter()
    reference = fit_reference(train_rows, config, seed)
    kind_offsets = fit_kind_offsets(reference, train_rows)
    fit_seconds = time.perf_counter() - started
    metadata = {
        **_versions(),
        "name": name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "corpus": {
            "path": data_path.name,
            "sha256": sha256_of(data_path),
            "rows": len(frame),
            "train_rows": len(train_singles),
            "test_rows": len(test_rows),
        },
        "documents": None
        if document_set is None
        else {
            "documents": len(document_set),
            "units": len(document_set.units),
            "train_documents": len(train_documents),
            "test_documents": len(test_documents),
            "train_units": len(train_documents.units),
            "test_units": len(test_documents.units),
        },
        "kind_offsets": kind_offsets,
        "hyperparameters": config.to_dict(),
        "temperature": float(reference["label"][-1].temperature_),
        "fit_seconds": round(fit_seconds, 2),
        "cross_validation": {"folds": 5, "scoring": "macro_f1", "results": cv_results},
    }
    arrays, compiled_metadata = compile_reference(reference, metadata)
    compiled = Classifier(arrays, compiled_metadata)
    all_texts = frame["text"].tolist() + ([] if document_set is None else document_set.units["text"].tolist())
    difference = max_difference(reference, compiled, all_texts)
    if difference > EQUIVALENCE_TOLERANCE:
        raise RuntimeError(f"compiled model differs from scikit-learn by {difference:.3g}; nothing was written")
    metrics = {"test": evaluate(compiled, test_rows), "train": evaluate(compiled, train_singles)}
    if test_documents is not None and len(test_documents):
        metrics["test_documents"] = evaluate_documents(compiled, test_documents)
    compiled_metadata.update(metrics=metrics, compiled_max_difference=difference)
    out = Path(out)
    model_path = save_compiled(out / f"{name}.npz", arrays, compiled_metadata)
    write_atomically(out / f"{name}.joblib", lambda handle: joblib.dump(reference, handle, compress=3))
    sidecar = {**compiled_metadata, "file_sha256": sha256_of(model_path)}
    write_json_atomically(out / f"{name}.json", sidecar, sort_keys=True)
    print(f"chosen: {config.describe()} (temperature {compiled_metadata['temperature']:.3f})")
    print(format_label_metrics(metrics["test"], title=f"test split ({len(test_rows)} rows):"))
    if "function" in metrics["test"]:
        print(f"function accuracy on correctly labelled test rows: {metrics['test']['function']['accuracy']:.3f}")
    if "test_documents" in metrics:
        for way in ("units", "end_to_end"):
            row = metrics["test_documents"][way]
            print(f"test documents, {way.replace('_', ' ')}: macro-F1 {row['macro_f1']:.3f}, ECE {row['ece']:.3f}")
    print(f"compiled model matches scikit-learn within {difference:.2e}")
    print(f"wrote {out / (name + '.npz')}, {out / (name + '.json')}, {out / (name + '.joblib')}")
    return compiled_metadata


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lmclassify.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="labelled CSV with text,label (default: the bundled corpus)")
    parser.add_argument("--out", default="models", help="folder for the model files (default: models)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for splits and folds (default: 0)")
    parser.add_argument("--name", default=DEFAULT_MODEL_NAME, help="model file name stem (default: default)")
    parser.add_argument("--no-search", action="store_true", help="skip the hyperparameter search; use the defaults")
    parser.add_argument("--jobs", type=int, default=-1, help="processes for cross-validation (default: all cores)")
    parser.add_argument(
        "--documents", help="folder of labelled whole documents (default: the bundled ones with the bundled corpus)"
    )
    parser.add_argument("--no-documents", action="store_true", help="train on the single units of --data only")
    args = parser.parse_args(argv)
    documents: str | bool | None = False if args.no_documents else args.documents
    try:
        train(
            args.data,
            args.out,
            args.seed,
            args.name,
            search=not args.no_search,
            jobs=args.jobs,
            documents=documents,
        )
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        print("nothing was written; the existing model is unchanged", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["DEFAULT_CONFIG", "TrainingConfig", "candidate_configs", "main", "train"]
