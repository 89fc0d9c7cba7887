"""The package keeps the shape its layout promises: imports run one way, with no circle, and modules stay small.

Every import counts here, including those inside functions and under ``TYPE_CHECKING``.
"""

import ast
from pathlib import Path

import pytest

import lmclassify

SOURCE = Path(lmclassify.__file__).parent
MAX_LINES = 400

#: Layers from the bottom up: a module may import its own layer and the layers below it, never one above.
LAYERS = [
    ["errors"],
    ["resources"],
    ["io"],
    ["corpus"],
    ["features", "embeddings"],
    ["model"],
    ["runtime"],
    ["explain", "documents"],
    ["evaluation"],
    ["training"],
    ["classifier", "cache", "api", "workers", "batch", "integrations"],
    ["cli", "__init__", "__main__", "train", "evaluate", "model_selection", "datasheet", "markup"],
]
RANK = {top: rank for rank, tops in enumerate(LAYERS) for top in tops}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(["lmclassify", *parts])


def _imports(path: Path, package: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("lmclassify"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            if base.startswith("lmclassify"):
                found.update(f"{base}.{alias.name}" for alias in node.names)
                found.add(base)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in SOURCE.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets = {target for target in _imports(path, package) if target in paths and target != name}
        graph[name] = {target for target in targets if not (target == "lmclassify" and name != "lmclassify")}
    return graph


def _top(name: str) -> str:
    """The layer a module belongs to: that of its top-level module or subpackage."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_module_is_longer_than_the_limit():
    long = {
        str(p.relative_to(SOURCE)): n
        for p in SOURCE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_every_module_belongs_to_a_layer():
    assert {_top(name) for name in _graph()} <= set(RANK)


def test_imports_never_run_up_the_layers():
    upward = [
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for target in targets
        if RANK[_top(target)] > RANK[_top(name)]
    ]
    assert not upward, "\n".join(sorted(upward))


def test_there_is_no_import_circle():
    graph = _graph()
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not circles, "\n".join(circles)


@pytest.mark.parametrize(
    "name", sorted(n for n in _graph() if n.count(".") == 1 and (SOURCE / n.split(".")[1]).is_dir())
)
def test_every_subpackage_says_what_it_is_for(name):
    docstring = ast.get_docstring(ast.parse((SOURCE / name.split(".")[1] / "__init__.py").read_text()))
    assert docstring and len(docstring.splitlines()) == 1, f"{name} needs a one-line docstring"
