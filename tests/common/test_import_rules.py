"""The import rules of docs/architecture.md, enforced on the source: no cycle between apps, no app
importing another app's views, ``common`` importing no domain app, and no app reaching another
through an ``importlib`` string.

The graph is built with ``ast`` from module-level imports (imports inside functions are the lazy
loading of heavy libraries and are listed in the architecture page, not hidden cycles to allow).
``registry.models`` (models, choices, identity) is a node of its own: it is the bottom of the
tree, imported by ``accounts`` and ``common``, while the registry's actions, queries and admin sit
above them.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import eduplan

ROOT = Path(eduplan.__file__).parent
BOTTOM = {"models", "choices", "identity"}

#: Cycles that remain outside this change, each with its owner. Remove an entry when it is fixed.
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()

#: What ``common`` may import: the bottom layer only (see docs/architecture.md).
COMMON_MAY_IMPORT = {"common", "accounts", "registry.models", "plans", "output"}


def node_of(module: str) -> str | None:
    """The graph node of a dotted module name inside eduplan (``None`` outside it)."""
    parts = module.split(".")
    if parts[0] != "eduplan" or len(parts) < 2:
        return None
    if parts[1] == "registry" and len(parts) > 2 and parts[2] in BOTTOM:
        return "registry.models"
    return parts[1]


def _is_module(dotted: str) -> bool:
    path = ROOT.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _imports(path: Path, *, module_level: bool) -> list[tuple[str, int]]:
    """(imported module, line) of ``path``: only those run at import time when ``module_level``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import) and (inner or not module_level):
                found.extend((a.name, child.lineno) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and (inner or not module_level):
                base = package[: len(package) - child.level + 1] if child.level else []
                target = ".".join([*base, *([child.module] if child.module else [])])
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    found.append((sub if _is_module(sub) else target, child.lineno))
            visit(child, inner)

    visit(tree, True)
    return found


@cache
def _sources() -> tuple[Path, ...]:
    return tuple(p for p in sorted(ROOT.rglob("*.py")) if "migrations" not in p.parts)


def _graph(*, module_level: bool = True) -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in _sources():
        source = node_of(_module_name(path))
        if source is None:
            continue
        for module, line in _imports(path, module_level=module_level):
            target = node_of(module)
            if target is not None and target != source:
                edges[(source, target)].append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return edges


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in list(graph):
        if v not in index:
            connect(v)
    return out


def test_no_import_cycle_between_apps():
    edges = _graph()
    known = {e for e in KNOWN_CYCLE_EDGES} | {(b, a) for a, b in KNOWN_CYCLE_EDGES}
    cycles = _cycles({e for e in edges if e not in known})
    detail = [line for c in cycles for (a, b), lines in edges.items() if a in c and b in c for line in lines]
    assert cycles == [], "import cycles between apps:\n" + "\n".join(detail)


def test_known_cycle_exceptions_are_still_real():
    """An exception that no longer occurs must be removed from the list."""
    edges = _graph()
    for a, b in KNOWN_CYCLE_EDGES:
        assert (a, b) in edges and (b, a) in edges, f"{a} <-> {b} is no longer a cycle: remove it"


def test_no_app_imports_another_apps_views():
    bad = []
    for path in _sources():
        source = node_of(_module_name(path))
        for module, line in _imports(path, module_level=False):
            parts = module.split(".")
            own = node_of(module)
            if own is not None and len(parts) > 2 and parts[2] == "views" and own != source:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert bad == []


def test_common_imports_no_domain_app():
    bad = [
        line
        for (source, target), lines in _graph(module_level=False).items()
        if source == "common" and target not in COMMON_MAY_IMPORT
        for line in lines
    ]
    assert bad == []


def test_the_bottom_of_the_registry_imports_nothing_above_it():
    """registry.models is below accounts and common: it imports neither (nor anything else)."""
    bad = [
        line
        for (source, target), lines in _graph(module_level=False).items()
        if source == "registry.models" and target not in {"plans", "output"}
        for line in lines
    ]
    assert bad == []


def test_apps_reach_each_other_by_registration_not_by_importlib_strings():
    """Providers (to-do items, notice parts, incident bans, hazards) register in AppConfig.ready."""
    for name in (
        "metrics/incidents.py",
        "rules/safety.py",
        "supervision/notices/parts.py",
        "web/worklist.py",
    ):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "importlib" not in text, name
