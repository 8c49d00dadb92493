"""Imports run one way: no import circle among any distribution's modules.

Every ``import`` counts (module level, inside a function, under
``TYPE_CHECKING``): a lazy import is still an arrow. A circle is a group of
two or more modules that reach each other; a package's ``__init__`` that
only re-exports its own submodules (which import each other not at all) is
not one. The same rule as the team's ``import_cycles.py`` tool.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_SRC = ROOT / "packages" / "locus-core" / "src"
DIST_SRCS = sorted((ROOT / "packages").glob("*/src"))
PACKAGES: set[str] = set()


def _module(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def import_graph(src: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``src`` it imports (packages' ``__init__`` under their name)."""
    files = {_module(p, src): p for p in src.rglob("*.py")}
    PACKAGES.update(m for m, p in files.items() if p.name == "__init__.py")
    edges: dict[str, set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            else:
                continue
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != mod:
                    edges[mod].add(target)
    return edges


def _only_reexports(group: list[str], edges: dict[str, set[str]]) -> bool:
    inits = {m for m in group if m in PACKAGES}
    rest = set(group) - inits
    return len(inits) <= 1 and not any(edges[m] & (rest - {m}) for m in rest)


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 and not _only_reexports(group, edges):
                    found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_the_checker_sees_a_circle_through_a_lazy_import(tmp_path: Path) -> None:
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from demo.b import x\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")
    (pkg / "c.py").write_text("import demo.a\n")
    assert circles(import_graph(tmp_path)) == [["demo.a", "demo.b"]]


def test_core_modules_import_one_way() -> None:
    assert circles(import_graph(CORE_SRC)) == []


def test_every_distribution_is_checked() -> None:
    assert CORE_SRC in DIST_SRCS
    assert ROOT / "packages" / "locus-a2a" / "src" in DIST_SRCS


@pytest.mark.parametrize("src", DIST_SRCS, ids=lambda src: src.parent.name)
def test_each_distribution_imports_one_way(src: Path) -> None:
    assert circles(import_graph(src)) == []


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("locus.multiagent.graph._exec", "locus.multiagent.graph._compiled"),
        ("locus.multiagent.graph._persist", "locus.multiagent.graph._compiled"),
        ("locus.multiagent.graph._draw", "locus.multiagent.graph._compiled"),
        ("locus.multiagent.graph._compiled", "locus.multiagent.graph._builder"),
        ("locus.multiagent.graph._nodes", "locus.multiagent.graph._exec"),
        ("locus.plugins._manager", "locus.cli"),
    ],
)
def test_a_lower_layer_does_not_reach_a_higher_one(lower: str, higher: str) -> None:
    edges = import_graph(CORE_SRC)
    seen: set[str] = set()
    todo = [lower]
    while todo:
        module = todo.pop()
        for target in edges[module] - seen:
            seen.add(target)
            todo.append(target)
    assert higher not in seen
