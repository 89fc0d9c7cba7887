"""The report page in a real browser (headless Chromium): the legend shows every label's colour, every unit has its
own box and a visible badge, text stays readable as rendered, and the page neither logs errors nor scrolls
sideways, on a laptop or a phone. Skips without Chromium unless ``LMCLASSIFY_REQUIRE_BROWSER=1``."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import (
    chromium,
    console_messages,
    has_colour,
    open_file,
    png_pixels,
    screenshot,
    viewport_size,
)

from lmclassify import LABELS, load_model
from lmclassify.documents.page import LABEL_COLOURS, LABEL_STRONG_COLOURS
from lmclassify.documents.style import INITIALS
from lmclassify.resources import default_model_path

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "data" / "documents" / "texts" / "annual_report-our-strategy-pillars.txt"
WIDTH, HEIGHT = 800, 900

_RGB = "const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);"


@pytest.fixture(scope="module")
def report():
    relative = DOCUMENT.relative_to(REPO).as_posix()
    return load_model(default_model_path()).analyze(DOCUMENT.read_text(encoding="utf-8"), source=relative)


@pytest.fixture(scope="module")
def page(report, tmp_path_factory) -> Path:
    assert (report.profile["sentences"] > 0).all(), "the example document needs every label"
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(report.to_html(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(page):
    with chromium(WIDTH, HEIGHT) as driver:
        open_file(driver, page)
        yield driver


def test_the_page_loads_without_console_errors_or_warnings(browser, page):
    open_file(browser, page)
    assert console_messages(browser) == []
    assert browser.title == DOCUMENT.name


def test_the_legend_is_in_view_and_shows_every_label_colour(browser, page):
    from selenium.webdriver.common.by import By

    open_file(browser, page)
    legend = browser.find_element(By.CSS_SELECTOR, "section.lmc-legend")
    assert legend.is_displayed()
    box = legend.rect
    width, height = viewport_size(browser)
    assert box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (box, width, height)
    png = screenshot(browser, legend)
    (page.parent / "legend.png").write_bytes(png)
    _, _, pixels = png_pixels(png)
    assert not has_colour(pixels, "#ff00ff"), "the colour check must be able to fail"
    for label in LABELS:
        assert has_colour(pixels, LABEL_COLOURS[label]), f"no {label} fill in the legend"
        assert has_colour(pixels, LABEL_STRONG_COLOURS[label]), f"no {label} bar or badge in the legend"
    (page.parent / "page.png").write_bytes(screenshot(browser))


def test_every_unit_has_its_own_box_and_a_visible_badge(browser, page, report):
    open_file(browser, page)
    units = browser.execute_script(
        """return [...document.querySelectorAll('.lmc-document .lmc-unit')].map(unit => {
            const badge = unit.querySelector('.lmc-badge');
            const box = badge.getBoundingClientRect();
            return {rects: [...unit.getClientRects()].map(r => [r.left, r.top, r.right, r.bottom]),
                    badge: badge.innerText, shown: box.width > 0 && box.height > 0
                           && getComputedStyle(badge).visibility === 'visible'};
        });"""
    )
    rows = report.units
    assert len(units) == len(rows)
    for unit, row in zip(units, rows.itertuples(index=False)):
        assert unit["shown"] and unit["badge"] == f"{INITIALS[row.label]} {row.confidence:.2f}"
    boxes = [(index, rect) for index, unit in enumerate(units) for rect in unit["rects"]]
    for index, (left, top, right, bottom) in boxes:  # no two units' boxes overlap: neighbours stay apart
        for other, (left2, top2, right2, bottom2) in boxes:
            if other > index:
                overlap = min(right, right2) - max(left, left2), min(bottom, bottom2) - max(top, top2)
                assert overlap[0] <= 0 or overlap[1] <= 0, f"units {index} and {other} overlap"


def _luminance(rgb: list[float]) -> float:
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_rendered_text_has_enough_contrast(browser, page):
    open_file(browser, page)
    pairs = browser.execute_script(
        _RGB
        + """return [...document.querySelectorAll('.lmc-unit, .lmc-badge, .lmc-marker, .lmc-note, .lmc-count')]
            .map(e => [e.className, rgb(getComputedStyle(e).color), (() => {
                for (let n = e; n; n = n.parentElement) {
                    const bg = getComputedStyle(n).backgroundColor;
                    if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return rgb(bg);
                }
                return [255, 255, 255];
            })()]);"""
    )
    assert len(pairs) > 50
    for name, text, background in pairs:
        high, low = sorted((_luminance(text), _luminance(background)), reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5, f"{name}: {text} on {background}"


@pytest.mark.parametrize("width", [WIDTH, 360])
def test_no_horizontal_scrolling_and_a_bounded_column(browser, page, width):
    browser.set_window_size(width, HEIGHT)
    try:
        open_file(browser, page)
        scroll_width, client_width, column = browser.execute_script(
            "const e = document.documentElement;"
            "return [e.scrollWidth, e.clientWidth, document.querySelector('.lmc-document').clientWidth];"
        )
        assert scroll_width <= client_width, f"the page scrolls sideways at {width}px"
        assert column <= min(46 * 16, width)  # the text column's max-width is 46rem
    finally:
        browser.set_window_size(WIDTH, HEIGHT)
