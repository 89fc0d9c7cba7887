"""The shell every HTML report shares: a complete, standalone page with a header, bounded width and the label
colours.

>>> page = html_page("Board letter", "<p>Hello</p>", details=[("file", "letter.md")])
>>> page.startswith("<!DOCTYPE html>"), '<meta charset="utf-8">' in page, "<title>Board letter</title>" in page
(True, True, True)
"""

from __future__ import annotations

import html
from collections.abc import Sequence

#: Fill colour of each label: a blue, an orange and a grey that colour-blind readers tell apart (the blue-orange
#: pair of the Okabe-Ito palette, as light tints) and that keep near-black text above 12:1 contrast.
LABEL_COLOURS = {"management": "#d3e7f7", "leadership": "#fde0b3", "neither": "#e6e6e6"}
#: Stronger versions of the same colours, for chart bars, borders and badges: each has at least 4.5:1 contrast
#: with white, so white text on it (or it as text on white) stays readable.
LABEL_STRONG_COLOURS = {"management": "#0072b2", "leadership": "#b45309", "neither": "#666666"}

BASE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff;
       margin: 0; line-height: 1.6; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
header.lmclassify-header h1 { font-size: 1.5rem; margin: 0 0 0.3rem; }
header.lmclassify-header dl { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; margin: 0 0 1rem;
       color: #404040; font-size: 0.9rem; }
header.lmclassify-header dt { font-weight: 600; }
header.lmclassify-header dt::after { content: ":"; }
header.lmclassify-header dd { margin: 0 0 0 0.3rem; overflow-wrap: anywhere; }
header.lmclassify-header div { display: flex; }
"""


def html_page(title: str, body: str, *, details: Sequence[tuple[str, str]] = (), css: str = "") -> str:
    """A complete HTML5 page: doctype, UTF-8 charset, viewport, ``<title>``, a header with ``title`` and
    ``details`` (pairs such as ``("model", "default 0.2.0")``, escaped here), then ``body`` (HTML, inserted as
    given) inside a ``<main>`` of bounded width. ``css`` is added after the base styles."""
    items = "".join(f"<div><dt>{html.escape(name)}</dt><dd>{html.escape(value)}</dd></div>" for name, value in details)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n<main>\n"
        f'<header class="lmclassify-header"><h1>{html.escape(title)}</h1><dl>{items}</dl></header>\n'
        f"{body}\n</main>\n</body>\n</html>\n"
    )
