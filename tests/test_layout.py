"""The house plan holds: no import cycle in ``portal/``, ``search/`` free of Flask and the portal,
modules of a readable size, a top level that holds only the shared base."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
# The shared base: everything else in portal/ lives in an area (a package).
TOP_LEVEL = {"__init__", "audit", "cli", "config", "errors", "extensions", "forms", "labels", "mail", "notify",
             "inputs", "permissions", "statecache", "spreadsheets", "timefmt", "transaction", "urls", "worker"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, within ``package``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m == package or m.startswith(package + ".")}


def _graph(package: str) -> dict[str, set[str]]:
    files = {_module_name(p): p for p in (ROOT / package).rglob("*.py")}
    return {name: {m for m in _imports(path, package) if m in files and m != name} for name, path in files.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_portal_has_no_import_cycle():
    # A package's __init__ re-exporting its own submodules is no cycle: the submodules never
    # import the package's __init__ for anything but their siblings.
    graph = _graph("portal")
    for name in graph:
        graph[name] = {m for m in graph[name] if not (m != name and name.startswith(m + ".")
                                                      and (ROOT / m.replace(".", "/") / "__init__.py").exists())}
    assert _cycles(graph) == []


def test_search_imports_neither_flask_nor_the_portal():
    for path in (ROOT / "search").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in names:
                assert module.split(".")[0] not in {"flask", "portal", "flask_babel", "sqlalchemy"}, (path, module)


@pytest.mark.parametrize("package", ["portal", "search"])
def test_modules_stay_readable(package):
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_portal_top_level_is_the_shared_base():
    modules = {p.stem for p in (ROOT / "portal").glob("*.py")}
    assert modules <= TOP_LEVEL, modules - TOP_LEVEL


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
