"""The codebook and the lexicon read from data/: unchanged values, consistent files, clear errors, lazy loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest

from lmclassify.corpus import codebook
from lmclassify.corpus.codebook import (
    CUE_STEMS,
    FUNCTION_DEFINITIONS,
    FUNCTION_LABEL,
    FUNCTIONS,
    LABEL_DEFINITIONS,
    LABELS,
    LEXICON,
    NO_FUNCTION,
    has_cue,
    load_codebook,
    load_lexicon,
    term_function,
)
from lmclassify.errors import CorpusError
from lmclassify.resources import bundled_file

# The values the codebook had as Python literals; moving them into data/ must not change them.
MANAGEMENT = ("planning", "budgeting", "organizing", "staffing", "controlling", "problem_solving")
LEADERSHIP = ("direction", "alignment", "motivation", "culture")
MANAGEMENT_STEMS = (
    "manag", "plan", "budget", "schedul", "organi", "staff", "recruit", "hire", "hiring", "monitor", "control", "kpi",
    "target", "track", "report", "process", "procedur", "complian", "efficien", "problem", "issue", "fix", "resolv",
    "cost", "allocat", "deadline", "forecast", "audit", "rota", "spend", "metric",
)  # fmt: skip
LEADERSHIP_STEMS = (
    "lead", "vision", "inspir", "motivat", "cultur", "value", "mission", "strateg", "transform", "chang", "empower",
    "align", "trust", "purpose", "future", "engag", "passion", "coach", "believ", "energi", "mentor",
)  # fmt: skip


def test_labels_functions_and_cue_stems_are_unchanged():
    assert LABELS == ("management", "leadership", "neither")
    assert isinstance(FUNCTIONS, MappingProxyType) and isinstance(CUE_STEMS, MappingProxyType)
    assert dict(FUNCTIONS) == {"management": MANAGEMENT, "leadership": LEADERSHIP, "neither": ()}
    assert tuple(FUNCTIONS) == LABELS
    assert NO_FUNCTION == "none"
    assert list(FUNCTION_LABEL.items()) == [(f, "management") for f in MANAGEMENT] + [
        (f, "leadership") for f in LEADERSHIP
    ]
    assert list(CUE_STEMS.items()) == [("management", MANAGEMENT_STEMS), ("leadership", LEADERSHIP_STEMS)]
    assert has_cue("We set the budget.", "management") and not has_cue("Two porters on nights now.", "management")
    assert has_cue("Inspiring the team", "leadership") and not has_cue("A misleading chart", "leadership")


def test_every_label_and_function_has_a_definition():
    assert tuple(LABEL_DEFINITIONS) == LABELS
    assert tuple(FUNCTION_DEFINITIONS) == MANAGEMENT + LEADERSHIP
    assert all(text.strip() for text in (*LABEL_DEFINITIONS.values(), *FUNCTION_DEFINITIONS.values()))


def test_the_lexicon_covers_exactly_the_management_and_leadership_functions():
    assert isinstance(LEXICON, MappingProxyType)
    assert tuple(LEXICON) == FUNCTIONS["management"] + FUNCTIONS["leadership"]
    assert all(isinstance(terms, tuple) and terms for terms in LEXICON.values())


def test_every_term_is_lower_case_non_empty_and_belongs_to_one_function():
    terms = [term for found in LEXICON.values() for term in found]
    assert len(terms) == len(set(terms)) == len(term_function())
    assert all(term and term == term.lower() and term == " ".join(term.split()) for term in terms)
    assert term_function()["servant leadership"] == "culture"
    assert LEXICON["budgeting"][:3] == ("budget", "budgets", "budgeted")


def test_the_bundled_files_are_canonical():
    """codebook.json is written with indent 2 and a final newline; lexicon.csv has one row per term."""
    text = bundled_file("data", "codebook.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
    rows = bundled_file("data", "lexicon.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "function,term"
    assert rows[1:] == [f"{function},{term}" for function, terms in LEXICON.items() for term in terms]


def test_a_copy_of_the_files_loads_to_the_same_values(tmp_path):
    for name in ("codebook.json", "lexicon.csv"):
        (tmp_path / name).write_bytes(bundled_file("data", name).read_bytes())
    loaded = load_codebook(tmp_path / "codebook.json")
    assert (loaded.labels, loaded.functions, loaded.cue_stems) == (LABELS, FUNCTIONS, CUE_STEMS)
    assert load_lexicon(tmp_path / "lexicon.csv", loaded) == LEXICON


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (["planning,plan", "planing,roadmap"], "line 3: unknown function 'planing'"),
        (["planning,plan", "budgeting,plan"], "line 3: term 'plan' is listed twice (first on line 2)"),
        (["planning,Gantt"], "line 2: term 'Gantt' must be non-empty, lower-case"),
        (["planning,"], "line 2: term '' must be non-empty"),
        (["planning,plan,extra"], "line 2: expected 2 fields, got 3"),
        (["planning,plan"], "function 'culture' has no terms"),
    ],
)
def test_a_malformed_lexicon_names_the_file_and_the_problem(tmp_path, rows, problem):
    good = [f"{function},{term}" for function, terms in LEXICON.items() if function != "planning" for term in terms]
    if "no terms" in problem:
        good = [row for row in good if not row.startswith("culture,")]
    path = tmp_path / "lexicon.csv"
    path.write_text("\n".join(["function,term", *rows, *good]) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        load_lexicon(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_a_lexicon_without_the_header_is_refused(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text("planning,plan\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="the header must be 'function,term'") as caught:
        load_lexicon(path)
    assert str(path) in str(caught.value)


def _broken_codebook(tmp_path: Path, change) -> Path:
    document = json.loads(bundled_file("data", "codebook.json").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "codebook.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["labels"][1]["functions"].append({"name": "planning", "definition": "Again."}), "'planning'"),
        (lambda d: d["labels"][0].update(definition=""), "label 'management''s definition must be a non-empty"),
        (lambda d: d["labels"][0]["cue_stems"].append("Plan"), "'cue_stems' must be a non-empty list of lower-case"),
        (lambda d: d["labels"][2].update(cue_stem=["x"]), "label 3 must have 'name', 'definition', 'functions'"),
        (lambda d: d.pop("no_function"), "exactly the keys 'labels' and 'no_function'"),
    ],
)
def test_a_malformed_codebook_names_the_file_and_the_problem(tmp_path, change, problem):
    path = _broken_codebook(tmp_path, change)
    with pytest.raises(CorpusError) as caught:
        load_codebook(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_a_codebook_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "codebook.json"
    path.write_text("{labels: []", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot read the codebook") as caught:
        load_codebook(path)
    assert str(path) in str(caught.value)


def test_importing_the_codebook_does_not_read_the_lexicon():
    """The lexicon is read on first use; importing the labels pulls in neither the lexicon nor pandas or numpy."""
    code = "\n".join(
        [
            "import sys",
            "opened = []",
            "sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == 'open' else None)",
            "import lmclassify",
            "before = {'pandas', 'numpy'} & set(sys.modules)",
            "from lmclassify.corpus import codebook",
            "from lmclassify.corpus.codebook import LABELS",
            "print('LEXICON' in vars(codebook), any(p.endswith('lexicon.csv') for p in opened))",
            "print(sorted({'pandas', 'numpy'} & set(sys.modules) - before))",
            "codebook.LEXICON",
            "print('LEXICON' in vars(codebook), any(p.endswith('lexicon.csv') for p in opened))",
        ]
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False False", "[]", "True True"]
    assert codebook.__getattr__("LEXICON") is LEXICON


def test_labels_are_the_three_kotter_orientations():
    assert LABELS == ("management", "leadership", "neither")


def test_every_label_has_its_functions_and_each_function_one_label():
    assert set(FUNCTIONS) == set(LABELS)
    assert len(FUNCTIONS["management"]) == 6 and len(FUNCTIONS["leadership"]) == 4
    assert FUNCTIONS["neither"] == ()
    assert all(FUNCTION_LABEL[f] == label for label, functions in FUNCTIONS.items() for f in functions)
