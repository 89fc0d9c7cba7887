"""The comparison report in headless Chromium: no console errors, every chart drawn at a readable size, the label
colours on screen, and nothing wider than a phone's or a laptop's window but the tables' own scroll boxes."""

from __future__ import annotations

import pytest
from browser_support import chromium, console_messages, has_colour, open_file, png_pixels, screenshot, viewport_size

from lmclassify import default_model
from lmclassify.documents.compare import compare_documents
from lmclassify.documents.page import LABEL_COLOURS

TEXTS = {
    "2021/letter.md": "# Letter\n\nTrack spending against the budget every week. Inspire the team to aim higher.",
    "2022/advert.txt": "Join us\n\n- Plan the weekly rota\n- Celebrate every colleague\n\nThe office is in Leeds.",
    "2022/history.txt": "The museum opened in 1891. Its tower is 40 metres tall.",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    for name, text in TEXTS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe")
    return compare_documents(default_model(), folder, group_by="folder").write_html(folder.parent / "report.html")


@pytest.mark.parametrize(("width", "height"), [(1100, 900), (390, 800)], ids=["laptop", "phone"])
def test_the_report_renders_its_charts_without_errors(report, width, height):
    with chromium(width, height) as driver:
        open_file(driver, report)
        assert console_messages(driver) == []
        sizes = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg')).map(s => s.getBoundingClientRect())"
            ".map(r => [r.width, r.height])"
        )
        assert len(sizes) == 4  # all documents, per document, per group, function grid
        viewport_width, _ = viewport_size(driver)
        # Charts fit a wide window; on a narrow one they keep a readable size and scroll in their own box.
        assert all(min(600, viewport_width) <= w <= max(720, viewport_width) and h > 60 for w, h in sizes), sizes
        boxes = driver.execute_script(
            "return Array.from(document.querySelectorAll('figure')).map(f => f.getBoundingClientRect().width)"
        )
        assert all(box <= viewport_width for box in boxes)
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        assert page_width <= viewport_width
        titles = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg > title')).map(t => t.textContent)"
        )
        assert "Share of words per folder" in titles and "Kotter functions per folder" in titles
        chart = driver.find_element("css selector", "svg")
        pixels = png_pixels(screenshot(driver, chart))[2]
        for label in ("management", "leadership"):
            assert has_colour(pixels, LABEL_COLOURS[label]), label
