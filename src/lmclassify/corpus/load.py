"""Read and validate labelled CSV files: the bundled corpus, the challenge set, or a user's own data.

Only ``text`` and ``label`` are required. ``id``, ``function``, ``domain``, ``register`` and ``split`` are
checked when present. Every problem is reported at once, in plain words, with the rows it concerns.

>>> corpus = load_corpus()
>>> sorted(corpus["label"].unique())
['leadership', 'management', 'neither']
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lmclassify.corpus.codebook import FUNCTIONS, LABELS, NO_FUNCTION
from lmclassify.errors import CorpusError
from lmclassify.resources import bundled_file, default_corpus_path

REQUIRED_COLUMNS = ("text", "label")
CORPUS_COLUMNS = ("id", "text", "label", "function", "domain", "register", "split", "case", "variety")
SPLITS = ("train", "test")
MIN_EXAMPLES_PER_LABEL = 10
_SHOWN_ROWS = 8


def normalise_text(text: str) -> str:
    """The key used to find duplicates: case- and whitespace-insensitive."""
    return " ".join(text.split()).casefold()


def _rows(index: Iterable[int], lines: Sequence[int] | None = None) -> str:
    """Where rows are, shortened when there are many: their lines in the file (line 1 is the header), as batch
    jobs report them too, when ``lines`` (the first line of each data row) is known; else their row numbers
    (1 = the first data row).

    >>> _rows([0, 2], lines=[2, 3, 5]), _rows([4])
    ('lines 2, 5', 'row 5')
    """
    word = "line" if lines is not None else "row"
    numbers = [lines[int(i)] if lines is not None else int(i) + 1 for i in index]
    shown = ", ".join(str(n) for n in numbers[:_SHOWN_ROWS])
    more = len(numbers) - _SHOWN_ROWS
    if len(numbers) == 1:
        return f"{word} {shown}"
    return f"{word}s {shown}" + (f" and {more} more" if more > 0 else "")


def _scan(path: Path) -> tuple[list[str], list[int]]:
    """The first few records whose number of fields differs from the header's (with their lines), and the first
    line of every data record (blank lines are no records)."""
    ragged: list[str] = []
    starts: list[int] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        previous_end = reader.line_num
        for record in reader:
            if record:
                starts.append(previous_end + 1)
                if header is not None and len(record) != len(header) and len(ragged) < _SHOWN_ROWS:
                    ragged.append(f"line {starts[-1]} has {len(record)} fields")
            previous_end = reader.line_num
    return ragged, starts


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a CSV as strings, turning unreadable files into a :class:`CorpusError`; a record with more or fewer
    fields than the header is named by its line in the file."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    try:
        ragged, starts = _scan(path)
        if ragged:
            raise CorpusError(
                f"{path}: every record needs as many fields as the header; {'; '.join(ragged)} "
                "(quote a text that holds commas)"
            )
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", index_col=False)
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{path}: not UTF-8 text (byte {error.start} cannot be decoded); save the file as UTF-8 and retry"
        ) from None
    except pd.errors.EmptyDataError:
        raise CorpusError(f"{path}: the file is empty; it needs a header row with at least text,label") from None
    except (pd.errors.ParserError, csv.Error) as error:
        raise CorpusError(f"{path}: not a readable CSV file ({error})") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    if len(starts) == len(frame):
        frame.attrs["lines"] = starts  # where each row is in the file, for messages
    return frame


def problems_in(frame: pd.DataFrame, *, min_per_label: int = MIN_EXAMPLES_PER_LABEL) -> list[str]:
    """List everything wrong with a labelled frame; an empty list means it is usable. Rows are named by their
    lines in the file when the frame was read by :func:`read_csv`, else by their row numbers."""
    lines = frame.attrs.get("lines")
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        return [f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns)) or 'none'}"]
    if frame.empty:
        return ["no data rows under the header"]
    problems = []
    text = frame["text"].astype(str)
    empty = text.str.strip() == ""
    if empty.any():
        problems.append(f"empty text in {_rows(frame.index[empty], lines)}")
    bad_label = ~frame["label"].isin(LABELS)
    if bad_label.any():
        found = sorted(set(frame.loc[bad_label, "label"]))[:5]
        problems.append(
            f"unknown label(s) {found} in {_rows(frame.index[bad_label], lines)}; "
            f"labels must be one of {', '.join(LABELS)}"
        )
    keys = text[~empty].map(normalise_text)
    repeated = keys[keys.duplicated(keep=False)]
    if not repeated.empty:
        problems.append(f"duplicate texts (ignoring case and spacing) in {_rows(repeated.index, lines)}")
    if "id" in frame.columns:
        ids = frame["id"].str.strip()
        if (ids == "").any():
            problems.append(f"empty id in {_rows(frame.index[ids == ''], lines)}")
        dup_ids = ids[(ids != "") & ids.duplicated(keep=False)]
        if not dup_ids.empty:
            problems.append(f"duplicate id(s) {sorted(set(dup_ids))[:5]} in {_rows(dup_ids.index, lines)}")
    if "function" in frame.columns:
        expected = frame["label"].map(lambda label: FUNCTIONS.get(label, ()) or (NO_FUNCTION,))
        wrong = [i for i, function, allowed in zip(frame.index, frame["function"], expected) if function not in allowed]
        if wrong:
            problems.append(
                f"function does not belong to the row's label in {_rows(wrong, lines)} "
                f"(management: {', '.join(FUNCTIONS['management'])}; leadership: "
                f"{', '.join(FUNCTIONS['leadership'])}; neither: {NO_FUNCTION})"
            )
    if "split" in frame.columns:
        bad_split = ~frame["split"].isin(SPLITS)
        if bad_split.any():
            problems.append(
                f"split must be train or test, not {sorted(set(frame.loc[bad_split, 'split']))[:5]} "
                f"in {_rows(frame.index[bad_split], lines)}"
            )
    counts = frame.loc[~bad_label, "label"].value_counts()
    scarce = [f"{label} ({counts.get(label, 0)})" for label in LABELS if counts.get(label, 0) < min_per_label]
    if scarce:
        problems.append(f"too few examples of {', '.join(scarce)}; each label needs at least {min_per_label}")
    return problems


def read_labelled_csv(path: str | Path, *, min_per_label: int = MIN_EXAMPLES_PER_LABEL) -> pd.DataFrame:
    """Read and validate a labelled CSV, raising :class:`CorpusError` listing every problem found."""
    frame = read_csv(path)
    problems = problems_in(frame, min_per_label=min_per_label)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise CorpusError(f"{path}: {len(problems)} problem(s) found:\n{listed}")
    return frame


def load_corpus(path: str | Path | None = None) -> pd.DataFrame:
    """The bundled corpus (or the labelled CSV at ``path``), validated.

    Returns a DataFrame with at least ``text`` and ``label``; the bundled corpus also has
    ``id, function, domain, register, split``.
    """
    return read_labelled_csv(default_corpus_path() if path is None else path)


def load_challenge_set() -> pd.DataFrame:
    """The bundled challenge set of hard cases (never used for training or model choice)."""
    return read_labelled_csv(bundled_file("data", "challenge.csv"))


# --------------------------------------------------------------------------------------------- whole documents
DOCUMENT_GENRE_COLUMNS = ("genre", "domain", "variety", "split")


@dataclass(frozen=True, eq=False)
class DocumentSet:
    """The corpus's whole documents: texts, per-document metadata and every labelled unit.

    - ``documents``: one row per document, indexed by ``doc_id``, with ``file, genre, domain, variety, title,
      split``;
    - ``units``: one row per unit in document order, with ``id, doc_id, start, end, kind, label, function,
      case, text`` and the document's ``genre, domain, variety, split``; ``texts[doc_id][start:end] == text``;
    - ``texts``: each document's full text, by ``doc_id``.
    """

    documents: pd.DataFrame
    units: pd.DataFrame
    texts: dict[str, str]

    def __len__(self) -> int:
        return len(self.documents)

    def split(self, split: str) -> DocumentSet:
        """The documents of one split (``"train"`` or ``"test"``) and their units."""
        documents = self.documents[self.documents["split"] == split]
        units = self.units[self.units["doc_id"].isin(documents.index)]
        return DocumentSet(documents, units, {doc: self.texts[doc] for doc in documents.index})


def _document_problems(documents: pd.DataFrame, units: pd.DataFrame, texts: dict[str, str]) -> list[str]:
    problems = problems_in(units, min_per_label=1)
    problems = [problem for problem in problems if not problem.startswith("duplicate texts")]
    unknown = sorted(set(units["doc_id"]) - set(documents.index))
    if unknown:
        problems.append(f"units of unknown document(s) {unknown[:5]}")
    bad_split = sorted(set(documents["split"]) - set(SPLITS))
    if bad_split:
        problems.append(f"documents.csv: split must be train or test, not {bad_split[:5]}")
    for row in units.itertuples():
        text = texts.get(row.doc_id)
        if text is not None and text[int(row.start) : int(row.end)] != row.text:
            problems.append(f"unit {row.id}: offsets {row.start}-{row.end} do not give its text")
            break
    return problems


def load_documents(folder: str | Path | None = None) -> DocumentSet:
    """The corpus's whole documents (``data/documents``, or a folder of the same layout), validated.

    >>> documents = load_documents()
    >>> sorted(documents.documents["split"].unique()), sorted(documents.units["kind"].unique())
    (['test', 'train'], ['heading', 'lead_in', 'list_item', 'sentence'])
    """
    folder = bundled_file("data", "documents/documents.csv").parent if folder is None else Path(folder)
    documents = read_csv(folder / "documents.csv").set_index("doc_id")
    units = read_csv(folder / "units.csv")
    texts = {}
    for doc_id, file in documents["file"].items():
        path = folder / file
        if not path.is_file():
            raise CorpusError(f"{folder / 'documents.csv'}: document {doc_id!r} names {file}, which is missing")
        texts[doc_id] = path.read_text(encoding="utf-8")
    units["start"] = units["start"].astype("int64")
    units["end"] = units["end"].astype("int64")
    problems = _document_problems(documents, units, texts)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise CorpusError(f"{folder}: {len(problems)} problem(s) found:\n{listed}")
    units = units.join(documents[list(DOCUMENT_GENRE_COLUMNS)], on="doc_id")
    return DocumentSet(documents, units, texts)
