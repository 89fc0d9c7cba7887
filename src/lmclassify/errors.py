"""The exceptions lmclassify raises for unusable files (kept import-light: no numpy, no pandas)."""


class CorpusError(ValueError):
    """A labelled file cannot be used; the message names the file, the problems and the rows."""


class ModelError(Exception):
    """A model file cannot be used: the message names the file and the cause."""


class DataFileError(ValueError):
    """A data file to classify cannot be read or written as asked: the message names the file and the problem."""
