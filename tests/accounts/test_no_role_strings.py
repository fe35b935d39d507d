"""Permissions are decided in one place (issue 19, item 2): outside ``accounts/`` no code compares a
user's role with a role value, and no template compares ``user.profile.role`` or a ``role``
variable; they ask a named capability of :mod:`eduplan.accounts.permissions` instead."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from eduplan.registry.choices import Role, StaffRole

SRC = Path(__file__).resolve().parents[2] / "src" / "eduplan"
#: Role values that are not also staff categories (``"principal"`` is both, so a staff comparison
#: such as ``s.role == "principal"`` is no user-role decision).
ROLE_VALUES = {r.value for r in Role} - {s.value for s in StaffRole}
ROLE_MEMBERS = {r.name for r in Role}


def _is_role_member(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
        and node.attr in ROLE_MEMBERS
    )


def _role_tuples(tree: ast.Module) -> set[str]:
    """Names a module binds to a tuple/list/set literal of ``Role`` members (``OFFICERS`` …)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if isinstance(value, ast.Tuple | ast.List | ast.Set) and any(map(_is_role_member, value.elts)):
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([root.name, *parts])


def _role_tuple_names(path: Path, root: Path, tree: ast.Module, defined: dict[str, set[str]]) -> set[str]:
    """Role-tuple names visible in a module: its own, and those it imports from a module that
    defines them as role tuples (``accounts.permissions`` included)."""
    names = set(defined.get(str(path), set()))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module
            if node.level:
                package = _module_name(path, root).split(".")[: -node.level]
                module = ".".join([*package, node.module])
            names |= {a.asname or a.name for a in node.names if a.name in defined.get(module, set())}
    return names


def _is_role_valued(node: ast.AST, tuple_names: set[str]) -> bool:
    if _is_role_member(node):
        return True
    if isinstance(node, ast.Constant) and node.value in ROLE_VALUES:
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_role_valued(e, tuple_names) for e in node.elts)
    if isinstance(node, ast.Name) and node.id in tuple_names:
        return True
    # ``profile.role`` / ``request.user.profile.role``: the user's role itself
    return isinstance(node, ast.Attribute) and node.attr == "role" and "profile" in ast.unparse(node.value)


def role_comparisons(root: Path = SRC) -> list[str]:
    """``file:line: source`` of every comparison involving a user-role value outside accounts/."""
    every = [p for p in root.rglob("*.py") if "migrations" not in p.parts]
    trees = {p: ast.parse(p.read_text(encoding="utf-8"), filename=str(p)) for p in every}
    defined: dict[str, set[str]] = {}
    for path, tree in trees.items():
        defined[str(path)] = defined[_module_name(path, root)] = _role_tuples(tree)
    found = []
    for path, tree in trees.items():
        if path.relative_to(root).parts[0] == "accounts":
            continue
        tuple_names = _role_tuple_names(path, root, tree, defined)
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(
                _is_role_valued(n, tuple_names) for n in (node.left, *node.comparators)
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


ROLE_STRING = re.compile(r"[=!]=\s*[\"'](" + "|".join(sorted(ROLE_VALUES)) + r")[\"']")
TEMPLATE_ROLE = re.compile(r"\{%[^%]*\b(?:user\.profile\.role|role)\s*(?:==|!=|\bin\b|\bnot in\b)[^%]*%\}")


def template_role_comparisons(root: Path = SRC) -> list[str]:
    found = []
    for path in root.rglob("*.html"):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_ROLE.search(line) or ROLE_STRING.search(line):
                found.append(f"{path.relative_to(root)}:{lineno}")
    return found


def test_no_role_string_comparison_in_python_outside_accounts():
    assert role_comparisons() == []


def test_no_role_comparison_in_templates():
    assert template_role_comparisons() == []


def test_the_scan_finds_each_kind_of_role_comparison(tmp_path):
    """The scan is no stub: each way of comparing a role is caught, staff categories are not."""
    (tmp_path / "views.py").write_text(
        "OFFICERS = (Role.CITY_OFFICER, Role.COUNTY_OFFICER)\n"
        "a = profile.role == Role.PRINCIPAL\n"
        "b = role_of(user) in (Role.CITY_OFFICER, 'superuser')\n"
        "c = role in OFFICERS\n"
        "d = request.user.profile.role != 'county_officer'\n"
        "e = staff.role == StaffRole.TEACHER\n"
        "f = staff.role == 'principal'\n",
        encoding="utf-8",
    )
    (tmp_path / "t.html").write_text(
        '{% if role == "city_officer" %}x{% endif %}\n{% if user.profile.role == "principal" %}{% endif %}\n'
        "{% if can.may_plan %}ok{% endif %}\n",
        encoding="utf-8",
    )
    lines = [f.split(":")[1] for f in role_comparisons(tmp_path)]
    assert lines == ["2", "3", "4", "5"]
    assert [f.split(":")[1] for f in template_role_comparisons(tmp_path)] == ["1", "2"]
