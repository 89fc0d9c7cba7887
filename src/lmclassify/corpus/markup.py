"""Labelled-document markup: how the corpus's whole documents are written, and how they become data files.

A marked-up document (``.lmd``) is the document's own text with a tag in front of every unit, and a short
header. The tag gives the unit's label and Kotter function: ``{m.budgeting}``, ``{l.culture}`` or ``{n}``
(neither). It goes after any bullet (``- ``, ``1. ``) or heading (``## ``) marker. A unit runs to the next tag,
a blank line or the next marked line. Optional extras inside the tag force a kind (``{n heading}``) or name a
hard case (``{n #boilerplate}``)::

    ---
    genre: job_advert
    domain: health
    variety: uk
    title: Ward Manager
    ---
    # {n} Ward Manager
    {l.direction} We are rebuilding elderly care around one idea. {m.budgeting} You will hold the ward budget.

    {n} You will:
    - {m.staffing} Prepare the monthly rota

:func:`parse_markup` strips the tags and returns the plain text with every unit's offsets, kind and labels;
``lmclassify markup build SOURCE_DIR [--out data/documents]`` writes the corpus files that
:func:`lmclassify.corpus.load.load_documents` reads (see ``data/README.md``).

>>> document = parse_markup("---\\ngenre: blog\\ndomain: general\\nvariety: us\\n---\\n# {n} Title\\n"
...                         "{m.planning} Set dates. {l.direction} Say why.\\n- {m.staffing} Hire two\\n"
...                         "{n} Apply now\\n{n} Thanks.")
>>> [(unit.text, unit.kind, unit.label) for unit in document.units][:3]
[('Title', 'heading', 'neither'), ('Set dates.', 'sentence', 'management'), ('Say why.', 'sentence', 'leadership')]
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lmclassify.corpus.codebook import FUNCTIONS, NO_FUNCTION
from lmclassify.corpus.units import UNIT_KINDS, unit_kind
from lmclassify.errors import CorpusError
from lmclassify.io.atomic import write_text_atomically

__all__ = ["DOCUMENT_COLUMNS", "UNIT_COLUMNS", "MarkedUnit", "MarkupDocument", "build_documents", "parse_markup"]

HEADER_KEYS = ("genre", "domain", "variety", "title", "format")
REQUIRED_HEADER_KEYS = ("genre", "domain", "variety")
VARIETIES = ("uk", "us")
MIN_UNITS = 5
#: Columns of ``documents.csv`` and ``units.csv``.
DOCUMENT_COLUMNS = ("doc_id", "file", "genre", "domain", "variety", "title", "split")
UNIT_COLUMNS = ("id", "doc_id", "start", "end", "kind", "label", "function", "case", "text")
TEST_SHARE = 0.2

_TAG = re.compile(r"\{([mln])(?:\.([a-z_]+))?((?:\s+#?[a-z_]+)*)\s*\}")
_MARKER = re.compile(r"^(\s*)(#{1,6}\s+|[-*\u2022]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+|>\s+)")
_LETTER_LABEL = {"m": "management", "l": "leadership", "n": "neither"}


@dataclass(frozen=True)
class MarkedUnit:
    """One labelled unit: ``text[start:end]`` of its document, with its kind, label, function and case."""

    start: int
    end: int
    text: str
    kind: str
    label: str
    function: str
    case: str
    line: int


@dataclass
class MarkupDocument:
    """A parsed document: its header, plain text and units."""

    header: dict[str, str]
    text: str
    units: list[MarkedUnit] = field(default_factory=list)


@dataclass
class _OpenUnit:
    start: int
    label: str
    function: str
    kind: str
    case: str
    line: int
    marker: str


def _header(lines: list[str], name: str, problems: list[str]) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    if not lines or lines[0].strip() != "---":
        problems.append(f"{name}: the header (--- genre/domain/variety ---) is missing")
        return header, 0
    for number in range(1, len(lines)):
        if lines[number].strip() == "---":
            break
        key, _, value = lines[number].partition(":")
        if key.strip() not in HEADER_KEYS:
            problems.append(f"{name}:{number + 1}: unknown header key {key.strip()!r}")
        header[key.strip()] = value.strip()
    else:
        problems.append(f"{name}: the header is not closed with ---")
        return header, len(lines)
    for key in REQUIRED_HEADER_KEYS:
        if not header.get(key):
            problems.append(f"{name}: the header lacks {key}")
    if header.get("variety") and header["variety"] not in VARIETIES:
        problems.append(f"{name}: variety must be uk or us, not {header['variety']!r}")
    return header, number + 1


def _tag_labels(tag: re.Match[str], where: str, problems: list[str]) -> tuple[str, str, str | None, str]:
    letter, function, extras = tag.group(1), tag.group(2), tag.group(3).split()
    label = _LETTER_LABEL[letter]
    if label == "neither":
        if function:
            problems.append(f"{where}: a neither tag takes no function ({tag.group()})")
        function = NO_FUNCTION
    elif function not in FUNCTIONS[label]:
        problems.append(f"{where}: {function!r} is not a {label} function ({', '.join(FUNCTIONS[label])})")
    kind, case = None, ""
    for extra in extras:
        if extra.startswith("#"):
            case = extra[1:]
        elif extra in UNIT_KINDS:
            kind = extra
        else:
            problems.append(f"{where}: unknown tag extra {extra!r}")
    return label, function or "", kind, case


def parse_markup(source: str, name: str = "<document>") -> MarkupDocument:
    """Parse one marked-up document; raise :class:`CorpusError` listing every problem found.

    Returns a :class:`MarkupDocument` whose ``text`` ends with one line break and whose units satisfy
    ``text[unit.start:unit.end] == unit.text``.
    """
    problems: list[str] = []
    lines = source.replace("\r\n", "\n").split("\n")
    header, body_start = _header(lines, name, problems)
    pieces: list[str] = []
    position = 0
    units: list[MarkedUnit] = []
    open_unit: _OpenUnit | None = None

    def close(end: int) -> None:
        nonlocal open_unit
        if open_unit is None:
            return
        plain = "".join(pieces)
        while end > open_unit.start and plain[end - 1].isspace():
            end -= 1
        text = plain[open_unit.start : end]
        if not any(character.isalnum() for character in text):
            problems.append(f"{name}:{open_unit.line}: a tag with no text after it")
        else:
            lone = "\n" not in text and plain[open_unit.start - 1 : open_unit.start] in ("", "\n")
            lone = lone and plain[end : end + 1] in ("", "\n")
            kind = open_unit.kind or unit_kind(text, marker=open_unit.marker, alone=lone)
            units.append(
                MarkedUnit(
                    open_unit.start,
                    end,
                    text,
                    kind,
                    open_unit.label,
                    open_unit.function,
                    open_unit.case,
                    open_unit.line,
                )
            )
        open_unit = None

    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        where = f"{name}:{number}"
        found = _MARKER.match(line)
        marker = found.group(0) if found else ""
        rest = line[len(marker) :]
        if marker or not line.strip():
            close(position)
        marker_kind = (
            "heading" if marker.strip().startswith("#") else "bullet" if marker.strip()[:1] not in "> " else ""
        )
        pieces.append(marker)
        position += len(marker)
        cursor = 0
        for tag in _TAG.finditer(rest):
            between = rest[cursor : tag.start()]
            if any(character.isalnum() for character in between) and open_unit is None:
                problems.append(f"{where}: text without a tag: {between.strip()[:60]!r}")
            pieces.append(between)
            position += len(between)
            close(position)
            label, function, kind, case = _tag_labels(tag, where, problems)
            cursor = tag.end() + (rest[tag.end() : tag.end() + 1] == " ")
            open_unit = _OpenUnit(position, label, function, kind or "", case, number, marker_kind)
        tail = rest[cursor:]
        if any(character.isalnum() for character in tail) and open_unit is None:
            problems.append(f"{where}: text without a tag: {tail.strip()[:60]!r}")
        pieces.append(tail + "\n")
        position += len(tail) + 1
    close(position)
    joined = "".join(pieces)
    text = joined.strip("\n") + "\n"
    leading = len(joined) - len(joined.lstrip("\n"))
    units = [
        MarkedUnit(u.start - leading, u.end - leading, u.text, u.kind, u.label, u.function, u.case, u.line)
        for u in units
    ]
    if len(units) < MIN_UNITS and not problems:
        problems.append(f"{name}: only {len(units)} units; a document needs at least {MIN_UNITS}")
    if problems:
        raise CorpusError(f"{name}: {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    return MarkupDocument(header, text, units)


def _test_documents(doc_genres: dict[str, str], keep: dict[str, str]) -> set[str]:
    """Document ids in the test split: existing assignments are kept; new documents are drawn per genre so that
    about :data:`TEST_SHARE` of each genre is test, in an order fixed by a hash of the id."""
    test = {doc for doc, split in keep.items() if split == "test" and doc in doc_genres}
    by_genre: dict[str, list[str]] = {}
    for doc, genre in doc_genres.items():
        by_genre.setdefault(genre, []).append(doc)
    for docs in by_genre.values():
        wanted = max(1, round(TEST_SHARE * len(docs))) if len(docs) >= 3 else 0
        have = sum(doc in test for doc in docs)
        fresh = sorted((d for d in docs if d not in keep), key=lambda d: hashlib.sha256(d.encode()).hexdigest())
        test.update(fresh[: max(0, wanted - have)])
    return test


def build_documents(sources: Sequence[Path], out: Path) -> tuple[int, int]:
    """Write ``out/texts/<doc_id>.txt``, ``out/documents.csv`` and ``out/units.csv`` from ``.lmd`` files.

    The document id is the file's stem. Existing splits in ``out/documents.csv`` are kept. Returns
    ``(documents, units)``; raises :class:`CorpusError` naming every bad file, writing nothing then.
    """
    parsed: dict[str, MarkupDocument] = {}
    problems = []
    for source in sorted(sources):
        if source.stem in parsed:
            problems.append(f"{source}: a second document with id {source.stem!r}")
            continue
        try:
            parsed[source.stem] = parse_markup(source.read_text(encoding="utf-8"), str(source))
        except CorpusError as error:
            problems.append(str(error))
    if problems:
        raise CorpusError("\n".join(problems))
    keep: dict[str, str] = {}
    if (out / "documents.csv").is_file():
        with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
            keep = {row["doc_id"]: row["split"] for row in csv.DictReader(handle)}
    test = _test_documents({doc: d.header["genre"] for doc, d in parsed.items()}, keep)
    (out / "texts").mkdir(parents=True, exist_ok=True)
    document_rows, unit_rows = [], []
    for doc_id, document in parsed.items():
        file = f"texts/{doc_id}.txt"
        write_text_atomically(out / file, document.text)
        header = document.header
        split = "test" if doc_id in test else "train"
        document_rows.append(
            [doc_id, file, header["genre"], header["domain"], header["variety"], header.get("title", ""), split]
        )
        for number, unit in enumerate(document.units, start=1):
            unit_rows.append(
                [
                    f"{doc_id}:{number:03d}",
                    doc_id,
                    unit.start,
                    unit.end,
                    unit.kind,
                    unit.label,
                    unit.function,
                    unit.case,
                    unit.text,
                ]
            )
    _write_csv(out / "documents.csv", DOCUMENT_COLUMNS, document_rows)
    _write_csv(out / "units.csv", UNIT_COLUMNS, unit_rows)
    return len(document_rows), len(unit_rows)


def _write_csv(path: Path, columns: Iterable[str], rows: Sequence[Sequence[object]]) -> None:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    write_text_atomically(path, buffer.getvalue())
