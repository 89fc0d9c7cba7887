"""Run the examples in every module's docstrings against the installed package."""

import doctest
import importlib
import pkgutil

import pytest

import lmclassify

#: Modules whose examples need an optional extra, and the module that extra provides.
NEEDS = {"lmclassify.integrations.dask": "dask.dataframe"}

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(lmclassify.__path__, "lmclassify.")
    if not name.endswith("__main__") and not name.endswith("._fastscore")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name in NEEDS:
        pytest.importorskip(NEEDS[name], reason=f"{name}'s examples need {NEEDS[name]} (an optional extra)")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
