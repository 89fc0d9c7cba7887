"""Every error lmclassify raises on purpose derives from LmclassifyError, and every one is exported."""

import ast
import inspect
from pathlib import Path

import pytest

import lmclassify
from lmclassify import errors

SOURCE = Path(lmclassify.__file__).parent
#: Built-in exceptions the package may still raise itself, and why.
ALLOWED_BUILTINS = {
    "RuntimeError",  # an internal consistency check that would mean a bug in lmclassify
    "AttributeError",  # what a module's __getattr__ must raise for names it does not have
}


def _error_classes() -> list[type]:
    return [value for _, value in inspect.getmembers(errors, inspect.isclass) if issubclass(value, Exception)]


def test_every_error_class_derives_from_the_base_and_is_exported():
    for error in _error_classes():
        assert issubclass(error, lmclassify.LmclassifyError), error
        assert getattr(lmclassify, error.__name__) is error, f"{error.__name__} is not exported by lmclassify"


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (errors.TextTypeError, TypeError),
        (errors.EmptyTextError, ValueError),
        (errors.CorpusError, ValueError),
        (errors.ColumnError, KeyError),
        (errors.MissingExtraError, ModuleNotFoundError),
        (errors.BundledFileError, FileNotFoundError),
    ],
)
def test_errors_are_also_the_builtin_that_describes_them(error, builtin):
    assert issubclass(error, builtin)


def test_a_column_error_shows_its_message_without_quotes():
    assert str(errors.ColumnError("column 'x' not found")) == "column 'x' not found"


def test_the_package_raises_only_its_own_errors():
    own = {error.__name__ for error in _error_classes()}
    found = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
                name = node.exc.func.id
                if name[0].isupper() and name not in own and name not in ALLOWED_BUILTINS:
                    found.append(f"{path.relative_to(SOURCE)}:{node.lineno} raises {name}")
    assert not found, "\n".join(found)


def test_bad_input_to_classify_raises_the_documented_errors():
    with pytest.raises(lmclassify.TextTypeError, match="item 1"):
        lmclassify.classify(["fine", 3])
    with pytest.raises(lmclassify.EmptyTextError):
        lmclassify.classify("   ")
