"""Read a document to analyse: UTF-8 text files (``.txt``, ``.text``, ``.md``, ``.markdown``) or standard input.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "letter.md"
>>> _ = path.write_bytes("\\ufeffPlan the budget.".encode("utf-8"))
>>> read_document(str(path))
'Plan the budget.'
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from lmclassify.errors import DocumentError

SUFFIXES = (".txt", ".text", ".md", ".markdown")
#: The file name that means standard input.
STDIN = "-"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"{name}: not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start} cannot be decoded); "
            "save or convert it as UTF-8"
        ) from None


def read_document(name: str, stdin: TextIO | None = None) -> str:
    """The text of file ``name`` (``-`` reads ``stdin``); raise :class:`DocumentError` naming the problem."""
    if name == STDIN:
        stream = stdin if stdin is not None else sys.stdin
        buffer = getattr(stream, "buffer", None)
        return _decode(buffer.read(), "<stdin>") if buffer is not None else stream.read()
    path = Path(name)
    if path.is_dir():
        raise DocumentError(f"{name}: is a directory, not a file")
    if path.suffix.lower() not in SUFFIXES:
        raise DocumentError(f"{name}: not a text document; expected one of {', '.join(SUFFIXES)}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{name}: no such file") from None
    except PermissionError:
        raise DocumentError(f"{name}: permission denied") from None
    except OSError as error:
        raise DocumentError(f"{name}: cannot be read ({error.strerror or error})") from None
    return _decode(data, name)
