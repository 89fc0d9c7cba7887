"""Split a document into units (sentences, headings, lead-ins, list items), each with its exact offsets and kind.

Why a splitter of our own rather than a segmentation library: the runtime's dependencies stay at numpy, pandas,
scikit-learn and joblib; the libraries that segment well either need downloaded model data (NLTK's punkt), are
large (spaCy, stanza) or ship native code, and the light rule-based ones do not report reliable offsets into the
original text, nor treat the line structure of plain-text and Markdown documents (headings, bullet lists, hard
line breaks) the way a document report needs. The rules below are few, deterministic and tested case by case in
``tests/test_segment.py``.

How a document is split:

1. **Lines.** A blank line always ends a sentence. So does a line break before a bullet item (``-``, ``*``,
   ``+``, ``•``, ``–``, ``1.``, ``2)``, ``(a)``, ``iv)``) or a Markdown heading (``#``), and after a heading.
   A line without final punctuation (``.``, ``!``, ``?``, ``…``, possibly followed by closing quotes or
   brackets) followed by another line is a heading, and ends there, *unless* it reads as hard-wrapped prose: the
   next line starts with a lower-case letter, the line ends with a comma, semicolon, dash, slash, ampersand or
   opening bracket or with a small joining word (``and``, ``the``, ``of``, ``to``...), or the line is long
   (more than ten words; headings are short). Bullet markers and ``#`` are not part of the sentence.
2. **Punctuation.** Within those blocks a sentence ends at ``.``, ``!``, ``?``, ``…`` or ``...`` (with any
   closing quotes or brackets) followed by white space and then anything but a lower-case letter or ``,;:.``.
   A period directly followed by a character (``3.5%``, ``$2.5m``, ``acme.com``) never ends one.
3. **Abbreviations.** A period after a title or Latin abbreviation (``Dr.``, ``Mr.``, ``Prof.``, ``e.g.``,
   ``i.e.``, ``vs.``, ``approx.``) never ends a sentence; after ``No.``, ``Fig.``, ``p.``, ``Vol.``... it does not
   when a number follows; after ``etc.``, ``et al.``, ``a.m.``, ``p.m.`` it does when an upper-case letter
   follows; after a company, address or month abbreviation (``Inc.``, ``Ltd.``, ``St.``, ``Jan.``), an
   initialism (``U.K.``, ``U.S.``) or a single letter (``J. K. Rowling``) it does only when a common
   sentence-opening word follows (``The``, ``We``, ``It``, ``In``, ``However``...).
4. A stretch without any letter or digit (``---``, ``* * *``) is not a sentence.

Known limits: an abbreviation such as ``U.K.`` at the end of a sentence followed by a proper noun stays joined to
the next sentence, and a short hard-wrapped line ending in a proper noun is taken for a heading.

>>> [s.text for s in split_sentences("Dr. Smith joined Acme Inc. in 2024. Sales rose 3.5% to $2.5m... A record!")]
['Dr. Smith joined Acme Inc. in 2024.', 'Sales rose 3.5% to $2.5m...', 'A record!']
>>> document = "Our priorities\\n\\n- Grow revenue\\n- Hire 20 engineers"
>>> [(s.text, s.start, s.end) for s in split_sentences(document)]
[('Our priorities', 0, 14), ('Grow revenue', 18, 30), ('Hire 20 engineers', 33, 50)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lmclassify.corpus.units import CLOSERS, CONTENT_KINDS, TERMINAL_END, UNIT_KINDS, unit_kind
from lmclassify.errors import TextTypeError

__all__ = ["CONTENT_KINDS", "UNIT_KINDS", "Sentence", "split_sentences", "unit_kind"]


@dataclass(frozen=True)
class Sentence:
    """One unit of a document: ``document[start:end] == text``; ``kind`` is one of :data:`UNIT_KINDS`."""

    text: str
    start: int
    end: int
    kind: str = "sentence"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# ------------------------------------------------------------------------------------------------- line rules
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() breaks on
_BULLET = re.compile(
    r"[ \t]*(?:[-*+•‣◦▪●–—·]|\(?\d{1,3}[.)]|\(?[a-zA-Z]\)|\([a-zA-Z]\.?\)|\(?[ivxIVX]{1,5}\))(?=[ \t]+\S)[ \t]+"
)
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")
_JOINING_END = re.compile(r"[,;(\[&/+=\-–—]$")
_JOINING_WORDS = _word_set(
    """a an and the of to in on at by for from with into onto over under about as or nor but than that which
    who whose whom our their its his her my your we they is are was were be been being will would shall should
    can could may might must has have had do does did not this these those such per via"""
)
_LONG_LINE_WORDS = 10

# ------------------------------------------------------------------------------------------ sentence-end rules
# A run of [.!?] is only tried from its first character: trying every position inside a long run that does not end a
# sentence ("....x") would cost time quadratic in the run's length, and could find nothing the run's start does not.
_END = re.compile(rf"(?:\.\.\.|…|(?<![.!?])[.!?]+)[{re.escape(CLOSERS)}]*(?=\s|$)")
_NEVER_END = _word_set(
    """mr mrs ms mx dr prof rev revd hon fr gen col capt cpt lt sgt cmdr adm gov sen rep supt insp messrs mme mlle
    e.g eg i.e ie cf vs v viz approx incl esp ca c.f"""
)
_NUMBER_ABBREVIATIONS = _word_set("no nos nr fig figs vol vols p pp art arts sec ch chap para paras ref tel ext")
_UPPER_ENDS = _word_set("etc al a.m p.m")
_OPENER_ENDS = _word_set(
    """inc ltd co corp plc llc llp bros jr sr st ave rd blvd dept univ est govt intl assn mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun"""
)
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]|[^\W\d_]")
_SENTENCE_OPENERS = _word_set(
    """the a an this that these those it its we our us i my you your they their he she his her there here in on
    at for from by with after before during since as but and or so yet however also if when while although though
    because what why how who where which all each every some many most no not one two three both next then today
    last first finally meanwhile moreover furthermore overall please let thank thanks nothing none
    everyone everybody nobody someone"""
)
_OPENING_PUNCTUATION = "\"'“‘([«*_"


def _lines(document: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line's content, without its line break."""
    spans = []
    position = 0
    for line in document.splitlines(keepends=True):
        content = line.rstrip(_LINE_BREAKS)
        spans.append((position, position + len(content)))
        position += len(line)
    return spans


def _is_heading_break(line: str, next_line: str) -> bool:
    """Whether a line without final punctuation ends its sentence before ``next_line`` (see the module doc)."""
    stripped = line.rstrip()
    if TERMINAL_END.search(stripped):
        return False  # the punctuation rules decide
    following = next_line.lstrip()
    if following[:1].islower() or _JOINING_END.search(stripped):
        return False
    words = stripped.split()
    return not (words and words[-1].lower() in _JOINING_WORDS) and len(words) <= _LONG_LINE_WORDS


def _blocks(document: str) -> list[tuple[int, int, str]]:
    """Stretches of the document that no sentence crosses, split at blank lines, bullets and headings:
    ``(start, end, marker)`` with ``marker`` ``"heading"``, ``"bullet"`` or ``""``."""
    blocks: list[tuple[int, int, str]] = []
    current: list[Any] | None = None  # [start, end, marker] of the open block
    previous_text = ""
    previous_heading = False
    for start, end in _lines(document):
        text = document[start:end]
        if not text.strip():
            if current:
                blocks.append((current[0], current[1], current[2]))
            current = None
            continue
        heading_match = _HEADING.match(text)
        marker = heading_match or _BULLET.match(text)
        heading = bool(heading_match)
        content_start = start + (marker.end() if marker else 0)
        if current is not None and (marker or previous_heading or _is_heading_break(previous_text, text)):
            blocks.append((current[0], current[1], current[2]))
            current = None
        if current is None:
            current = [content_start, end, "heading" if heading else "bullet" if marker else ""]
        else:
            current[1] = end
        previous_text, previous_heading = text, heading
    if current:
        blocks.append((current[0], current[1], current[2]))
    return blocks


_LOOK_AHEAD = 40  # a longer next word is no sentence opener; reading no further keeps splitting linear in time
_NEXT_WORD = re.compile(rf"\s*(\S{{0,{_LOOK_AHEAD + 1}}})")
_PREVIOUS_WORD = re.compile(r"\S+$")
_LOOK_BACK = 40  # longer words are no abbreviations; a bounded look-back keeps splitting linear in time


def _previous_word(block: str, end: int) -> str:
    window_start = max(0, end - _LOOK_BACK)
    found = _PREVIOUS_WORD.search(block, window_start, end)
    if not found or (found.start() == window_start > 0 and not block[window_start - 1].isspace()):
        return ""
    return found.group()


def _ends_sentence(block: str, match: re.Match[str]) -> bool:
    """Whether the terminal punctuation ``match`` inside ``block`` ends a sentence."""
    following_text = _NEXT_WORD.match(block, match.end())
    assert following_text is not None  # the pattern also matches the empty string
    next_word = following_text.group(1)
    if not next_word:
        return True  # the end of the block
    following = next_word[0]
    if following.islower() or following in ",;:.…":
        return False
    if not match.group().startswith(".") or match.group().startswith(".."):
        return True
    key = _previous_word(block, match.start()).lstrip(_OPENING_PUNCTUATION).lower()
    if not key:
        return True
    opener = (
        len(next_word) <= _LOOK_AHEAD
        and re.sub(r"\W+$", "", next_word.lstrip(_OPENING_PUNCTUATION)).lower() in _SENTENCE_OPENERS
    )
    if key in _NEVER_END:
        return False
    if key in _NUMBER_ABBREVIATIONS and (following.isdigit() or following == "("):
        return False
    if key in _UPPER_ENDS:
        return following.isupper() or opener
    if key in _OPENER_ENDS or _INITIALISM.fullmatch(key):
        return opener
    return True


def _split_block(document: str, start: int, end: int) -> list[tuple[int, int]]:
    block = document[start:end]
    spans = []
    sentence_start = 0
    for match in _END.finditer(block):
        if _ends_sentence(block, match):
            spans.append((sentence_start, match.end()))
            sentence_start = match.end()
    spans.append((sentence_start, len(block)))
    result = []
    for left, right in spans:
        piece = block[left:right]
        if not any(character.isalnum() for character in piece):
            continue
        left += len(piece) - len(piece.lstrip())
        right -= len(piece) - len(piece.rstrip())
        result.append((start + left, start + right))
    return result


def split_sentences(document: str) -> list[Sentence]:
    """The sentences of ``document`` in order, each with ``document[start:end] == text``.

    Raises ``TypeError`` if ``document`` is not a ``str``. An empty document, or one without letters or digits,
    has no sentences.

    >>> split_sentences("Prices rose. See No. 5 on p. 12, e.g. the table.")[1].text
    'See No. 5 on p. 12, e.g. the table.'
    >>> split_sentences("   ")
    []
    """
    if not isinstance(document, str):
        raise TextTypeError(f"expected a str document, got {type(document).__name__}")
    units = []
    for start, end, marker in _blocks(document):
        spans = _split_block(document, start, end)
        for left, right in spans:
            text = document[left:right]
            units.append(Sentence(text, left, right, unit_kind(text, marker=marker, alone=len(spans) == 1)))
    return units
