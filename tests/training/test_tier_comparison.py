"""The accurate tier's selection report: its verdict logic, its Markdown, and the committed report's claims."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from conftest import REPO

from lmclassify.corpus.load import DocumentSet
from lmclassify.training.tier_comparison import BOOTSTRAP_SAMPLES, by_document, verdict
from lmclassify.training.tier_report import report_markdown, verdict_line
from lmclassify.training.train import ACCURATE_CONFIG

REPORT = REPO / "docs" / "model-selection-accurate.json"


class _Fixed:
    """Stands in for a model: predicts given labels."""

    def __init__(self, labels):
        self.labels = labels

    def predict(self, texts):
        return np.asarray(self.labels[: len(texts)], dtype=object)


def _shipped(default: float, accurate: float) -> dict:
    figures = {"macro_f1": 0.0, "accuracy": 0.0, "ece": 0.0}
    keys = ("test_documents_units", "test_documents_end_to_end", "test_split", "challenge")
    return {
        "default": {key: {**figures, "macro_f1": default} for key in keys},
        "accurate": {key: {**figures, "macro_f1": accurate} for key in keys},
        "by_document": {
            **{"documents": 4, "better": 3, "worse": 1, "tied": 0, "samples": 10},
            **{"difference_median": 0.01, "difference_low": -0.01, "difference_high": 0.03},
        },
    }


def test_the_verdict_needs_every_comparison_won():
    held_out = [{"default": 0.8, "accurate": 0.85}]
    report = {"shipped": _shipped(0.8, 0.9), "leave_one_genre_out": held_out, "leave_one_domain_out": held_out}
    assert all(verdict(report).values())
    report["leave_one_domain_out"] = [{"default": 0.8, "accurate": 0.79}]
    won = verdict(report)
    assert not won["leave one domain out (mean)"] and sum(won.values()) == len(won) - 1
    assert "not on: leave one domain out (mean)" in verdict_line(won)


def test_by_document_counts_documents_and_bootstraps_over_them():
    units = pd.DataFrame(
        {"doc_id": ["a", "a", "b", "b", "c", "c"], "label": ["management", "leadership", "neither"] * 2}
    )
    units["text"] = [f"unit {i}" for i in range(6)]
    documents = DocumentSet(pd.DataFrame(index=["a", "b", "c"]), units, {})
    truth = units["label"].tolist()
    worse_on_a = ["neither", *truth[1:]]
    result = by_document(_Fixed(truth), _Fixed(worse_on_a), documents)
    assert (result["better"], result["worse"], result["tied"]) == (0, 1, 2)
    assert result["samples"] == BOOTSTRAP_SAMPLES and result["difference_high"] <= 0


def test_the_markdown_report_shows_every_section():
    held_out = [{"genre": "news", "n": 10, "default": 0.8, "accurate": 0.85}]
    report = {
        "command": "lmclassify select --accurate",
        "created": "2026-12-03",
        "machine": "test machine",
        "data_sha256": "0" * 64,
        "train_rows": 100,
        "weights": [{"encoder": "x", "embedding_weight": 0.0, "macro_f1": 0.8, "std": 0.01}],
        "best_weight": {"embedding_weight": 0.5, "macro_f1": 0.9},
        "chosen_weight": 0.5,
        "encoder": {"name": "tiny", "dimension": 2, "provenance": {"package": "p", "licence": "Apache-2.0"}},
        "leave_one_genre_out": held_out,
        "leave_one_domain_out": [{"domain": "tech", "n": 10, "default": 0.8, "accurate": 0.85}],
        "shipped": _shipped(0.8, 0.9),
    }
    report["verdict"] = verdict(report)
    text = report_markdown(report)
    for heading in ("## Embedding weight", "## Leave one genre out", "## Leave one domain out", "## Verdict"):
        assert heading in text
    assert "so it ships" in text and "better for 1 of 1 held-out genres" in text


def test_the_committed_report_backs_the_shipped_accurate_model():
    report = json.loads(REPORT.read_text())
    assert all(report["verdict"].values()), report["verdict"]
    assert report["chosen_weight"] == ACCURATE_CONFIG.features.embedding_weight
    assert report["best_weight"]["embedding_weight"] == ACCURATE_CONFIG.features.embedding_weight
    bundled = json.loads((REPO / "models" / "accurate.json").read_text())
    assert bundled["hyperparameters"]["features"] == json.loads(json.dumps(ACCURATE_CONFIG.features.to_dict()))
    assert bundled["embedding"]["graph_sha256"] == report["encoder"]["graph_sha256"]
