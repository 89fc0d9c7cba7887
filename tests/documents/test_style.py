"""The report's look: every text colour readable on its background (WCAG contrast, measured here), labels told
apart by more than hue, and one set of declarations for the page's style sheet and the fragment's inline styles."""

from __future__ import annotations

import re

import pytest

from lmclassify import LABELS
from lmclassify.documents.page import LABEL_COLOURS, LABEL_STRONG_COLOURS
from lmclassify.documents.style import (
    BORDER_STYLES,
    INITIALS,
    STYLES,
    WHITE,
    Markup,
    badge_style,
    mix,
    style_sheet,
    text_colour_pairs,
    unit_colours,
    unit_style,
)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_gives_the_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("what", "text", "background"), text_colour_pairs())
def test_every_text_colour_has_at_least_4_5_to_1_contrast(what, text, background):
    assert contrast(text, background) >= 4.5, f"{what}: {text} on {background} is {contrast(text, background):.2f}"


def test_every_label_and_confidence_is_in_the_checked_pairs():
    pairs = {(text, background) for _, text, background in text_colour_pairs()}
    for label in LABELS:
        for sure in (True, False):
            colours = unit_colours(label, sure)
            assert (colours["text"], colours["fill"]) in pairs
            assert (colours["badge_text"], colours["badge_fill"]) in pairs


def test_the_checked_colours_are_the_ones_the_style_sheet_uses():
    sheet = style_sheet()
    for label in LABELS:
        for sure in (True, False):
            unit = f".lmc-unit.lmc-{label}" + ("" if sure else ".lmc-unsure")
            colours = unit_colours(label, sure)
            rule = re.search(re.escape(unit) + r"\{([^}]*)\}", sheet).group(1)
            badge = re.search(re.escape(unit) + r" \.lmc-badge\{([^}]*)\}", sheet).group(1)
            assert f"color:{colours['text']}" in rule and f"background-color:{colours['fill']}" in rule
            assert f"color:{colours['badge_text']}" in badge and f"background-color:{colours['badge_fill']}" in badge


def test_strong_colours_stand_out_from_white_and_the_fills():
    for label in LABELS:
        assert contrast(LABEL_STRONG_COLOURS[label], WHITE) >= 4.5
        assert contrast(LABEL_STRONG_COLOURS[label], LABEL_COLOURS[label]) >= 3.0  # borders: non-text contrast


def test_labels_differ_by_more_than_hue():
    assert len(set(BORDER_STYLES[label] for label in LABELS)) == len(LABELS)
    assert len(set(INITIALS[label] for label in LABELS)) == len(LABELS)
    for label in LABELS:
        assert f"border-style:{BORDER_STYLES[label]}" in unit_style(label, True)


def test_sure_and_unsure_units_look_different():
    for label in LABELS:
        sure, unsure = unit_colours(label, True), unit_colours(label, False)
        assert relative_luminance(unsure["fill"]) > relative_luminance(sure["fill"])  # paler
        assert sure["badge_fill"] != unsure["badge_fill"] and "dashed" in badge_style(label, False)


def test_mix():
    assert mix("#000000", "#ffffff", 0.0) == "#000000" and mix("#000000", "#ffffff", 1.0) == "#ffffff"
    assert mix("#0072b2", "#ffffff", 0.25) == "#4095c5"  # 0x00 + 255 / 4, 0x72 + 141 / 4, 0xb2 + 77 / 4


def test_inline_markup_carries_the_same_declarations_as_the_style_sheet():
    inline, classes = Markup(inline=True), Markup(inline=False)
    assert classes.open("li", "lmc-li") == '<li class="lmc-li">'
    assert inline.open("li", "lmc-li") == f'<li class="lmc-li" style="{STYLES["lmc-li"]}">'
    assert f".lmc-li{{{STYLES['lmc-li']}}}" in style_sheet()
    unit = inline.unit("leadership", False, "a <b>", "L 0.50")
    assert unit_style("leadership", False) in unit and badge_style("leadership", False) in unit
    assert "a &lt;b&gt;" in unit and "lmc-unsure" in unit
