"""A text file's lines for the line-based readers: decoded so that any bytes can be written back, counted, and
bounded in length.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "in.txt"
>>> _ = path.write_bytes(b"caf\\xe9\\nok\\n")
>>> lines = Lines(path)
>>> [line.encode("utf-8", "surrogateescape") for line in lines], lines.last_undecodable
([b'caf\\xe9\\n', b'ok\\n'], 1)
>>> lines.close()
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: A line longer than this many bytes is a malformed record, skipped without being read into memory.
MAX_LINE_BYTES = 8 << 20
#: What a line over :data:`MAX_LINE_BYTES` is read as (its number is in :attr:`Lines.too_long`).
SKIPPED_LINE = "\0\n"


#: What ``surrogateescape`` makes of bytes that are not UTF-8 (valid UTF-8 never decodes to these).
UNDECODABLE = re.compile("[\udc80-\udcff]")


def has_undecodable(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 when it was read.

    >>> has_undecodable("caf\\udce9"), has_undecodable("café")
    (True, False)
    """
    return UNDECODABLE.search(text) is not None


def raw_lines(handle: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of a binary file, each with its line break; ``None`` for a line over :data:`MAX_LINE_BYTES`,
    which is skipped a megabyte at a time."""
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        if len(raw) <= MAX_LINE_BYTES:
            yield raw
            continue
        while not raw.endswith(b"\n") and (raw := handle.readline(1 << 20)):
            pass
        yield None


def too_long_problem() -> str:
    """How a line over the limit is reported."""
    return f"longer than {MAX_LINE_BYTES:,} bytes; skipped without being read"


class Lines:
    """Physical lines of a binary file decoded as UTF-8 (BOM dropped). Bytes that are not UTF-8 become lone
    surrogates (``surrogateescape``), so that writers can put the very same bytes back; the number of the last
    such line is remembered. Counts lines and bytes consumed."""

    def __init__(self, path: Path):
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by the reader's close()
        self.total_bytes = max(path.stat().st_size, 1)
        self.bytes_read = 0
        self.line_number = 0
        self.last_undecodable = 0
        self.too_long: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for raw in raw_lines(self.handle):
            self.line_number += 1
            if raw is None:
                self.bytes_read = self.handle.tell()
                self.too_long.add(self.line_number)
                yield SKIPPED_LINE
                continue
            self.bytes_read += len(raw)
            if self.line_number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.last_undecodable = self.line_number
                yield raw.decode("utf-8", errors="surrogateescape")

    def close(self) -> None:
        self.handle.close()
