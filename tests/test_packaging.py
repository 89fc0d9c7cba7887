"""What the package imports is what pyproject.toml declares: core dependencies, or an extra's."""

import ast
import sys
from pathlib import Path

import pytest
from conftest import REPO

import lmclassify

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

SOURCE = Path(lmclassify.__file__).parent
#: Distribution name -> the module it provides, where they differ.
MODULE_OF = {"scikit-learn": "sklearn", "dask": "dask"}
#: Modules an extra provides, by extra.
EXTRA_MODULES = {"parquet": {"pyarrow"}, "dask": {"dask", "distributed"}, "embeddings": {"onnxruntime"}}


def _declared_core() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {
        requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()
        for requirement in project["dependencies"]
    }
    return {MODULE_OF.get(name, name) for name in names}


def _third_party_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top != "lmclassify" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(str(path.relative_to(SOURCE)))
    return found


def test_every_imported_package_is_declared():
    allowed = _declared_core() | set().union(*EXTRA_MODULES.values())
    undeclared = {name: sorted(paths) for name, paths in _third_party_imports().items() if name not in allowed}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_core_dependency_is_used():
    assert _declared_core() <= set(_third_party_imports())


def test_the_package_ships_its_type_information():
    assert (SOURCE / "py.typed").is_file()
