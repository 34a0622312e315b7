"""The package's shape: no import cycles in ``generator/`` (or ``tools/``), and the runtime
package never imports the offline ``tools/``.

Every ``import`` statement counts, wherever it stands: at module level, inside a function (a
lazy import still makes the module depend on the other one; hiding a cycle in a function is how
cycles survive), and under ``if TYPE_CHECKING:`` (never executed, but the two modules' types
then depend on each other, so neither can be understood or moved alone). Relative imports are
resolved against the importing module, and ``from pkg import name`` points at ``pkg.name`` when
that is a module, else at ``pkg``. An edge goes to the imported module only, not to its parent
packages (their ``__init__`` files import nothing of ours). Imports computed at run time
(``importlib.import_module(variable)``, as ``generator/cli.py`` does for sub-commands) are not
seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("generator", "tools")

Graph = Mapping[str, Iterable[str]]


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under the given top-level packages."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported_names(module: str, path: Path) -> set[str]:
    """Absolute dotted names of everything ``module`` imports, anywhere in its file."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # ``from . import x`` in a package's __init__ is relative to the package itself.
                base = module.split(".")
                keep = len(base) - node.level + (1 if is_package else 0)
                if keep < 1:
                    raise ValueError(f"{path}: relative import beyond the top-level package")
                stem = ".".join(base[:keep] + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # ``from pkg import name``: name may be a submodule; the caller decides which is real.
            names.add(stem)
            names.update(f"{stem}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _owner(name: str, modules: Iterable[str]) -> str | None:
    """The most specific module among ``modules`` that ``name`` is or lies inside."""
    known = set(modules)
    while name not in known:
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return name


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules among ``modules`` that it imports (self-imports dropped)."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets: set[str] = set()
        for name in imported_names(module, path):
            owner = _owner(name, modules)
            # ``from pkg import Name``: both ``pkg`` and ``pkg.Name`` are in ``names``; the
            # latter resolves to ``pkg`` when Name is not a module, so this adds nothing new.
            if owner is not None and owner != module:
                targets.add(owner)
        graph[module] = targets
    return graph


def _edges(graph: Graph) -> dict[str, list[str]]:
    edges = {node: sorted(set(targets)) for node, targets in graph.items()}
    for targets in list(edges.values()):
        for target in targets:
            edges.setdefault(target, [])
    return edges


def knots(graph: Graph) -> list[set[str]]:
    """The strongly connected components that hold a cycle (Tarjan's algorithm)."""
    edges = _edges(graph)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def connect(node: str) -> None:  # recursion depth: at most the number of modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:  # a self-import is a cycle too
                found.append(component)

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(found, key=min)


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle per knot, as a path ``[a, b, …, a]`` from the knot's smallest module back to
    it by the shortest way (breadth-first); sorted. A self-import is ``[a, a]``."""
    edges = _edges(graph)
    return sorted(_shortest_cycle(edges, knot, min(knot)) for knot in knots(graph))


def _shortest_cycle(edges: Mapping[str, list[str]], component: set[str], start: str) -> list[str]:
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target in edges[node]:
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if target in component and target not in parent:
                    parent[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a strongly connected component but on no cycle")


def assert_no_cycles(graph: Graph) -> None:
    """Fail with one cycle per knot and, where a knot is larger, the rest of its modules."""
    lines = []
    for knot in knots(graph):
        cycle = _shortest_cycle(_edges(graph), knot, min(knot))
        rest = sorted(knot - set(cycle))
        lines.append(" -> ".join(cycle) + (f" (same knot: {', '.join(rest)})" if rest else ""))
    if lines:  # raised, not asserted, so the message reaches the report exactly as written
        raise AssertionError("import cycles:\n" + "\n".join(lines))


def imports_of_tools(modules: Mapping[str, Path], package: str = "generator") -> list[str]:
    """``module -> name`` for every import of ``tools`` by a module of ``package``."""
    found: list[str] = []
    for module, path in modules.items():
        if module == package or module.startswith(package + "."):
            for name in sorted(imported_names(module, path)):
                if name == "tools" or name.startswith("tools."):
                    found.append(f"{module} -> {name}")
    return found


# The real packages.


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return module_files(ROOT, PACKAGES)


def test_the_walk_sees_the_packages(modules: dict[str, Path]) -> None:
    # A walk that found nothing would pass every check below.
    assert {"generator.cli", "generator.qa.session", "tools.train_tiny"} <= set(modules)
    graph = import_graph(modules)
    assert "generator.qa.pipeline" in graph["generator.qa.session"]
    assert "generator.qa.synthetic" not in modules  # moved to tools/


def test_generator_has_no_import_cycles(modules: dict[str, Path]) -> None:
    assert_no_cycles(import_graph(modules))


def test_generator_never_imports_tools(modules: dict[str, Path]) -> None:
    assert imports_of_tools(modules) == []


# The checker itself, on small made-up graphs and packages.


def test_find_cycles_reports_each_cycle_as_a_path() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    with pytest.raises(AssertionError) as caught:
        assert_no_cycles(graph)
    assert str(caught.value) == "import cycles:\na -> b -> c -> a\ne -> e"


def test_find_cycles_takes_the_shortest_way_back_and_passes_a_dag() -> None:
    graph = {"a": {"b", "x"}, "b": {"c"}, "c": {"a"}, "x": {"a"}}
    assert find_cycles(graph) == [["a", "x", "a"]]
    with pytest.raises(AssertionError) as caught:
        assert_no_cycles(graph)
    assert str(caught.value) == "import cycles:\na -> x -> a (same knot: b, c)"
    assert find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert_no_cycles({"a": {"b"}, "b": set()})


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_every_kind_of_import_makes_an_edge(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "from . import base\n",
            "pkg/base.py": "import os\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/top.py": "from ..base import thing\nimport pkg.sub.lazy as lazy\n",
            "pkg/sub/lazy.py": "def f():\n    from pkg.sub import hinted\n",
            "pkg/sub/hinted.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .top import X\n"
                "from tools import helper\n"
            ),
        },
    )
    modules = module_files(tmp_path, ["pkg"])
    assert import_graph(modules) == {
        "pkg": {"pkg.base"},
        "pkg.base": set(),
        "pkg.sub": set(),
        "pkg.sub.top": {"pkg.base", "pkg.sub.lazy"},
        "pkg.sub.lazy": {"pkg.sub", "pkg.sub.hinted"},
        "pkg.sub.hinted": {"pkg.sub.top"},
    }
    with pytest.raises(AssertionError) as caught:
        assert_no_cycles(import_graph(modules))
    assert str(caught.value) == (
        "import cycles:\npkg.sub.hinted -> pkg.sub.top -> pkg.sub.lazy -> pkg.sub.hinted"
    )
    assert imports_of_tools(modules, "pkg") == [
        "pkg.sub.hinted -> tools",
        "pkg.sub.hinted -> tools.helper",
    ]
