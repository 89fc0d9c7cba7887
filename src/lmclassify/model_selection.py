"""Compare model configurations by cross-validation on the train split and write the comparison table.

``python -m lmclassify.model_selection [--data CSV] [--out docs/model-selection.md] [--seed N]``

The data are the train split's single units plus the units of the train documents (``data/documents``); every
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
4. The artefact audit: the heaviest terms of each label in the fitted model, with function words (``what``,
   ``not``, ``you``...) flagged, and what the model says about bare function words and scaffolding.

The test split and the test documents are never touched. The chosen configuration is the training default
(:data:`train.DEFAULT_CONFIG`).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from lmclassify.calibration import TemperatureScaledClassifier, softmax
from lmclassify.corpus import load_documents, read_labelled_csv
from lmclassify.errors import CorpusError
from lmclassify.features import FeatureConfig, build_features
from lmclassify.labels import LABELS
from lmclassify.machine import cpu_model
from lmclassify.metrics import expected_calibration_error
from lmclassify.resources import default_corpus_path
from lmclassify.storage import write_json_atomically, write_text_atomically
from lmclassify.tables import markdown_table
from lmclassify.train import (
    CLASS_WEIGHTS,
    REGULARISATION,
    TrainingConfig,
    linear_model,
    split_train_test,
    with_documents,
)

FEATURE_SETS: dict[str, FeatureConfig] = {
    "word 1-2": FeatureConfig(word_ngrams=(1, 2), char_ngrams=None),
    "char 2-5": FeatureConfig(word_ngrams=None, char_ngrams=(2, 5)),
    "word 1-2 + char 2-5": FeatureConfig(word_ngrams=(1, 2), char_ngrams=(2, 5)),
    "word 1-2 + char 2-5 + lexicon 0.5": FeatureConfig(word_ngrams=(1, 2), char_ngrams=(2, 5), lexicon_weight=0.5),
}
CALIBRATORS = ("none", "temperature", "sigmoid", "isotonic")


@dataclass
class _Fold:
    train_index: np.ndarray
    test_index: np.ndarray
    train_matrix: Any
    test_matrix: Any
    fit_seconds: float
    transform_seconds: float


def _folds(texts: pd.Series, labels: np.ndarray, config: FeatureConfig, splitter, groups) -> list[_Fold]:
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


def _fit_fold(config: TrainingConfig, fold: _Fold, labels: np.ndarray) -> tuple[float, np.ndarray, float, float]:
    """(macro-F1, held-out probabilities, fit seconds, predict seconds) of one configuration on one fold."""
    started = time.perf_counter()
    model = linear_model(config).fit(fold.train_matrix, labels[fold.train_index])
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
    rows = []
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
            print(f"  {rows[-1]['macro_f1']:.4f}  {config.describe()}", flush=True)
    return rows


def _calibrated(method: str, config: TrainingConfig, seed: int):
    base = linear_model(config)
    if method == "none":
        return base
    if method == "temperature":
        return TemperatureScaledClassifier(base, cv=5, random_state=seed)
    return CalibratedClassifierCV(base, method=method, cv=5)


def compare_calibration(train: pd.DataFrame, config: TrainingConfig, seed: int = 0, folds: int = 5) -> list[dict]:
    """Nested CV: each calibrator is fitted on outer-train folds and its ECE measured on the outer test fold."""
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = train["label"].to_numpy()
    prepared = _folds(train["text"], labels, config.features, splitter, train["group"])
    rows = []
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
        print(f"  calibration {method}: ECE {rows[-1]['ece']:.4f}", flush=True)
    return rows


def _held_out_row(train: pd.DataFrame, held_out: np.ndarray, config: TrainingConfig) -> dict[str, Any]:
    """Fit on ``~held_out`` rows, measure labels on the ``held_out`` rows (temperature scaling, which never changes
    a label, is left out to keep these many fits affordable)."""
    features = build_features(config.features).fit(train.loc[~held_out, "text"])
    model = linear_model(config).fit(features.transform(train.loc[~held_out, "text"]), train.loc[~held_out, "label"])
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


def _held_out_rows(train: pd.DataFrame, column: str, values: list[str], config: TrainingConfig) -> list[dict]:
    """:func:`_held_out_row` for each value of ``column`` held out in turn, two at a time."""
    from joblib import Parallel, delayed

    masks = [(train[column] == value).to_numpy() for value in values]
    rows = Parallel(n_jobs=min(2, os.cpu_count() or 1))(delayed(_held_out_row)(train, mask, config) for mask in masks)
    for value, row in zip(values, rows):
        print(f"  held out {column} {value}: macro-F1 {row['macro_f1']:.3f}", flush=True)
    return [{column: value, **row} for value, row in zip(values, rows)]


def leave_one_domain_out(train: pd.DataFrame, config: TrainingConfig, seed: int = 0) -> list[dict[str, Any]]:
    """Train on every domain but one (temperature-calibrated), test on the one left out.

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


#: Words whose weight says something about a corpus's style, not its meaning: the artefact audit flags them.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "not",
        "no",
        "nor",
        "never",
        "what",
        "why",
        "how",
        "who",
        "when",
        "where",
        "which",
        "whom",
        "whose",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "they",
        "them",
        "their",
        "he",
        "him",
        "his",
        "she",
        "her",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "than",
        "then",
        "there",
        "here",
        "all",
        "any",
        "each",
        "every",
        "some",
        "just",
        "only",
        "also",
        "very",
        "more",
        "most",
    ]
)
#: Inputs that must come out neither, or with low confidence: bare function words and document scaffolding.
ARTEFACT_PROBES = (
    "What",
    "Why",
    "Not",
    "You",
    "We",
    "Our",
    "How",
    "This",
    "What we offer:",
    "You will:",
    "Why it matters",
    "Our culture",
    "Our vision",
    "Find out more",
    "Apply now",
    "See also",
    "Key responsibilities",
    "Leadership and management",
)
AUDIT_TOP_TERMS = 15


def artefact_audit(train: pd.DataFrame, config: TrainingConfig, seed: int = 0) -> dict[str, Any]:
    """Fit ``config`` on ``train``; list each label's heaviest terms (function words flagged) and probe it with
    bare function words and scaffolding (:data:`ARTEFACT_PROBES`)."""
    features = build_features(config.features).fit(train["text"])
    model = TemperatureScaledClassifier(linear_model(config), cv=5, random_state=seed)
    model.fit(features.transform(train["text"]), train["label"], groups=train["group"].to_numpy())
    names = np.asarray([name.split("__", 1)[-1] for name in features.get_feature_names_out()])
    coefficients = model.estimator_.coef_
    top_terms = {}
    for index, label in enumerate(model.classes_):
        # a term's pull towards this label against the mean of the others
        pull = coefficients[index] - np.delete(coefficients, index, axis=0).mean(axis=0)
        order = np.argsort(-pull)[:AUDIT_TOP_TERMS]
        top_terms[str(label)] = [
            {"term": str(names[i]), "weight": float(pull[i]), "function_word": _is_function_term(str(names[i]))}
            for i in order
        ]
    function_word_columns = [i for i, name in enumerate(names) if name in FUNCTION_WORDS]
    spread = coefficients[:, function_word_columns].max(axis=0) - coefficients[:, function_word_columns].min(axis=0)
    heaviest = np.argsort(-spread)[:10]
    probabilities = softmax(model.decision_function(features.transform(list(ARTEFACT_PROBES))) / model.temperature_)
    probes = []
    for text, row in zip(ARTEFACT_PROBES, probabilities):
        best = int(row.argmax())
        probes.append({"text": text, "label": str(model.classes_[best]), "confidence": float(row[best])})
    return {
        "top_terms": top_terms,
        "function_words": [
            {"term": str(names[function_word_columns[i]]), "spread": float(spread[i])} for i in heaviest
        ],
        "probes": probes,
    }


def _is_function_term(term: str) -> bool:
    """A word n-gram made only of function words (character n-grams are judged by the word they come from)."""
    words = term.split()
    return bool(words) and all(word in FUNCTION_WORDS for word in words)


def _calibration_note(calibration: list[dict[str, Any]]) -> str:
    """Temperature scaling is what the compiled runtime applies; say how it compares with the best method."""
    by_method = {row["method"]: row for row in calibration}
    best = min(calibration, key=lambda row: row["ece"])
    note = f"temperature scaling (ECE {by_method['temperature']['ece']:.3f})"
    if best["method"] != "temperature":
        note += (
            f"; {best['method']} reached ECE {best['ece']:.3f}, but temperature scaling is one parameter that the "
            "compiled runtime applies exactly and never changes which label wins"
        )
    return note


def _machine() -> str:
    python = platform.python_version()
    return f"{cpu_model()}, {os.cpu_count()} cores, Python {python}, scikit-learn {sklearn.__version__}"


_CONFIG_FORMATS = {"C": "g", "ece_uncalibrated": ".3f", "fit_seconds": ".2f", "predict_per_second": ",.0f"}


def _markdown(report: dict[str, Any]) -> str:
    configs = pd.DataFrame(report["configurations"]).drop(columns=["params"])
    configs = configs.sort_values("macro_f1", ascending=False)
    calibration = pd.DataFrame(report["calibration"])
    lodo = pd.DataFrame(report["leave_one_domain_out"])
    lines = [
        "# Model selection",
        "",
        f"Written by `{report['command']}` on {report['created']} ({report['machine']}).",
        f"Data: `{report['data']}` (sha256 `{report['data_sha256'][:12]}…`), train split only: "
        f"{report['train_rows']} single units, plus {report['train_document_units']} units of "
        f"{report['train_documents']} train documents; the test split, the test documents and the challenge set "
        "were not used. Every cross-validation keeps the units of one document in one fold.",
        "",
        f"**Chosen configuration: {report['chosen']}**, calibrated by {report['chosen_calibration']}. "
        "It is the training default (`lmclassify.train.DEFAULT_CONFIG`).",
        "",
        "## Feature sets x regularisation x class weighting (5-fold CV)",
        "",
        "macro-F1 is the mean over folds (± standard deviation); ECE is the expected calibration error (10 bins) "
        "of the uncalibrated out-of-fold probabilities; fit seconds per fold include fitting the features; "
        "predict speed is scikit-learn's (transform + predict_proba) on a held-out fold, in sentences per second. "
        "Times are wall-clock on the machine named above and vary with its load: compare them within this table.",
        "",
        markdown_table(configs, floatfmt=_CONFIG_FORMATS),
        "",
        "## Probability calibration of the chosen configuration (nested 5-fold CV)",
        "",
        markdown_table(calibration, floatfmt={"seconds": ".1f"}),
        "",
        "## Leave-one-domain-out cross-validation of the chosen configuration",
        "",
        "Each row: trained on the train split of every other domain, tested on this domain's train-split sentences "
        "(`general`, which holds only neither sentences, always stays in training).",
        "",
        markdown_table(lodo, floatfmt=".3f"),
        "",
        f"Mean macro-F1 {lodo['macro_f1'].mean():.3f}; worst {lodo['macro_f1'].min():.3f} "
        f"({lodo.loc[lodo['macro_f1'].idxmin(), 'domain']}); mean management-vs-leadership accuracy "
        f"{lodo['management_vs_leadership_accuracy'].mean():.3f}.",
        "",
    ]
    logo = pd.DataFrame(report["leave_one_genre_out"])
    if len(logo):
        lines += [
            "## Leave-one-genre-out cross-validation of the chosen configuration",
            "",
            "Each row: trained on the single units and the train documents of every other genre, tested on the "
            "units of this genre's train documents, one by one.",
            "",
            markdown_table(logo, floatfmt=".3f"),
            "",
            f"Mean macro-F1 {logo['macro_f1'].mean():.3f}; worst {logo['macro_f1'].min():.3f} "
            f"({logo.loc[logo['macro_f1'].idxmin(), 'genre']}).",
            "",
        ]
    lines += _audit_markdown(report["artefact_audit"])
    return "\n".join(lines)


def _audit_markdown(audit: dict[str, Any]) -> list[str]:
    """The artefact audit as Markdown: heaviest terms per label, function-word spreads and probes."""
    labels = list(audit["top_terms"])
    depth = max(len(terms) for terms in audit["top_terms"].values())
    table = pd.DataFrame(
        {
            label: [
                f"{row['term']!r} {row['weight']:+.2f}" + (" (function word)" if row["function_word"] else "")
                for row in audit["top_terms"][label]
            ]
            + [""] * (depth - len(audit["top_terms"][label]))
            for label in labels
        }
    )
    table.insert(0, "rank", range(1, depth + 1))
    flagged = sum(row["function_word"] for rows in audit["top_terms"].values() for row in rows)
    spreads = pd.DataFrame(audit["function_words"])
    probes = pd.DataFrame(audit["probes"])
    return [
        "## Artefact audit",
        "",
        "The heaviest terms of each label in the chosen configuration fitted on all of the training data "
        "(a term's coefficient for the label minus its mean for the other labels; word terms and character "
        "n-grams, where spaces mark word edges). Terms made only of function words are flagged: a style "
        f"artefact of the corpus would show up here. Flagged among the top {depth} of each label: {flagged}.",
        "",
        markdown_table(table),
        "",
        "Function words with the largest spread of coefficients between labels (word features only):",
        "",
        markdown_table(spreads, floatfmt=".3f"),
        "",
        "What the model says about bare function words and scaffolding (before the per-kind shift of document "
        "analysis):",
        "",
        markdown_table(probes, floatfmt=".3f"),
        "",
    ]


def run(
    data: str | Path | None, out: str | Path, seed: int = 0, documents_folder: str | Path | None = None
) -> dict[str, Any]:
    """Run the whole comparison and write ``out`` (markdown) and ``out`` with ``.json`` (all numbers)."""
    from lmclassify.storage import sha256_of

    data_path = Path(data) if data is not None else default_corpus_path()
    frame = read_labelled_csv(data_path)
    if "domain" not in frame.columns:
        raise CorpusError(f"{data_path}: leave-one-domain-out needs a domain column")
    singles, _ = split_train_test(frame, seed)
    documents = load_documents(documents_folder) if (data is None or documents_folder) else None
    train_documents = documents.split("train") if documents is not None else None
    train = with_documents(singles, train_documents)
    n_documents = 0 if train_documents is None else len(train_documents)
    print(
        f"comparing configurations on {len(singles)} train-split units of {data_path} and "
        f"{len(train) - len(singles)} units of {n_documents} train documents",
        flush=True,
    )
    configurations = compare_configurations(train, seed)
    best = max(configurations, key=lambda row: row["macro_f1"])
    chosen: TrainingConfig = best["config"]
    calibration = compare_calibration(train, chosen, seed)
    lodo = leave_one_domain_out(train, chosen, seed)
    logo = leave_one_genre_out(train, chosen, seed)
    audit = artefact_audit(train, chosen, seed)
    report = {
        "command": "python -m lmclassify.model_selection " + " ".join(sys.argv[1:]),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": _machine(),
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
        "chosen_calibration": _calibration_note(calibration),
        "leave_one_domain_out": lodo,
        "leave_one_genre_out": logo,
        "artefact_audit": audit,
    }
    out = Path(out)
    write_text_atomically(out, _markdown(report))
    write_json_atomically(out.with_suffix(".json"), report)
    print(f"chosen: {chosen.describe()}; wrote {out} and {out.with_suffix('.json')}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lmclassify.model_selection", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="labelled CSV with text,label,domain (default: the bundled corpus)")
    parser.add_argument("--out", default="docs/model-selection.md", help="markdown report (JSON written beside it)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--documents", help="folder of labelled whole documents (default: the bundled ones)")
    args = parser.parse_args(argv)
    try:
        run(args.data, args.out, args.seed, args.documents)
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
