"""Every error lmclassify raises on purpose, all derived from :class:`LmclassifyError` (import-light: no numpy).

Each one also derives from the built-in exception that describes it best (``ValueError``, ``TypeError``,
``KeyError``), so code that catches those keeps working.

>>> issubclass(CorpusError, LmclassifyError) and issubclass(CorpusError, ValueError)
True
"""

from __future__ import annotations


class LmclassifyError(Exception):
    """The base of every error lmclassify raises on purpose; catch it to handle them all."""


class TextTypeError(LmclassifyError, TypeError):
    """Something that is not a ``str`` was given to classify; the message names the item and its type."""


class EmptyTextError(LmclassifyError, ValueError):
    """A text to classify is empty or only whitespace; the message names the item."""


class ArgumentError(LmclassifyError, ValueError):
    """An argument has a value lmclassify cannot use; the message names the argument and what is allowed."""


class ArgumentTypeError(LmclassifyError, TypeError):
    """An argument has a type lmclassify cannot use; the message names the argument and what is allowed."""


class MissingExtraError(LmclassifyError, ModuleNotFoundError):
    """A feature needs an optional extra that is not installed; the message gives the install command."""


class BundledFileError(LmclassifyError, FileNotFoundError):
    """A file that ships with lmclassify is missing; the message names where it was looked for."""


class ColumnError(LmclassifyError, KeyError):
    """A table lacks a column that was asked for, or already has one that would be overwritten."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class CorpusError(LmclassifyError, ValueError):
    """A labelled file cannot be used; the message names the file, the problems and the rows."""


class ModelError(LmclassifyError):
    """A model file cannot be used: the message names the file and the cause."""


class ExportError(LmclassifyError, ValueError):
    """A fitted model uses something the compiled runtime cannot reproduce, or its export does not match it."""


class DataFileError(LmclassifyError, ValueError):
    """A data file to classify cannot be read or written as asked: the message names the file and the problem."""


class DocumentError(LmclassifyError, ValueError):
    """A document cannot be read; the message names the file and the problem."""


#: The earlier name of :class:`ExportError`.
CompileError = ExportError

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "BundledFileError",
    "ColumnError",
    "CompileError",
    "CorpusError",
    "DataFileError",
    "DocumentError",
    "EmptyTextError",
    "ExportError",
    "LmclassifyError",
    "MissingExtraError",
    "ModelError",
    "TextTypeError",
]
