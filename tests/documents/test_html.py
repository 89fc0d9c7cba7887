"""The report's HTML: a complete page and a notebook fragment, every document character once and escaped, headings
and list items as such, one box and one badge per unit, a legend with correct counts.

How it looks in a real browser is checked in ``test_html_browser.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lmclassify
from lmclassify import LABELS, load_model
from lmclassify.documents.html import plural
from lmclassify.documents.style import INITIALS, LOW_CONFIDENCE
from lmclassify.resources import default_model_path

DOCUMENT = """# A letter to our people

Dear colleagues,

This year we cut costs by 3.5% and brought the new plant in on budget. Dr. Osei's team tracked every order
against the weekly forecast. I want every one of you to feel proud of what we are building together!

## Next year
Our priorities for next year:
- Hire 40 engineers for the Leeds site
- Agree the capital budget by Jan. 31
- Inspire each other to try bold ideas

---

The old mill on the river dates from 1887. It is now a museum <with> a café & shop "on the quay".
Track spending weekly.\r\nPlan the rota.   """

#: The elements a report is made of; anything else in the markup came from somewhere it should not.
TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "dl", "dt", "dd",
    "div", "section", "ul", "li", "p", "span", "article", "h2", "h3", "h4", "br",
}  # fmt: skip


class Reader(HTMLParser):
    """Reads a report: the document text (outside badges), and every unit box with its badge and the elements
    around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.units: list[dict] = []
        self.tags: set[str] = set()
        self.unstyled: list[str] = []

    def _inside(self, cls: str) -> bool:
        return any(cls in attrs.get("class", "").split() for _, attrs in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.add(tag)
        classes = attributes.get("class", "").split()
        if any(c.startswith("lmc-") for c in classes) and "style" not in attributes:
            self.unstyled.append(tag)
        if "lmc-unit" in classes and self._inside("lmc-document"):
            self.units.append(
                {"classes": classes, "attributes": attributes, "around": [t for t, _ in self.stack], "text": ""}
            )
        if "lmc-badge" in classes and self._inside("lmc-document"):
            self.units[-1]["badge"] = ""
        if tag not in ("br", "meta"):
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        if not self._inside("lmc-document"):
            return
        if self._inside("lmc-badge"):
            self.units[-1]["badge"] += data
            return
        self.text.append(data)
        if self._inside("lmc-unit"):
            self.units[-1]["text"] += data


def read(markup: str) -> Reader:
    reader = Reader()
    reader.feed(markup)
    reader.close()
    assert not reader.stack, f"unclosed: {reader.stack}"
    return reader


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


@pytest.fixture(scope="module")
def report(model):
    return model.analyze(DOCUMENT, source="letters/to-our-people.md")


def test_the_page_is_complete_with_title_file_model_date_and_legend(model, report):
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and '<meta charset="utf-8">' in page
    assert "<title>to-our-people.md</title>" in page and "<h1>to-our-people.md</h1>" in page
    metadata = model.metadata
    assert "<dd>letters/to-our-people.md</dd>" in page
    assert f"<dd>{metadata['name']} {metadata['package_version']}</dd>" in page
    assert f"<dd>{report.created:%Y-%m-%d %H:%M} UTC</dd>" in page
    assert page.count('<section class="lmc-legend"') == 1 and page.index("lmc-legend") < page.index("lmc-document")
    assert "<style>" in page and ".lmc-unit.lmc-leadership.lmc-unsure" in page
    assert "<title>Board letter</title>" in report.to_html(title="Board letter")


def test_every_character_of_the_document_appears_once_escaped(report):
    for markup in (report.to_html(), report.to_html(fragment=True)):
        reader = read(markup)
        assert "".join(reader.text) == DOCUMENT
        assert reader.tags <= TAGS, reader.tags - TAGS
        assert "<with>" not in markup and "&lt;with&gt;" in markup and "café &amp; shop" in markup


def test_each_unit_has_its_own_box_and_a_visible_badge(report):
    reader = read(report.to_html())
    units = report.units
    assert [unit["text"] for unit in reader.units] == units["text"].tolist()
    for unit, row in zip(reader.units, units.itertuples(index=False)):
        assert f"lmc-{row.label}" in unit["classes"]
        assert unit["badge"] == f"{INITIALS[row.label]} {row.confidence:.2f}"
        assert ("lmc-unsure" in unit["classes"]) == (row.confidence < LOW_CONFIDENCE)
        assert unit["attributes"]["title"].startswith(f"{row.kind}: {row.label} {row.confidence:.2f}")
        assert unit["attributes"]["data-kind"] == row.kind


def test_headings_are_headings_and_list_items_list_items(report):
    reader = read(report.to_html())
    for unit, row in zip(reader.units, report.units.itertuples(index=False)):
        heading = any(tag in ("h2", "h3", "h4") for tag in unit["around"])
        assert heading == (row.kind == "heading"), row.text
        assert ("li" in unit["around"]) == (row.kind == "list_item"), row.text
    page = report.to_html()
    assert re.search(r'<h2 class="lmc-h2"><span class="lmc-marker"># </span><span class="lmc-unit', page)
    assert re.search(r'<h3 class="lmc-h3"><span class="lmc-marker">## </span><span class="lmc-unit', page)
    assert page.count('<ul class="lmc-list">') == 1 and page.count('<li class="lmc-li">') == 3
    assert '<p class="lmc-plain">' in page  # the "---" line, which is no unit


def test_unsure_units_are_marked(model):
    report = model.analyze("Plan the budget. Inspire the team. The weather was mild.")
    unsure = (report.units["confidence"] < LOW_CONFIDENCE).sum()
    assert 0 < unsure < len(report), "the example needs sure and unsure units"
    assert (
        read(report.to_html()).units
        and sum("lmc-unsure" in unit["classes"] for unit in read(report.to_html()).units) == unsure
    )


def test_the_legend_counts_units_with_plurals_and_shares(model):
    report = model.analyze(
        "# Plans\n\nTrack spending against the budget. Inspire the team. Rally everyone behind the vision."
    )
    page = report.to_html()
    legend = page[page.index('<section class="lmc-legend"') : page.index("</section>")]
    counts = report.profile["sentences"].tolist()
    assert 1 in counts and any(count > 1 for count in counts), "the example needs singular and plural counts"
    for _, values in report.profile.iterrows():
        n = int(values["sentences"])
        assert f"{n} unit{'' if n == 1 else 's'} · {values['word_share']:.0%} of words" in legend
    assert "1 units" not in legend and "sentences ·" not in legend
    assert "list items and sentences" in legend and "headings and lead-ins are shown but not counted" in legend
    assert f"below {LOW_CONFIDENCE:.2f}" in legend
    for label in LABELS:
        assert f">{label}<" in legend


@pytest.mark.parametrize(("count", "expected"), [(0, "0 units"), (1, "1 unit"), (2, "2 units")])
def test_plural(count, expected):
    assert plural(count, "unit") == expected


def test_the_notebook_fragment_is_one_inline_styled_div(report):
    fragment = report._repr_html_()
    assert fragment == report.to_html(fragment=True)
    assert fragment.startswith('<div class="lmc-report lmc-fragment" style="')
    assert "<html" not in fragment and "<style" not in fragment and "<head" not in fragment
    reader = read(fragment)
    assert not reader.unstyled, reader.unstyled
    assert "letters/to-our-people.md" in fragment and report.model_name in fragment


def test_names_and_text_are_escaped_everywhere(model):
    report = model.analyze('She said "<script>alert(1)</script>" & left.', source='<b>"odd" & name.md')
    for markup in (report.to_html(), report.to_html(fragment=True)):
        assert "<script>" not in markup and "<b>" not in markup
        assert read(markup).tags <= TAGS
    assert "<title>&lt;b&gt;&quot;odd&quot; &amp; name.md</title>" in report.to_html()


@pytest.mark.parametrize("document", ["", "   \n\n  ", "---\n\n* * *", "…", "# \n- \n"])
def test_a_document_without_units_still_gives_a_page(model, document):
    report = model.analyze(document)
    page = report.to_html()
    assert "".join(read(page).text) == document
    assert "0 units · 0% of words" in page and "lmc-share " not in page


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.text(alphabet=st.sampled_from(list("ab. \n\r\t#-*1):<>&\"'—\u2028")), max_size=400),
    )
)
def test_fuzz_any_document_appears_exactly_once(document):
    report = lmclassify.analyze(document)
    for markup in (report.to_html(), report.to_html(fragment=True)):
        reader = read(markup)
        assert "".join(reader.text) == document
        assert [unit["text"] for unit in reader.units] == report.units["text"].tolist()
        assert reader.tags <= TAGS
