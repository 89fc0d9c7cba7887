"""python -m lmclassify.evaluation.evaluate measures any labelled CSV."""

from __future__ import annotations

import json

import pandas as pd

from lmclassify import default_model
from lmclassify.cli.evaluate import main
from lmclassify.evaluation.evaluate import evaluate


def test_evaluate_reports_label_function_and_group_figures(corpus):
    frame = corpus[corpus["split"] == "test"].head(120)
    result = evaluate(default_model(), frame, by="domain")
    assert 0 <= result["macro_f1"] <= 1 and result["n"] == 120
    assert sum(map(sum, result["confusion_matrix"])) == 120
    assert result["function"]["n"] <= 120
    assert sum(group["n"] for group in result["by"]["groups"].values()) == 120


def test_a_users_csv_with_only_text_and_label(tmp_path, capsys):
    path = tmp_path / "mine.csv"
    pd.DataFrame(
        {
            "text": [
                "Approve the overtime budget for March.",
                "Give people a reason to believe in the change.",
                "The canal was built in 1790.",
            ],
            "label": ["management", "leadership", "neither"],
        }
    ).to_csv(path, index=False)
    out = tmp_path / "figures.json"
    assert main(["--data", str(path), "--json", str(out)]) == 0
    report = capsys.readouterr().out
    assert "macro-F1" in report and "confusion matrix" in report
    figures = json.loads(out.read_text())["mine.csv"]
    assert figures["n"] == 3 and "function" not in figures


def test_default_run_covers_test_split_and_challenge_set(capsys):
    assert main([]) == 0
    report = capsys.readouterr().out
    assert "corpus test split" in report and "challenge set" in report and "accuracy by challenge_type" in report


def test_bad_input_is_reported_without_traceback(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("words,category\nx,y\n")
    assert main(["--data", str(path)]) == 2
    assert "missing column(s) text, label" in capsys.readouterr().err


def test_documents_are_measured_unit_by_unit_and_end_to_end(small_documents_dir):
    from lmclassify import default_model
    from lmclassify.corpus.load import load_documents
    from lmclassify.evaluation.evaluate import evaluate_documents
    from lmclassify.evaluation.report import format_document_report

    documents = load_documents(small_documents_dir)
    result = evaluate_documents(default_model(), documents)
    assert result["documents"] == len(documents)
    assert result["units"]["n"] == result["end_to_end"]["n"] == len(documents.units)
    assert set(result["by_genre"]) == set(documents.documents["genre"])
    assert 0.5 < result["segmentation"]["exact_span_and_kind"] <= result["segmentation"]["exact_span"] <= 1
    text = format_document_report(result, "test documents (")
    assert "end to end through analyze()" in text and "by genre" in text
