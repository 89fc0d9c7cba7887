"""A document report as HTML: a legend, then the document with every unit in its own box, coloured by label and
ending in a badge with the label's initial and the model's confidence.

The same markup serves two uses: :func:`report_page` wraps it in the standalone page of
:mod:`lmclassify.documents.page` (styles by class, in one ``<style>``), and :func:`report_fragment` gives a
``<div>`` whose every element carries its styles inline, for notebook renderers that strip ``<style>``. Both take
their declarations from :mod:`lmclassify.documents.style`, so they look alike.

Every character of the document appears exactly once, HTML-escaped: headings become heading elements and bullet
items list items, with their ``#`` or bullet marker kept as muted text; the badges are marked ``lmc-badge`` and are
not document text.

>>> from lmclassify import analyze
>>> page = report_page(analyze("# Plan\\n\\nPlan the <b>budget</b>."), "Budget")
>>> "&lt;b&gt;" in page, "<h2" in page, page.count("data-kind="), page.count('class="lmc-badge"')  # 4 in the legend
(True, True, 2, 6)
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from lmclassify.documents.page import LABEL_STRONG_COLOURS, html_page
from lmclassify.documents.style import INITIALS, LOW_CONFIDENCE, Markup, palette, style_sheet

if TYPE_CHECKING:
    import pandas as pd

_KIND_NAMES = {"heading": "headings", "lead_in": "lead-ins", "list_item": "list items", "sentence": "sentences"}


def plural(count: int, word: str) -> str:
    """``"1 unit"``, ``"2 units"``.

    >>> plural(1, "unit"), plural(0, "unit"), plural(12, "unit")
    ('1 unit', '0 units', '12 units')
    """
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _kind_list(kinds: Sequence[str]) -> str:
    names = [_KIND_NAMES.get(kind, kind) for kind in kinds]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


class _Report(Protocol):
    @property
    def document(self) -> str: ...
    @property
    def sentences(self) -> pd.DataFrame: ...
    @property
    def profile(self) -> pd.DataFrame: ...
    @property
    def counted_kinds(self) -> tuple[str, ...]: ...
    @property
    def source(self) -> str | None: ...
    @property
    def model_name(self) -> str | None: ...
    @property
    def model_version(self) -> str | None: ...
    @property
    def created(self) -> datetime | None: ...


def details(report: _Report) -> list[tuple[str, str]]:
    """What the report's header says: ``(name, value)`` pairs for the file, model, date and units."""
    pairs = []
    if report.source is not None:
        pairs.append(("file", report.source))
    if report.model_name or report.model_version:
        pairs.append(("model", " ".join(str(part) for part in (report.model_name, report.model_version) if part)))
    if report.created is not None:
        pairs.append(("date", report.created.strftime("%Y-%m-%d %H:%M %Z").strip()))
    counted = int(report.profile["sentences"].sum())
    pairs.append(("units", f"{len(report.sentences)}, {counted} counted"))
    return pairs


def _legend(report: _Report, markup: Markup) -> str:
    profile = report.profile
    segments = []
    keys = []
    for label, values in profile.iterrows():
        name = html.escape(str(label))
        share = float(values["word_share"])
        if share > 0:
            colour = LABEL_STRONG_COLOURS[palette(str(label))]
            style = f"width:{share:.2%};background-color:{colour}" if markup.inline else f"width:{share:.2%}"
            segments.append(markup.open("span", f"lmc-share lmc-{palette(str(label))}", style) + "</span>")
        counts = f"{plural(int(values['sentences']), 'unit')} · {share:.0%} of words"
        keys.append(
            markup.open("li", "lmc-key")
            + markup.unit(str(label), True, str(label), INITIALS.get(str(label), name[:1].upper()))
            + markup.open("span", "lmc-count")
            + f"{html.escape(counts)}</span></li>"
        )
    shares = ", ".join(f"{label} {values['word_share']:.0%}" for label, values in profile.iterrows())
    not_counted = [kind for kind in _KIND_NAMES if kind not in report.counted_kinds]
    scope = f"Counts and shares of words cover {_kind_list(report.counted_kinds)}"
    scope += f"; {_kind_list(not_counted)} are shown but not counted." if not_counted else "."
    example = markup.unit("management", False, "an unsure unit", f"M {LOW_CONFIDENCE - 0.15:.2f}")
    return (
        markup.open("section", "lmc-legend", attributes=' aria-label="Legend"')
        + markup.open("div", "lmc-shares", attributes=f' role="img" aria-label="Share of words: {html.escape(shares)}"')
        + "".join(segments)
        + "</div>"
        + markup.open("ul", "lmc-keys")
        + "".join(keys)
        + "</ul>"
        + markup.open("p", "lmc-note")
        + "Each unit ends with a badge: its label's initial (M, L or N) and the model's confidence, from "
        + f"{1 / max(len(profile), 1):.2f} to 1.00. A pale fill and an outlined badge mark a unit below "
        + f"{LOW_CONFIDENCE:.2f}: {example}. {html.escape(scope)}</p></section>"
    )


_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # what str.splitlines() breaks on


def _block_tag(lead: str, kind: str) -> str:
    """The element a block starts as, from the text before its first unit on its line (``lead``) and its kind."""
    marker = lead.strip()
    if marker.startswith("#"):
        return f"h{min(len(marker) - len(marker.lstrip('#')) + 1, 4)}"
    if marker:
        return "li"
    return "h3" if kind == "heading" else "p"


class _Document:
    """Builds the document's markup block by block: paragraphs, headings and lists of units."""

    def __init__(self, markup: Markup):
        self.markup = markup
        self.out: list[str] = []
        self.block = ""  # the open block's tag
        self.in_list = False

    def close_block(self) -> None:
        if self.block:
            self.out.append(f"</{self.block}>")
            self.block = ""

    def set_list(self, wanted: bool) -> None:
        if wanted and not self.in_list:
            self.out.append(self.markup.open("ul", "lmc-list"))
        elif self.in_list and not wanted:
            self.out.append("</ul>")
        self.in_list = wanted

    def between(self, text: str) -> None:
        """Text between blocks: white space as it is, anything else (``---``) as a muted paragraph."""
        if text.strip():
            self.set_list(False)
            self.out.append(self.markup.open("p", "lmc-plain") + html.escape(text) + "</p>")
        else:
            self.out.append(html.escape(text))

    def gap(self, text: str, starts_block: bool) -> str:
        """Place the text before a unit (or the document's end); returns what starts the next block."""
        breaks = list(_LINE_BREAK.finditer(text))
        if not starts_block:  # a line break between two units of one block is kept as one
            self.out.append(_LINE_BREAK.sub(lambda found: "<br>" + found.group(), html.escape(text)))
            return ""
        if not breaks:  # the document's first unit, or its end
            head, middle, lead = (text, "", "") if self.block else ("", "", text)
        else:
            head, middle, lead = (
                text[: breaks[0].start()],
                text[breaks[0].start() : breaks[-1].end()],
                text[breaks[-1].end() :],
            )
        if self.block:
            self.out.append(html.escape(head))
        else:
            middle = head + middle
        self.close_block()
        self.between(middle)
        return lead

    def start_block(self, lead: str, kind: str) -> None:
        tag = _block_tag(lead, kind)
        self.set_list(tag == "li")
        self.out.append(self.markup.open(tag, f"lmc-{tag}"))
        self.block = tag
        if lead.strip():
            self.out.append(self.markup.open("span", "lmc-marker") + html.escape(lead) + "</span>")
        else:
            self.out.append(html.escape(lead))

    def finish(self, tail: str) -> str:
        lead = self.gap(tail, starts_block=True)
        self.between(lead)
        self.set_list(False)
        return "".join(self.out)


def _starts_block(gap: str, kind: str, previous_kind: str | None) -> bool:
    breaks = len(_LINE_BREAK.findall(gap))
    if previous_kind is None:
        return True
    lead = _LINE_BREAK.split(gap)[-1]
    return breaks > 0 and (
        breaks > 1 or bool(lead.strip()) or previous_kind in ("heading", "lead_in") or kind == "heading"
    )


def document_html(document: str, units: pd.DataFrame, markup: Markup) -> str:
    """The document's blocks, each unit in its box; every character of ``document`` once, escaped."""
    builder = _Document(markup)
    position = 0
    previous_kind: str | None = None
    for row in units.itertuples(index=False):
        gap = document[position : row.start]
        starts = _starts_block(gap, row.kind, previous_kind)
        lead = builder.gap(gap, starts)
        if starts:
            builder.start_block(lead, row.kind)
        sure = row.confidence >= LOW_CONFIDENCE
        tip = f"{row.kind}: {row.label} {row.confidence:.2f}"
        if row.function is not None:
            tip += f" · {row.function} {row.function_confidence:.2f}"
        attributes = f' title="{html.escape(tip)}" data-kind="{html.escape(row.kind)}"'
        badge = f"{INITIALS.get(row.label, row.label[:1].upper())} {row.confidence:.2f}"
        builder.out.append(markup.unit(row.label, sure, row.text, badge, attributes))
        position, previous_kind = row.end, row.kind
    return builder.finish(document[position:])


def _body(report: _Report, markup: Markup) -> str:
    return (
        _legend(report, markup)
        + markup.open("article", "lmc-document", attributes=' aria-label="Document"')
        + document_html(report.document, report.sentences, markup)
        + "</article>"
    )


def report_page(report: _Report, title: str) -> str:
    """The report as a standalone HTML page: header (``title``, file, model, date), legend, document."""
    body = '<div class="lmc-report">' + _body(report, Markup(inline=False)) + "</div>"
    return html_page(title, body, details=details(report), css=style_sheet())


def report_fragment(report: _Report) -> str:
    """The report as one ``<div>`` with inline styles, for notebooks: a line of details, legend, document."""
    markup = Markup(inline=True)
    meta = " · ".join(f"{name}: {value}" for name, value in details(report))
    return (
        markup.open("div", "lmc-report lmc-fragment")
        + markup.open("p", "lmc-meta")
        + html.escape(meta)
        + "</p>"
        + _body(report, markup)
        + "</div>"
    )
