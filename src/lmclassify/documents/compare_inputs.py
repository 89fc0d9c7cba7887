"""What a comparison reads: the document files (named as given, or relative to a folder) and a metadata table.

A folder is read recursively for ``.txt``, ``.text``, ``.md`` and ``.markdown`` files (case-insensitive), in
sorted order of their paths relative to it; hidden files and folders (names starting with ``.``) are left out and
links to folders are not followed. One folder given alone names its files relative to it; with several inputs, a
folder's files are named ``FOLDER/relative/path`` and files keep the name they were given as.

A metadata table is a UTF-8 CSV file with a ``file`` column and any others (``year``, ``company``, ``sector``);
each row is matched to one document by, in this order: the document's name in the table; the path the value
names relative to the CSV file's own folder (so ``texts/a.txt`` in ``data/documents.csv`` finds
``data/texts/a.txt``); or the file name alone, when no other document and no other row has that file name.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for name in ("b.txt", "sub/a.md", "notes.pdf", ".hidden.txt"):
...     (folder / name).parent.mkdir(parents=True, exist_ok=True)
...     _ = (folder / name).write_text("Plan the budget.", encoding="utf-8")
>>> [document.name for document in find_documents(folder)]
['b.txt', 'sub/a.md']
>>> _ = (folder / "meta.csv").write_text("file,year\\nb.txt,2021\\nsub/a.md,2022\\n", encoding="utf-8")
>>> read_metadata(folder / "meta.csv", find_documents(folder)).values["sub/a.md"]
('2022',)
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lmclassify.errors import ArgumentError, ArgumentTypeError, DataFileError
from lmclassify.io.documents import SUFFIXES

#: The metadata column that names the document a row describes.
FILE_COLUMN = "file"
#: The largest metadata table read.
MAX_METADATA_BYTES = 256 << 20

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class DocumentFile:
    """One document to compare: ``name`` as shown in the table, ``path`` to read, and ``problem`` when the file
    could not even be listed (a folder that cannot be opened)."""

    name: str
    path: Path
    problem: str | None = None

    @property
    def folder(self) -> str:
        """The folder part of :attr:`name` (``"."`` for none).

        >>> DocumentFile("retail/2021/a.txt", Path("a.txt")).folder
        'retail/2021'
        """
        return str(PurePosixPath(self.name).parent)


def _walk(folder: Path, prefix: str) -> list[DocumentFile]:
    found: list[DocumentFile] = []
    problems: list[DocumentFile] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename or folder)
        relative = where.relative_to(folder).as_posix() if where != folder else "."
        problems.append(
            DocumentFile(
                f"{prefix}{relative}", where, f"folder cannot be listed ({error.strerror or error}); not compared"
            )
        )

    for top, folders, files in os.walk(folder, onerror=unreadable, followlinks=False):
        folders[:] = [name for name in folders if not name.startswith(".")]
        base = Path(top)
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                path = base / name
                found.append(DocumentFile(f"{prefix}{path.relative_to(folder).as_posix()}", path))
    return sorted(found + problems, key=lambda document: PurePosixPath(document.name).parts)


def find_documents(inputs: PathLike | Iterable[PathLike]) -> list[DocumentFile]:
    """The documents ``inputs`` name: one file or folder, or several (see the module docstring).

    A file that is given is always listed, even if it does not exist or is no text document: reading it then
    fails, and the comparison reports that. Raises :class:`ArgumentError` when nothing is found or a document
    is named twice, :class:`ArgumentTypeError` for an input that is not a path.
    """
    items: list[PathLike] = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    single = len(items) == 1
    documents: list[DocumentFile] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise ArgumentTypeError(f"expected paths of documents or folders, got {type(item).__name__}: {item!r}")
        given = os.fspath(item)
        path = Path(given)
        if path.is_dir():
            prefix = "" if single else given.rstrip("/" + os.sep) + "/"
            found = _walk(path, prefix)
            if not found and single:
                raise ArgumentError(f"{given}: no {', '.join(SUFFIXES)} files in this folder or below it")
            documents.extend(found)
        else:
            documents.append(DocumentFile(given, path))
    if not documents:
        raise ArgumentError("no documents to compare: give files or a folder of .txt or .md files")
    twice = sorted(name for name, count in Counter(d.name for d in documents).items() if count > 1)
    if twice:
        raise ArgumentError(f"documents named more than once: {', '.join(twice[:5])}; give each only once")
    return documents


@dataclass(frozen=True)
class Metadata:
    """A metadata table matched to the documents: ``columns`` (other than ``file``), ``values`` by document
    name, the documents without a row and the ``file`` values of rows that matched no document."""

    source: str
    columns: tuple[str, ...]
    values: dict[str, tuple[str, ...]]
    unmatched_documents: tuple[str, ...] = ()
    unmatched_rows: tuple[str, ...] = ()
    matched_by: dict[str, int] = field(default_factory=dict)

    def row(self, name: str) -> tuple[str, ...]:
        """The values for document ``name`` (empty strings when it has no row)."""
        return self.values.get(name, ("",) * len(self.columns))


def _normal(value: str) -> str:
    """A ``file`` value or document name in one spelling: forward slashes, no ``./``, no doubled slashes.

    >>> _normal(" .\\\\texts//a.txt ")
    'texts/a.txt'
    """
    text = value.strip().replace("\\", "/")
    return str(PurePosixPath(text)) if text else ""


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such metadata file") from None
    except OSError as error:
        raise DataFileError(f"{path}: metadata file cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_METADATA_BYTES:
        raise DataFileError(f"{path}: longer than {MAX_METADATA_BYTES:,} bytes, the limit for a metadata table")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not UTF-8 text (byte at position {error.start} cannot be decoded); save it as UTF-8 CSV"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(reader.line_num)
    except csv.Error as error:
        raise DataFileError(f"{path}: not a readable CSV file (line {reader.line_num}: {error})") from None
    if not rows:
        raise DataFileError(f"{path}: the metadata file is empty; it needs a header with a {FILE_COLUMN!r} column")
    header = [name.strip() for name in rows[0]]
    if FILE_COLUMN not in header:
        raise DataFileError(
            f"{path}: no {FILE_COLUMN!r} column naming the documents; its columns are {', '.join(header)}"
        )
    repeated = sorted(name for name, count in Counter(header).items() if count > 1 or not name)
    if repeated:
        raise DataFileError(f"{path}: column names must be unique and not empty; check {repeated}")
    for number, row in zip(lines[1:], rows[1:]):
        if len(row) != len(header):
            raise DataFileError(f"{path}: line {number} has {len(row)} fields, the header {len(header)}")
    return header, rows[1:]


def read_metadata(path: PathLike, documents: list[DocumentFile], reserved: Iterable[str] = ()) -> Metadata:
    """Read the metadata CSV at ``path`` and match its rows to ``documents`` (see the module docstring).

    Raises :class:`DataFileError` naming the file when it cannot be read, has no ``file`` column, has a column
    named like one in ``reserved`` (the profile's own columns), or has two rows for one document.
    """
    path = Path(path)
    header, rows = _read_rows(path)
    clash = sorted((set(header) & set(reserved)) - {FILE_COLUMN})
    if clash:
        raise DataFileError(f"{path}: column(s) {', '.join(clash)} clash with the profile's columns; rename them")
    key_at = header.index(FILE_COLUMN)
    columns = tuple(name for name in header if name != FILE_COLUMN)
    by_name = {_normal(d.name): d for d in documents}
    by_path = {os.path.realpath(d.path): d for d in documents}
    documents_by_base = Counter(PurePosixPath(d.name).name for d in documents)
    base_to_document = {PurePosixPath(d.name).name: d for d in documents}
    rows_by_base = Counter(PurePosixPath(_normal(row[key_at])).name for row in rows)
    values: dict[str, tuple[str, ...]] = {}
    given: dict[str, str] = {}
    unmatched_rows: list[str] = []
    matched_by: Counter[str] = Counter()
    for row in rows:
        key = _normal(row[key_at])
        document, how = by_name.get(key), "name"
        if document is None and key:
            document, how = by_path.get(os.path.realpath(path.parent / key)), "path"
        base = PurePosixPath(key).name
        if document is None and base and documents_by_base[base] == 1 and rows_by_base[base] == 1:
            document, how = base_to_document[base], "file name"
        if document is None:
            unmatched_rows.append(row[key_at])
            continue
        if document.name in values:
            raise DataFileError(
                f"{path}: rows {given[document.name]!r} and {row[key_at]!r} both describe {document.name}; "
                "keep one row per document"
            )
        values[document.name] = tuple(cell for at, cell in enumerate(row) if at != key_at)
        given[document.name] = row[key_at]
        matched_by[how] += 1
    unmatched_documents = tuple(d.name for d in documents if d.name not in values)
    return Metadata(str(path), columns, values, unmatched_documents, tuple(unmatched_rows), dict(matched_by))
