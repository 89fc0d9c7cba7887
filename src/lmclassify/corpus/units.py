"""The kinds of unit a document is made of, and how a unit's kind is told from its text and its place.

>>> unit_kind("Our values"), unit_kind("Our values", alone=True)
('sentence', 'heading')
"""

from __future__ import annotations

import re

#: What a unit of a document is: a ``heading`` (a title, a Markdown ``#`` line, or a short line standing alone
#: without final punctuation), a ``lead_in`` (a unit ending in a colon that introduces what follows), a
#: ``list_item`` (a bullet or numbered item) or a ``sentence``.
UNIT_KINDS = ("heading", "lead_in", "list_item", "sentence")
#: The kinds that carry content; headings and lead-ins are the document's scaffolding.
CONTENT_KINDS = ("list_item", "sentence")
#: A unit standing alone with more words than this is no heading.
HEADING_MAX_WORDS = 12
#: Characters that may close a sentence after its final punctuation.
CLOSERS = "\"'”’)]»*_"
#: Final punctuation of a sentence, with any closers after it.
TERMINAL_END = re.compile(rf"(?:[.!?…])[{re.escape(CLOSERS)}]*$")


def unit_kind(text: str, *, marker: str = "", alone: bool = False) -> str:
    """The kind of one unit: see :data:`UNIT_KINDS`.

    ``marker`` is ``"heading"`` for a Markdown ``#`` line and ``"bullet"`` for a list item; ``alone`` says that
    the unit is the only one on its line and its block.

    >>> unit_kind("What we offer:"), unit_kind("Plan the rota", marker="bullet"), unit_kind("About us", alone=True)
    ('lead_in', 'list_item', 'heading')
    """
    stripped = text.rstrip()
    if marker == "heading":
        return "heading"
    if stripped.endswith(":"):
        return "lead_in"
    if marker == "bullet":
        return "list_item"
    if (
        alone
        and "\n" not in stripped
        and not TERMINAL_END.search(stripped)
        and not stripped.endswith((";", ","))
        and len(stripped.split()) <= HEADING_MAX_WORDS
    ):
        return "heading"
    return "sentence"
