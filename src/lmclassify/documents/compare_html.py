"""A comparison as one standalone HTML page: label shares per document and per group, and the function mix.

The page uses the shared shell of :mod:`lmclassify.documents.page`; charts are inline SVG
(:mod:`lmclassify.documents.compare_svg`) with a table of their values below each, so nothing needs hovering,
scripts or files beside the page. Large comparisons stay readable: more than :data:`MAX_DOCUMENT_BARS` documents
are shown as box plots of their shares instead of one bar each, and charts and tables show at most
:data:`MAX_GROUP_ROWS` groups and :data:`MAX_TABLE_ROWS` rows, saying so when they leave some out. On a narrow
screen charts keep a readable size and scroll sideways, as wide tables do.

>>> import pathlib, tempfile
>>> from lmclassify import default_model
>>> from lmclassify.documents.compare import compare_documents
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Track spending against the budget. Inspire the team.", encoding="utf-8")
>>> page = comparison_html(compare_documents(default_model(), folder))
>>> page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 3 and "a.txt" in page
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from lmclassify.corpus.codebook import LABEL_DEFINITIONS, LABELS
from lmclassify.documents.compare_groups import GroupTotals
from lmclassify.documents.compare_profile import FUNCTION_NAMES
from lmclassify.documents.compare_svg import (
    BarRow,
    Spread,
    escape,
    function_bars,
    function_grid,
    percent,
    share_bars,
    spread_chart,
)
from lmclassify.documents.page import LABEL_COLOURS, html_page

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.documents.compare_inputs import Metadata

#: Up to this many documents get a bar each; more are shown as box plots of their shares.
MAX_DOCUMENT_BARS = 60
#: Charts of groups show at most this many groups (the largest).
MAX_GROUP_ROWS = 40
#: Tables list at most this many rows.
MAX_TABLE_ROWS = 500
#: Unreadable files and unmatched metadata listed at most.
MAX_LISTED = 200

CSS = """
main { max-width: 62rem; }
section { margin: 1.6rem 0; }
h2 { font-size: 1.2rem; margin: 0 0 0.4rem; }
figure { margin: 0.6rem 0; overflow-x: auto; }
figure svg { display: block; width: 100%; max-width: 720px; min-width: 600px; height: auto; }
.note { color: #404040; font-size: 0.9rem; }
.legend span { margin-right: 1.2rem; white-space: nowrap; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #404040; vertical-align: -0.1em;
          margin-right: 0.3em; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0 1rem; }
th, td { padding: 0.15rem 0.55rem; border-bottom: 1px solid #dcdcdc; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; }
th:first-child, td:first-child, td.text { text-align: left; }
"""

Cell = Callable[[dict[str, Any]], str]


class Comparison(Protocol):
    """What the page shows: the parts of a :class:`lmclassify.documents.compare_result.Comparison`."""

    @property
    def profiles(self) -> pd.DataFrame: ...
    @property
    def groups(self) -> pd.DataFrame | None: ...
    @property
    def group_by(self) -> str | None: ...
    @property
    def model(self) -> dict[str, str]: ...
    @property
    def created(self) -> str: ...
    @property
    def metadata(self) -> Metadata | None: ...


def _table(headers: Sequence[str], rows: Sequence[dict[str, Any]], cells: Sequence[Cell], what: str) -> str:
    shown = rows[:MAX_TABLE_ROWS]
    head = "".join(f"<th>{escape(name)}</th>" for name in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(row)}</td>" for cell in cells) + "</tr>" for row in shown)
    more = len(rows) - len(shown)
    note = f'<p class="note">The first {len(shown):,} of {len(rows):,} {what} are listed.</p>' if more > 0 else ""
    return f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{note}'


def _text(column: str) -> Cell:
    return lambda row: escape(row[column])


def _count(column: str) -> Cell:
    return lambda row: f"{int(row[column]):,}"


def _share(column: str) -> Cell:
    return lambda row: percent(float(row[column]), 1)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption class='note'>{escape(caption)}</figcaption></figure>"


def _legend() -> str:
    items = "".join(
        f'<span><span class="swatch" style="background:{LABEL_COLOURS[label]}"></span><strong>{label}</strong></span>'
        for label in LABELS
    )
    definitions = "".join(f"<li><strong>{label}</strong>: {escape(LABEL_DEFINITIONS[label])}</li>" for label in LABELS)
    return (
        f'<section><h2>Legend</h2><p class="legend">{items}</p><ul class="note">{definitions}</ul>'
        '<p class="note">Shares count the words of each document\'s content units (list items and sentences); '
        "headings and lead-ins are not counted. Every chart has its values in the table below it.</p></section>"
    )


def _overall(totals: pd.Series) -> str:
    counts = {label: int(totals[f"{label}_words"]) for label in LABELS}
    rows = [
        BarRow("by words", {label: float(totals[f"{label}_word_share"]) for label in LABELS}, counts),
        BarRow("by units", {label: float(totals[f"{label}_unit_share"]) for label in LABELS}),
    ]
    chart = share_bars("All documents: share of each label", rows, "label shares over all documents together")
    table_rows = [
        {
            "label": label,
            "units": int(totals[f"{label}_units"]),
            "unit_share": float(totals[f"{label}_unit_share"]),
            "words": int(totals[f"{label}_words"]),
            "word_share": float(totals[f"{label}_word_share"]),
        }
        for label in LABELS
    ]
    table = _table(
        ["label", "content units", "share", "words", "share"],
        table_rows,
        [_text("label"), _count("units"), _share("unit_share"), _count("words"), _share("word_share")],
        "labels",
    )
    caption = f"{int(totals['content_units']):,} content units with {int(totals['words']):,} words, pooled."
    return f"<section><h2>All documents together</h2>{_figure(chart, caption)}{table}</section>"


def _spread(values: pd.Series) -> Spread:
    low, q1, median, q3, high = (float(values.quantile(q)) for q in (0, 0.25, 0.5, 0.75, 1))
    return Spread(low, q1, median, q3, high, float(values.mean()))


def _documents(readable: pd.DataFrame) -> str:
    shares = [f"{label}_word_share" for label in LABELS]
    records = readable.to_dict("records")
    if len(readable) <= MAX_DOCUMENT_BARS:
        rows = [BarRow(row["file"], {label: row[f"{label}_word_share"] for label in LABELS}) for row in records]
        figure = _figure(share_bars("Share of words per document", rows), "One bar per document, in file order.")
    else:
        with_words = readable[readable["words"] > 0]
        spreads = {label: _spread(with_words[column]) for label, column in zip(LABELS, shares)}
        stats = [{"label": label, **vars(spread)} for label, spread in spreads.items()]
        chart = spread_chart("How the share of words is spread over documents", spreads, len(with_words))
        caption = (
            f"{len(readable):,} documents are too many for a bar each: the boxes span the middle half of the "
            "documents' shares, the lines the lowest to the highest, the dark mark the median."
        )
        figure = _figure(chart, caption) + _table(
            ["label", "lowest", "lower quartile", "median", "upper quartile", "highest", "mean"],
            stats,
            [_text("label"), *(_share(name) for name in ("low", "q1", "median", "q3", "high", "mean"))],
            "labels",
        )
    table = _table(
        ["file", "content units", "words", *LABELS, "top functions"],
        records,
        [_text("file"), _count("content_units"), _count("words"), *(_share(c) for c in shares), _text("top_functions")],
        "documents",
    )
    note = '<p class="note">Per document: the share of its words in units of each label.</p>'
    return f"<section><h2>Documents</h2>{figure}{note}{table}</section>"


def _largest(groups: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if len(groups) <= MAX_GROUP_ROWS:
        return groups, ""
    shown = groups.sort_values("documents", ascending=False, kind="stable").head(MAX_GROUP_ROWS)
    return groups.loc[[key for key in groups.index if key in set(shown.index)]], (
        f" The {MAX_GROUP_ROWS} groups with the most documents of {len(groups):,} are drawn; the table lists all."
    )


def _groups(groups: pd.DataFrame, column: str) -> str:
    drawn, left_out = _largest(groups)
    rows = [
        BarRow(str(key), {label: float(row[f"pooled_{label}_word_share"]) for label in LABELS})
        for key, row in drawn.iterrows()
    ]
    chart = share_bars(f"Share of words per {column}", rows, f"label shares of each {column}")
    caption = f"The words of each group's documents pooled (longer documents weigh more).{left_out}"
    records = [{"group": str(key), **row} for key, row in groups.to_dict("index").items()]
    table = _table(
        [column, "documents", "unreadable", "words"]
        + [f"mean {label}" for label in LABELS]
        + [f"pooled {label}" for label in LABELS],
        records,
        [_text("group"), _count("documents"), _count("unreadable"), _count("words")]
        + [_share(f"mean_{label}_word_share") for label in LABELS]
        + [_share(f"pooled_{label}_word_share") for label in LABELS],
        "groups",
    )
    explain = (
        '<p class="note">"mean" is the average of the documents\' word shares (each document counts once); '
        '"pooled" counts all the group\'s words together.</p>'
    )
    return f"<section><h2>Groups by {escape(column)}</h2>{_figure(chart, caption)}{explain}{table}</section>"


def _functions(overall: pd.Series, groups: pd.DataFrame | None, column: str | None) -> str:
    names = [f"{function}_function_share" for function in FUNCTION_NAMES]
    intro = (
        '<p class="note">Of the content units labelled management or leadership, the share serving each of '
        "Kotter's functions (management: planning to problem solving; leadership: direction to culture).</p>"
    )
    if groups is None or column is None:
        chart = function_bars(
            "Kotter functions, all documents", {f: float(overall[n]) for f, n in zip(FUNCTION_NAMES, names)}
        )
        records = [{"function": f, "share": float(overall[n])} for f, n in zip(FUNCTION_NAMES, names)]
        table = _table(["function", "share"], records, [_text("function"), _share("share")], "functions")
        figure = _figure(chart, f"Over {int(overall['function_units']):,} units with a function.")
    else:
        drawn, left_out = _largest(groups)
        rows = [("all documents", {f: float(overall[n]) for f, n in zip(FUNCTION_NAMES, names)})]
        rows += [(str(key), {f: float(row[n]) for f, n in zip(FUNCTION_NAMES, names)}) for key, row in drawn.iterrows()]
        chart = function_grid(f"Kotter functions per {column}", rows)
        figure = _figure(chart, f"Each row sums to 100%; darker cells are larger shares.{left_out}")
        records = [{"group": str(key), **row} for key, row in groups.to_dict("index").items()]
        table = _table(
            [column, *FUNCTION_NAMES], records, [_text("group"), *(_share(name) for name in names)], "groups"
        )
    return f"<section><h2>Function mix</h2>{intro}{figure}{table}</section>"


def _problems(comparison: Comparison) -> str:
    parts = []
    profiles = comparison.profiles
    errors = profiles.loc[profiles["error"] != "", ["file", "error"]].to_dict("records")
    if errors:
        parts.append(
            f"<h3>{len(errors):,} files could not be read</h3>"
            + _table(["file", "problem"], errors[:MAX_LISTED], [_text("file"), _text("error")], "files")
        )
    meta = comparison.metadata
    if meta is not None:
        for names, what in (
            (meta.unmatched_documents, f"documents have no row in {meta.source}"),
            (meta.unmatched_rows, f"rows of {meta.source} match no document"),
        ):
            if names:
                listed = "".join(f"<li>{escape(name)}</li>" for name in names[:MAX_LISTED])
                more = f"<li>and {len(names) - MAX_LISTED:,} more</li>" if len(names) > MAX_LISTED else ""
                parts.append(f"<h3>{len(names):,} {escape(what)}</h3><ul>{listed}{more}</ul>")
    return f"<section><h2>Problems</h2>{''.join(parts)}</section>" if parts else ""


def _pooled(readable: pd.DataFrame) -> dict[str, float]:
    """Counts summed over the readable documents and the shares they give, by units and by words."""
    sums: dict[str, float] = {column: int(readable[column].sum()) for column in ("content_units", "words")}
    sums["function_units"] = int(readable["function_units"].sum())
    for label in LABELS:
        for kind, whole in (("unit", "content_units"), ("word", "words")):
            count = int(readable[f"{label}_{kind}s"].sum())
            sums[f"{label}_{kind}s"] = count
            sums[f"{label}_{kind}_share"] = count / sums[whole] if sums[whole] else 0.0
    return sums


def comparison_html(comparison: Comparison) -> str:
    """The comparison as a complete HTML page (see the module docstring)."""
    import pandas as pd

    profiles = comparison.profiles
    readable = profiles[profiles["error"] == ""]
    model = comparison.model
    details = [
        ("date", comparison.created[:10]),
        ("model", f"{model['name']} {model['version']} (trained {model['created'][:10]})"),
        ("documents", f"{len(profiles):,}"),
    ]
    if len(readable) < len(profiles):
        details.append(("could not be read", f"{len(profiles) - len(readable):,}"))
    if comparison.metadata is not None:
        details.append(("metadata", comparison.metadata.source))
    groups, column = comparison.groups, comparison.group_by
    if groups is not None and column is not None:
        details.append(("grouped by", f"{column} ({len(groups):,} groups)"))
    else:
        groups, column = None, None
    body = [_legend()]
    if len(readable):
        totals = GroupTotals("all")
        for row in readable.to_dict("records"):
            totals.add("all", row)
        overall = pd.Series({**totals.frame().loc["all"].to_dict(), **_pooled(readable)})
        body.append(_overall(overall))
        body.append(_documents(readable))
        if groups is not None and column is not None:
            body.append(_groups(groups, column))
        body.append(_functions(overall, groups, column))
    else:
        body.append('<p class="note">No document could be read, so there is nothing to chart.</p>')
    body.append(_problems(comparison))
    return html_page("Comparison of documents", "\n".join(body), details=details, css=CSS)
