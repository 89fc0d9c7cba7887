"""Read a document to analyse: UTF-8 text files (``.txt``, ``.text``, ``.md``, ``.markdown``) or standard input.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "letter.md"
>>> _ = path.write_bytes("\\ufeffPlan the budget.".encode("utf-8"))
>>> read_document(str(path))
'Plan the budget.'
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from lmclassify.errors import DocumentError

SUFFIXES = (".txt", ".text", ".md", ".markdown")
#: The file name that means standard input.
STDIN = "-"
#: The largest document read; a longer file (or standard input) is refused without being read whole.
MAX_DOCUMENT_BYTES = 64 << 20


def _read_bounded(handle: BinaryIO, name: str) -> bytes:
    data = handle.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{name}: longer than {MAX_DOCUMENT_BYTES:,} bytes, the limit for one document; split it into smaller files"
        )
    return data


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start} cannot be decoded); "
            "save or convert it as UTF-8"
        ) from None


def read_document(name: str, stdin: TextIO | None = None) -> str:
    """The text of file ``name`` (``-`` reads ``stdin``); raise :class:`DocumentError` naming the problem.

    Only regular files are read (a FIFO, a device or a link to one is refused before it is opened), and at most
    :data:`MAX_DOCUMENT_BYTES` of them.
    """
    if name == STDIN:
        stream = stdin if stdin is not None else sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            return _decode(_read_bounded(buffer, "<stdin>"), "<stdin>")
        text = stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(text) > MAX_DOCUMENT_BYTES:
            raise DocumentError(f"<stdin>: longer than {MAX_DOCUMENT_BYTES:,} characters, the limit for one document")
        return text
    path = Path(name)
    if path.is_dir():
        raise DocumentError(f"{name}: is a directory, not a file")
    if path.suffix.lower() not in SUFFIXES:
        raise DocumentError(f"{name}: not a text document; expected one of {', '.join(SUFFIXES)}")
    try:
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            raise DocumentError(f"{name}: not a regular file (a pipe, device or socket); it was not read")
        with open(path, "rb") as handle:
            data = _read_bounded(handle, name)
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as error:
        raise DocumentError(f"{name}: cannot be read ({error.strerror or error})") from None
    return _decode(data, name)
