"""A document report as HTML: every unit highlighted in its label's colour, with a legend.

>>> from lmclassify import analyze
>>> report = analyze("Plan the <b>budget</b>.")
>>> "&lt;b&gt;" in report_html(report.document, report.units, report.profile)
True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Highlight colour of each label.
COLOURS = {"management": "#cfe2ff", "leadership": "#ffd8a8", "neither": "#e9ecef"}


def report_html(document: str, units: pd.DataFrame, profile: pd.DataFrame) -> str:
    """``document`` as HTML with its ``units`` highlighted and a legend from its ``profile`` (the frames of a
    :class:`lmclassify.DocumentReport`); see :meth:`lmclassify.DocumentReport.to_html`."""
    legend = " ".join(
        f'<span style="background-color:{COLOURS.get(label, "#ffffff")};padding:0 0.4em;border-radius:3px">'
        f"{html.escape(label)}: {int(values['sentences'])} sentences, {values['word_share']:.0%} of words</span>"
        for label, values in profile.iterrows()
    )
    pieces = []
    position = 0
    for row in units.itertuples(index=False):
        pieces.append(html.escape(document[position : row.start]))
        tip = f"{row.kind}: {row.label} {row.confidence:.2f}" + (f" · {row.function}" if row.function else "")
        pieces.append(
            f'<span class="lmclassify-{html.escape(row.label)}" '
            f'style="background-color:{COLOURS.get(row.label, "#ffffff")}" '
            f'title="{html.escape(tip, quote=True)}">{html.escape(row.text)}</span>'
        )
        position = row.end
    pieces.append(html.escape(document[position:]))
    return (
        '<div class="lmclassify-report" style="font-family:sans-serif;line-height:1.7">'
        f'<div style="margin-bottom:0.6em">{legend}</div>'
        f'<div style="white-space:pre-wrap">{"".join(pieces)}</div></div>'
    )
