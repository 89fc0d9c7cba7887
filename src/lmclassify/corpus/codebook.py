"""The codebook and the Kotter lexicon, read from ``data/codebook.json`` and ``data/lexicon.csv``.

>>> LABELS
('management', 'leadership', 'neither')
>>> FUNCTIONS["leadership"]
('direction', 'alignment', 'motivation', 'culture')
>>> FUNCTION_LABEL["budgeting"]
'management'
>>> LEXICON["budgeting"][:3]
('budget', 'budgets', 'budgeted')
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

from lmclassify.errors import CorpusError
from lmclassify.resources import bundled_file

StrPath: TypeAlias = str | os.PathLike[str]

_LABEL_KEYS = {"name", "definition", "functions", "cue_stems"}
_FUNCTION_KEYS = {"name", "definition"}


@dataclass(frozen=True)
class Codebook:
    """The labels in order, their functions, the definitions of both and each label's cue stems.

    >>> load_codebook().function_definitions["planning"].startswith("Deciding what will be done")
    True
    """

    labels: tuple[str, ...]
    label_definitions: MappingProxyType[str, str]
    functions: MappingProxyType[str, tuple[str, ...]]
    function_definitions: MappingProxyType[str, str]
    no_function: str
    cue_stems: MappingProxyType[str, tuple[str, ...]]

    @property
    def function_label(self) -> MappingProxyType[str, str]:
        """The label each function belongs to, in codebook order."""
        return MappingProxyType({f: label for label, functions in self.functions.items() for f in functions})


def _fail(path: Path, problems: list[str]) -> CorpusError:
    listed = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
    return CorpusError(f"{path}: {listed}")


def _text(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} must be a non-empty string, got {value!r}")
        return ""
    return value


def _is_clean(term: str) -> bool:
    return term == term.lower() and term == " ".join(term.split()) and term != ""


def _functions(
    items: Any, label: str, no_function: str, definitions: dict[str, str], problems: list[str]
) -> tuple[str, ...]:
    """Check one label's list of functions, adding each definition to ``definitions``."""
    if not isinstance(items, list):
        problems.append(f"label {label!r}: 'functions' must be a list")
        return ()
    names: list[str] = []
    for item in items:
        if not isinstance(item, dict) or set(item) != _FUNCTION_KEYS:
            problems.append(f"label {label!r}: every function must be an object with 'name' and 'definition'")
            continue
        function = _text(item["name"], f"a function name of label {label!r}", problems)
        if function in definitions or function == no_function:
            problems.append(f"function {function!r} is listed twice or is the 'no_function' value")
        definitions[function] = _text(item["definition"], f"function {function!r}'s definition", problems)
        names.append(function)
    return tuple(names)


def _stems(stems: Any, label: str, problems: list[str]) -> tuple[str, ...]:
    """Check one label's cue stems: a non-empty list of distinct lower-case strings."""
    if not isinstance(stems, list) or not stems or not all(isinstance(s, str) and _is_clean(s) for s in stems):
        problems.append(f"label {label!r}: 'cue_stems' must be a non-empty list of lower-case strings")
        return ()
    if len(set(stems)) != len(stems):
        problems.append(f"label {label!r}: a cue stem is listed twice")
    return tuple(stems)


def load_codebook(path: StrPath | None = None) -> Codebook:
    """Read and check a codebook JSON file (default: the bundled ``data/codebook.json``).

    Raises :class:`~lmclassify.errors.CorpusError` naming the file and every problem found.

    >>> load_codebook().labels
    ('management', 'leadership', 'neither')
    """
    source = Path(path) if path is not None else bundled_file("data", "codebook.json")
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorpusError(f"{source}: cannot read the codebook: {error}") from error
    if not isinstance(document, dict) or set(document) != {"labels", "no_function"}:
        raise CorpusError(f"{source}: the codebook must be an object with exactly the keys 'labels' and 'no_function'")
    problems: list[str] = []
    no_function = _text(document["no_function"], "'no_function'", problems)
    entries = document["labels"]
    if not isinstance(entries, list) or not entries:
        raise _fail(source, ["'labels' must be a non-empty list", *problems])
    labels: dict[str, str] = {}
    functions: dict[str, tuple[str, ...]] = {}
    function_definitions: dict[str, str] = {}
    cue_stems: dict[str, tuple[str, ...]] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not {"name", "definition", "functions"} <= set(entry) <= _LABEL_KEYS:
            problems.append(f"label {number} must have 'name', 'definition', 'functions' and optionally 'cue_stems'")
            continue
        label = _text(entry["name"], f"label {number}'s name", problems)
        if label in labels:
            problems.append(f"label {label!r} is listed twice")
        labels[label] = _text(entry["definition"], f"label {label!r}'s definition", problems)
        functions[label] = _functions(entry["functions"], label, no_function, function_definitions, problems)
        if "cue_stems" in entry:
            cue_stems[label] = _stems(entry["cue_stems"], label, problems)
    if problems:
        raise _fail(source, problems)
    return Codebook(
        labels=tuple(labels),
        label_definitions=MappingProxyType(labels),
        functions=MappingProxyType(functions),
        function_definitions=MappingProxyType(function_definitions),
        no_function=no_function,
        cue_stems=MappingProxyType(cue_stems),
    )


def load_lexicon(
    path: StrPath | None = None, codebook: Codebook | None = None
) -> MappingProxyType[str, tuple[str, ...]]:
    """Read and check a ``function,term`` lexicon CSV (default: the bundled ``data/lexicon.csv``).

    Terms are returned per function in codebook order, each function's terms in file order. Raises
    :class:`~lmclassify.errors.CorpusError` naming the file and every problem found: an unknown function, a term
    that is empty, not lower-case or listed twice, or a function of the codebook with no terms.

    >>> len(load_lexicon()["culture"]) > 10
    True
    """
    source = Path(path) if path is not None else bundled_file("data", "lexicon.csv")
    known = (codebook or _CODEBOOK).function_label
    terms: dict[str, list[str]] = {function: [] for function in known}
    seen: dict[str, int] = {}
    problems: list[str] = []
    try:
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != ["function", "term"]:
                raise CorpusError(f"{source}: the header must be 'function,term', got {header!r}")
            for row in reader:
                line = reader.line_num
                if len(row) != 2:
                    problems.append(f"line {line}: expected 2 fields, got {len(row)}")
                    continue
                function, term = row
                if function not in terms:
                    problems.append(f"line {line}: unknown function {function!r} (known: {', '.join(known)})")
                elif not _is_clean(term):
                    problems.append(f"line {line}: term {term!r} must be non-empty, lower-case and single-spaced")
                elif term in seen:
                    problems.append(f"line {line}: term {term!r} is listed twice (first on line {seen[term]})")
                else:
                    seen[term] = line
                    terms[function].append(term)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CorpusError(f"{source}: cannot read the lexicon: {error}") from error
    problems += [f"function {function!r} has no terms" for function, found in terms.items() if not found]
    if problems:
        raise _fail(source, problems)
    return MappingProxyType({function: tuple(found) for function, found in terms.items()})


_CODEBOOK = load_codebook()

LABELS: tuple[str, ...] = _CODEBOOK.labels

#: The functions of each label, in codebook order (``neither`` has none).
FUNCTIONS: MappingProxyType[str, tuple[str, ...]] = _CODEBOOK.functions

#: The function value used in the corpus for "neither" rows.
NO_FUNCTION: str = _CODEBOOK.no_function

FUNCTION_LABEL: MappingProxyType[str, str] = _CODEBOOK.function_label

#: A one-sentence definition of each label.
LABEL_DEFINITIONS: MappingProxyType[str, str] = _CODEBOOK.label_definitions

#: A one-line definition of each function.
FUNCTION_DEFINITIONS: MappingProxyType[str, str] = _CODEBOOK.function_definitions

#: The obvious cue words of each label, as word-initial stems (the datasheet's codebook lists them). A sentence
#: with none of its own label's stems is "cue-free": its orientation comes from meaning, not from vocabulary.
CUE_STEMS: MappingProxyType[str, tuple[str, ...]] = _CODEBOOK.cue_stems

#: The terms of each management and leadership function, read from ``data/lexicon.csv`` on first use.
LEXICON: MappingProxyType[str, tuple[str, ...]]

_CUE_PATTERNS = {
    label: re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + ")", re.IGNORECASE)
    for label, stems in CUE_STEMS.items()
}


def _lexicon() -> MappingProxyType[str, tuple[str, ...]]:
    loaded: MappingProxyType[str, tuple[str, ...]] | None = globals().get("LEXICON")
    if loaded is None:
        loaded = globals()["LEXICON"] = load_lexicon()
    return loaded


def __getattr__(name: str) -> MappingProxyType[str, tuple[str, ...]]:
    """Load :data:`LEXICON` on first access, so that importing the labels does not read the lexicon."""
    if name == "LEXICON":
        return _lexicon()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def term_function() -> dict[str, str]:
    """Map every lexicon term to its function (a new dict on each call).

    >>> term_function()["servant leadership"]
    'culture'
    """
    return {term: function for function, terms in _lexicon().items() for term in terms}


def has_cue(text: str, label: str) -> bool:
    """Whether ``text`` contains an obvious cue word of ``label`` (management or leadership).

    >>> has_cue("We set the budget.", "management"), has_cue("Two porters on nights now.", "management")
    (True, False)
    """
    return bool(_CUE_PATTERNS[label].search(text))


__all__ = [
    "CUE_STEMS",
    "FUNCTIONS",
    "FUNCTION_DEFINITIONS",
    "FUNCTION_LABEL",
    "LABELS",
    "LABEL_DEFINITIONS",
    "LEXICON",
    "NO_FUNCTION",
    "Codebook",
    "has_cue",
    "load_codebook",
    "load_lexicon",
    "term_function",
]
