"""CSV records from a file's lines, with a damaged record confined to its own line.

A quoted field may hold line breaks, so one record can run over several lines. That makes one stray quote
dangerous: read naively, ``2,"Unclosed…`` swallows every line after it into one field. Here a record may run
over several lines only while it stays under :data:`RECORD_CHAR_LIMIT` characters and closes its quote before the
file ends; otherwise its first line is reported as malformed (with its cells as that line alone gives them) and
reading resumes on the next line. A field longer than :data:`FIELD_LIMIT` characters makes its record malformed
too, but every one of its cells is kept.

>>> lines = ['1,"fine, quoted"\\n', '2,"never closed\\n', '3,next\\n']
>>> [(record.line, record.cells, record.problem is None) for record in CsvRecords(iter(lines))]
[(1, ['1', 'fine, quoted'], True), (2, ['2', 'never closed\\n'], False), (3, ['3', 'next'], True)]
"""

from __future__ import annotations

import csv
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

#: A record spread over several lines may hold at most this many characters.
RECORD_CHAR_LIMIT = 1 << 20
#: A field longer than this makes its record malformed (the csv module's default limit, which it enforces).
FIELD_LIMIT = csv.field_size_limit()

_LIMIT_LOCK = threading.Lock()


class Record(NamedTuple):
    """One CSV record: the line it starts on (1 = the file's first line), its cells, and what is wrong with it
    (``None`` when nothing is)."""

    line: int
    cells: list[str]
    problem: str | None = None


class _TooLong(Exception):
    """The record being read has grown past :data:`RECORD_CHAR_LIMIT`."""


class _Feeder:
    """The lines handed to the csv module, remembering those of the record being read (which starts on line
    ``record_start``); lines given back are handed out again, in order, before any new one."""

    def __init__(self, lines: Iterator[str], first_number: int):
        self._lines = lines
        self._pending: deque[str] = deque()
        self._next = first_number
        self.record_start = first_number
        self.fed: list[str] = []
        self.fed_chars = 0
        self.exhausted = False

    def __iter__(self) -> _Feeder:
        return self

    def __next__(self) -> str:
        if self._pending:
            text = self._pending.popleft()
        else:
            try:
                text = next(self._lines)
            except StopIteration:
                self.exhausted = True
                raise
        self._next += 1
        self.fed.append(text)
        self.fed_chars += len(text)
        if self.fed_chars > RECORD_CHAR_LIMIT and len(self.fed) > 1:
            raise _TooLong
        return text

    def start_record(self) -> None:
        self.record_start, self.fed, self.fed_chars, self.exhausted = self._next, [], 0, False

    def give_back_all_but_the_first(self) -> None:
        self._pending.extendleft(reversed(self.fed[1:]))
        self._next = self.record_start + 1

    def give_back_all(self) -> None:
        self._pending.extendleft(reversed(self.fed))
        self._next = self.record_start


def _cells_of(text: str) -> list[str]:
    """The cells of one line read alone (a quote it opens ends with the line)."""
    return next(csv.reader([text]), [])


@contextmanager
def _no_field_limit() -> Iterator[None]:
    """Lift the csv module's field limit (a global setting) while one record is read: this module applies its
    own limits, and a long field must not cost the record its other cells."""
    with _LIMIT_LOCK:
        previous = csv.field_size_limit(sys.maxsize)
        try:
            yield
        finally:
            csv.field_size_limit(previous)


class CsvRecords:
    """Iterate the records of CSV ``lines`` (decoded lines, each ending with its line break), numbered from
    ``first_line``; blank lines are skipped."""

    def __init__(self, lines: Iterator[str], first_line: int = 1):
        self._feeder = _Feeder(lines, first_line)

    def __iter__(self) -> Iterator[Record]:
        feeder = self._feeder
        reader = csv.reader(feeder)
        while True:
            feeder.start_record()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _TooLong:
                yield self._unclosed(f"not closed within {RECORD_CHAR_LIMIT:,} characters")
                reader = csv.reader(feeder)
                continue
            except csv.Error as error:
                if "field larger than field limit" in str(error):
                    yield self._with_long_field()
                    reader = csv.reader(feeder)
                    continue
                start, first = feeder.record_start, feeder.fed[0]  # a NUL character, say
                feeder.give_back_all_but_the_first()
                with _no_field_limit():
                    cells = _cells_of(first.replace("\0", ""))
                yield Record(start, cells, f"not readable as CSV ({error})")
                reader = csv.reader(feeder)
                continue
            if feeder.exhausted and feeder.fed:  # the csv module asked for more lines: a quote was still open
                yield self._unclosed("never closed (the file ends inside it)")
                reader = csv.reader(feeder)
                continue
            if cells:
                yield Record(feeder.record_start, cells)

    def _with_long_field(self) -> Record:
        """Read the record again, with the field limit lifted, so that none of its cells is lost."""
        feeder = self._feeder
        feeder.give_back_all()
        feeder.start_record()
        try:
            with _no_field_limit():
                cells = next(csv.reader(feeder))
        except _TooLong:
            return self._unclosed(f"not closed within {RECORD_CHAR_LIMIT:,} characters")
        return Record(feeder.record_start, cells, f"a field is over {FIELD_LIMIT:,} characters")

    def _unclosed(self, how: str) -> Record:
        feeder = self._feeder
        start, first = feeder.record_start, feeder.fed[0]
        feeder.give_back_all_but_the_first()
        with _no_field_limit():
            cells = _cells_of(first)
        return Record(start, cells, f"a quoted field opened on this line is {how}; read as one line")
