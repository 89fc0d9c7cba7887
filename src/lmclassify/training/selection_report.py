"""The model-selection report (the dict :func:`lmclassify.training.selection.run` returns) as Markdown.

>>> calibration_note([{"method": "temperature", "ece": 0.02}, {"method": "none", "ece": 0.05}])
'temperature scaling (ECE 0.020)'
"""

from __future__ import annotations

import os
import platform
from typing import Any

import pandas as pd
import sklearn

from lmclassify.evaluation.machine import cpu_model
from lmclassify.io.markdown import markdown_table

_CONFIG_FORMATS = {"C": "g", "ece_uncalibrated": ".3f", "fit_seconds": ".2f", "predict_per_second": ",.0f"}


def calibration_note(calibration: list[dict[str, Any]]) -> str:
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


def machine_description() -> str:
    """The CPU, core count, Python and scikit-learn versions the report's times were measured with."""
    python = platform.python_version()
    return f"{cpu_model()}, {os.cpu_count()} cores, Python {python}, scikit-learn {sklearn.__version__}"


def report_markdown(report: dict[str, Any]) -> str:
    """The whole report: data, chosen configuration, the comparison tables and the artefact audit."""
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
        "It is the training default (`lmclassify.training.train.DEFAULT_CONFIG`).",
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
    lines += audit_markdown(report["artefact_audit"])
    return "\n".join(lines)


def audit_markdown(audit: dict[str, Any]) -> list[str]:
    """The artefact audit (:func:`lmclassify.training.audit.artefact_audit`) as Markdown lines: heaviest terms
    per label, function-word spreads and probes."""
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
