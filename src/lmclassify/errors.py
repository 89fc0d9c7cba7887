"""The exceptions lmclassify raises for unusable files (kept import-light: no numpy, no pandas)."""


class CorpusError(ValueError):
    """A labelled file cannot be used; the message names the file, the problems and the rows."""


class ModelError(Exception):
    """A model file cannot be used: the message names the file and the cause."""
