"""The comparison report: a complete, well-formed standalone page whose SVG charts parse as XML, with the header,
legend, value tables, a distribution view for many documents, capped group charts and the problems listed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pandas as pd
import pytest

from lmclassify import LABELS, analyze, default_model
from lmclassify.documents.compare import compare_documents
from lmclassify.documents.compare_groups import GroupTotals
from lmclassify.documents.compare_html import MAX_DOCUMENT_BARS, MAX_GROUP_ROWS, comparison_html
from lmclassify.documents.compare_profile import FUNCTION_NAMES, error_values, profile_columns, profile_values
from lmclassify.documents.compare_result import Comparison
from lmclassify.documents.compare_svg import percent, text_colour
from lmclassify.documents.page import LABEL_COLOURS, LABEL_STRONG_COLOURS

SVG = "{http://www.w3.org/2000/svg}"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr", "track", "embed"}
TEXTS = [
    "Track spending against the budget every week. Inspire the team to aim higher.",
    "# Our values\n\n- Hire two nurses for nights\n- Celebrate every colleague\n\nThe museum opened in 1891.",
    "The castle has a moat. Its tower is 40 metres tall.",
]


class Checker(HTMLParser):
    """Fails on an end tag that closes anything but the innermost open element; keeps every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def check_page(page: str) -> Checker:
    assert page.startswith("<!DOCTYPE html>\n")
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.open == []
    assert checker.tags[:3] == ["html", "head", "meta"] and {"body", "main", "header", "title"} <= set(checker.tags)
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        root = ET.fromstring(svg)  # each chart is well-formed XML on its own
        assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text and root.find(f"{SVG}desc") is not None
    assert "<script" not in page and "src=" not in page and "href=" not in page and "url(" not in page
    assert set(re.findall(r"https?://[^\"' ]+", page)) <= {"http://www.w3.org/2000/svg"}
    return checker


def _charts(page: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S)]


def synthetic(documents: int, groups: int = 0, unreadable: int = 0) -> Comparison:
    """A comparison of ``documents`` rows made from three analysed texts, without reading files."""
    values = [profile_values(analyze(text)) for text in TEXTS]
    rows = []
    totals = GroupTotals("sector") if groups else None
    for number in range(documents):
        row = {"file": f"folder/document-{number:05d}.txt", "folder": "folder"}
        if groups:
            row["sector"] = f"sector {number % groups:02d}"
        row.update(error_values("not UTF-8 text") if number < unreadable else values[number % 3])
        rows.append(row)
        if totals is not None:
            totals.add(row["sector"], row)
    columns = profile_columns(("sector",) if groups else ())
    profiles = pd.DataFrame(rows, columns=list(columns))
    model = {"name": "default", "version": "9.8.7", "created": "2026-01-02T03:04:05+00:00"}
    return Comparison(
        profiles, None if totals is None else totals.frame(), "sector" if groups else None, model, "2026-05-06T07:08"
    )


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Comparison:
    folder = tmp_path_factory.mktemp("docs")
    for number, text in enumerate(TEXTS):
        (folder / f"{2020 + number}-letter.md").write_text(text, encoding="utf-8")
    (folder / "broken <b>&.txt").write_bytes(b"\xff\xfe")
    meta = folder.parent / "meta.csv"
    meta.write_text(
        "file,year\n2020-letter.md,2020\n2021-letter.md,2021\n2022-letter.md,2021\nlost.txt,1999\n", encoding="utf-8"
    )
    return compare_documents(default_model(), folder, metadata=meta, group_by="year")


def test_the_page_is_complete_well_formed_and_self_contained(real):
    check_page(real.to_html())


def test_the_header_gives_the_date_the_model_and_the_number_of_documents(real):
    page = real.to_html()
    header = page[page.index("<header") : page.index("</header>")]
    model = default_model().metadata
    assert real.created[:10] in header and "<dd>4</dd>" in header
    assert f"{model['name']} {model['package_version']}" in header and model["created"][:10] in header
    assert "could not be read" in header and "year (3 groups)" in header


def test_the_legend_names_and_colours_every_label(real):
    page = real.to_html()
    legend = page[page.index("<h2>Legend</h2>") : page.index("</section>", page.index("<h2>Legend</h2>"))]
    for label in LABELS:
        assert f"<strong>{label}</strong>" in legend and LABEL_COLOURS[label] in legend


def test_every_mark_has_a_tooltip_and_bar_values_are_in_tables(real):
    page = real.to_html()
    for chart in _charts(page):
        for mark in chart.iter(f"{SVG}rect"):
            assert mark.find(f"{SVG}title") is not None and mark.find(f"{SVG}title").text
    readable = real.profiles[real.profiles["error"] == ""]
    for row in readable.itertuples():
        for label in LABELS:
            assert f"<td>{percent(getattr(row, f'{label}_word_share'), 1)}</td>" in page
    for key, group in real.groups.iterrows():
        assert f"<td>{key}</td>" in page
        assert f"<td>{percent(group['pooled_leadership_word_share'], 1)}</td>" in page


def test_few_documents_get_a_bar_each_with_their_names(real):
    page = real.to_html()
    bars = next(chart for chart in _charts(page) if chart.find(f"{SVG}title").text == "Share of words per document")
    names = [text.find(f"{SVG}title").text for text in bars.iter(f"{SVG}text") if text.find(f"{SVG}title") is not None]
    assert names == ["2020-letter.md", "2021-letter.md", "2022-letter.md"]  # the unreadable file has no bar


def test_many_documents_are_shown_as_a_distribution_with_every_document_in_the_table():
    comparison = synthetic(MAX_DOCUMENT_BARS + 1)
    page = comparison.to_html()
    check_page(page)
    titles = [chart.find(f"{SVG}title").text for chart in _charts(page)]
    assert "Share of words per document" not in titles
    assert "How the share of words is spread over documents" in titles
    assert f"{MAX_DOCUMENT_BARS + 1} documents are too many for a bar each" in page
    medians = comparison.profiles["management_word_share"].median()
    assert f"<td>{percent(medians, 1)}</td>" in page
    assert page.count("folder/document-") == MAX_DOCUMENT_BARS + 1
    assert "Share of words per document" in [t.find(f"{SVG}title").text for t in _charts(synthetic(3).to_html())]


def test_ten_thousand_documents_stay_readable():
    page = synthetic(10_000, groups=3).to_html()
    check_page(page)
    assert "The first 500 of 10,000 documents are listed." in page
    assert len(page) < 600_000
    assert all(len(list(chart.iter(f"{SVG}rect"))) <= 400 for chart in _charts(page))


def test_many_groups_are_capped_in_the_charts_and_listed_in_the_table():
    comparison = synthetic(MAX_GROUP_ROWS * 2 + 10, groups=MAX_GROUP_ROWS + 5)
    page = comparison.to_html()
    check_page(page)
    charts = {chart.find(f"{SVG}title").text: chart for chart in _charts(page)}
    drawn = [
        text.find(f"{SVG}title").text
        for text in charts["Share of words per sector"].iter(f"{SVG}text")
        if text.find(f"{SVG}title") is not None
    ]
    assert len(drawn) == MAX_GROUP_ROWS and f"{MAX_GROUP_ROWS} groups with the most documents" in page
    for key in comparison.groups.index:
        assert f"<td>{key}</td>" in page
    grid = [
        t.find(f"{SVG}title").text
        for t in charts["Kotter functions per sector"].iter(f"{SVG}text")
        if t.find(f"{SVG}title") is not None
    ]
    assert grid[0] == "all documents" and len(grid) == MAX_GROUP_ROWS + 1


def test_the_function_mix_is_drawn_per_group_or_overall():
    grouped = synthetic(9, groups=3).to_html()
    plain = synthetic(9).to_html()
    assert "Kotter functions per sector" in grouped and "Kotter functions, all documents" not in grouped
    assert "Kotter functions, all documents" in plain
    for page in (grouped, plain):
        for function in FUNCTION_NAMES:
            assert f">{function}<" in page


def test_problems_list_unreadable_files_and_unmatched_metadata(real):
    page = real.to_html()
    problems = page[page.index("<h2>Problems</h2>") :]
    assert "broken &lt;b&gt;&amp;.txt" in problems and "not UTF-8" in problems
    assert "1 documents have no row" in problems and "lost.txt" in problems
    assert "<b>&" not in page


def test_a_comparison_where_nothing_could_be_read_still_makes_a_page():
    page = synthetic(2, unreadable=2).to_html()
    check_page(page)
    assert "nothing to chart" in page and "<svg" not in page and page.count("not UTF-8 text") == 2


def test_write_html_writes_the_same_page(real, tmp_path):
    path = real.write_html(tmp_path / "report.html")
    assert path.read_text(encoding="utf-8") == comparison_html(real) == real.to_html()


def _contrast(rgb: tuple[int, int, int], colour: str) -> float:
    def luminance(channels):
        values = [c / 255 for c in channels]
        values = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * values[0] + 0.7152 * values[1] + 0.0722 * values[2]

    other = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    high, low = sorted((luminance(rgb), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_on_shaded_cells_is_whichever_of_black_and_white_contrasts_more():
    for level in range(0, 256, 15):
        for background in ((level, level, level), (0, level // 2, level), (level, level // 2 + 60, 0)):
            chosen = text_colour(background)
            other = "#ffffff" if chosen == "#1a1a1a" else "#1a1a1a"
            assert _contrast(background, chosen) >= _contrast(background, other)
    for strong in LABEL_STRONG_COLOURS.values():
        rgb = tuple(int(strong[i : i + 2], 16) for i in (1, 3, 5))
        assert _contrast(rgb, text_colour(rgb)) >= 4.5
