"""The accurate-tier report (the dict :func:`lmclassify.training.tier_comparison.run` returns) as Markdown.

>>> verdict_line({"challenge set": True, "leave one genre out (mean)": False})
'**The accurate tier does not beat the default on every comparison** (not on: leave one genre out (mean)).'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lmclassify.io.markdown import markdown_table

_SHIPPED_ROWS = (
    ("test documents, unit by unit", "test_documents_units"),
    ("test documents, end to end (analyze)", "test_documents_end_to_end"),
    ("test split (single units)", "test_split"),
    ("challenge set", "challenge"),
)


def verdict_line(verdict: dict[str, bool]) -> str:
    """One sentence: does the accurate tier beat the default everywhere it was compared?"""
    if all(verdict.values()):
        return "**The accurate tier beats the default on every comparison below**, so it ships."
    missed = ", ".join(name for name, won in verdict.items() if not won)
    return f"**The accurate tier does not beat the default on every comparison** (not on: {missed})."


def _held_out_table(rows: list[dict[str, Any]], column: str) -> list[str]:
    frame = pd.DataFrame(rows)
    frame["difference"] = frame["accurate"] - frame["default"]
    better = int((frame["difference"] > 0).sum())
    return [
        markdown_table(frame, floatfmt={"default": ".3f", "accurate": ".3f", "difference": "+.3f"}),
        "",
        f"Mean macro-F1: default {frame['default'].mean():.3f}, accurate {frame['accurate'].mean():.3f} "
        f"({frame['difference'].mean():+.3f}); the accurate tier is better for {better} of {len(frame)} held-out "
        f"{column}s; worst: default {frame['default'].min():.3f}, accurate {frame['accurate'].min():.3f}.",
        "",
    ]


def report_markdown(report: dict[str, Any]) -> str:
    """The whole report: the embedding weight, the held-out comparisons and the shipped models."""
    encoder = report["encoder"]
    provenance = encoder.get("provenance", {})
    weights = pd.DataFrame(report["weights"])
    shipped = report["shipped"]
    rows = []
    for title, key in _SHIPPED_ROWS:
        for name in ("default", "accurate"):
            figures = shipped[name][key]
            rows.append(
                {
                    "measured on": title,
                    "model": name,
                    "macro_f1": figures["macro_f1"],
                    "accuracy": figures["accuracy"],
                    "ece": figures["ece"],
                }
            )
    by_document = shipped["by_document"]
    lines = [
        "# Model selection: the accurate tier",
        "",
        f"Written by `{report['command']}` on {report['created']} ({report['machine']}). Corpus sha256 "
        f"`{report['data_sha256'][:12]}…`; {report['train_rows']} train rows (train-split single units and train "
        "documents' units). Cross-validation folds keep the units of one document together.",
        "",
        "The accurate tier adds one block to the default model's TF-IDF blocks: the sentence embedding of "
        f"`{encoder.get('name')}` ({encoder.get('dimension')} dimensions, mean pooling, unit length), from "
        f"`{provenance.get('package')}` {provenance.get('version')} (weights `{provenance.get('weights')}`, "
        f"{provenance.get('licence')}), weighted against the TF-IDF blocks and fed to the same linear heads.",
        "",
        verdict_line(report["verdict"]),
        "",
        "## Embedding weight (5-fold CV on the train split)",
        "",
        "Weight 0 is the default model. Labels only (temperature scaling never changes a label).",
        "",
        markdown_table(weights, floatfmt={"embedding_weight": "g", "macro_f1": ".4f", "std": ".4f"}),
        "",
        f"Best: weight {report['best_weight']['embedding_weight']:g} "
        f"(macro-F1 {report['best_weight']['macro_f1']:.4f}); "
        f"the accurate tier uses weight {report['chosen_weight']:g} "
        "(`lmclassify.training.train.ACCURATE_CONFIG`).",
        "",
        "## Leave one genre out",
        "",
        "Trained on the single units and every other genre's train documents; tested on this genre's train "
        "documents' units.",
        "",
        *_held_out_table(report["leave_one_genre_out"], "genre"),
        "## Leave one domain out",
        "",
        "Trained on every other domain's train rows; tested on this domain's (`general`, only neither units, always "
        "stays in training).",
        "",
        *_held_out_table(report["leave_one_domain_out"], "domain"),
        "## The shipped models on data neither was chosen on",
        "",
        "The bundled `default` and `accurate` models as they ship (calibrated, with their per-kind offsets), on the "
        "test documents, the test split and the challenge set. ECE: expected calibration error, 10 bins.",
        "",
        markdown_table(pd.DataFrame(rows), floatfmt={"macro_f1": ".4f", "accuracy": ".4f", "ece": ".4f"}),
        "",
        f"By document ({by_document['documents']} test documents): the accurate model gets a larger share of units "
        f"right in {by_document['better']}, a smaller share in {by_document['worse']}, the same in "
        f"{by_document['tied']}. Resampling the documents ({by_document['samples']:,} bootstrap samples), "
        "its unit macro-F1 "
        f"minus the default's is {by_document['difference_median']:+.4f} (95% interval "
        f"{by_document['difference_low']:+.4f} to {by_document['difference_high']:+.4f}).",
        "",
        "## Verdict",
        "",
        *[f"- {name}: {'better' if won else 'not better'}" for name, won in report["verdict"].items()],
        "",
    ]
    return "\n".join(lines)
