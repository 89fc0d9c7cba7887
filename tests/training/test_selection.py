"""The model-selection command compares configurations, calibrators and held-out domains on the train split."""

from __future__ import annotations

import json

from conftest import REPO

from lmclassify.cli import select
from lmclassify.features.config import FeatureConfig
from lmclassify.training import selection as model_selection
from lmclassify.training.train import DEFAULT_CONFIG


def test_a_small_comparison_writes_markdown_and_json(tmp_path, monkeypatch, corpus):
    sample = corpus[corpus["domain"].isin(["health", "finance", "sport", "general"])]
    sample = sample.groupby(["label", "domain"], group_keys=False).head(25)
    data = tmp_path / "sample.csv"
    sample.to_csv(data, index=False)
    monkeypatch.setattr(
        model_selection,
        "FEATURE_SETS",
        {
            "word": FeatureConfig(word_ngrams=(1, 1), char_ngrams=None, min_df=1),
            "word + lexicon": FeatureConfig(word_ngrams=(1, 1), char_ngrams=None, min_df=1, lexicon_weight=1.0),
        },
    )
    monkeypatch.setattr(model_selection, "REGULARISATION", (1.0,))
    monkeypatch.setattr(model_selection, "CLASS_WEIGHTS", (None,))
    out = tmp_path / "selection.md"
    assert select.main(["--data", str(data), "--out", str(out)]) == 0
    report = json.loads(out.with_suffix(".json").read_text())
    assert len(report["configurations"]) == 2
    assert {row["method"] for row in report["calibration"]} == set(model_selection.CALIBRATORS)
    assert {row["domain"] for row in report["leave_one_domain_out"]} == {"health", "finance", "sport"}
    text = out.read_text()
    assert "Chosen configuration" in text and "Leave-one-domain-out" in text


def test_the_committed_report_chose_the_training_default():
    report = json.loads((REPO / "docs" / "model-selection.json").read_text())
    assert report["chosen"] == DEFAULT_CONFIG.describe()
    assert report["chosen_params"] == json.loads(json.dumps(DEFAULT_CONFIG.to_dict()))
