"""Compare many documents: one profile row per document, streamed to CSV, with optional metadata and groups.

Each document is read, analysed (:func:`~lmclassify.documents.analysis.analyze_document`) and reduced to one
row at a time, so memory does not grow with the number of documents. The row's columns are described in
:mod:`lmclassify.documents.compare_profile`, the group table's in :mod:`lmclassify.documents.compare_groups`, and
how files are found and metadata rows matched in :mod:`lmclassify.documents.compare_inputs`. A file that cannot
be read (missing, not UTF-8, binary, no text document) gets a row with its ``error`` filled in, and the others
are still compared.

- :func:`iter_profiles`: the lean path, one plain dict per document;
- :func:`compare_to_csv`: the command's path, writing the CSV atomically (and optionally the HTML report);
- :func:`compare_documents`: a :class:`Comparison` in memory, with ``.profiles`` and ``.groups`` DataFrames.

>>> import pathlib, tempfile
>>> from lmclassify import default_model
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Track spending against the budget. Inspire the team.", encoding="utf-8")
>>> _ = (folder / "b.md").write_bytes(b"\\xff\\xfe not text")
>>> rows = list(iter_profiles(default_model(), folder))
>>> [(row["file"], row["management_unit_share"], row["error"][:12]) for row in rows]
[('a.txt', 0.5, ''), ('b.md', nan, 'not UTF-8 te')]
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from lmclassify.corpus.codebook import LABELS
from lmclassify.documents.analysis import analyze_document
from lmclassify.documents.compare_groups import GroupTotals
from lmclassify.documents.compare_inputs import DocumentFile, Metadata, PathLike, find_documents, read_metadata
from lmclassify.documents.compare_profile import (
    COUNT_COLUMNS,
    FRACTION_COLUMNS,
    error_values,
    profile_columns,
    profile_values,
)
from lmclassify.documents.compare_result import Comparison, model_details, write_rows
from lmclassify.errors import ArgumentError, DocumentError
from lmclassify.io.atomic import write_atomically
from lmclassify.io.documents import read_document
from lmclassify.io.progress import ProgressBar

if TYPE_CHECKING:
    from lmclassify.runtime.compiled import CompiledClassifier

logger = logging.getLogger(__name__)

#: The name of the one group that holds every document, for overall totals.
ALL_DOCUMENTS = "all documents"
#: Columns a comparison can be grouped by without metadata.
BUILT_IN_GROUPS = ("folder",)
#: How many names a summary line lists before it says how many more there are.
LISTED = 10

Inputs = PathLike | Iterable[PathLike]
ErrorHandler = Callable[[str, str], None]


def read_text(document: DocumentFile) -> str:
    """The text of ``document``; raise :class:`DocumentError` with the problem alone (without the file name)."""
    if document.problem:
        raise DocumentError(document.problem)
    given = str(document.path)
    try:
        text = read_document(given)
    except DocumentError as error:
        message = str(error)
        raise DocumentError(message.removeprefix(f"{given}: ")) from None
    if "\x00" in text:
        raise DocumentError("contains NUL bytes: a binary file, not text")
    return text


def profile_row(model: CompiledClassifier, document: DocumentFile, metadata: Metadata | None = None) -> dict[str, Any]:
    """The profile row of one document: read it, analyse it, count; an ``error`` row when it cannot be read."""
    row: dict[str, Any] = {"file": document.name, "folder": document.folder}
    if metadata is not None:
        row.update(zip(metadata.columns, metadata.row(document.name)))
    try:
        text = read_text(document)
    except DocumentError as error:
        row.update(error_values(str(error)))
        return row
    row.update(profile_values(analyze_document(model, text)))
    return row


def _documents_and_metadata(
    inputs: Inputs | list[DocumentFile], metadata: PathLike | Metadata | None
) -> tuple[list[DocumentFile], Metadata | None]:
    if isinstance(inputs, list) and inputs and all(isinstance(item, DocumentFile) for item in inputs):
        documents: list[DocumentFile] = inputs
    else:
        documents = find_documents(inputs)  # type: ignore[arg-type]
    if metadata is None or isinstance(metadata, Metadata):
        return documents, metadata
    return documents, read_metadata(metadata, documents, reserved=profile_columns())


def iter_profiles(
    model: CompiledClassifier, inputs: Inputs | list[DocumentFile], *, metadata: PathLike | Metadata | None = None
) -> Iterator[dict[str, Any]]:
    """One profile row (a dict, in :func:`profile_columns` order) per document of ``inputs``, read one at a time.

    ``inputs`` is a file, a folder or a list of them (see :func:`find_documents`); ``metadata`` a CSV file whose
    columns are added to each row (see :func:`read_metadata`). Nothing but the current document is held.
    """
    documents, table = _documents_and_metadata(inputs, metadata)
    for document in documents:
        yield profile_row(model, document, table)


def check_group_by(group_by: str | None, metadata: Metadata | None) -> None:
    """Raise :class:`ArgumentError` unless ``group_by`` is a metadata column or a built-in one (``folder``)."""
    if group_by is None:
        return
    available = [*(metadata.columns if metadata is not None else ()), *BUILT_IN_GROUPS]
    if group_by in available:
        return
    if metadata is None:
        raise ArgumentError(
            f"cannot group by {group_by!r} without metadata: only {', '.join(available)} is available; give a "
            f"metadata CSV file with a {group_by!r} column"
        )
    raise ArgumentError(
        f"cannot group by {group_by!r}: no such column; the columns to group by are {', '.join(available)}"
    )


@dataclass
class CompareSummary:
    """What a comparison did: counts, overall totals, groups, metadata matches, time and the files written."""

    documents: int = 0
    unreadable: int = 0
    seconds: float = 0.0
    overall: GroupTotals = field(default_factory=lambda: GroupTotals("all"))
    groups: GroupTotals | None = None
    metadata: Metadata | None = None
    written: list[str] = field(default_factory=list)

    def report(self) -> str:
        """A few lines for standard error: what was compared, the pooled shares, groups, metadata, outputs."""
        rate = f", {self.documents / self.seconds:,.0f} documents/s" if self.seconds > 0 else ""
        lines = [
            f"compared {self.documents:,} documents in {self.seconds:.1f} s{rate}; "
            f"{self.unreadable:,} could not be read"
        ]
        if len(self.overall):
            total = self.overall.frame().loc[ALL_DOCUMENTS]
            shares = ", ".join(f"{label} {total[f'pooled_{label}_word_share']:.1%}" for label in LABELS)
            if total["words"]:
                lines.append(
                    f"by words: {shares} (of {int(total['words']):,} words in {int(total['content_units']):,} "
                    "content units)"
                )
        if self.groups is not None:
            lines.append(f"grouped by {self.groups.column}: {len(self.groups):,} groups")
        if self.metadata is not None:
            lines.extend(metadata_report(self.metadata))
        if self.written:
            lines.append(f"wrote {' and '.join(self.written)}")
        return "\n".join(lines)


def _listed(names: tuple[str, ...]) -> str:
    more = len(names) - LISTED
    return ", ".join(names[:LISTED]) + (f" and {more:,} more" if more > 0 else "")


def metadata_report(metadata: Metadata) -> list[str]:
    """Lines saying how the metadata rows matched and which documents or rows did not."""
    matched = sum(metadata.matched_by.values())
    how = ", ".join(f"{count:,} by {way}" for way, count in metadata.matched_by.items())
    lines = [f"metadata: {matched:,} documents matched to rows of {metadata.source}" + (f" ({how})" if how else "")]
    if metadata.unmatched_documents:
        lines.append(
            f"{len(metadata.unmatched_documents):,} documents have no row in {metadata.source}: "
            f"{_listed(metadata.unmatched_documents)}"
        )
    if metadata.unmatched_rows:
        lines.append(
            f"{len(metadata.unmatched_rows):,} rows of {metadata.source} match no document: "
            f"{_listed(metadata.unmatched_rows)}"
        )
    return lines


def _log_error(name: str, problem: str) -> None:
    logger.warning("%s: %s", name, problem)


def _run(
    model: CompiledClassifier,
    documents: list[DocumentFile],
    metadata: Metadata | None,
    group_by: str | None,
    summary: CompareSummary,
    on_error: ErrorHandler,
    bar: ProgressBar,
) -> Iterator[dict[str, Any]]:
    """Profile rows, counted into ``summary`` as they pass."""
    summary.groups = GroupTotals(group_by) if group_by is not None else None
    started = time.perf_counter()
    for number, document in enumerate(documents, start=1):
        row = profile_row(model, document, metadata)
        summary.documents += 1
        if row["error"]:
            summary.unreadable += 1
            on_error(document.name, row["error"])
        summary.overall.add(ALL_DOCUMENTS, row)
        if summary.groups is not None and group_by is not None:
            summary.groups.add(str(row[group_by]), row)
        bar.update(number / len(documents), number)
        yield row
    summary.seconds = time.perf_counter() - started


def comparison_from_rows(
    rows: list[dict[str, Any]], columns: tuple[str, ...], summary: CompareSummary, model: CompiledClassifier
) -> Comparison:
    """A :class:`Comparison` of profile ``rows`` already made, with the groups ``summary`` counted."""
    import pandas as pd

    profiles = pd.DataFrame(rows, columns=list(columns))
    profiles = profiles.astype({column: "int64" for column in COUNT_COLUMNS})
    profiles = profiles.astype({column: "float64" for column in FRACTION_COLUMNS})
    groups = summary.groups.frame() if summary.groups is not None else None
    created = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    group_by = None if summary.groups is None else summary.groups.column
    return Comparison(profiles, groups, group_by, model_details(model), created, summary.metadata)


def compare_documents(
    model: CompiledClassifier,
    inputs: Inputs,
    *,
    metadata: PathLike | None = None,
    group_by: str | None = None,
    progress: bool | None = False,
    progress_stream: TextIO | None = None,
) -> Comparison:
    """Compare the documents ``inputs`` names with ``model``: a :class:`Comparison` (see the module docstring).

    Unreadable files and unmatched metadata are logged as warnings (and kept in the result). Raises
    :class:`ArgumentError` for an unknown ``group_by`` column (naming those there are) or no documents, and
    :class:`~lmclassify.DataFileError` for an unusable metadata file.
    """
    documents, table = _documents_and_metadata(inputs, metadata)
    check_group_by(group_by, table)
    if table is not None:
        for line in metadata_report(table)[1:]:
            logger.warning("%s", line)
    summary = CompareSummary(metadata=table)
    bar = ProgressBar(progress_stream or sys.stderr, enabled=progress, unit="documents")
    try:
        rows = list(_run(model, documents, table, group_by, summary, _log_error, bar))
    finally:
        bar.close()
    return comparison_from_rows(rows, profile_columns(table.columns if table else ()), summary, model)


def _check_outputs(output: Path, html: Path | None, metadata: PathLike | None) -> None:
    if output.suffix.lower() != ".csv":
        raise ArgumentError(f"the profiles are written as CSV: name the output file .csv, not {output.name}")
    if html is not None and html.suffix.lower() not in (".html", ".htm"):
        raise ArgumentError(f"the report is a web page: name it .html, not {html.name}")
    same = {os.path.realpath(output)}
    for other, what in ((html, "the HTML report"), (metadata, "the metadata file")):
        if other is not None and os.path.realpath(other) in same:
            raise ArgumentError(f"{other}: the output CSV file cannot also be {what}; choose another name")


def compare_to_csv(
    model: CompiledClassifier,
    inputs: Inputs,
    output: PathLike,
    *,
    metadata: PathLike | None = None,
    group_by: str | None = None,
    html: PathLike | None = None,
    progress: bool | None = None,
    progress_stream: TextIO | None = None,
    on_error: ErrorHandler | None = None,
) -> CompareSummary:
    """Compare the documents ``inputs`` names and write one profile row each to the CSV file ``output``.

    Rows are written as the documents are analysed, to a temporary file renamed over ``output`` only when the
    run has finished (with ``html``, the report is written just before): an interrupted or failed run leaves
    neither file. ``on_error(name, problem)`` is called for each unreadable file (default: a logged warning).
    A progress bar goes to ``progress_stream`` (stderr) when ``progress`` is true, or by default on a terminal.
    """
    output_path = Path(output)
    html_path = None if html is None else Path(html)
    _check_outputs(output_path, html_path, metadata)
    documents, table = _documents_and_metadata(inputs, metadata)
    check_group_by(group_by, table)
    columns = profile_columns(table.columns if table is not None else ())
    summary = CompareSummary(metadata=table)
    bar = ProgressBar(progress_stream or sys.stderr, enabled=progress, unit="documents")
    kept: list[dict[str, Any]] | None = [] if html_path is not None else None

    def rows() -> Iterator[dict[str, Any]]:
        for row in _run(model, documents, table, group_by, summary, on_error or _log_error, bar):
            if kept is not None:
                kept.append(row)
            yield row

    def write(handle: IO[bytes]) -> None:
        write_rows(handle, list(columns), rows())
        bar.close()
        if html_path is not None and kept is not None:
            comparison_from_rows(kept, columns, summary, model).write_html(html_path)

    try:
        write_atomically(output_path, write)
    finally:
        bar.close()
    summary.written = [str(output_path), *([] if html_path is None else [str(html_path)])]
    return summary
