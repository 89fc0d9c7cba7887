"""How a document report looks: the label palette (fills, borders, badges) and the declarations of every class.

A report's markup carries classes such as ``lmc-unit lmc-leadership lmc-unsure``; :func:`style_sheet` turns the
declarations into the standalone page's style sheet, and :class:`Markup` puts the same declarations inline when
asked (for notebooks, whose renderers may strip ``<style>``), so both look alike. Labels differ by more than hue:
each has its own border style and badge letter; every text colour keeps at least 4.5:1 contrast on its background
(:func:`text_colour_pairs` lists them for checking).

>>> Markup(inline=True).open("p", "lmc-p")
'<p class="lmc-p" style="margin:0 0 1.1rem">'
>>> unit_colours("leadership", sure=False)["badge_fill"]
'#ffffff'
"""

from __future__ import annotations

import html

from lmclassify.documents.page import LABEL_COLOURS, LABEL_STRONG_COLOURS

#: Units below this confidence are drawn as unsure: a pale fill and an outlined badge.
LOW_CONFIDENCE = 0.7
#: The badge letter of each label.
INITIALS = {"management": "M", "leadership": "L", "neither": "N"}
#: The border style of each label's boxes, so that labels differ by more than hue.
BORDER_STYLES = {"management": "solid", "leadership": "dashed", "neither": "dotted"}
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#595959"
NOTE_COLOUR = "#404040"
LEGEND_BACKGROUND = "#f7f7f7"
WHITE = "#ffffff"


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` of the way towards ``other`` (``#rrggbb`` strings).

    >>> mix("#000000", "#ffffff", 0.5)
    '#808080'
    """
    a, b = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (colour, other))
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b))


#: The fill of an unsure unit: its label's colour, paler.
PALE_COLOURS = {label: mix(colour, WHITE, 0.55) for label, colour in LABEL_COLOURS.items()}


def palette(label: str) -> str:
    return label if label in LABEL_COLOURS else "neither"


def unit_colours(label: str, sure: bool) -> dict[str, str]:
    """The colours of one unit's box and badge: ``text``, ``fill``, ``border``, ``badge_text``, ``badge_fill``."""
    key = palette(label)
    strong = LABEL_STRONG_COLOURS[key]
    return {
        "text": TEXT_COLOUR,
        "fill": LABEL_COLOURS[key] if sure else PALE_COLOURS[key],
        "border": strong,
        "badge_text": WHITE if sure else strong,
        "badge_fill": strong if sure else WHITE,
    }


def text_colour_pairs() -> list[tuple[str, str, str]]:
    """Every text colour on its background in a report: ``(what, text colour, background)``."""
    pairs = [("marker", MUTED_COLOUR, WHITE), ("legend note", NOTE_COLOUR, LEGEND_BACKGROUND)]
    for label in LABEL_COLOURS:
        for sure in (True, False):
            colours = unit_colours(label, sure)
            what = f"{label} {'sure' if sure else 'unsure'}"
            pairs.append((f"{what} text", colours["text"], colours["fill"]))
            pairs.append((f"{what} badge", colours["badge_text"], colours["badge_fill"]))
    return pairs


_FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
#: The declarations of each class; the page turns them into a style sheet, the fragment puts them inline.
STYLES = {
    "lmc-report": f"font-family:{_FONT};color:{TEXT_COLOUR};background-color:{WHITE};line-height:1.6",
    "lmc-fragment": "max-width:46rem;padding:0.75rem 1rem;border-radius:6px;text-align:left",
    "lmc-meta": f"margin:0 0 0.6rem;color:{NOTE_COLOUR};font-size:0.85rem",
    "lmc-legend": f"margin:0 0 1.75rem;padding:0.8rem 1rem;border:1px solid #d9d9d9;border-radius:6px;"
    f"background-color:{LEGEND_BACKGROUND};font-size:0.9rem;line-height:1.9",
    "lmc-shares": "display:flex;height:0.5rem;margin:0.1rem 0 0.7rem;border-radius:3px;overflow:hidden;"
    "background-color:#e0e0e0",
    "lmc-share": "display:block;height:100%",
    "lmc-keys": "display:grid;grid-template-columns:max-content 1fr;gap:0.3rem 0.8rem;align-items:center;"
    "list-style:none;margin:0;padding:0",
    "lmc-key": "display:contents",
    "lmc-count": f"color:{NOTE_COLOUR}",
    "lmc-note": f"margin:0.5rem 0 0;color:{NOTE_COLOUR};font-size:0.85rem;line-height:1.9",
    "lmc-document": "line-height:2;overflow-wrap:break-word",
    "lmc-p": "margin:0 0 1.1rem",
    "lmc-plain": f"margin:0 0 1.1rem;color:{MUTED_COLOUR}",
    "lmc-h2": "font-size:1.3rem;font-weight:650;margin:1.8rem 0 0.5rem;line-height:1.8",
    "lmc-h3": "font-size:1.12rem;font-weight:650;margin:1.5rem 0 0.4rem;line-height:1.8",
    "lmc-h4": "font-size:1rem;font-weight:650;margin:1.2rem 0 0.3rem;line-height:1.8",
    "lmc-list": "list-style:none;margin:0 0 1.1rem;padding:0",
    "lmc-li": "margin:0 0 0.3rem;padding-left:1.4em;text-indent:-1.4em",
    "lmc-marker": f"color:{MUTED_COLOUR};font-weight:400",
    "lmc-unit": "padding:0.14em 0.3em 0.08em;margin:0 0.08em;border-width:0 0 2px;border-radius:3px;"
    "-webkit-box-decoration-break:clone;box-decoration-break:clone",
    "lmc-badge": "margin-left:0.4em;padding:0 0.42em;border-width:1px;border-radius:0.6rem;font-size:0.7rem;"
    "font-weight:600;letter-spacing:0.02em;white-space:nowrap;vertical-align:0.12em;"
    "font-variant-numeric:tabular-nums;-webkit-user-select:none;user-select:none",
}


def unit_style(label: str, sure: bool) -> str:
    colours = unit_colours(label, sure)
    style = BORDER_STYLES[palette(label)]
    return (
        f"color:{colours['text']};background-color:{colours['fill']};"
        f"border-style:{style};border-color:{colours['border']}"
    )


def badge_style(label: str, sure: bool) -> str:
    colours = unit_colours(label, sure)
    return (
        f"color:{colours['badge_text']};background-color:{colours['badge_fill']};"
        f"border-style:{'solid' if sure else 'dashed'};border-color:{colours['border']}"
    )


def style_sheet() -> str:
    """The CSS of the standalone page: one rule per class of :data:`STYLES`, per label and confidence."""
    rules = [f".{name}{{{declarations}}}" for name, declarations in STYLES.items() if name != "lmc-fragment"]
    for label in LABEL_COLOURS:
        for sure in (True, False):
            unit = f".lmc-unit.lmc-{label}" + ("" if sure else ".lmc-unsure")
            rules.append(f"{unit}{{{unit_style(label, sure)}}}")
            rules.append(f"{unit} .lmc-badge{{{badge_style(label, sure)}}}")
        rules.append(f".lmc-share.lmc-{label}{{background-color:{LABEL_STRONG_COLOURS[label]}}}")
    rules.append(
        "@media print{.lmc-unit,.lmc-badge,.lmc-share{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
    )
    return "\n".join(rules) + "\n"


class Markup:
    """Opening tags with classes, and with the classes' declarations inline when ``inline``."""

    def __init__(self, inline: bool):
        self.inline = inline

    def open(self, tag: str, classes: str, style: str = "", attributes: str = "") -> str:
        if self.inline:
            declarations = [STYLES[name] for name in classes.split() if name in STYLES]
            style = ";".join([*declarations, style] if style else declarations)
        style_attribute = f' style="{html.escape(style)}"' if style else ""
        return f'<{tag} class="{classes}"{style_attribute}{attributes}>'

    def unit(self, label: str, sure: bool, text: str, badge: str, attributes: str = "") -> str:
        """A unit's box: escaped ``text``, then its badge."""
        classes = f"lmc-unit lmc-{palette(label)}" + ("" if sure else " lmc-unsure")
        inline = self.inline
        return (
            self.open("span", classes, unit_style(label, sure) if inline else "", attributes)
            + html.escape(text)
            + self.open("span", "lmc-badge", badge_style(label, sure) if inline else "")
            + f"{html.escape(badge)}</span></span>"
        )
