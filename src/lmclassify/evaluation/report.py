"""Plain-text reports of evaluation figures (:func:`lmclassify.evaluation.evaluate.evaluate` and
:func:`~lmclassify.evaluation.evaluate.evaluate_documents`).

>>> from lmclassify import default_model
>>> from lmclassify.corpus.load import load_challenge_set
>>> from lmclassify.evaluation.evaluate import evaluate
>>> format_report(evaluate(default_model(), load_challenge_set().head(30)), "challenge:").splitlines()[0]
'challenge:'
"""

from __future__ import annotations

from typing import Any

from lmclassify.evaluation.metrics import format_label_metrics


def _name_width(groups: dict[str, Any]) -> int:
    """The width of a column of group names: the longest name, and at least 22 so that short tables look as
    they always have.

    >>> _name_width({"email": {}, "a very long name of a group, longer than most": {}})
    45
    """
    return max([22, *(len(str(name)) for name in groups)])


def format_document_report(result: dict[str, Any], title: str) -> str:
    """Plain-text report of :func:`evaluate_documents`."""
    units = result["units"]["n"]
    lines = [
        format_label_metrics(result["units"], title=f"{title}{units} units, each classified on its own):"),
        format_label_metrics(result["end_to_end"], title="the same units, end to end through analyze():"),
        f"units the splitter found exactly: {result['segmentation']['exact_span']:.3f}"
        f" (with the same kind: {result['segmentation']['exact_span_and_kind']:.3f})",
        "end-to-end macro-F1 by genre:",
    ]
    width = _name_width(result["by_genre"])
    for genre, row in result["by_genre"].items():
        lines.append(f"  {genre:<{width}}  {row['macro_f1']:.3f}  (n={row['units']})")
    return "\n".join(lines)


def format_report(result: dict[str, Any], title: str) -> str:
    """Plain-text report of :func:`evaluate`."""
    lines = [format_label_metrics(result, title=title)]
    if result.get("management_vs_leadership_accuracy") is not None:
        lines.append(f"management vs leadership accuracy: {result['management_vs_leadership_accuracy']:.3f}")
    if "function" in result and result["function"]["accuracy"] is not None:
        function = result["function"]
        per = ", ".join(f"{name} {row['accuracy']:.2f}" for name, row in function["per_function"].items())
        lines.append(f"Kotter function accuracy on correctly labelled rows: {function['accuracy']:.3f} ({per})")
    if "by" in result:
        lines.append(f"accuracy by {result['by']['column']}:")
        width = _name_width(result["by"]["groups"])
        for group, row in result["by"]["groups"].items():
            lines.append(f"  {group:<{width}}  {row['accuracy']:.3f}  (n={row['n']})")
    return "\n".join(lines)
